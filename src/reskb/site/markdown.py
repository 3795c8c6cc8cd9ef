"""The small Markdown helpers every page generator shares: escaping, table cells, front matter, fences,
and the paths and relative links between generated pages.

Pure functions of their arguments, importing nothing from the page generators: pages.py, comparison,
countries, finder, provenance and the rest import them from here.
"""

from __future__ import annotations

import json
import posixpath
import re
from functools import lru_cache
from typing import Any

from ..records.catalogue import FOLDERS, Record, country_name

SECTION_KINDS = {"practice": "practices", "challenge": "challenges", "topic": "topics", "evaluation": "evaluations",
                 "glossary": "glossary"}


def md_escape(text: str) -> str:
    """Escape a plain-text value so that Markdown shows it literally (also inside table cells)."""
    text = " ".join(str(text).split())
    return re.sub(r"([\\`*_\[\]<>|#!{}])", r"\\\1", text)


def cell(markdown: str) -> str:
    """Markdown fit for one table cell: one line, pipes escaped."""
    return re.sub(r"(?<!\\)\|", r"\\|", " ".join(markdown.split()))


def record_path(record: Record) -> str:
    return f"{SECTION_KINDS[record.kind]}/{record.id}.md"


def country_path(code: str) -> str:
    return f"countries/{code.lower()}.md"


def rel(from_path: str, to_path: str) -> str:
    """Relative link between two generated pages (MkDocs resolves .md links)."""
    target, _, anchor = to_path.partition("#")
    link = _relpath(target, posixpath.dirname(from_path) or ".") if target else ""
    return link + (f"#{anchor}" if anchor else "")


@lru_cache(maxsize=1 << 17)  # pages sit in a few folders: a site build asks for the same few pairs again and again
def _relpath(target: str, folder: str) -> str:
    return posixpath.relpath(target, folder)


def link(from_path: str, record: Record) -> str:
    return f"[{md_escape(record.title)}]({rel(from_path, record_path(record))})"


def country_link(from_path: str, code: str) -> str:
    return f"[{md_escape(country_name(code))}]({rel(from_path, country_path(code))})"


def front_matter(title: str, description: str = "", **extra: Any) -> str:
    meta: dict[str, Any] = {"title": " ".join(title.split())}
    if description:
        meta["description"] = plain_summary(description)[:300]
    meta.update(extra)
    # each value as JSON, which YAML reads as a flow value: the same data as yaml.safe_dump, many times faster
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def fence(text: str, lang: str) -> str:
    """A fenced code block that no backtick run inside the text can close early."""
    ticks = "`" * max(3, max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{ticks}{lang}\n{text.rstrip()}\n{ticks}"


def cite_path(record: Record, extension: str = "bib") -> str:
    return f"data/cite/{FOLDERS[record.kind]}/{record.id}.{extension}"


def plain_summary(markdown: str) -> str:
    """Markdown summary reduced to text for meta descriptions (citations and markup removed)."""
    text = re.sub(r"\[[^\[\]@]*@[^\[\]]*\]", "", markdown)  # each pattern linear: no part can match two ways
    text = re.sub(r"\[([^\[\]]*)\]\([^()]*\)", r"\1", text)
    text = " ".join(re.sub(r"[*_`#>]", "", text).split())
    return re.sub(r"\s+([.,;:])", r"\1", text)
