"""Quick search benchmark: a synthetic catalogue of N practices (varied copies of the real ones) in a temporary
folder, then index build time, related-practices time and query latency (median, p95).

    .venv/bin/python scripts/search_benchmark.py --practices 5000 --related
    .venv/bin/python scripts/search_benchmark.py --practices 5000 --related --generator bench   # scripts/bench.py's data

Latency is measured through the public `search()` function with the index open, as in a notebook; the first
round includes reading each term's postings from disk for the first time.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
WORDS = ("mentoring housing employment family imam probation trust education trauma youth women returnees "
         "psychologist theology exit network judge municipality police risk resilience stigma media").split()
QUERIES = ["family", "family support after release", '"case conferences"', "reintegrate", "mentoring",
           "prison staff training", "risk assessment", "country:DK", "housing employment", "trust NOT police",
           "imam", "youth", "probation judge", "women", "exit work", '"conditional plan"', "probation AND police",
           "title:mentoring", "phase:post-release", "year:>2015", "famly~", "reint*"]


def synthetic_catalogue(root: Path, practices: int, seed: int = 1) -> None:
    """Copies of the real records with new ids, shuffled countries and extra words, all valid."""
    rng = random.Random(seed)
    for folder in ("challenges", "topics", "bibliography"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "practices").mkdir()
    models = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((REPO / "practices").glob("*.yaml"))]
    countries = ["AT", "BE", "DE", "DK", "ES", "FI", "FR", "GB", "IT", "NL", "NO", "PL", "SE", "US"]
    for n in range(practices):
        record = dict(rng.choice(models))
        record["id"] = f"practice-{n:05d}"
        record["title"] = f"{record['title']} ({n})"
        record["countries"] = rng.sample(countries, rng.randint(1, 2))
        record.pop("regions", None)
        record.pop("related", None)
        record["description"] = (record.get("description", "") + "\n\n" +
                                 " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 80))) + ".\n")
        (root / "practices" / f"{record['id']}.yaml").write_text(
            yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=20, help="times each query runs (at least 2: the first is reported apart)")
    parser.add_argument("--related", action="store_true", help="also time related practices for every practice")
    parser.add_argument("--generator", choices=("copies", "bench"), default="copies",
                        help="copies of the real records (default) or scripts/bench.py's generated catalogue")
    args = parser.parse_args()
    if args.rounds < 2:
        parser.error("--rounds must be at least 2: the first round (postings read from disk) is reported on its own")
    sys.path.insert(0, str(REPO / "src"))
    from reskb.records.validate import has_errors, load_catalogue
    from reskb.search import ensure_index, open_index, related_practices, search

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if args.generator == "bench":
            sys.path.insert(0, str(REPO / "scripts"))
            import bench

            bench.generate(root, args.practices)
        else:
            synthetic_catalogue(root, args.practices)
        start = time.perf_counter()
        catalogue, problems = load_catalogue(root)
        assert not has_errors(problems), [p.format_text() for p in problems if p.severity == "error"][:5]
        loaded = time.perf_counter()
        ensure_index(root, catalogue=catalogue)
        built = time.perf_counter()
        assert ensure_index(root) is False
        checked = time.perf_counter()
        print(f"{args.practices} practices: load+validate {loaded - start:.1f} s, index build {built - loaded:.1f} s, "
              f"unchanged check {1000 * (checked - built):.0f} ms")
        t = time.perf_counter()
        index = open_index(root)
        print(f"open the index {time.perf_counter() - t:.1f} s")
        timings, first = [], []
        for n in range(args.rounds):
            for q in QUERIES:
                t = time.perf_counter()
                search(q, root=root, limit=10)
                (first if n == 0 else timings).append(1000 * (time.perf_counter() - t))
        for q in QUERIES:
            print(f"  {q!r}: {index.search(q).total} hits")
        print(f"first round (postings read from disk): median {statistics.median(first):.1f} ms, max {max(first):.1f} ms")
        timings.sort()
        p95 = timings[int(0.95 * len(timings)) - 1]
        print(f"query latency over {len(timings)} queries: median {statistics.median(timings):.1f} ms, "
              f"p95 {p95:.1f} ms, max {timings[-1]:.1f} ms")
        if args.related:
            t = time.perf_counter()
            related_practices(catalogue)
            print(f"related practices for all: {time.perf_counter() - t:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
