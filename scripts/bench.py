#!/usr/bin/env python3
"""Benchmark the catalogue at scale on synthetic data: every issue-16 target, met or not, per size.

    .venv/bin/python scripts/bench.py                          # 100, 1,000, 5,000 and 10,000 practices
    .venv/bin/python scripts/bench.py --sizes 100 1000         # a quicker run
    .venv/bin/python scripts/bench.py --save out.json          # keep each size's figures as soon as measured
    .venv/bin/python scripts/bench.py --load a.json b.json     # print the tables of saved runs again
    .venv/bin/python scripts/bench.py --hostile                # worst-case inputs instead (scripts/hostile_bench.py)

The code measured is the `reskb` of the Python running this script: run the script with another
checkout's venv (`/other/.venv/bin/python scripts/bench.py`) to measure that checkout (its mkdocs.yml
and docs/ go into the synthetic catalogues too). Every command is run as users run it, as a child
process: `reskb validate` (cold: empty cache, once every file is 2 s old; warm: a second run after one
YAML edit), `mkdocs build --strict`, the same pages as plain Markdown built by MkDocs without our plugin,
and the serve command (`--serve-cmd`), timed from saving one YAML file to the served page showing the edit. Caches go to a
fresh XDG_CACHE_HOME inside the temporary folder, so nothing outside it is read or written.

Peak memory is the ru_maxrss that os.wait4() returns for that one child: the largest resident set of
the child or of any descendant it waited for (pandoc included), in KiB on Linux. It is exactly what
`/usr/bin/time -v` reports, without a dependency, and per child (RUSAGE_CHILDREN would be the maximum
over every child the benchmark ever ran). It is the largest single process, not the sum of processes
that ran at the same time. Linux also counts in it the peak of the process that spawned the child (the
memory they shared until exec): it never reads below the benchmark's own peak so far. Our build is spawned
while the benchmark is small; the plain build, after the benchmark has made its pages in process
(plain_copy), so its figure may read high. For the builds, which fork children of their own, the sum is measured too
(TreeMemory): the Pss of the build and every descendant, added up every 0.5 s; the peak of that sum is
what the build takes of the machine's memory. Both carry the 1 GB target.

Reader's download of a page (page_weight()): the page's HTML plus the same-origin scripts and style
sheets it links, plus Material's search worker and the search index (search/search_index.json) on
every page whose theme configuration starts search, each gzipped (level 6) alone; KB = 1,000 bytes.

Linear growth: for each figure, its cost per practice at a size N above 1,000 divided by its cost per
practice at 1,000; growth is at most linear when that ratio is at most 1.2 (GROWTH_LIMIT).
The machine has 2 cores shared with other jobs: one run per figure, so wall times move with the load
(printed per size). CPU times (user + system, from the same wait4 rusage, /proc for the serve process,
process_time for queries) are printed beside them: they move far less with other jobs' load and are the
fairer figures for comparing runs made at different loads; the targets are on wall time, as the issue says.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import importlib.util
import json
import os
import pkgutil
import platform
import random
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent


def target_checkout() -> Path:
    """The checkout whose `reskb` this Python imports (an editable install); this script's own otherwise."""
    spec = importlib.util.find_spec("reskb")
    if spec and spec.origin:
        candidate = Path(spec.origin).resolve().parents[2]
        if (candidate / "mkdocs.yml").exists():
            return candidate
    return SCRIPTS.parent


REPO = target_checkout()
COUNTRIES = ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR", "HU", "IE", "IT",
             "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK", "US"]
PHASES = ["pre-trial", "in-prison", "pre-release", "release", "post-release", "community"]
LEADS = ["state", "ngo", "hybrid", "community", "multi-agency", "international"]
KINDS = ["case-conference", "network-meeting", "mentoring", "counselling", "training", "risk-assessment"]
FREQ = ["weekly", "every-two-weeks", "monthly", "before-release", "per-case", "continuous"]
EVIDENCE = ["unknown", "not-evaluated", "evaluation-planned", "reported-outcomes", "evaluated-positive"]
WORDS = ("family support release probation prison mentoring trust community housing employment education "
         "reintegration desistance disengagement radicalisation extremist offender practitioner police youth "
         "care mental health assessment resilience transition network theological religious training staff "
         "exit work local authority judge conditional plan meeting weekly coordination").split()
GROWTH_LIMIT = 1.2
GROWTH_BASE = 1000


def sentence(rng: random.Random, n: int = 14) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def generate(root: Path, practices: int, seed: int = 1) -> None:
    """A synthetic catalogue: n practices, n/10 topics and challenges (at least 10), n/5 references (at least
    10, at most 1,000: the bibliography's limit, MAX_ENTRIES, so 10,000 practices cite the same 1,000 works)."""
    rng = random.Random(seed)
    n_topics = n_challenges = max(10, practices // 10)
    n_refs = min(1_000, max(10, practices // 5))
    for folder in ("practices", "challenges", "topics", "bibliography", "docs"):
        (root / folder).mkdir(parents=True)
    keys = [f"author{i}{2000 + i % 25}" for i in range(n_refs)]
    with (root / "bibliography/refs.bib").open("w") as bib:
        for i, key in enumerate(keys):
            bib.write(f"@article{{{key},\n  author = {{Author{i}, A. and Writer{i % 7}, B.}},\n  title = {{{sentence(rng, 8)}}},"
                      f"\n  journal = {{Journal of {rng.choice(WORDS).title()}}},\n  volume = {{{i % 40}}},\n"
                      f"  pages = {{{i}--{i + 20}}},\n  year = {{{2000 + i % 25}}}\n}}\n\n")

    cited: list[tuple[str, int]] = []  # the pages cited in the record being written: its references list them

    def refs_yaml(k: int) -> str:
        listed = [*cited, *((key, rng.randint(1, 90)) for key in rng.sample(keys, k))]
        cited.clear()
        return "".join(f"  - key: {key}\n    pages: \"{page}\"\n" for key, page in dict.fromkeys(listed))

    def cite() -> str:
        cited.append((rng.choice(keys), rng.randint(1, 90)))
        return f"[@{cited[-1][0]}, p. {cited[-1][1]}]"

    for kind, count in (("topic", n_topics), ("challenge", n_challenges)):
        for i in range(count):
            (root / f"{kind}s" / f"{kind}-{i}.yaml").write_text(
                f"id: {kind}-{i}\ntitle: {kind.title()} {i} {rng.choice(WORDS)}\nsummary: {sentence(rng)} {cite()}.\n"
                f"description: |\n  {sentence(rng, 40)} {cite()}.\n\n  {sentence(rng, 40)}.\n"
                f"references:\n{refs_yaml(1)}last_reviewed: 2026-01-{1 + i % 28:02d}\n")
    for i in range(practices):
        countries = rng.sample(COUNTRIES, rng.choice([1, 1, 1, 2]))
        body = "\n\n  ".join(f"{sentence(rng, 45)} {cite()}." for _ in range(4))
        (root / "practices" / f"practice-{i}.yaml").write_text(
            f"id: practice-{i}\ntitle: Practice {i}, {sentence(rng, 4).lower()}\nsummary: >-\n  {sentence(rng, 30)} {cite()}.\n"
            f"description: |\n  {body}\nwhy_promising: |\n  {sentence(rng, 40)} @{rng.choice(keys)} argues.\n"
            f"countries: [{', '.join(countries)}]\n"
            f"topics: [{', '.join(f'topic-{t}' for t in rng.sample(range(n_topics), 2))}]\n"
            f"challenges: [challenge-{rng.randrange(n_challenges)}]\n"
            f"phases: [{', '.join(rng.sample(PHASES, 2))}]\nlead_actor: {rng.choice(LEADS)}\n"
            f"participants:\n  - name: Probation service\n    kind: probation\n  - name: Police\n    kind: police\n"
            f"format:\n  kinds: [{rng.choice(KINDS)}]\n  frequency: {rng.choice(FREQ)}\n  produces: {sentence(rng, 6)}.\n"
            f"status: {rng.choice(['pilot', 'established'])}\nstart_year: {rng.randint(2005, 2024)}\n"
            f"evidence:\n  status: {rng.choice(EVIDENCE)}\nreferences:\n{refs_yaml(2)}"
            f"last_reviewed: 2026-02-{1 + i % 28:02d}\nadded: 2025-12-01\n")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copy(REPO / "CONTRIBUTING.md", root / "CONTRIBUTING.md")  # the contributor page includes it
    for page in (REPO / "docs").rglob("*"):
        if page.is_file():
            target = root / "docs" / page.relative_to(REPO / "docs")
            target.parent.mkdir(parents=True, exist_ok=True)
            if page.suffix == ".md":  # hand-written pages may cite works the synthetic catalogue lacks
                target.write_text(re.sub(r"\[@[^\]]*\]", "", page.read_text(encoding="utf-8")))
            else:
                shutil.copy(page, target)


# ---------------------------------------------------------------------------------------------------
# targets, met / not met, growth


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    fmt: str
    #: size -> (operator, limit); size None: every size
    targets: dict[int | None, tuple[str, float]] = field(default_factory=dict)


FIGURES = [
    Figure("pages", "pages built", "{:,.0f}"),
    Figure("serve_rebuild_s", "preview: serve rebuild after one YAML edit (s)", "{:.1f}",
           {1000: ("<=", 2), 5000: ("<=", 5)}),
    Figure("serve_rebuild_cpu_s", "  CPU time of that rebuild (s)", "{:.1f}"),
    Figure("serve_settled_s", "  every page settled: until the list pages are current too (s)", "{:.1f}"),
    Figure("serve_settled_cpu_s", "  CPU time until then (s)", "{:.1f}"),
    Figure("validate_cold_s", "validate, cold (s)", "{:.2f}", {5000: ("<", 3)}),
    Figure("validate_warm_s", "validate, one file changed (a title), warm (s)", "{:.2f}", {5000: ("<", 0.5)}),
    Figure("validate_link_s", "validate, one file changed (a practice's challenge), warm (s)", "{:.2f}",
           {5000: ("<", 0.5)}),
    Figure("validate_added_s", "validate, one practice added, warm (s)", "{:.2f}"),
    Figure("validate_cold_cpu_s", "  CPU time, cold (s)", "{:.2f}"),
    Figure("validate_warm_cpu_s", "  CPU time, warm (a title) (s)", "{:.2f}"),
    Figure("validate_link_cpu_s", "  CPU time, warm (a challenge) (s)", "{:.2f}"),
    Figure("validate_added_cpu_s", "  CPU time, warm (a practice added) (s)", "{:.2f}"),
    Figure("cli_startup_s", "  `reskb --help` alone: start-up and imports (s)", "{:.2f}"),
    Figure("validate_peak_mb", "validate peak memory, cold (MiB)", "{:,.0f}"),
    Figure("build_s", "build (s)", "{:.1f}"),
    Figure("plain_build_s", "plain MkDocs, same pages (s)", "{:.1f}"),
    Figure("build_ratio", "build / plain build", "{:.2f}x", {5000: ("<=", 1.3)}),
    Figure("build_cpu_s", "  build CPU time (s)", "{:.1f}"),
    Figure("plain_build_cpu_s", "  plain build CPU time (s)", "{:.1f}"),
    Figure("build_cpu_ratio", "  build / plain build, CPU time", "{:.2f}x"),
    Figure("build_peak_mb", "build peak memory (MiB)", "{:,.0f}", {5000: ("<", 1024)}),
    Figure("build_total_mb", "  build and its child processes together, peak (MiB, Pss)", "{:,.0f}",
           {5000: ("<", 1024)}),
    Figure("plain_peak_mb", "plain build peak memory (MiB)", "{:,.0f}"),
    Figure("plain_total_mb", "  plain build and its child processes together, peak (MiB, Pss)", "{:,.0f}"),
    Figure("max_page_kb_gz", "heaviest page download, gz (KB)", "{:,.0f}", {None: ("<=", 300)}),
    Figure("search_index_kb_gz", "  site search index, gz (KB)", "{:,.0f}"),
    Figure("site_mb", "site size (MB)", "{:,.1f}"),
    Figure("index_s", "reskb search index build (s)", "{:.1f}"),
    Figure("index_cpu_s", "  CPU time of that build (s)", "{:.1f}"),
    Figure("query_median_ms", "search query median (ms)", "{:.1f}", {5000: ("<", 10)}),
    Figure("query_p95_ms", "search query p95 (ms)", "{:.1f}", {5000: ("<", 25)}),
    Figure("query_cpu_median_ms", "  search query CPU time, median (ms)", "{:.1f}"),
    Figure("query_cpu_p95_ms", "  search query CPU time, p95 (ms)", "{:.1f}"),
]
BY_NAME = {f.name: f for f in FIGURES}


def target_for(figure: Figure, size: int) -> tuple[str, float] | None:
    return figure.targets.get(size) or figure.targets.get(None)


def is_met(value: float | None, target: tuple[str, float], over: float | None = None) -> bool | None:
    """True / False against the target; a stopped measurement (`over` seconds and still running) fails
    a "below" target it already passed; None when nothing can be said."""
    op, limit = target
    if value is None:
        return False if over is not None and over >= limit else None
    return value < limit if op == "<" else value <= limit


def growth_ratio(base_value: float, base_size: int, value: float, size: int) -> float:
    """Cost per practice at `size` over cost per practice at `base_size`."""
    if base_value <= 0:
        return float("inf") if value > 0 else 1.0
    return (value / size) / (base_value / base_size)


def growth_verdict(ratio: float | None, lower_bound: bool = False) -> str:
    if ratio is None:
        return "unknown"
    if ratio <= GROWTH_LIMIT:
        return "unknown (stopped)" if lower_bound else "met"
    return "not met"


def cell(figure: Figure, row: dict) -> str:
    if figure.name in row.get("stopped", {}):
        return f"over {row['stopped'][figure.name]:.0f} s (stopped)"
    if figure.name in row.get("failed", {}):
        return "failed"
    value = row.get(figure.name)
    return "–" if value is None else figure.fmt.format(value)


def size_table(row: dict) -> list[str]:
    size = row["practices"]
    lines = [f"### {size:,} practices" + (f" ({row['note']})" if row.get("note") else ""), "",
             "| figure | value | target | met? |", "|---|---|---|---|"]
    for figure in FIGURES:
        target = target_for(figure, size)
        verdict = "–"
        if target:
            met = is_met(row.get(figure.name), target, row.get("stopped", {}).get(figure.name))
            verdict = "unknown" if met is None else ("met" if met else "**not met**")
        text = f"{target[0]} {target[1]:g}" if target else "–"
        lines.append(f"| {figure.label} | {cell(figure, row)} | {text} | {verdict} |")
    if row.get("heaviest_page"):
        lines += ["", "heaviest page: " + row["heaviest_page"]]
    return lines


def growth_table(rows: list[dict]) -> list[str]:
    by_size = {row["practices"]: row for row in rows}
    base = by_size.get(GROWTH_BASE)
    larger = sorted(s for s in by_size if s > GROWTH_BASE)
    rule = (f"Linear growth: cost per practice (figure / practices) at N divided by cost per practice at "
            f"{GROWTH_BASE:,}; at most linear when <= {GROWTH_LIMIT}.")
    if base is None or not larger:
        return [rule, "", f"(needs {GROWTH_BASE:,} and a larger size)"]
    head = "| figure | " + " | ".join(f"{s:,} / {GROWTH_BASE:,}" for s in larger) + " | met? |"
    lines = [rule, "", head, "|---|" + "---|" * (len(larger) + 1)]
    for figure in FIGURES:
        base_value = base.get(figure.name)
        if base_value is None or figure.name.endswith("_ratio"):  # a ratio of two costs is not a cost per practice
            continue
        cells, verdicts = [], []
        for size in larger:
            row = by_size[size]
            value, over = row.get(figure.name), row.get("stopped", {}).get(figure.name)
            if value is not None:
                ratio = growth_ratio(base_value, GROWTH_BASE, value, size)
                cells.append(f"{ratio:.2f}")
                verdicts.append(growth_verdict(ratio))
            elif over is not None:
                ratio = growth_ratio(base_value, GROWTH_BASE, over, size)
                cells.append(f"> {ratio:.2f}")
                verdicts.append(growth_verdict(ratio, lower_bound=True))
            else:
                cells.append("–")
                verdicts.append("unknown")
        overall = ("**not met**" if "not met" in verdicts else
                   "met" if all(v == "met" for v in verdicts) else "unknown")
        lines.append(f"| {figure.label.strip()} | " + " | ".join(cells) + f" | {overall} |")
    return lines


def report(rows: list[dict], meta: dict) -> str:
    lines = [f"code: {meta.get('code')}", f"machine: {meta.get('machine')}",
             *([f"bytecode: {meta['bytecode']}"] if meta.get("bytecode") else []), ""]
    for row in sorted(rows, key=lambda r: r["practices"]):
        lines += size_table(row)
        context = row.get("context", {})
        if context:
            lines.append(f"measured {context.get('started')} to {context.get('finished')} "
                         f"({context.get('wall_s', 0) / 60:.1f} min); load average before {context.get('load_before')}, "
                         f"after {context.get('load_after')}")
        lines.append("")
    lines += growth_table(rows)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------
# running commands as users do


def command(text: str) -> list[str]:
    """The command line split; `reskb` / `mkdocs` become the ones installed next to this Python."""
    words = shlex.split(text)
    sibling = Path(sys.executable).parent / words[0]
    if words[0] in ("reskb", "mkdocs") and sibling.exists():
        words[0] = str(sibling)
    elif words[0] == "mkdocs":
        words[:1] = [sys.executable, "-m", "mkdocs"]
    return words


def child_env(cache: Path) -> dict[str, str]:
    cache.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1", "XDG_CACHE_HOME": str(cache)}


#: process groups of the commands being measured (each runs in its own session)
CHILDREN: set[int] = set()


@dataclass
class Run:
    seconds: float
    peak_mb: float
    returncode: int
    output: str
    cpu_s: float = 0.0
    total_mb: float | None = None  # TreeMemory's peak, when sampled


class TreeMemory:
    """The peak, over the run of a command, of the memory its process and every descendant hold together: the
    sum of their proportional set sizes (Pss, /proc/PID/smaps_rollup: a page shared by n processes counts 1/n
    in each, so the sum is the memory the tree takes), sampled every `interval` seconds on a thread. A process
    that lives between two samples is missed. peak_mb stays None where /proc does not say (not Linux)."""

    def __init__(self, pid: int, interval: float = 0.5):
        self.pid, self.interval = pid, interval
        self.peak_mb: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> float | None:
        self._stop.set()
        self._thread.join()
        return self.peak_mb

    def _run(self) -> None:
        while not self._stop.is_set():
            total = sum(_pss_kib(pid) or 0 for pid in _process_tree(self.pid))
            if total and (self.peak_mb is None or total / 1024 > self.peak_mb):
                self.peak_mb = total / 1024
            self._stop.wait(self.interval)


def _process_tree(pid: int) -> list[int]:
    """pid and its descendants, from /proc/PID/task/TID/children (a child forked by any thread)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo.extend(int(child) for child in children.read().split())
            except OSError:
                continue
    return found


def _pss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def timed(argv: list[str], env: dict[str, str], cwd: Path | None = None, timeout: float = 3600,
          sample_memory: bool = False) -> Run:
    """Run to the end; wall time, and peak memory from os.wait4 (the child and its waited-for descendants);
    with sample_memory, the peak of the whole process tree's memory too (TreeMemory)."""
    log = tempfile.TemporaryFile(mode="w+")
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    CHILDREN.add(proc.pid)
    timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
    timer.start()
    memory = TreeMemory(proc.pid) if sample_memory else None
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
        CHILDREN.discard(proc.pid)
        total_mb = memory.stop() if memory else None
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    log.seek(0)
    output = log.read()
    log.close()
    if seconds >= timeout:
        output += f"\n(stopped after {timeout:.0f} s)"
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, output, usage.ru_utime + usage.ru_stime, total_mb)


#: how long after its last change the validation cache trusts a file's stat for its bytes
#: (reskb.records.validation_cache.SETTLED_NS, 2 s), plus a margin
SETTLE_S = 2.5


def wait_until_settled(root: Path) -> float:
    """Wait until the newest file under root was written SETTLE_S ago; return the seconds waited.

    A file changed less than 2 s before a validate run is read again by the next run, whatever its stat says
    (git's "racily clean" files). The synthetic catalogue is written just before the cold run, so without this
    wait the warm runs would read back most of the 6,000 files the cold run had just checked: they would measure
    a catalogue written a second ago, not one file changed in a checkout, as a contributor's is."""
    newest = max((entry.stat().st_mtime for entry in root.rglob("*") if entry.is_file()), default=0.0)
    wait = max(0.0, newest + SETTLE_S - time.time())
    time.sleep(wait)
    return wait


def validation(root: Path, cache: Path, validate_cmd: str) -> dict[str, float]:
    """Cold (empty cache) and warm `reskb validate`: a second run after one YAML edit (a title), a third after
    another (a practice's challenge: what the checks across records read), a fourth after a practice is added
    (a new id: every check runs, as after any id, file name, reference or day changed)."""
    env = child_env(cache)
    argv = [*command(validate_cmd), str(root)]
    wait_until_settled(root)
    cold = timed(argv, env)
    if cold.returncode != 0:
        raise SystemExit(f"`{shlex.join(argv)}` failed on the synthetic catalogue:\n{cold.output[-3000:]}")
    target = root / "practices/practice-2.yaml"
    target.write_text(target.read_text().replace("title: Practice 2,", "title: Practice 2 (edited),"))
    warm = timed(argv, env)
    target = root / "practices/practice-3.yaml"
    text = target.read_text()
    other = "challenge-1" if "challenges: [challenge-0]" in text else "challenge-0"
    target.write_text(re.sub(r"(?m)^challenges: \[challenge-\d+\]$", f"challenges: [{other}]", text))
    link = timed(argv, env)
    text = (root / "practices/practice-4.yaml").read_text()
    (root / "practices/practice-added.yaml").write_text(text.replace("id: practice-4\n", "id: practice-added\n"))
    added = timed(argv, env)
    startup = timed([*command("reskb"), "--help"], env)
    return {"validate_cold_s": cold.seconds, "validate_warm_s": warm.seconds, "validate_peak_mb": cold.peak_mb,
            "validate_cold_cpu_s": cold.cpu_s, "validate_warm_cpu_s": warm.cpu_s, "validate_link_s": link.seconds,
            "validate_link_cpu_s": link.cpu_s, "validate_added_s": added.seconds, "validate_added_cpu_s": added.cpu_s,
            "cli_startup_s": startup.seconds}


def compile_bytecode() -> str:
    """Compile the measured package to bytecode first, as Python does on its first run wherever it may write
    it: with PYTHONDONTWRITEBYTECODE set (as on this machine), every run would compile its modules again."""
    package = REPO / "src"
    if not package.is_dir():
        return "not compiled (no src/ folder)"
    done = subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], capture_output=True, timeout=600)
    unset = "unset" if os.environ.get("PYTHONDONTWRITEBYTECODE") is None else "set"
    return (f"{'compiled' if done.returncode == 0 else 'compiling failed'} before measuring "
            f"(python -m compileall src; PYTHONDONTWRITEBYTECODE is {unset} here)")


def mkdocs_build(config: Path, site: Path, cache: Path, timeout: float) -> Run:
    run = timed([*command("mkdocs"), "build", "--strict", "-f", str(config), "-d", str(site)], child_env(cache),
                cwd=config.parent, timeout=timeout, sample_memory=True)
    if run.returncode != 0:
        raise SystemExit(f"build of {config} failed:\n{run.output[-3000:]}")
    return run


#: where each function lives at 5c4e6c3; other layouts are searched (the package is being restructured)
HOMES = {"load_catalogue": "reskb.validate", "build_pages": "reskb.pages", "build_downloads": "reskb.pages",
         "site_files": "reskb.contributing", "ensure_index": "reskb.search", "search": "reskb.search"}


def reskb_function(name: str):
    """A function of the reskb package: from its 5c4e6c3 home, or the module of the package defining it."""
    import reskb

    try:
        return getattr(importlib.import_module(HOMES.get(name, "reskb")), name)
    except (ImportError, AttributeError):
        pass
    for module_name in (m.name for m in pkgutil.walk_packages(reskb.__path__, "reskb.")):
        try:
            module = importlib.import_module(module_name)
        except Exception:  # noqa: BLE001, S112 (a module that needs an optional dependency)
            continue
        obj = getattr(module, name, None)
        if callable(obj) and getattr(obj, "__module__", "") == module_name:
            return obj
    raise LookupError(f"no function {name} in the reskb package")


def plain_copy(root: Path, plain: Path) -> None:
    """The same pages as hand-written Markdown, built with the same theme and plugins minus ours."""
    load_catalogue, build_pages = reskb_function("load_catalogue"), reskb_function("build_pages")
    build_downloads, site_files = reskb_function("build_downloads"), reskb_function("site_files")
    catalogue, _ = load_catalogue(root)
    shutil.copytree(root / "docs", plain / "docs")
    shutil.copy(root / "CONTRIBUTING.md", plain / "CONTRIBUTING.md")
    for path, text in {**build_pages(catalogue, "https://example.org/reskb/"), **build_downloads(catalogue),
                       **site_files()}.items():
        target = plain / "docs" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    config = (root / "mkdocs.yml").read_text().replace("  - reskb\n", "")
    config = re.sub(r"(?m)^  - reskb:\n(    .*\n)*", "", config)
    (plain / "mkdocs.yml").write_text(config)


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


# ---------------------------------------------------------------------------------------------------
# the reader's download


def page_weight(site: Path) -> dict:
    """The heaviest page: its download (HTML + what it loads, each gzipped) in KB, and what it is made of
    (scripts/page_weight.py reads the pages)."""
    sys.path.insert(0, str(SCRIPTS))
    from page_weight import SEARCH_INDEX, page_weights

    weights = page_weights(site)
    index = site / SEARCH_INDEX
    index_kb = len(gzip.compress(index.read_bytes(), compresslevel=6)) / 1e3 if index.is_file() else 0.0
    if not weights:
        return {"max_page_kb_gz": 0.0, "heaviest_page": "", "search_index_kb_gz": index_kb}
    top = weights[0]
    parts = [f"HTML {top.html_kb:.0f}"] + [f"{path} {kb:.0f}" for path, kb in
                                           sorted(top.parts.items(), key=lambda kv: -kv[1]) if path != top.page][:4]
    return {"max_page_kb_gz": top.total_kb, "heaviest_page": f"{top.page} ({', '.join(parts)} KB gz)",
            "search_index_kb_gz": index_kb}


# ---------------------------------------------------------------------------------------------------
# search queries and the serve rebuild


def queries() -> list[str]:
    sys.path.insert(0, str(SCRIPTS))
    from search_benchmark import QUERIES  # the same queries as the search benchmark

    return list(QUERIES)


def search_figures(root: Path, rounds: int = 20) -> dict[str, float]:
    """Index build time (wall and CPU), then latency of each query over `rounds` rounds after a first, untimed one
    (the first opens the index: once per process for a user). The p95 is the 95th percentile of every timed
    query's wall time; CPU times beside it show how much of a slow query was the query and how much the load."""
    load_catalogue, ensure_index, search = (reskb_function(n) for n in ("load_catalogue", "ensure_index", "search"))
    catalogue, _ = load_catalogue(root)
    start, start_cpu = time.perf_counter(), time.process_time()
    ensure_index(root, catalogue=catalogue)
    built, built_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    latencies, cpu = [], []
    for n in range(rounds + 1):
        for query in queries():
            t0, c0 = time.perf_counter(), time.process_time()
            search(query, root=root, limit=10)
            if n:
                latencies.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
    latencies.sort()
    cpu.sort()
    return {"index_s": built, "index_cpu_s": built_cpu, "query_median_ms": statistics.median(latencies),
            "query_p95_ms": latencies[int(len(latencies) * 0.95) - 1], "query_cpu_median_ms": statistics.median(cpu),
            "query_cpu_p95_ms": cpu[int(len(cpu) * 0.95) - 1]}


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (our own local server)
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""


def cpu_seconds(pid: int) -> float:
    """CPU time of a running process and its waited-for children so far (Linux /proc), 0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime


#: what the plugin logs after a build that leaves every generated page current (reskb.site.preview.SETTLED)
SETTLED = "reskb: every generated page is current"


def serve_rebuild(root: Path, cache: Path, serve_cmd: str, start_timeout: float, timeout: float) -> dict:
    """Seconds from saving one practice's YAML file to the served page of that practice showing the edit
    ("edited page shown", the target), and, when the plugin says when (SETTLED in its log), to the end of the
    build that made every generated page current: the lists, finder and exports that show the edited title
    ("every page settled"; the similar-practice lists, found in a background thread, may follow later)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    argv = [*command(serve_cmd), "-a", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(argv, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=child_env(cache), start_new_session=True)
    CHILDREN.add(proc.pid)
    served: list[str] = []
    tail: list[str] = []
    settled: list[float] = []  # when each SETTLED line was read

    def read() -> None:
        for line in proc.stdout or []:
            if SETTLED in line:
                settled.append(time.perf_counter())
            tail[:] = [*tail[-30:], line]
            found = re.search(r"Serving on (http://\S+)", line)
            if found:
                served.append(found.group(1))

    threading.Thread(target=read, daemon=True).start()
    try:
        deadline = time.monotonic() + start_timeout
        while not served and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        if not served:
            return {"failed": {"serve_rebuild_s": "".join(tail)[-2000:] or f"not serving after {start_timeout:.0f} s"}}
        url = served[0].rstrip("/") + "/practices/practice-1/"
        while "Practice 1," not in fetch(url) and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(1.0)
        target = root / "practices/practice-1.yaml"
        target.write_text(target.read_text().replace("title: Practice 1,", "title: Practice 1 (changed),"))
        changed, cpu = time.perf_counter(), cpu_seconds(proc.pid)
        while time.perf_counter() - changed < timeout:
            if "Practice 1 (changed)" in fetch(url):
                shown = {"serve_rebuild_s": time.perf_counter() - changed, "serve_rebuild_cpu_s": cpu_seconds(proc.pid) - cpu}
                break
            if proc.poll() is not None:
                return {"failed": {"serve_rebuild_s": "".join(tail)[-2000:]}}
            time.sleep(0.1)
        else:
            return {"stopped": {"serve_rebuild_s": timeout}}
        if not settled:  # a plugin that does not say when every page is current: no second figure
            return shown
        lists = served[0].rstrip("/") + "/practices/"  # the list of every practice shows the edited title
        while time.perf_counter() - changed < timeout:
            after = [t for t in settled if t > changed]
            if after:
                if "Practice 1 (changed)" not in fetch(lists):
                    return {**shown, "failed": {"serve_settled_s": "settled, but /practices/ lacks the edit"}}
                return {**shown, "serve_settled_s": after[0] - changed, "serve_settled_cpu_s": cpu_seconds(proc.pid) - cpu}
            if proc.poll() is not None:
                return {**shown, "failed": {"serve_settled_s": "".join(tail)[-2000:]}}
            time.sleep(0.1)
        return {**shown, "stopped": {"serve_settled_s": timeout}}
    finally:
        CHILDREN.discard(proc.pid)
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def synthetic_references(n: int, seed: int = 2) -> tuple[str, list[str]]:
    """n BibTeX entries of the usual types (a tenth sharing first author and year, so 2016a/2016b and
    initials come into play) and 5n citation groups like those of 5n/5 practices' texts."""
    rng = random.Random(seed)
    kinds = ["article", "book", "report", "incollection", "online"]
    entries, keys = [], []
    for i in range(n):
        key = f"ref{i}"
        keys.append(key)
        surname = f"Author{i // 2 if i % 10 == 0 else i}"
        kind = kinds[i % len(kinds)]
        fields = {"author": f"{surname}, A. and Writer{i % 7}, B.", "title": sentence(rng, 8), "date": str(2000 + i % 25)}
        if kind == "article":
            fields.update(journaltitle=f"Journal of {rng.choice(WORDS).title()}", volume=str(i % 40), number="2",
                          pages=f"{i}--{i + 20}", doi=f"10.1000/x{i}")
        elif kind in ("book", "report"):
            fields.update(publisher="Publisher", institution="Institute", type="Working paper", number=str(i))
        elif kind == "incollection":
            fields.update(booktitle=sentence(rng, 5), editor="Editor, E.", publisher="Publisher", pages="1--20")
        else:
            fields.update(url=f"https://example.org/{i}", urldate="2026-01-01")
        entries.append(f"@{kind}{{{key},\n" + ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items()) + "\n}\n")
    groups = []
    for _ in range(5 * n):
        roll = rng.random()
        if roll < 0.7:
            groups.append(f"[@{rng.choice(keys)}, p. {rng.randint(1, 90)}]")
        elif roll < 0.85:
            groups.append(f"[@{rng.choice(keys)}; @{rng.choice(keys)}, pp. {rng.randint(1, 40)}-{rng.randint(41, 90)}]")
        else:
            groups.append(f"@{rng.choice(keys)} argues")
    return "\n".join(entries), groups


#: the same figure for the pybtex house style that CSL replaced (main at 4d0f689, same generator): one run
#: at load average 6 to 7 on this shared 2-core machine, next to runs of the CSL figure
REFERENCES_BEFORE = "pybtex house style (main at 4d0f689, one run at load 6-7): 2.1 s, peak 32 MB"


def reference_figures(workdir: Path, n: int = 1000) -> dict[str, float]:
    """Cost of formatting n references and 5n citation groups with CSL (pandoc's citeproc), in a child
    process so that its peak memory (with pandoc's) is its own."""
    bib, groups = synthetic_references(n)
    (workdir / "refs.bib").write_text(bib, encoding="utf-8")
    (workdir / "groups.json").write_text(json.dumps(groups), encoding="utf-8")
    code = """
import json, resource, sys, time
from pathlib import Path
from reskb.citations import finish_references, read_bib_file
folder = Path(sys.argv[1])
start = time.perf_counter()
bib = read_bib_file(folder / "refs.bib", "refs.bib")
refs = {r.key: r for r in bib.references}
formatter = finish_references(refs, bib.strings)
read = time.perf_counter() - start
groups = json.loads((folder / "groups.json").read_text())
formatter.prepare(groups)
out = [formatter.render(g) for g in groups]
assert all("](#ref-" in o for o in out) and all(r.html for r in refs.values())
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"references": len(refs), "groups": len(set(groups)), "read_s": read,
                  "format_s": time.perf_counter() - start, "peak_mb": peak / 1024}))
"""
    result = subprocess.run([sys.executable, "-c", code, str(workdir)], capture_output=True, text=True)
    if result.returncode != 0:  # e.g. the citations module moved: say so, measure the rest
        return {"failed": result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "no output"}
    return json.loads(result.stdout.strip().splitlines()[-1])



def measure(size: int, workdir: Path, args: argparse.Namespace, checkpoint=lambda row: None) -> dict:
    """Every figure for one size; the catalogue and sites are removed afterwards unless --keep.
    checkpoint(row) receives the figures so far before each step (a long run stopped keeps them)."""
    started, load_before, wall = time.strftime("%H:%M:%S"), os.getloadavg(), time.perf_counter()
    root, site, plain, plain_site = (workdir / f"{name}-{size}" for name in ("catalogue", "site", "plain", "plain-site"))
    caches = workdir / f"caches-{size}"
    generate(root, size)
    row: dict = {"practices": size, "stopped": {}, "failed": {}}

    def step(name: str) -> None:
        print(f"  {size}: {name} ({time.strftime('%H:%M:%S')})", file=sys.stderr, flush=True)
        checkpoint({**row, "note": f"incomplete: stopped while measuring {name.split(' (')[0]}, started {started}"})

    step("validate")
    row.update(validation(root, caches / "validate", args.validate_cmd))
    step("build")
    ours = mkdocs_build(root / "mkdocs.yml", site, caches / "build", args.build_timeout)
    row.update(pages=len(list(site.rglob("index.html"))), build_s=ours.seconds, build_peak_mb=ours.peak_mb,
               build_total_mb=ours.total_mb,
               build_cpu_s=ours.cpu_s)
    step("plain build")
    try:
        plain_copy(root, plain)
    except LookupError as error:  # the page generators moved out of reach: say so, measure the rest
        row["failed"].update(dict.fromkeys(("plain_build_s", "build_ratio"), str(error)))
    else:
        baseline = mkdocs_build(plain / "mkdocs.yml", plain_site, caches / "plain", args.build_timeout)
        row.update(plain_build_s=baseline.seconds, plain_peak_mb=baseline.peak_mb, plain_build_cpu_s=baseline.cpu_s,
                   plain_total_mb=baseline.total_mb,
                   build_cpu_ratio=ours.cpu_s / baseline.cpu_s if baseline.cpu_s else None,
                   build_ratio=ours.seconds / baseline.seconds)
    row["site_mb"] = size_mb(site)
    step("page weight")
    row.update(page_weight(site))
    shutil.rmtree(plain_site, ignore_errors=True)
    step("search")
    try:
        row.update(search_figures(root))
    except Exception as error:  # noqa: BLE001 (report the figure as failed, measure the rest)
        row["failed"]["query_median_ms"] = row["failed"]["query_p95_ms"] = repr(error)
    if not args.no_serve:
        step(f"serve rebuild ({args.serve_cmd})")
        serve = serve_rebuild(root, caches / "serve", args.serve_cmd, args.build_timeout, args.serve_timeout)
        row.update({k: v for k, v in serve.items() if k not in ("stopped", "failed")})
        row["stopped"].update(serve.get("stopped", {}))
        row["failed"].update(serve.get("failed", {}))
    row["context"] = {"started": started, "finished": time.strftime("%H:%M:%S"),
                      "wall_s": time.perf_counter() - wall,
                      "load_before": " ".join(f"{x:.1f}" for x in load_before),
                      "load_after": " ".join(f"{x:.1f}" for x in os.getloadavg())}
    if not args.keep:
        for folder in (root, site, plain, plain_site, caches):
            shutil.rmtree(folder, ignore_errors=True)
    return row


def describe_code() -> str:
    try:
        rev = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True,
                             text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = "?"
    return f"{REPO} at {rev or '?'} (Python {sys.executable})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000, 10000])
    parser.add_argument("--serve-cmd", default="mkdocs serve --dirty",
                        help="the preview command contributors are told to use (default: %(default)s); "
                             "the benchmark adds -a 127.0.0.1:PORT and runs it in the catalogue folder")
    parser.add_argument("--validate-cmd", default="reskb validate",
                        help="the validation command (default: %(default)s); the catalogue folder is appended")
    parser.add_argument("--no-serve", action="store_true", help="skip the serve rebuild measurement")
    parser.add_argument("--serve-timeout", type=float, default=900,
                        help="seconds to wait for the edited page before recording 'over N s (stopped)'")
    parser.add_argument("--build-timeout", type=float, default=3600, help="seconds for one build (or serve start)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON after the tables")
    parser.add_argument("--save", type=Path, help="write the figures as JSON to this file after each size")
    parser.add_argument("--load", type=Path, nargs="+",
                        help="print the tables of saved runs (no measuring); for a size in several files, the last wins")
    parser.add_argument("--hostile", action="store_true",
                        help="measure validate and build on worst-case inputs (limits: 15 s, 1 GB) instead")
    parser.add_argument("--references", type=int, default=1000, help="references for the formatting figure (0: skip)")
    args = parser.parse_args()
    if args.hostile:
        sys.path.insert(0, str(SCRIPTS))
        from hostile_bench import print_hostile, run_hostile

        rows = run_hostile()
        print_hostile(rows)
        if args.json:
            print(json.dumps(rows, indent=2))
        return
    if args.load:
        saved = [json.loads(path.read_text(encoding="utf-8")) for path in args.load]
        rows = list({row["practices"]: row for run in saved for row in run["rows"]}.values())  # later files win
        print(report(rows, saved[0]["meta"]))
        if args.json:
            print(json.dumps({"meta": saved[0]["meta"], "rows": rows}, indent=2))
        return
    meta = {"code": describe_code(),
            "machine": f"{platform.node()}, {os.cpu_count()} cores shared with other jobs, one run per figure",
            "serve_cmd": args.serve_cmd, "validate_cmd": args.validate_cmd, "bytecode": compile_bytecode()}
    workdir = Path(tempfile.mkdtemp(prefix="reskb-bench-"))

    def save(rows_so_far: list[dict]) -> None:
        if args.save:
            args.save.write_text(json.dumps({"meta": meta, "rows": rows_so_far}, indent=2), encoding="utf-8")

    def stop(signum: int, frame: object) -> None:  # kill the measured commands too, then clean up
        for pgid in list(CHILDREN):
            try:
                os.killpg(pgid, signal.SIGKILL)
            except OSError:
                pass
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    os.environ["XDG_CACHE_HOME"] = str(workdir / "caches-in-process")  # the search index of search_figures
    rows: list[dict] = []
    try:
        if args.references:
            print(f"formatting {args.references} references ...", file=sys.stderr, flush=True)
            refs = reference_figures(workdir, args.references)
            meta["references"] = refs
            if "failed" in refs:
                print(f"references: not measured ({refs['failed']})")
            else:
                print(f"references: {refs['references']:,} formatted (APA 7, CSL through pandoc's citeproc) with "
                      f"{refs['groups']:,} distinct citation groups in {refs['format_s']:.1f} s (reading "
                      f"{refs['read_s']:.1f} s), peak {refs['peak_mb']:.0f} MB; before, " + REFERENCES_BEFORE)
        for size in args.sizes:
            print(f"measuring {size} practices ({time.strftime('%H:%M:%S')}) ...", file=sys.stderr, flush=True)
            rows.append(measure(size, workdir, args, lambda partial: save([*rows, partial])))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)  # each size as soon as it is measured
            save(rows)
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(report(rows, meta))
    if args.json:
        print(json.dumps({"meta": meta, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
