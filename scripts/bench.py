#!/usr/bin/env python3
"""Benchmark the catalogue at scale on synthetic data and print one table.

    .venv/bin/python scripts/bench.py                  # 100, 1,000 and 5,000 practices
    .venv/bin/python scripts/bench.py --sizes 100 1000 # a quicker run
    .venv/bin/python scripts/bench.py --hostile        # worst-case inputs instead (scripts/hostile_bench.py)

For each size it generates a realistic catalogue in a temporary folder (practices with challenges,
topics and references in proportion, Markdown bodies with citations) and measures: validation time;
full `mkdocs build` time and peak memory; the same pages built as plain hand-written Markdown with
the same theme and plugins minus ours, and the ratio of the two; search index build time and size;
query latency (median and p95); site size and search index size; the bytes a reader transfers
for one practice page; and the time `mkdocs serve` takes to rebuild after one YAML file changes.
Targets (issue "Performance"): validation of 5,000 practices < 3 s; overhead <= 1.3x; query
median < 10 ms and p95 < 25 ms; peak memory < 1 GB; practice page < 300 KB transferred.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import queue
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
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
MEASURE = """
import json, resource, sys, time
from mkdocs.commands.build import build
from mkdocs.config import load_config
start = time.perf_counter()
build(load_config(sys.argv[1], site_dir=sys.argv[2], strict=True))
print(json.dumps({"seconds": time.perf_counter() - start,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def sentence(rng: random.Random, n: int = 14) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def generate(root: Path, practices: int, seed: int = 1) -> None:
    """A synthetic catalogue: n practices, n/10 topics and challenges (at least 10), n/5 references."""
    rng = random.Random(seed)
    n_topics = n_challenges = max(10, practices // 10)
    n_refs = max(10, practices // 5)
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


def plain_copy(root: Path, plain: Path) -> None:
    """The same pages as hand-written Markdown, built with the same theme and plugins minus ours."""
    from reskb.records.validate import load_catalogue
    from reskb.site.contributing import site_files
    from reskb.site.pages import build_downloads, build_pages

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


def build(config: Path, site: Path) -> dict[str, float]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-c", MEASURE, str(config), str(site)], capture_output=True, text=True,
                            env=env)
    if result.returncode != 0:
        raise SystemExit(f"build of {config} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def page_weight_kb(site: Path) -> tuple[float, float]:
    """(practice page HTML + our CSS, gzipped; the search index, gzipped), in KB."""
    html = (site / "practices/practice-0/index.html").read_bytes()
    css = (site / "assets/reskb.css").read_bytes() if (site / "assets/reskb.css").exists() else b""
    index = (site / "search/search_index.json").read_bytes()
    return len(gzip.compress(html + css)) / 1e3, len(gzip.compress(index)) / 1e3


def search_figures(root: Path) -> dict[str, float]:
    try:
        from reskb import search
    except ImportError:
        return {}
    cache = root / ".cache"
    start = time.perf_counter()
    index_builder = getattr(search, "build_index", None) or getattr(search, "ensure_index", None)
    if index_builder is None:
        return {}
    try:
        index_builder(root)
    except TypeError:
        return {}
    built = time.perf_counter() - start
    queries = ["family", "family support after release", "probation AND police", '"conditional plan"', "mentoring OR trust",
               "reintegrate", "youth care", "theological", "housing employment", "exit work"]
    latencies = []
    for _ in range(5):
        for query in queries:
            t0 = time.perf_counter()
            search.search(query, root=root, limit=10)
            latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    return {"index_s": built, "index_mb": size_mb(cache) if cache.exists() else float("nan"),
            "query_median_ms": statistics.median(latencies), "query_p95_ms": latencies[int(len(latencies) * 0.95) - 1]}


def serve_rebuild(root: Path, timeout: float = 900) -> float:
    """Seconds from saving one YAML file to the end of the rebuild in `mkdocs serve`."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
                            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                            start_new_session=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout or []], daemon=True).start()
    deadline = time.monotonic() + timeout

    def wait_for(*needles: str) -> bool:
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                if proc.poll() is not None:
                    return False
                continue
            if any(n in line for n in needles):
                return True
        return False

    try:
        if not wait_for("Serving on"):
            return float("nan")
        time.sleep(1.0)
        target = root / "practices/practice-1.yaml"
        target.write_text(target.read_text().replace("title: Practice 1,", "title: Practice 1 (changed),"))
        changed = time.perf_counter()
        if wait_for("Detected file changes", "Building documentation") and wait_for("Reloading browsers",
                                                                                   "Documentation built"):
            return time.perf_counter() - changed
        return float("nan")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


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
    if result.returncode != 0:
        raise SystemExit(f"reference benchmark failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(size: int, workdir: Path, with_serve: bool) -> dict[str, float]:
    from reskb.records.validate import load_catalogue

    root = workdir / f"catalogue-{size}"
    generate(root, size)
    start = time.perf_counter()
    catalogue, problems = load_catalogue(root)
    validation = time.perf_counter() - start
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise SystemExit("synthetic catalogue is invalid: " + errors[0].format_text())
    ours = build(root / "mkdocs.yml", workdir / f"site-{size}")
    plain = workdir / f"plain-{size}"
    plain_copy(root, plain)
    baseline = build(plain / "mkdocs.yml", workdir / f"plain-site-{size}")
    page_kb, index_kb = page_weight_kb(workdir / f"site-{size}")
    figures = {
        "practices": size, "pages": len(list((workdir / f"site-{size}").rglob("index.html"))),
        "validate_s": validation, "build_s": ours["seconds"], "peak_mb": ours["peak_mb"],
        "plain_build_s": baseline["seconds"], "ratio": ours["seconds"] / baseline["seconds"],
        "site_mb": size_mb(workdir / f"site-{size}"),
        "search_index_mb": (workdir / f"site-{size}/search/search_index.json").stat().st_size / 1e6,
        "page_kb_gz": page_kb, "search_index_kb_gz": index_kb,
    }
    figures.update(search_figures(root))
    if with_serve:
        figures["serve_rebuild_s"] = serve_rebuild(root)
    return figures


COLUMNS = [("practices", "{:.0f}"), ("pages", "{:.0f}"), ("validate_s", "{:.2f}"), ("build_s", "{:.1f}"),
           ("plain_build_s", "{:.1f}"), ("ratio", "{:.2f}x"), ("peak_mb", "{:.0f}"), ("site_mb", "{:.1f}"),
           ("search_index_mb", "{:.2f}"), ("page_kb_gz", "{:.1f}"), ("search_index_kb_gz", "{:.0f}"),
           ("index_s", "{:.1f}"), ("index_mb", "{:.1f}"), ("query_median_ms", "{:.1f}"), ("query_p95_ms", "{:.1f}"),
           ("serve_rebuild_s", "{:.1f}")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--no-serve", action="store_true", help="skip the `mkdocs serve` rebuild measurement")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON as well")
    parser.add_argument("--hostile", action="store_true",
                        help="measure validate and build on worst-case inputs (limits: 15 s, 1 GB) instead")
    parser.add_argument("--references", type=int, default=1000, help="references for the formatting figure (0: skip)")
    args = parser.parse_args()
    if args.hostile:
        from hostile_bench import print_hostile, run_hostile

        rows = run_hostile()
        print_hostile(rows)
        if args.json:
            print(json.dumps(rows, indent=2))
        return
    workdir = Path(tempfile.mkdtemp(prefix="reskb-bench-"))
    rows = []
    try:
        if args.references:
            print(f"formatting {args.references} references ...", file=sys.stderr, flush=True)
            refs = reference_figures(workdir, args.references)
            print(f"references: {refs['references']:,} formatted (APA 7, CSL through pandoc's citeproc) with "
                  f"{refs['groups']:,} distinct citation groups in {refs['format_s']:.1f} s (reading {refs['read_s']:.1f} s), "
                  f"peak {refs['peak_mb']:.0f} MB; before, " + REFERENCES_BEFORE)
        for size in args.sizes:
            print(f"measuring {size} practices ...", file=sys.stderr, flush=True)
            rows.append(run(size, workdir, not args.no_serve))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)  # each size as soon as it is measured
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    header = [name for name, _ in COLUMNS if any(name in row for row in rows)]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        cells = [dict(COLUMNS)[name].format(row[name]) if name in row else "–" for name in header]
        print("| " + " | ".join(cells) + " |")
    if args.json:
        print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
