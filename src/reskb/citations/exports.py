"""The references as downloads: BibTeX exactly as contributors wrote it (minus private fields),
CSL-JSON (what Zotero, Mendeley and pandoc read) and RIS (EndNote, reference managers)."""

from __future__ import annotations

import json
import re

from .bibfile import Reference
from .fields import is_private

_RIS_TYPES = {"article-journal": "JOUR", "article-magazine": "MGZN", "article-newspaper": "NEWS", "book": "BOOK",
              "chapter": "CHAP", "paper-conference": "CPAPER", "report": "RPRT", "thesis": "THES", "webpage": "ELEC",
              "post-weblog": "BLOG", "software": "COMP", "dataset": "DATA", "patent": "PAT", "manuscript": "UNPB",
              "collection": "EDBOOK", "legislation": "STAT", "legal_case": "CASE", "standard": "STAND"}
_CSL_PRIVATE = ("annote",)


def public_bibtex(ref: Reference) -> str:
    """The entry's own text with private fields (local files, owners, notes) cut out, nothing else changed."""
    raw, cuts = ref.raw, []
    for fld in ref.fields:
        if is_private(fld.name):
            start, end = fld.start, fld.end
            line_start = raw.rfind("\n", 0, start) + 1
            if not raw[line_start:start].strip():
                start = line_start
                rest = re.match(r"[ \t]*\r?\n", raw[end:])
                end += rest.end() if rest else 0
            cuts.append((start, end))
    for start, end in reversed(cuts):
        raw = raw[:start] + raw[end:]
    return raw


def references_bib(refs: list[Reference], strings: list[str]) -> str:
    parts = [*strings, *(public_bibtex(ref) for ref in refs)]
    return "\n\n".join(p.strip("\n") for p in parts) + "\n"


def csl_items(refs: list[Reference], items: dict[str, dict]) -> list[dict]:
    """CSL-JSON as the CSL data schema has it: pandoc leaves the type of @misc empty, CSL calls it 'document'."""
    out = []
    for ref in refs:
        if ref.key in items:
            item = {k: v for k, v in items[ref.key].items() if k not in _CSL_PRIVATE}
            item["type"] = item.get("type") or "document"
            out.append(item)
    return out


def _year(item: dict, variable: str = "issued") -> tuple[str, str]:
    parts = (item.get(variable) or {}).get("date-parts") or [[]]
    first = [str(p) for p in parts[0]]
    if not first:
        return "", ""
    return first[0], "/".join([*first, *[""] * (3 - len(first))][:3]) + "/"


def ris_record(item: dict) -> str:
    lines = [("TY", _RIS_TYPES.get(item.get("type", ""), "GEN"))]
    for role, tag in (("author", "AU"), ("editor", "ED"), ("translator", "A4")):
        for name in item.get(role, []):
            if name.get("literal"):
                lines.append((tag, name["literal"]))
            else:
                family = " ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p)
                given = " ".join(p for p in (name.get("given"), name.get("dropping-particle")) if p)
                lines.append((tag, ", ".join(p for p in (family, given, name.get("suffix")) if p)))
    simple = (("title", "TI"), ("container-title", "T2"), ("collection-title", "T3"), ("volume", "VL"),
              ("issue", "IS"), ("edition", "ET"), ("publisher", "PB"), ("publisher-place", "CY"), ("DOI", "DO"),
              ("URL", "UR"), ("ISBN", "SN"), ("ISSN", "SN"), ("note", "N1"), ("genre", "M3"), ("number", "M1"))
    for variable, tag in simple:
        if item.get(variable) not in (None, ""):
            lines.append((tag, str(item[variable])))
    year, date = _year(item)
    if year:
        lines += [("PY", year), ("DA", date)]
    page = str(item.get("page", ""))
    if page:
        pieces = re.split(r"\s*[-–]+\s*", page, maxsplit=1)
        first, last = pieces[0], pieces[1] if len(pieces) > 1 else ""
        lines.append(("SP", first))
        if last:
            lines.append(("EP", last))
    lines += [("ID", str(item["id"])), ("ER", "")]
    return "\n".join(f"{tag}  - {' '.join(str(value).split())}".rstrip() for tag, value in lines) + "\n"


#: the reference list's downloads, by format
REFERENCE_FILES = {"bib": "data/references.bib", "json": "data/references.json", "ris": "data/references.ris"}


def reference_downloads(catalogue) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """/data/references.bib, .json and .ris, entries in key order."""
    refs = sorted(catalogue.references.values(), key=lambda r: r.key)
    formatter = catalogue.formatter
    items = formatter.items if formatter else {}
    strings = formatter.strings if formatter else []
    return {
        REFERENCE_FILES["bib"]: references_bib(refs, strings),
        REFERENCE_FILES["json"]: json.dumps(csl_items(refs, items), ensure_ascii=False, indent=1) + "\n",
        REFERENCE_FILES["ris"]: "\n".join(ris_record(item) for item in csl_items(refs, items)),
    }
