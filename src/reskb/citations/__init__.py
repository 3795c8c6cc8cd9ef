"""References: BibTeX read entry by entry (bibfile), checked (fields), formatted by CSL through pandoc's
citeproc (formatter), cited in Markdown with pandoc's syntax (syntax) and exported (exports)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..problems import Problem
from .fields import QUIET, SHOWN, TYPES, UNSHOWN_IN_TYPE, is_private
from .styles import STYLE_NAMES, STYLES
from .syntax import _BRACKET, _NARRATIVE, KEY, Citation, citation_lines, citations_with_lines, cited_keys

if TYPE_CHECKING:
    from .bibfile import BibFile, Reference, duplicate_problem, read_bib_file
    from .formatter import Formatter, anchor

__all__ = ["KEY", "_BRACKET", "_NARRATIVE", "BibFile", "Citation", "Formatter", "Reference", "STYLES", "STYLE_NAMES",
           "anchor", "citation_lines", "citations_with_lines", "cited_keys", "duplicate_problem", "finish_references",
           "read_bib_file"]

#: names loaded on first use: pybtex, pandoc and citeproc cost a command that needs none of them (`reskb
#: --help`, `reskb validate` with its results cached) a tenth of a second or more
_LAZY = {"BibFile": "bibfile", "Reference": "bibfile", "duplicate_problem": "bibfile", "read_bib_file": "bibfile",
         "Formatter": "formatter", "anchor": "formatter", "PandocError": "pandoc", "bibtex_to_csl": "pandoc",
         "for_pandoc": "pandoc_input"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    globals()[name] = value
    return value


def finish_references(references: dict[str, Reference], strings: list[str]) -> Formatter:
    """Read every entry into CSL-JSON (one pandoc run) and say what the style cannot show."""
    from .formatter import Formatter
    from .pandoc import PandocError, bibtex_to_csl
    from .pandoc_input import for_pandoc

    for ref in references.values():
        ref.problems += list(_unshown(ref))
    bibtex = "\n".join([*strings, *(for_pandoc(ref) for ref in references.values())])
    try:
        items = {item["id"]: item for item in bibtex_to_csl(bibtex)}
    except PandocError as exc:
        first = next(iter(references.values()), None)
        if first is not None:
            first.problems.append(Problem(first.path, 1, "", f"pandoc cannot read the bibliography: {exc}",
                                          "check the entry the message names"))
        items = {}
    for key, ref in references.items():
        item = items.get(key)
        if item is None:
            continue
        if "issued" not in item:
            accessed = " and, for a web page, urldate = {2026-01-31} (the day you read it)" if "URL" in item else ""
            ref.problems.append(Problem(ref.path, ref.line, "date", f"reference '{key}' has no date",
                                        f"add date = {{2020}} (or year = {{2020}}) if the source gives one{accessed}; "
                                        "until then it is shown as 'n.d.'", "warning"))
        if "title" not in item:
            ref.problems.append(Problem(ref.path, ref.line, "title", f"reference '{key}' has no title",
                                        "add title = {...}", "warning"))
        if "useprefix=false" not in ref.entry.fields.get("options", "").replace(" ", "").lower():
            _keep_particles(item)
        ref.narrative = ref.rough_narrative = _rough_narrative(item)
        ref.text = _rough_text(item)
        eid = ref.entry.fields.get("eid", "").strip()
        if eid and "page" not in item and "number" not in item:  # biblatex's eid is the article number
            item["number"] = eid
    return Formatter(references, items, strings)


def _unshown(ref: Reference):  # type: ignore[no-untyped-def]
    kind = ref.entry.type.lower()
    if kind not in TYPES:
        yield Problem(ref.path, ref.line, ref.key, f"the entry type @{kind} is not one the citation style (APA 7) can "
                      "show; it is formatted as a generic document", "use a standard type such as @book, @article, "
                      "@report, @online or @misc", "warning")
    unshown = UNSHOWN_IN_TYPE.get(kind, frozenset())
    for fld in ref.fields:
        if fld.name in unshown:
            yield Problem(ref.path, fld.line, fld.name, f"the field '{fld.name}' of '{ref.key}' (an @{kind}) is not "
                          f"shown by the citation style (APA 7), which has no place for an {kind}'s {fld.name}; it "
                          "stays in the exports", "move what readers need into note = {...}, or remove the field",
                          "warning")
        elif fld.name not in SHOWN and fld.name not in QUIET and not is_private(fld.name) and fld.name != "eid":
            yield Problem(ref.path, fld.line, fld.name, f"the field '{fld.name}' of '{ref.key}' is not shown by the "
                          "citation style (APA 7); it stays in the exports", "move what readers need into note = {...}, "
                          "or remove the field", "warning")


def _keep_particles(item: dict) -> None:
    """'van de Donk, M.', not 'Donk, M. van de': pandoc reads a lowercase particle as one that drops to
    the end (biblatex's default, useprefix=false); English-language styles keep it with the surname."""
    for role in ("author", "editor", "translator"):
        for name in item.get(role, []):
            if "dropping-particle" in name and "non-dropping-particle" not in name:
                name["non-dropping-particle"] = name.pop("dropping-particle")


def _rough_text(item: dict) -> str:
    """Authors, year, title and container as plain text, for the search index (built before the formatter
    runs, and without it for `reskb search`); the formatter replaces it with the APA reference."""
    names = [n.get("literal") or " ".join(p for p in (n.get("given"), n.get("family")) if p)
             for role in ("author", "editor") for n in item.get(role, [])]
    year = str((item.get("issued", {}).get("date-parts") or [[""]])[0][0] or "n.d.")
    parts = [", ".join(names), f"({year})", item.get("title", ""), item.get("container-title", "")]
    return ". ".join(str(p) for p in parts if p)


def _rough_narrative(item: dict) -> str:
    """'Baaken et al. (2018)' without citeproc, for text indexed before the formatter runs; the formatter
    replaces it with citeproc's own."""
    names = item.get("author") or item.get("editor") or []
    surnames = [n.get("family") or n.get("literal") or "" for n in names]
    who = (surnames[0] + " et al." if len(surnames) > 2 else " & ".join(surnames)) or str(item.get("title", ""))[:40]
    year = str((item.get("issued", {}).get("date-parts") or [[""]])[0][0] or "n.d.")
    return f"{who} ({year})"
