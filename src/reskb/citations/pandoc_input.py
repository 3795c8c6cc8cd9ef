"""What pandoc reads of an entry: proper nouns of titles kept, BibTeX publishers whole.

pandoc's BibTeX reader turns the titles of English entries into sentence case, as CSL expects: it
lowercases every capitalised word that is not in braces. That is right for titles in Title Case
(Better BibTeX writes them so, bracing proper nouns), but it also lowercases the proper nouns of a
title already in sentence case ("Riemann surfaces" becomes "riemann surfaces"). A title where most
longer words are lowercase is taken to be in sentence case: its capitalised words are braced before
pandoc reads it. In a title in Title Case only the proper nouns are braced (proper_nouns). The .bib
export keeps the entry as written; this only shapes what pandoc reads.

Fields that APA 7 has no place for in an entry type (fields.UNSHOWN_IN_TYPE: an article's series,
which pandoc would append to the journal's name) are left out of what pandoc reads, with a warning.

pandoc reads the publisher of every entry as a biblatex list ("A and B" are two publishers), while in
BibTeX it is plain text: "United Nations Office on Drugs and Crime" is one. In entries written the
BibTeX way (no biblatex-only field such as date, journaltitle or location), those fields are braced
whole.
"""

from __future__ import annotations

import re

from .bibfile import Reference
from .fields import UNSHOWN_IN_TYPE
from .proper_nouns import brace_depths, protect_title_case

TITLE_FIELDS = ("title", "subtitle", "titleaddon", "booktitle", "booksubtitle", "booktitleaddon", "maintitle", "mainsubtitle",
                "maintitleaddon")
_VALUE = re.compile(r"(=\s*\{)(?P<value>.*)\}\s*,?\s*$", re.DOTALL)
_WORD = re.compile(r"(?<![\w\\{])([A-Z][\w'’-]*)")
LITERAL_LISTS = ("publisher", "institution", "organization", "school")
_BIBLATEX_ONLY = ("date", "journaltitle", "location", "urldate", "eprinttype")
_ENGLISH = ("", "english", "american", "british", "en", "en-us", "en-gb", "usenglish", "ukenglish")


def _depth_zero_words(value: str) -> list[re.Match[str]]:
    """Capitalised words outside braces and LaTeX commands, except a title's first word (a capital after
    a colon is kept too: in a sentence-case title it marks the subtitle, as APA writes it)."""
    found, depths = [], brace_depths(value)
    for match in _WORD.finditer(value):
        before = value[:match.start()].rstrip()
        if depths[match.start()] == 0 and before:
            found.append(match)
    return found


def looks_sentence_case(value: str) -> bool:
    plain = re.sub(r"\{[^{}]*\}|\\\w+|[:.?!]\s*\S+", " ", value).split(None, 1)  # braces, commands, subtitle starts
    words = re.findall(r"[A-Za-z][\w'’-]{3,}", plain[1] if len(plain) > 1 else "")
    if len(words) < 3:
        return False
    capitalised = sum(w[0].isupper() for w in words)
    return capitalised * 3 < len(words)


def protect(value: str, authors: frozenset[str] = frozenset()) -> str:
    """Sentence case: every capitalised word braced; Title Case: its proper nouns (proper_nouns)."""
    if not looks_sentence_case(value):
        return protect_title_case(value, authors)
    out, last = [], 0
    for match in _depth_zero_words(value):
        out += [value[last:match.start()], "{", match.group(1), "}"]
        last = match.end()
    return "".join(out) + value[last:]


def for_pandoc(ref: Reference) -> str:
    """The entry's text as pandoc should read it: proper nouns of sentence-case English titles braced,
    and BibTeX publishers read as one name."""
    language = ref.entry.fields.get("langid", ref.entry.fields.get("language", "")).lower()
    bibtex_style = not any(f.name in _BIBLATEX_ONLY for f in ref.fields)
    authors = frozenset(re.sub(r"[{}]", "", part) for people in ref.entry.persons.values() for person in people
                        for part in person.last_names)
    changes = {name: lambda value: protect(value, authors) for name in TITLE_FIELDS} if language in _ENGLISH else {}
    if bibtex_style:
        changes.update({name: lambda value: "{" + value + "}" if " and " in value else value for name in LITERAL_LISTS})
    unshown = UNSHOWN_IN_TYPE.get(ref.entry.type.lower(), frozenset())
    raw = ref.raw
    for fld in sorted((f for f in ref.fields if f.name in changes or f.name in unshown), key=lambda f: -f.start):
        if fld.name in unshown:  # left out of what pandoc reads (a warning says so); the exports keep it
            raw = raw[:fld.start] + raw[fld.end:]
            continue
        text = raw[fld.start:fld.end]
        match = _VALUE.search(text)
        if match:
            value = changes[fld.name](match.group("value"))
            text = text[:match.start("value")] + value + text[match.end("value"):]
            raw = raw[:fld.start] + text + raw[fld.end:]
    return raw
