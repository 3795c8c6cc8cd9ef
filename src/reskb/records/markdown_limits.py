"""Checks on contributor Markdown for what the site's Markdown would act on or choke on.

Python-Markdown is quadratic on brackets (each `[` scans for its `]` to the end of its paragraph:
50,000 of them took four minutes) and recursive on nesting; `attr_list` and `pymdownx.snippets`
act on any text they are given. The validator reports each of these with its line, so that a build
never meets them (untrusted.py makes them inert besides). Every check here is linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

#: an attribute list `{...}` closed on the same line, its `{` not escaped by a backslash
_ATTRIBUTES = re.compile(r"(?<!\\)(?:\\\\)*(\{[^\n{}]*\})")
_SNIPPET = re.compile(r"^[ \t]*;*-+8<-+", re.MULTILINE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_INDENT = re.compile(r"^[ \t]{7,}", re.MULTILINE)  # 7 or more: a tab counts 4 at most, so fewer stay within 24
_QUOTES = re.compile(r"^[ \t]*((?:>[ \t]*)+)", re.MULTILINE)
_EMPHASIS_RUN = re.compile(r"[*_~]{7,}")
_MARKUP = re.compile(r"[\\`\[\]()]")

#: character steps Python-Markdown may spend finding the ends of links in one text (~1 s)
MAX_BRACKET_WORK = 2_000_000
MAX_INDENT = 24
MAX_QUOTE_DEPTH = 5


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def markdown_problems(text: str) -> Iterator[tuple[int, str, str]]:
    """(line within the text, message, hint) for each problem in one Markdown field."""
    # each pattern needs a character the text may not hold: `in` finds that out at C speed
    attributes = _ATTRIBUTES.search(text) if "{" in text else None
    if attributes:
        yield (_line(text, attributes.start(1)), f"curly braces {attributes.group(1)[:30]!r} are attribute syntax, "
               "which is not allowed in record text", "write \\{ and \\} if you mean the braces themselves")
    snippet = _SNIPPET.search(text) if "8<" in text else None
    if snippet:
        yield (_line(text, snippet.start()), "'--8<--' (a snippet marker) is not allowed in record text",
               "write the text itself; to show the marker, put it inside other text")
    yield from _bracket_work(text)  # a list: at most one problem
    for match in _INDENT.finditer(text) if "       " in text or "\t" in text else ():  # 7 of them: spaces, or a tab
        width = len(match.group(0).expandtabs(4))
        if width > MAX_INDENT and match.end() < len(text) and text[match.end()] != "\n":
            yield (_line(text, match.start()), f"the line is indented by {width} spaces; at most {MAX_INDENT} are allowed",
                   "nest lists at most a few levels deep")
            break
    for match in _QUOTES.finditer(text) if ">" in text else ():
        if match.group(1).count(">") > MAX_QUOTE_DEPTH:
            yield (_line(text, match.start()), f"quotes are nested more than {MAX_QUOTE_DEPTH} deep ('>' signs)",
                   "quote at most a few levels deep")
            break
    run = _EMPHASIS_RUN.search(text) if "*" in text or "_" in text or "~" in text else None
    if run:
        yield (_line(text, run.start()), f"a run of {len(run.group(0))} '{run.group(0)[0]}' signs is not allowed",
               "use at most three for emphasis; write \\* for a literal one")


def _bracket_work(text: str) -> list[tuple[int, str, str]]:
    """Python-Markdown's link scanning, estimated from above: each `[` scans to its matching `]`, each `](`
    to its matching `)`, or to the end of the paragraph when there is none. A closing bracket counts only
    with no backtick between it and its opener (a code span could hide it from Markdown) and when it is
    not escaped. Citations and links cost little; thousands of unclosed brackets cost a lot."""
    if (text.count("[") + text.count("(")) * len(text) <= MAX_BRACKET_WORK:
        return []  # each '[' and '(' adds at most the text's length: most texts cannot reach the limit
    work, start = 0, 0
    for end in [m.start() for m in _BLANK_LINE.finditer(text)] + [len(text)]:
        work += _paragraph_work(text, start, end)
        if work > MAX_BRACKET_WORK:
            return [(_line(text, start), "this text has too many '[' brackets (or unclosed links) for its "
                     "paragraphs' length", "close each bracket, write \\[ for a bracket that is not a link or "
                     "citation, or split long paragraphs")]
        start = end
    return []


def _paragraph_work(text: str, start: int, end: int) -> int:
    work = 0
    brackets: list[int] = []  # open '[' positions
    parens: list[tuple[int, bool]] = []  # open '(' positions, and whether a link target starts there
    last_backtick = -1
    escaped_at = -1  # the position a backslash escapes
    for match in _MARKUP.finditer(text, start, end):  # only these characters matter: C speed between them
        i = match.start()
        if i == escaped_at:
            continue
        char = text[i]
        if char == "\\":
            escaped_at = i + 1
        elif char == "`":
            last_backtick = i
        elif char == "[":
            brackets.append(i)
        elif char == "]" and brackets:
            opened = brackets.pop()
            work += i - opened if last_backtick < opened else end - opened
        elif char == "(":
            parens.append((i, i > start and text[i - 1] == "]"))
        elif char == ")" and parens:
            opened, link = parens.pop()
            if link:
                work += i - opened if last_backtick < opened else end - opened
    work += sum(end - opened for opened in brackets) + sum(end - opened for opened, link in parens if link)
    return work
