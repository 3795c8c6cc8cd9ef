"""The in-text citation syntax (pandoc's): `[see @key, p. 3; @other]`, `[-@key]` and narrative `@key`.

Only parsing lives here; the formatter (formatter.py) renders what these functions find.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

#: a citation key as pandoc reads it: a letter, digit or `_`, then letters, digits, `_` and punctuation
#: (:.#$%&-+?<>~/) that is followed by a letter or digit (`::` and `//` allowed)
KEY = r"\w(?:\w|[:.#$%&+?<>~/-](?=\w)|[:/](?=/))*"
KEY_PUNCTUATION = ":.#$%&-+?<>~/"
#: a bracket with an @ and no inner bracket; linear: no part of it can match in two ways (the key is checked
#: by parse_group, not here: `[^@]*?@KEY` backtracked quadratically on runs of @ or key characters)
_BRACKET = re.compile(r"\[(?P<body>[^\[\]@]*@[^\[\]]*)\](?![(:\[])")
_KEY = re.compile(KEY)
_NARRATIVE = re.compile(r"(?<![\w@\[\\])@(?P<key>" + KEY + r")")


@dataclass(frozen=True)
class Citation:
    key: str
    tail: str = ""  # what follows the key: ", p. 3" (locator) and any suffix, as written
    prefix: str = ""
    suppress_author: bool = False
    narrative: bool = False

    @property
    def locator(self) -> str:
        return _locator(self.tail)


def _locator(tail: str) -> str:
    return tail.strip().lstrip(",").strip()


_NEWLINE = re.compile("\n")
_INLINE_CODE = re.compile(r"(`+)[^`]+?\1(?!`)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _code_spans(markdown: str) -> list[tuple[int, int]]:
    """(start, end) of fenced code blocks and inline code spans, found in linear time (hostile text
    with thousands of unclosed fences or backticks must not make the build hang)."""
    if "`" not in markdown and "~" not in markdown:  # most texts: no code at all
        return []
    spans: list[tuple[int, int]] = []
    position, fence, fence_start = 0, "", 0
    for line in markdown.splitlines(keepends=True):
        match = _FENCE.match(line)
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) and not line.strip(
                    " \t\r\n`~"):
                spans.append((fence_start, position + len(line)))
                fence = ""
        elif match:
            fence, fence_start = match.group(1), position
        position += len(line)
    if fence:  # an unclosed fence runs to the end, as in CommonMark
        spans.append((fence_start, len(markdown)))
    inline, last = [], 0
    for start, end in [*spans, (len(markdown), len(markdown))]:
        inline += [(m.start() + last, m.end() + last) for m in _INLINE_CODE.finditer(markdown[last:start])]
        last = end
    return sorted(spans + inline)


def outside_code(markdown: str, transform) -> str:  # type: ignore[no-untyped-def]
    """Apply transform to the parts of a Markdown text that are not code (fenced blocks, `spans`)."""
    out, last = [], 0
    for start, end in _code_spans(markdown):
        out += [transform(markdown[last:start]), markdown[start:end]]
        last = end
    out.append(transform(markdown[last:]))
    return "".join(out)


def cited_keys(markdown: str) -> list[str]:
    """Every key cited in a Markdown text (outside code), bracketed or narrative."""
    keys: list[str] = []

    def collect(part: str) -> str:
        for group in iter_groups(part):
            keys.extend(c.key for c in group)
        return part

    outside_code(markdown, collect)
    return keys


def citation_lines(markdown: str) -> list[tuple[str, int]]:
    """(key, 1-based line within the text) of every citation outside code, for error messages."""
    found: list[tuple[str, int]] = []
    for brackets, narratives in _scan(markdown):
        found += [(key, line) for key, _, line in brackets]
        found += narratives
    return found


def citations_with_lines(markdown: str) -> list[tuple[str, str, int]]:
    """(key, locator, 1-based line within the text) of every bracketed citation outside code."""
    return [citation for brackets, _ in _scan(markdown) for citation in brackets]


@lru_cache(maxsize=256)
def _scan(markdown: str) -> tuple[tuple[tuple[tuple[str, str, int], ...], tuple[tuple[str, int], ...]], ...]:
    """For each stretch of the text outside code: its bracketed citations (key, locator, line) and its
    narrative ones (key, line). Kept for the last texts seen: validation reads each text's citations twice
    (the keys cited, and the locators against `references:`)."""
    newlines = [m.start() for m in _NEWLINE.finditer(markdown)] if "@" in markdown else []
    parts = []
    last = 0
    for start, end in [*_code_spans(markdown), (len(markdown), len(markdown))]:
        part = markdown[last:start]
        brackets: list[tuple[str, str, int]] = []
        narratives: tuple[tuple[str, int], ...] = ()
        if "@" in part:  # both kinds need one (a plain `in`: the patterns' scans cost more)
            pieces, kept = [], 0  # the part with each bracket blanked out (_BRACKET.sub's result, without a call each)
            for match in _BRACKET.finditer(part):
                line = bisect.bisect_right(newlines, last + match.start()) + 1
                brackets += [(key, _locator(" ".join(tail.split())), line) for _, key, tail in _items(match.group("body"))]
                pieces += [part[kept:match.start()], " " * (match.end() - match.start())]
                kept = match.end()
            blanked = "".join([*pieces, part[kept:]]) if pieces else part
            if "@" in blanked:
                narratives = tuple((m.group("key"), bisect.bisect_right(newlines, last + m.start()) + 1)
                                   for m in _NARRATIVE.finditer(blanked))
        parts.append((tuple(brackets), narratives))
        last = end
    return tuple(parts)


def iter_groups(markdown: str):
    def strip_brackets(match: re.Match[str]) -> str:
        return " " * len(match.group(0))

    for match in _BRACKET.finditer(markdown):
        group = parse_group(match.group("body"))
        if group:
            yield group
    rest = _BRACKET.sub(strip_brackets, markdown)
    for match in _NARRATIVE.finditer(rest):
        yield [Citation(match.group("key"), narrative=True)]


def parse_group(body: str) -> list[Citation]:
    """`see @a, p. 5; -@b` -> citations; [] when any item is not `prefix @key, locator` (then the bracket is
    ordinary text). String operations only: linear in the body's length."""
    # `-@key`: the year only
    return [Citation(key, " ".join(tail.split()), " ".join(prefix.removesuffix("-").split()), prefix.endswith("-"))
            for prefix, key, tail in _items(body)]


def _items(body: str) -> list[tuple[str, str, str]]:
    """(prefix, key, what follows the key) of each item of a bracket's body, as written; [] when any item is not
    `prefix @key, locator` (parse_group's reading, without a Citation each: validation reads only key and locator)."""
    out = []
    for item in body.split(";"):
        prefix, at, rest = item.partition("@")
        key = _KEY.match(rest)
        if not at or not key:
            return []
        tail = rest[key.end():]
        if tail.strip() and not tail.lstrip().startswith(","):
            return []  # "@key text" without a comma is not a citation pandoc reads
        out.append((prefix, key.group(0), tail))
    return out
