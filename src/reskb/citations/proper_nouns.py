"""Proper nouns of Title Case titles, braced before pandoc turns the titles into sentence case.

APA 7 writes titles in sentence case (6.17): only the first word, the first word after a colon and
proper nouns keep their capital. pandoc lowercases every capitalised word outside braces, so a .bib
title in Title Case without braces ("Crime in Mexico City") loses its proper nouns. Before pandoc reads
such a title, a capitalised word is braced when one of these says it is a name:

- the English word list of common words (Debian's `wbritish`, SCOWL size 50) has it only with a
  capital ("Greek", "Rome"); or neither that list nor the large one (`wbritish-huge`, size 70, which
  also has rare words such as "greek", a cheat) has it in any case ("Narboni"), unless it is a known
  word with a prefix or a suffix ("Deradicalisation");
- pycountry names it as a country ("Guinea", "Papua New Guinea");
- it is a family name of the entry's own authors or editors;
- it is a single letter other than "A" ("Plan B", "Type I");
- it joins a name: a word such as City, River or Islands after a name ("Mexico City"); New, North,
  Western... before one ("New Guinea"); a word the list also has with a capital before a person's
  name ("John Wayne", where "john" is a word too; not "Young Muslims").

Only capitalised words at brace depth zero are looked at; everything else of the title stays as
written. Without the word lists (not installed), titles are left as they are.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

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
#: endings of peoples' and languages' names, which a given name does not precede
GROUP_ENDINGS = ("s", "an", "ish", "ese", "ic")
_PREFIXES = ("de", "re", "un", "non", "anti", "counter", "pre", "post", "ex", "dis", "mis", "over", "under", "inter",
             "multi", "self", "semi", "sub", "super", "trans", "co", "cross", "mega", "micro", "macro", "neo", "pro")
_SUFFIXES = ("s", "es", "ed", "ing", "ly", "ness", "ism", "isms", "ist", "ists", "isation", "isations", "ization",
             "izations", "ise", "ised", "ize", "ized", "al", "ally", "ity", "ities", "er", "ers")
_LETTERS = r"[^\W\d_](?:[^\W\d_]|['’])*"
_TOKEN = re.compile(_LETTERS + "(?:-" + _LETTERS + ")*")


def missing_lists_warning() -> str:
    """What the build and `reskb validate` say when lexicon() is None."""
    return (f"The English word lists {WORD_LIST} and {LARGE_WORD_LIST} are missing, so titles written in Title Case "
            "lose the capitals of their proper nouns in APA references (and `mkdocs build --strict` stops on this "
            "warning). Install them with scripts/install-wordlists.sh.")


def lists_installed() -> bool:
    """Whether lexicon() finds its lists, without reading them (what `reskb validate` warns about)."""
    return WORD_LIST.is_file() and os.access(WORD_LIST, os.R_OK) and LARGE_WORD_LIST.is_file()


@cache
def lexicon() -> tuple[frozenset[str], frozenset[str], frozenset[str]] | None:
    """(words the common list has only with a capital, words it has with a capital, its words in lower
    case), or None without the lists."""
    try:
        words = [w for w in WORD_LIST.read_text(encoding="utf-8").split() if not w.endswith("'s")]
    except OSError:
        return None
    if not LARGE_WORD_LIST.is_file():
        return None
    lower = frozenset(w for w in words if w.islower())
    capital_any = frozenset(w for w in words if w[:1].isupper())
    capital = frozenset(w for w in capital_any if w.lower() not in lower)
    return capital, capital_any, frozenset(w.lower() for w in words)


@cache
def large_lexicon() -> frozenset[str]:
    """The large list's words as written: read only once a word is missing from the common list."""
    try:
        return frozenset(LARGE_WORD_LIST.read_text(encoding="utf-8").split())
    except OSError:
        return frozenset()


def _known(lower: str) -> bool:
    """Whether either list has this lowercase word, in lower case or with a capital."""
    if lower in lexicon()[2]:  # type: ignore[index]
        return True
    large = large_lexicon()
    return lower in large or lower.capitalize() in large


@cache
def place_names() -> tuple[frozenset[str], dict[str, list[tuple[str, ...]]]]:
    """Countries' names from pycountry: the one-word names, and the others by their first word."""
    import pycountry  # here: loading it costs every command a twentieth of a second

    single, multi = set(), {}
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if not value or "," in value or "(" in value:
                continue
            if " " in value:
                multi.setdefault(value.split()[0], []).append(tuple(value.split()))
            else:
                single.add(value)
    return frozenset(single), multi


def _base(word: str) -> str:
    """The word without a possessive ending."""
    if word.endswith(("'s", "’s")):
        return word[:-2]
    return word.rstrip("'’")


def _derived(lower_word: str) -> bool:
    """Whether an unknown word is a known lowercase word with a prefix or suffix added."""
    for prefix in ("", *_PREFIXES):
        if not lower_word.startswith(prefix):
            continue
        stem = lower_word[len(prefix):]
        if prefix and len(stem) > 3 and _known(stem):
            return True
        for suffix in _SUFFIXES:
            if stem.endswith(suffix) and len(stem) - len(suffix) > 3:
                root = stem[: -len(suffix)]
                if _known(root) or _known(root + "e"):
                    return True
    return False


def is_name(word: str, authors: frozenset[str]) -> bool:
    """Whether one capitalised word (no hyphen) is a proper noun by the rules of this module."""
    base = _base(word)
    return bool(base) and (base in authors or _is_name(base))


@cache
def _is_name(base: str) -> bool:
    if len(base) == 1:
        return base != "A"
    if not (base[0].isupper() and base[1:].islower()):
        return False  # "TCP", "BibTeX": pandoc keeps words with more capitals as they are
    found = lexicon()
    if found is None:
        return False
    capital, _, common = found
    if base in capital or base in place_names()[0]:
        return True
    lower = base.lower()
    return lower not in common and not _known(lower) and not _derived(lower)


def protect_title_case(value: str, authors: frozenset[str] = frozenset()) -> str:
    """The title with the proper nouns among its capitalised words (outside braces) braced."""
    if lexicon() is None:
        return value
    depth_at = brace_depths(value)
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
    word after a name, a modifier or a word the list has with a capital before one (only between
    capitalised words next to each other)."""
    bases = [_base(m.group()) for m in tokens]
    adjacent = [i + 1 < len(tokens) and not value[tokens[i].end():tokens[i + 1].start()].strip() for i in range(len(tokens))]
    multi = place_names()[1]
    for i, base in enumerate(bases):
        for name in multi.get(base, ()):
            n = len(name)
            if tuple(bases[i:i + n]) == name and all(adjacent[i:i + n - 1]):
                for j in range(i, i + n):
                    braced[j] = [True] * len(braced[j])
    for i in range(len(tokens) - 1, 0, -1):  # heads after names
        if adjacent[i - 1] and all(braced[i - 1]) and bases[i] in NAME_HEADS and len(parts[i]) == 1:
            braced[i] = [True]
    capital_any = lexicon()[1]  # type: ignore[index]
    for i in range(len(tokens) - 2, -1, -1):  # words before names, right to left: "South West Africa"
        if not (adjacent[i] and braced[i + 1][0] and len(parts[i]) == 1):
            continue
        if bases[i] in NAME_MODIFIERS or (bases[i] in capital_any and _personal(bases[i + 1])):
            braced[i] = [True]


def _personal(name: str) -> bool:
    """Whether a name can end a person's name ("John Wayne"): not a country, and not shaped like a
    people's or a language's name ("Young Muslims", "Young Americans", "Young British")."""
    return name not in place_names()[0] and not name.endswith(GROUP_ENDINGS)


def _standalone(value: str, match: re.Match[str]) -> bool:
    """A word not glued to LaTeX: no command before it, no brace or backslash right after it."""
    before = value[match.start() - 1] if match.start() else " "
    after = value[match.end()] if match.end() < len(value) else " "
    return before not in "\\{}" and after not in "{}\\"


def brace_depths(value: str) -> list[int]:
    """The brace depth at each character of a BibTeX value."""
    depths, depth = [], 0
    for char in value:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        depths.append(depth)
    return depths
