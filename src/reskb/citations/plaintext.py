"""Contributor Markdown reduced to plain text: for the search index, snippets and the finder's data file,
where neither citation syntax nor Markdown markup belongs."""

from __future__ import annotations

import re

from . import _BRACKET, _NARRATIVE, Reference
from .syntax import parse_group

_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)")  # no part can scan past the next bracket: linear
_MARKUP = re.compile(r"[*_`#>]|^\s*[-+]\s+|^\s*\d+\.\s+", re.MULTILINE)


def plain_text(markdown: str, references: dict[str, Reference] | None = None, rough: bool = False) -> str:
    """Text without markup: bracketed citations dropped, narrative ones ("as @key shows") read as
    "Baaken et al. (2018)" where the reference is known, links reduced to their text. `rough`: the narrative
    citations as the entries give them, whether or not the style has formatted them yet."""
    references = references or {}

    def narrative(match: re.Match[str]) -> str:
        ref = references.get(match.group("key"))
        return (ref.rough_narrative or ref.narrative if rough else ref.narrative) if ref else ""

    text = _BRACKET.sub(lambda m: "" if parse_group(m.group("body")) else m.group(0), markdown)
    text = _NARRATIVE.sub(narrative, text)
    text = _LINK.sub(r"\1", text)
    text = _MARKUP.sub("", text)
    text = " ".join(text.split())
    return re.sub(r"\s+([.,;:)])", r"\1", text).replace("( ", "(")
