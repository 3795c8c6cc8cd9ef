"""Citations in a record's text must point at a place its `references:` list names.

A text citation such as `[@key, section "Trust"]` or `[@key, p. 12]` carries a locator; the record's
`references:` entry for that key says where in the work the record draws on. When the text cites a
place the list does not name, the reference list on the page (and every export built from it) misses
it, so the validator reports it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from typing import Any

from ..citations import citations_with_lines
from ..problems import Problem
from .catalogue import Record
from .loader import text_pointer

_SECTION = re.compile(r'^(?:sec(?:tion)?\.?|§)\s*["“”\']?(?P<name>.+?)["“”\']?\s*$', re.IGNORECASE)
_PAGES = re.compile(r"^(?:pp?\.|pages?)\s*(?P<pages>[0-9ivxlcIVXLC][0-9ivxlcIVXLC,\s\-–]*)$", re.IGNORECASE)


def parse_locator(locator: str) -> tuple[str, str] | None:
    """('section', name) or ('pages', pages) for a citation's locator; None for any other form."""
    locator = locator.strip()
    if match := _PAGES.match(locator):
        return "pages", _normal_pages(match.group("pages"))
    if match := _SECTION.match(locator):
        return "section", " ".join(match.group("name").split())
    return None


_COMMA = re.compile(r"\s*,\s*")


def _normal_pages(pages: str) -> str:
    return _COMMA.sub(", ", pages.replace("–", "-").replace(" ", "").replace(",", ", ")).strip(", ")


def _page_numbers(pages: str) -> set[int] | None:
    """The pages a numeric page list covers ('12-14, 20' -> {12, 13, 14, 20}); None for roman numerals."""
    out: set[int] = set()
    for part in pages.split(","):
        ends = [p.strip() for p in part.split("-")]
        if not all(e.isdigit() for e in ends) or not ends:
            return None
        first, last = int(ends[0]), int(ends[-1])
        if last - first > 2000:
            return None
        out.update(range(first, last + 1))
    return out


def _listed(record: Record) -> dict[str, list[dict[str, Any]]]:
    refs = record.data.get("references")
    listed: dict[str, list[dict[str, Any]]] = {}
    for ref in refs if isinstance(refs, list) else []:
        if isinstance(ref, dict) and isinstance(ref.get("key"), str):
            listed.setdefault(ref["key"], []).append(ref)
    return listed


def _covers(entries: list[dict[str, Any]], kind: str, value: str) -> bool:
    for entry in entries:
        given = entry.get(kind)
        if not isinstance(given, str):
            continue
        if kind == "section" and " ".join(given.split()).casefold() == value.casefold():
            return True
        if kind == "pages":
            if _normal_pages(given) == value:
                return True
            cited, listed = _page_numbers(value), _page_numbers(_normal_pages(given))
            if cited and listed and cited <= listed:
                return True
    return False


def check_cited_locators(record: Record, known: Collection[str]) -> Iterator[Problem]:
    """Every section or page cited in the text appears among the record's `references:` for that key
    (`known`: the keys in the bibliography; unknown keys are reported by another check)."""
    return (problem for key, problem in uncovered_locators(record) if key in known)


def uncovered_locators(record: Record, texts: list[tuple[str, str]] | None = None) -> Iterator[tuple[str, Problem]]:
    """(key, problem) for every section or page cited in the text that the record's `references:` entries for
    that key do not name; a problem only when the key is in the bibliography (the caller knows). `texts`:
    record.markdown_texts(), when the caller has them."""
    listed = _listed(record)
    for field, text in record.markdown_texts() if texts is None else texts:
        pointer = text_pointer(field)
        for key, locator, line in citations_with_lines(text):
            parsed = parse_locator(locator) if locator else None
            if parsed is None:
                continue  # a locator of another form is not checked
            kind, value = parsed
            if _covers(listed.get(key, []), kind, value):
                continue
            entry = f'section: "{value}"' if kind == "section" else f'pages: "{value}"'
            where = f'section "{value}"' if kind == "section" else f"p. {value}"
            yield key, Problem(record.path, record.doc.line_in_text(pointer, line), field,
                               f"the text cites {where} of '{key}', which is not in this record's references",
                               f"add '- key: {key}' with '{entry}' under references:, or correct the locator")
