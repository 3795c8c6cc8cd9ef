"""`reskb`: the command line for contributors and researchers."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .citations.styles import STYLE_NAMES, STYLES
from .search.cli import add_search_parser

if TYPE_CHECKING:
    from .problems import Problem


def _report(problems: list[Problem], fmt: str, files: int) -> None:
    for problem in problems:
        print(problem.format_github() if fmt == "github" else problem.format_text())
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    summary = f"{errors} error(s), {warnings} warning(s) in {files} file(s) checked"
    print(summary if fmt == "text" else f"::notice::{summary}", file=sys.stderr)


def cmd_validate(args: argparse.Namespace) -> int:
    from .records.validate import has_errors
    from .records.validation_cache import validate

    root = Path(args.path)
    use_cache = not args.no_cache and os.environ.get("CI", "").lower() not in ("true", "1")
    checked, not_cached = validate(root, use_cache)
    args.results = checked  # held by run() until the process ends: see there
    if not_cached:
        print(f"reskb validate: checking every file afresh, without the cache: {not_cached}", file=sys.stderr)
    problems = checked.problems
    catalogue = checked.catalogue
    files = len(catalogue.all_records()) + len({r.path for r in catalogue.references.values()})
    if args.errors_only:
        problems = [p for p in problems if p.severity == "error"]
    _report(problems, args.format, files)
    from .citations import proper_nouns

    if checked.bibliography.formatter is not None:  # its temporary folder: run() ends without finalizers
        checked.bibliography.formatter.close()
    if not proper_nouns.lists_installed():  # the machine, not the catalogue: the strict build stops on it
        print(f"reskb validate: warning: {proper_nouns.missing_lists_warning()}", file=sys.stderr)
    return 1 if has_errors(problems) else 0


def cmd_pages(args: argparse.Namespace) -> int:
    """Write the generated Markdown pages to a folder (for another site generator, or to inspect them)."""
    from .records.validate import has_errors, load_catalogue
    from .site.pages import build_pages

    catalogue, problems = load_catalogue(Path(args.path))
    if has_errors(problems):
        _report(problems, "text", len(catalogue.all_records()))
        return 1
    out = Path(args.output)
    pages = build_pages(catalogue)
    for rel, text in pages.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    print(f"wrote {len(pages)} pages to {out}")
    return 0


def cmd_fields(args: argparse.Namespace) -> int:
    """Print the field reference generated from the schemas, or refresh it inside a Markdown file."""
    from .records.fieldref import field_reference, update

    if args.write:
        changed = update(Path(args.write))
        print(f"{args.write}: {'updated' if changed else 'already up to date'}")
    else:
        print(field_reference())
    return 0


def cmd_cite(args: argparse.Namespace) -> int:
    from .mkdocs_yml import site_url as _site_url
    from .records.validate import load_catalogue
    from .site.record_citation import citation_bibtex, citation_csl_json, citation_ris, citation_text

    root = Path(args.path)
    catalogue, problems = load_catalogue(root)
    record = next((r for r in catalogue.all_records() if r.id == args.id), None)
    if record is None:
        known = sorted(r.id for r in catalogue.all_records())
        import difflib

        close = [k for k in known if args.id in k] or difflib.get_close_matches(args.id, known, n=1)
        print(f"reskb cite: no record with id '{args.id}'" + (f" (did you mean '{close[0]}'?)" if close else ""),
              file=sys.stderr)
        return 1
    site_url = args.site_url or _site_url(root)
    writers = {"bibtex": citation_bibtex, "ris": citation_ris, "csl-json": citation_csl_json}
    if args.format in writers:
        print(writers[args.format](record, site_url).rstrip("\n"))
    else:
        print(citation_text(record, site_url, args.style))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reskb", description="Resocialisation Knowledge Base tools.")
    sub = parser.add_subparsers(dest="command", required=True)

    validate = sub.add_parser("validate", help="check every record and reference; exit 1 on any error")
    validate.add_argument("path", nargs="?", default=".", help="catalogue folder (default: current folder)")
    validate.add_argument("--format", choices=("text", "github"), default="text",
                          help="'github' prints pull-request annotations")
    validate.add_argument("--errors-only", action="store_true", help="hide warnings")
    validate.add_argument("--no-cache", action="store_true",
                          help="check every file afresh, without the results kept from earlier runs "
                          "(also the default where the environment sets CI=true)")
    validate.set_defaults(func=cmd_validate)

    pages = sub.add_parser("pages", help="write the generated Markdown pages to a folder")
    pages.add_argument("output", help="folder to write into")
    pages.add_argument("--path", default=".", help="catalogue folder (default: current folder)")
    pages.set_defaults(func=cmd_pages)

    cite = sub.add_parser("cite", help="print the citation of a practice, challenge or topic")
    cite.add_argument("id", help="the record's id, e.g. rotterdam-case-conferences")
    cite.add_argument("--format", choices=("text", "bibtex", "ris", "csl-json"), default="text")
    cite.add_argument("--style", choices=tuple(STYLES), default="apa",
                      help="citation style of the text format: " + ", ".join(f"{k} ({v})" for k, v in STYLE_NAMES.items()))
    cite.add_argument("--path", default=".", help="catalogue folder (default: current folder)")
    cite.add_argument("--site-url", help="address of the published site (default: site_url in mkdocs.yml)")
    cite.set_defaults(func=cmd_cite)

    add_search_parser(sub)

    fields = sub.add_parser("fields", help="print the field reference generated from the JSON Schemas")
    fields.add_argument("--write", metavar="FILE", help="refresh the generated block inside FILE instead")
    fields.set_defaults(func=cmd_fields)

    from .records.scaffold import add_parser as add_new_parser

    add_new_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    return _dispatch(build_parser().parse_args(argv))


def _dispatch(args: argparse.Namespace) -> int:
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


def run() -> None:
    """The `reskb` command. After `validate`, whose results hold a stand-in of every record and nothing that needs
    closing, the process ends without freeing its objects one by one, as mypy does: on 5,000 practices that
    would cost a warm run a twentieth of a second. Every other command exits as usual."""
    args = build_parser().parse_args()
    code = _dispatch(args)
    if args.func is not cmd_validate:
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: what could not be written is lost either way
        code = code or 1
    os._exit(code)


if __name__ == "__main__":
    run()
