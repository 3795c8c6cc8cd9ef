#!/usr/bin/env python3
"""Time `reskb validate` on a synthetic catalogue: fresh, with an empty cache, unchanged, one file changed.

    .venv/bin/python scripts/validate_bench.py --practices 5000
    .venv/bin/python scripts/validate_bench.py --practices 1000 --catalogue /tmp/cat-1000   # reuse a folder

Each figure is the median of --rounds runs (default 3), in this process (imports done, as scripts/bench.py
measures validation), as wall-clock and CPU seconds; `cli_one_changed_s` is the whole command in a new
process (interpreter start and imports included). Targets (issue 16): fresh < 3 s and one file changed
< 0.5 s at 5,000 practices. The cache goes to a temporary XDG_CACHE_HOME, never the user's own.
`measure(root, rounds)` returns the figures for scripts/bench.py.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _timed(run: Callable[[], object], rounds: int, before: Callable[[int], None] = lambda i: None) -> tuple[float, float]:
    walls, cpus = [], []
    for i in range(rounds):
        before(i)
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def measure(root: Path, rounds: int = 3) -> dict[str, float]:
    """Seconds (wall, cpu) of each kind of run on the catalogue at root; edits one practice file, restoring it."""
    from reskb.cache_dir import catalogue_cache
    from reskb.records import validation_cache

    os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="reskb-validate-cache-"))
    results = catalogue_cache(root, validation_cache.CACHE_NAME) / validation_cache.RESULTS_FILE
    practice = sorted((root / "practices").glob("*.yaml"))[0]
    original = practice.read_bytes()

    def forget(_: int) -> None:
        results.unlink(missing_ok=True)

    def change(i: int) -> None:
        practice.write_bytes(original.replace(b"\nsummary: ", f"\nsummary: Edit {i} {time.time()}. ".encode(), 1))

    figures: dict[str, float] = {}
    try:
        figures["fresh_s"], figures["fresh_cpu_s"] = _timed(lambda: validation_cache.validate(root, False), rounds)
        figures["empty_cache_s"], figures["empty_cache_cpu_s"] = _timed(lambda: validation_cache.validate(root), rounds,
                                                                        forget)
        figures["unchanged_s"], figures["unchanged_cpu_s"] = _timed(lambda: validation_cache.validate(root), rounds)
        figures["one_changed_s"], figures["one_changed_cpu_s"] = _timed(lambda: validation_cache.validate(root), rounds,
                                                                        change)
        walls = []
        for i in range(rounds):
            change(rounds + i)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "reskb.cli", "validate", str(root)], capture_output=True, check=False,
                           env={**os.environ, "CI": ""})
            walls.append(time.perf_counter() - start)
        figures["cli_one_changed_s"] = statistics.median(walls)
    finally:
        practice.write_bytes(original)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--practices", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--catalogue", type=Path, help="a catalogue generated before (made here when missing)")
    args = parser.parse_args()
    from bench import generate

    root = args.catalogue or Path(tempfile.mkdtemp(prefix="reskb-validate-bench-")) / f"catalogue-{args.practices}"
    if not root.exists():
        generate(root, args.practices)
    figures = measure(root, args.rounds)
    print(json.dumps({"practices": args.practices, "rounds": args.rounds, **{k: round(v, 3) for k, v in figures.items()}},
                     indent=1))


if __name__ == "__main__":
    main()
