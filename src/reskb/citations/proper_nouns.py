"""Proper nouns of Title Case titles, braced before pandoc turns the titles into sentence case.

APA 7 writes titles in sentence case (6.17): only the first word, the first word after a colon and
proper nouns keep their capital. pandoc lowercases every capitalised word outside braces, so a .bib
title in Title Case without braces ("Crime in Mexico City") loses its proper nouns. Before pandoc reads
such a title, a capitalised word is braced when one of these says it is a name:

- the English word list (Debian's `wbritish-huge`, SCOWL size 70) has it only with a capital ("Greek", "Rome",
  "John"), or does not have it at all ("Narboni"), unless it is a prefix or suffix away from a known
  lowercase word ("Deradicalisation");
- pycountry names it as a country or a major language ("Guinea", "Papua New Guinea");
- it is a family name of the entry's own authors or editors;
- it is a single letter other than "A" ("Plan B", "Type I");
- it joins a name: a word such as City, River or Islands after a name ("Mexico City"); New, North,
  Western... before one ("New Guinea"); a word the list also has with a capital before one ("John
  Wayne", where "john" is a word too).

Only capitalised words at brace depth zero are looked at; everything else of the title stays as
written. Without the word list (not installed), titles are left as they are.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pycountry

#: Debian's wbritish and wbritish-huge (scripts/install-browser.sh): SCOWL's lists of sizes 50 and 70
WORD_LIST = Path("/usr/share/dict/british-english")
LARGE_WORD_LIST = Path("/usr/share/dict/british-english-huge")

#: words that end a multi-word name when they follow a name ("Mexico City", "Hudson River")
NAME_HEADS = frozenset("""
City County River Sea Ocean Island Islands Mountains Lake Bay Gulf Valley Coast Peninsula Strait Straits
Canal Desert Province Empire Kingdom
""".split())
#: words that start a multi-word name when a name follows ("New Guinea", "Western Europe")
NAME_MODIFIERS = frozenset("""
New North South East West Northern Southern Eastern Western Central Upper Lower Great Greater Saint St San Santa
Mount Cape Port Fort
""".split())
_PREFIXES = ("de", "re", "un", "non", "anti", "counter", "pre", "post", "ex", "dis", "mis", "over", "under", "inter",
             "multi", "self", "semi", "sub", "super", "trans", "co", "cross", "mega", "micro", "macro", "neo", "pro")
_SUFFIXES = ("s", "es", "ed", "ing", "ly", "ness", "ism", "isms", "ist", "ists", "isation", "isations", "ization",
             "izations", "ise", "ised", "ize", "ized", "al", "ally", "ity", "ities", "er", "ers")
_LETTERS = r"[^\W\d_](?:[^\W\d_]|['’])*"
_TOKEN = re.compile(_LETTERS + "(?:-" + _LETTERS + ")*")


@cache
def lexicon() -> tuple[frozenset[str], frozenset[str], frozenset[str]] | None:
    """(words the list has only with a capital, words it has with a capital, every word of the list in
    lower case), or None without the list."""
    try:
        words = [w for w in WORD_LIST.read_text(encoding="utf-8").split() if not w.endswith("'s")]
        large = LARGE_WORD_LIST.read_text(encoding="utf-8").lower().split()
    except OSError:
        return None
    lower = frozenset(w for w in words if w.islower())
    capital_any = frozenset(w for w in words if w[:1].isupper())
    capital = frozenset(w for w in capital_any if w.lower() not in lower)
    return capital, capital_any, frozenset(w.lower() for w in words).union(large)


@cache
def place_names() -> tuple[frozenset[str], frozenset[tuple[str, ...]]]:
    """Countries' and major languages' names from pycountry: single words, and multi-word names."""
    names = set()
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if value and "," not in value and "(" not in value:
                names.add(value)
    for language in pycountry.languages:
        if hasattr(language, "alpha_2") and "(" not in language.name:
            names.add(language.name)
    single = frozenset(n for n in names if " " not in n)
    multi = frozenset(tuple(n.split()) for n in names if " " in n and "-" not in n)
    return single, multi


def _base(word: str) -> str:
    return re.sub(r"['’]s?$", "", word)


def _derived(lower_word: str, known: frozenset[str]) -> bool:
    """Whether an unknown word is a known lowercase word with a prefix or suffix added."""
    for prefix in ("", *_PREFIXES):
        if not lower_word.startswith(prefix):
            continue
        stem = lower_word[len(prefix):]
        if prefix and len(stem) > 3 and stem in known:
            return True
        for suffix in _SUFFIXES:
            if stem.endswith(suffix) and len(stem) - len(suffix) > 3:
                root = stem[: -len(suffix)]
                if root in known or root + "e" in known:
                    return True
    return False


def is_name(word: str, authors: frozenset[str]) -> bool:
    """Whether one capitalised word (no hyphen) is a proper noun by the rules of this module."""
    base = _base(word)
    if not base:
        return False
    if len(base) == 1:
        return base != "A"
    if not (base[0].isupper() and base[1:].islower()):
        return False  # "TCP", "BibTeX": pandoc keeps words with more capitals as they are
    found = lexicon()
    if found is None:
        return False
    capital, _, known = found
    single, _ = place_names()
    if base in authors or base in single or base in capital:
        return True
    lower = base.lower()
    return lower not in known and not _derived(lower, known)


def protect_title_case(value: str, authors: frozenset[str] = frozenset()) -> str:
    """The title with the proper nouns among its capitalised words (outside braces) braced."""
    if lexicon() is None:
        return value
    depth_at = _depths(value)
    tokens = [m for m in _TOKEN.finditer(value) if depth_at[m.start()] == 0 and _standalone(value, m)]
    parts: list[list[tuple[int, str]]] = []  # per token: its hyphen-separated parts (start, text)
    for m in tokens:
        pieces, pos = [], m.start()
        for piece in m.group().split("-"):
            pieces.append((pos, piece))
            pos += len(piece) + 1
        parts.append(pieces)
    braced = [[text[:1].isupper() and is_name(text, authors) for _, text in pieces] for pieces in parts]
    _join_names(value, tokens, parts, braced)
    out, last = [], 0
    for pieces, flags in zip(parts, braced, strict=True):
        for (start, text), flag in zip(pieces, flags, strict=True):
            if flag:
                cut = len(_base(text))
                out += [value[last:start], "{", text[:cut], "}"]
                last = start + cut
    return "".join(out) + value[last:]


def _join_names(value: str, tokens: list[re.Match[str]], parts: list, braced: list[list[bool]]) -> None:
    """Brace the words that make a name with their neighbours: country names of several words, a head
    word after a name, a modifier before one (only between capitalised words next to each other)."""
    words = [m.group() for m in tokens]
    adjacent = [i + 1 < len(tokens) and value[tokens[i].end():tokens[i + 1].start()].strip() == "" for i in range(len(tokens))]
    _, multi = place_names()
    for i in range(len(tokens)):
        for n in (4, 3, 2):
            if i + n <= len(tokens) and all(adjacent[i:i + n - 1]) and tuple(_base(w) for w in words[i:i + n]) in multi:
                for j in range(i, i + n):
                    braced[j] = [True] * len(braced[j])
    for i in range(len(tokens) - 1, 0, -1):  # heads after names, right to left is enough for one head
        if adjacent[i - 1] and all(braced[i - 1]) and _base(words[i]) in NAME_HEADS and len(parts[i]) == 1:
            braced[i] = [True]
    capital_any = lexicon()[1]  # type: ignore[index]
    for i in range(len(tokens) - 2, -1, -1):  # words before names, right to left: "South West Africa"
        word = _base(words[i])
        if adjacent[i] and braced[i + 1][0] and len(parts[i]) == 1 and (word in NAME_MODIFIERS or word in capital_any):
            braced[i] = [True]


def _standalone(value: str, match: re.Match[str]) -> bool:
    """A word not glued to LaTeX: no command before it, no brace or backslash right after it."""
    before = value[match.start() - 1] if match.start() else " "
    after = value[match.end()] if match.end() < len(value) else " "
    return before not in "\\{}" and after not in "{}\\"


def _depths(value: str) -> list[int]:
    depths, depth = [], 0
    for char in value:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        depths.append(depth)
    return depths
