"""Worst-case inputs for `scripts/bench.py --hostile`: time and peak memory of `reskb validate` (and of
`mkdocs build --strict` where the input is valid) on each, in a fresh process. Target (issue 12):
none passes 15 s or 1 GB on the project's 2-core machine.

Each input goes into a copy of the fixture catalogue (tests/fixtures/catalogue), as one file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests/fixtures/catalogue"
BASE = (FIXTURE / "practices/norway-family-meetings.yaml").read_text(encoding="utf-8").replace(
    "id: norway-family-meetings", "id: hostile")
LIMIT_S, LIMIT_MB = 15, 1024


def _description(text: str) -> str:
    body = "\n".join("  " + line for line in text.split("\n"))
    return BASE.replace("  A fixture practice. It cites two works [@paper2018, p. 5; @journal2016].\n", body + "\n")


def _fields(texts: dict[str, str]) -> str:
    """The base practice with each Markdown field set to a literal block of the given text."""
    out = BASE.split("description: |")[0] + "".join(
        f"{name}: |\n" + "\n".join("  " + line for line in text.split("\n")) + "\n" for name, text in texts.items())
    return out + "countries:" + BASE.split("countries:", 1)[1]


CITES = ("Families meet [@paper2018, p. 5] as @journal2016 says; see [@paper2018; @journal2016]. " * 700)
MACROS = '@string{a0 = "xxxxxxxx"}\n' + "".join(f"@string{{a{i + 1} = a{i} # a{i}}}\n" for i in range(60))

#: name -> (file in the catalogue, content)
CASES: dict[str, tuple[str, str]] = {
    "valid 200 KB record, citations throughout": ("practices/hostile.yaml", _fields({
        "description": CITES[:49_900], "why_promising": CITES[:49_900], "considerations": CITES[:49_900]})),
    "49,000 '['": ("practices/hostile.yaml", _description("[" * 49_000)),
    "24,000 '[' on separate lines": ("practices/hostile.yaml", _description("[\n" * 24_000)),
    "12,000 unclosed links '[a]('": ("practices/hostile.yaml", _description("[a](" * 12_000)),
    "20,000 '!['": ("practices/hostile.yaml", _description("![" * 20_000)),
    "runs of @ in one bracket": ("practices/hostile.yaml", _description("[" + "@a:" * 15_000)),
    "key characters after [@": ("practices/hostile.yaml", _description("[@" + "a." * 24_000)),
    "largest bracket load allowed (valid)": ("practices/hostile.yaml", _description("[x " * 40 + "word " * 9_500)),
    "one unclosed '[' before 48 KB (valid)": ("practices/hostile.yaml", _description("[" + "word " * 9_500)),
    "200 nested list levels": ("practices/hostile.yaml", _description("".join("  " * i + "- x\n" for i in range(200)))),
    "5,000 nested quotes": ("practices/hostile.yaml", _description(">" * 5_000 + " x")),
    "10,000-deep emphasis": ("practices/hostile.yaml", _description("*" * 5_000 + "x" + "*" * 5_000)),
    "5,000 unclosed fences": ("practices/hostile.yaml", _description("```\n" * 5_000)),
    "YAML alias bomb": ("practices/hostile.yaml", 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(20))),
    "YAML nested 100,000 deep": ("practices/hostile.yaml", "summary: " + "[" * 100_000 + "]" * 100_000 + "\n"),
    "1 MB record of one field": ("practices/hostile.yaml", "summary: " + "x " * 499_990 + "\n"),
    "@string doubling 60 times (544 bytes-style bomb)": ("bibliography/hostile.bib",
                                                         MACROS + "@misc{bomb, title = a60, year={2020}}\n"),
    "@string of 100 KB used 1,000 times": ("bibliography/hostile.bib", '@string{big = "' + "x" * 100_000 + '"}\n'
                                           + "@misc{bomb, title = " + " # ".join(["big"] * 1_000) + "}\n"),
    "100,000 unterminated @string": ("bibliography/hostile.bib", '@string{a="' * 100_000),
    "braces 500,000 deep": ("bibliography/hostile.bib", "@misc{deep, title = " + "{" * 500_000 + "}" * 500_000 + "}\n"),
    "200,000 '@' in a .bib": ("bibliography/hostile.bib", "@" * 200_000),
    "998 works beside the fixture's 2: the most allowed (valid)": ("bibliography/hostile.bib", "".join(
        f"@misc{{k{i}, title={{Title {i} of a long list of works}}, author={{Person, A. and Other, B.}}, year={{2020}},"
        f" note={{{'n' * 30}}}}}\n" for i in range(998))),
    "1.9 MB .bib of 13,000 entries (over the 1,000 allowed)": ("bibliography/hostile.bib", "".join(
        f"@misc{{k{i}, title={{Title {i} of a long list of works}}, author={{Person, A. and Other, B.}}, year={{2020}},"
        f" note={{{'n' * 30}}}}}\n" for i in range(13_000))),
}


def _measure(args: list[str], cwd: Path) -> tuple[float, float, int, str]:
    """(seconds, peak MB, exit code, last line of output) of one process."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "XDG_CACHE_HOME": str(cwd.parent / "user-cache")}
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    output = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    lines = output.decode("utf-8", "replace").strip().splitlines()
    last = next((line for line in lines if ": " in line and ("error" in line or "hostile" in line)), lines[-1] if lines else "")
    return seconds, usage.ru_maxrss / 1024, proc.returncode, last[:110]


def run_hostile() -> list[dict[str, object]]:
    rows = []
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="reskb-hostile-") as tmp:
        for name, (target, content) in CASES.items():
            root = Path(tmp) / "catalogue"
            shutil.rmtree(root, ignore_errors=True)
            shutil.copytree(FIXTURE, root)
            (root / target).write_text(content, encoding="utf-8")
            seconds, peak, code, message = _measure([str(bin_dir / "reskb"), "validate", "--errors-only", "."], root)
            row: dict[str, object] = {"input": name, "validate_s": seconds, "validate_mb": peak, "valid": code == 0,
                                      "message": message}
            if code == 0:
                seconds, peak, code, _ = _measure([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d",
                                                   str(Path(tmp) / "site")], root)
                row.update(build_s=seconds, build_mb=peak, built=code == 0)
            rows.append(row)
            print(f"{name}: {row}", file=sys.stderr, flush=True)
    return rows


def print_hostile(rows: list[dict[str, object]]) -> None:
    print("| Input | validate s | validate MB | valid | build s | build MB |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        build = f"{r['build_s']:.1f} | {r['build_mb']:.0f}" if "build_s" in r else "– | –"
        print(f"| {r['input']} | {r['validate_s']:.1f} | {r['validate_mb']:.0f} | {'yes' if r['valid'] else 'no'} | {build} |")
    worst_s = max(max(float(r["validate_s"]), float(r.get("build_s", 0))) for r in rows)
    worst_mb = max(max(float(r["validate_mb"]), float(r.get("build_mb", 0))) for r in rows)
    verdict = "within" if worst_s <= LIMIT_S and worst_mb <= LIMIT_MB else "OVER"
    print(f"\nWorst: {worst_s:.1f} s, {worst_mb:.0f} MB ({verdict} the limits of {LIMIT_S} s and {LIMIT_MB} MB)")
