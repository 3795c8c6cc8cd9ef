"""`reskb search`: the search index from the shell, as readable text or as JSON for scripts."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

#: filters as (option, keyword of SearchIndex.search, help)
FILTERS = (
    ("--country", "country", "ISO code, e.g. DK"),
    ("--topic", "topic", "topic id, e.g. family-and-social-networks"),
    ("--challenge", "challenge", "challenge id, e.g. vulnerable-moment-of-release"),
    ("--phase", "phase", "phase of custody, e.g. post-release"),
    ("--lead-actor", "lead_actor", "state, ngo, hybrid, community, multi-agency or international"),
    ("--status", "status", "planned, pilot, established or ended"),
    ("--evidence", "evidence", "evidence status, e.g. not-evaluated"),
    ("--kind", "kind", "practice, challenge, topic, evaluation or glossary"),
    ("--design", "design", "evidence design of a study, or of a practice's studies, e.g. quasi-experimental or no-study"),
)

EPILOG = """query syntax: words must all match (if no record has them all, records with any of them are listed);
"exact phrase"; AND, OR, NOT and ( ); field:value, e.g. country:DK, phase:post-release, title:mentoring,
year:>2015, source:baaken; famly~ allows one typo; prefix* matches word beginnings. Words are stemmed:
"reintegrate" also finds "reintegration". Each filter may be repeated or comma-separated (any value matches)."""


def add_search_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    search = sub.add_parser("search", help="search every practice, challenge and topic",
                            description="Search the catalogue's records, ranked, with facet counts.",
                            epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    search.add_argument("query", nargs="?", default="",
                        help="words to find; leave empty to list every record that passes the filters")
    for option, dest, text in FILTERS:
        search.add_argument(option, dest=dest, action="append", metavar="VALUE", help=text)
    search.add_argument("--limit", type=int, default=10, help="hits to show (default 10); facets count every match")
    search.add_argument("--json", action="store_true", help="print machine-readable results with facets")
    search.add_argument("--path", default=".", help="catalogue folder (default: current folder)")
    search.add_argument("--cache", help="index folder outside the catalogue (default: reskb/search/ in your cache folder)")
    search.set_defaults(func=run_search)


def run_search(args: argparse.Namespace) -> int:
    from ..cache_dir import UnsafeCache
    from ..mkdocs_yml import site_url
    from .index import CatalogueInvalid
    from .query import QueryError, SearchIndex

    root = Path(args.path)
    filters = {dest: getattr(args, dest) for _, dest, _ in FILTERS if getattr(args, dest)}
    unfiltered = None
    try:
        with SearchIndex.open(root, args.cache) as index:
            results = index.search(args.query, limit=args.limit, **filters)
            if filters and not results.total and args.query:
                unfiltered = index.search(args.query, limit=1).total
    except (QueryError, UnsafeCache) as exc:
        print(f"reskb search: {exc}", file=sys.stderr)
        return 1
    except CatalogueInvalid as exc:
        for problem in exc.problems:
            if problem.severity == "error":
                print(problem.format_text(), file=sys.stderr)
        print(f"reskb search: {exc}", file=sys.stderr)
        return 1
    if args.json:
        site = site_url(root)
        out = results.to_dict()
        for hit in out["hits"]:
            hit["url"] = site.rstrip("/") + "/" + hit["path"]
        text = json.dumps(out, ensure_ascii=False, indent=2)
    else:
        text = _text(results, _bold_on(sys.stdout))
        if unfiltered:
            text += f"\n{unfiltered} record(s) match without the filters."
    try:
        print(text, flush=True)
    except BrokenPipeError:  # `reskb search ... | head`: the reader has what it wanted
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (silences the error at interpreter exit)
    return 0


def _bold_on(stream: object) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")


def _text(results, bold: bool) -> str:  # type: ignore[no-untyped-def]
    from ..labels import label
    from ..records.catalogue import country_name

    def marks(text: str) -> str:
        return re.sub(r"\*\*(.+?)\*\*", (lambda m: f"\033[1m{m.group(1)}\033[0m") if bold else r"**\1**", text)

    what = f'"{results.query}"' if results.query else "the filters"
    if results.query and results.filters:
        what += " with " + "; ".join(f"{name.replace('_', ' ')} {', '.join(values)}" for name, values in results.filters.items())
    lines = [f"{results.total} record(s) match {what}"
             + (f", showing the first {len(results.hits)}" if len(results.hits) < results.total else "")
             + (" (no record has every word: records with any of them)" if results.matched == "any" else "")]
    if results.suggestion:
        lines.append(f'Did you mean "{results.suggestion}"?')
    for n, hit in enumerate(results.hits, 1):
        facts = [hit.kind] + [", ".join(hit.countries)] + [", ".join(label(p) for p in hit.phases)]
        lines += ["", f"{n:>2}. {hit.title}  [{' · '.join(f for f in facts if f)}]", f"    {hit.path}",
                  f"    {marks(hit.snippet)}"]
    names = {"kind": "Kinds", "country": "Countries", "topic": "Topics", "challenge": "Challenges",
             "phase": "Phases", "lead_actor": "Lead actors", "status": "Status", "evidence": "Evidence",
             "design": "Evidence designs"}
    facet_lines = []
    for facet, counts in results.facets.items():
        if counts:
            shown = [f"{value}{' ' + country_name(value) if facet == 'country' else ''} ({n})" for value, n in counts.items()]
            facet_lines.append(f"  {names[facet]}: " + ", ".join(shown))
    if facet_lines:
        lines += ["", "Matches by facet (use a value with --country, --topic, ...):"] + facet_lines
    return "\n".join(lines)
