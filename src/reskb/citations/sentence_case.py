"""Keep proper nouns of titles already written in sentence case.

pandoc's BibTeX reader turns the titles of English entries into sentence case, as CSL expects: it
lowercases every capitalised word that is not in braces. That is right for titles in Title Case
(Better BibTeX writes them so, bracing proper nouns), but it also lowercases the proper nouns of a
title already in sentence case ("Riemann surfaces" becomes "riemann surfaces"). A title where most
longer words are lowercase is taken to be in sentence case: its capitalised words are braced before
pandoc reads it. The .bib export keeps the entry as written; this only shapes what pandoc reads.
"""

from __future__ import annotations

import re

from .bibfile import Reference

TITLE_FIELDS = ("title", "subtitle", "booktitle", "booksubtitle", "maintitle", "mainsubtitle")
_VALUE = re.compile(r"(=\s*\{)(?P<value>.*)\}\s*,?\s*$", re.DOTALL)
_WORD = re.compile(r"(?<![\w\\{])([A-Z][\w'’-]*)")
_ENGLISH = ("", "english", "american", "british", "en", "en-us", "en-gb", "usenglish", "ukenglish")


def _depth_zero_words(value: str) -> list[re.Match[str]]:
    """Capitalised words outside braces and LaTeX commands, except a title's first word and words
    after a colon or full stop (their capital is the style's business, not a proper noun)."""
    found, depth = [], 0
    depths = []
    for char in value:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        depths.append(depth)
    for match in _WORD.finditer(value):
        before = value[:match.start()].rstrip()
        if depths[match.start()] == 0 and before and not before.endswith((":", ".", "?", "!", "--")):
            found.append(match)
    return found


def looks_sentence_case(value: str) -> bool:
    plain = re.sub(r"\{[^{}]*\}|\\\w+", " ", value).split(None, 1)
    words = re.findall(r"[A-Za-z][\w'’-]{3,}", plain[1] if len(plain) > 1 else "")
    if len(words) < 3:
        return False
    capitalised = sum(w[0].isupper() for w in words)
    return capitalised * 3 < len(words)


def protect(value: str) -> str:
    if not looks_sentence_case(value):
        return value
    out, last = [], 0
    for match in _depth_zero_words(value):
        out += [value[last:match.start()], "{", match.group(1), "}"]
        last = match.end()
    return "".join(out) + value[last:]


def for_pandoc(ref: Reference) -> str:
    """The entry's text as pandoc should read it: proper nouns of sentence-case English titles braced."""
    language = ref.entry.fields.get("langid", ref.entry.fields.get("language", "")).lower()
    if language not in _ENGLISH:
        return ref.raw
    raw = ref.raw
    for fld in sorted((f for f in ref.fields if f.name in TITLE_FIELDS), key=lambda f: -f.start):
        text = raw[fld.start:fld.end]
        match = _VALUE.search(text)
        if match:
            value = match.group("value")
            text = text[:match.start("value")] + protect(value) + text[match.end("value"):]
            raw = raw[:fld.start] + text + raw[fld.end:]
    return raw
