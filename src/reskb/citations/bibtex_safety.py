"""BibTeX from pull requests, made safe to parse and to publish.

pybtex expands `@string` macros while it parses: a few hundred bytes of macros that each repeat
the previous one twice ask for gigabytes, so expansion is measured here before pybtex sees the
file. URLs (`url`, `doi`, `\\url{}`/`\\href{}` in any field) end up in `href` attributes; they are
checked like record links, and the HTML backend escapes them besides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..problems import Problem

#: characters a .bib file may amount to once every macro is expanded
MAX_EXPANDED_CHARS = 4_000_000
MAX_BRACE_DEPTH = 20
#: works in the whole bibliography: formatting costs ~3 ms a work, so this bounds validation to seconds
MAX_ENTRIES = 1_000

_ENTRY = re.compile(r"@\s*(\w+)\s*[{(]")
_STRING = re.compile(r"@\s*string\s*[{(]", re.IGNORECASE)
_NAME = re.compile(r"\s*([^\s=#{}\"(),]+)\s*=")
_WORD = re.compile(r"[A-Za-z_][^\s=#{}\"(),%']*")
_URL = re.compile(r"^https?://[^\s<>\"'`\\{}|^\x00-\x1f\x7f-\x9f]+$")
_DOI = re.compile(r"^10\.\d{4,9}/[^\s<>\"'`\\{}\x00-\x1f\x7f-\x9f]+$")
_DOI_PREFIX = re.compile(r"^(https?://(dx\.)?doi\.org/|doi:)", re.IGNORECASE)
_LATEX_URL = re.compile(r"\\(?:url|href)\s*\{([^{}]*)\}")
_DIGITS = re.compile(r"\d+")
_UNSAFE_KEY = re.compile(r"[\s\"'<>&{}\\=`\x00-\x1f\x7f-\x9f]")


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _scan_value(text: str, i: int, sizes: dict[str, int]) -> tuple[int, int]:
    """Expanded size of the `#`-joined value starting at i, and the position after it."""
    total, n = 0, len(text)
    while i < n:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            break
        if text[i] in "{\"":
            opener, start = text[i], i
            depth = 1 if opener == "{" else 0
            i += 1
            while i < n:
                char = text[i]
                if char == "{":
                    depth += 1
                elif char == "}":
                    depth -= 1
                    if opener == "{" and depth == 0:
                        break
                elif char == "\"" and opener == "\"" and depth == 0:
                    break
                i += 1
            total += i - start
            i += 1
        else:
            word = _WORD.match(text, i) or _DIGITS.match(text, i)
            if not word:
                break
            total += sizes.get(word.group(0).lower(), len(word.group(0)))
            i = word.end()
        while i < n and text[i].isspace():
            i += 1
        if i < n and text[i] == "#":
            i += 1
            continue
        break
    return min(total, MAX_EXPANDED_CHARS + 1), i


def limit_problems(text: str, shown: str) -> list[Problem]:
    """What would make pybtex take unbounded time or memory: macros expanding past the limit, and
    braces nested too deeply. Linear in the file's length."""
    entries = [m for m in _ENTRY.finditer(text) if m.group(1).lower() not in ("string", "comment", "preamble")]
    if len(entries) > MAX_ENTRIES:
        return [too_many_entries(shown, _line(text, entries[MAX_ENTRIES].start()))]
    depth = deepest = deepest_at = 0
    for match in re.finditer(r"[{}]", text):
        depth = depth + 1 if match.group(0) == "{" else max(depth - 1, 0)
        if depth > deepest:
            deepest, deepest_at = depth, match.start()
    if deepest > MAX_BRACE_DEPTH:
        return [Problem(shown, _line(text, deepest_at), "", f"braces are nested {deepest} deep; at most "
                        f"{MAX_BRACE_DEPTH} levels are allowed", "remove the extra braces")]
    sizes: dict[str, int] = {}
    position = 0
    while match := _STRING.search(text, position):
        position = match.end()
        name = _NAME.match(text, match.end())
        if not name:
            continue
        size, position = _scan_value(text, name.end(), sizes)  # resumes after the value: each byte read once
        sizes[name.group(1).lower()] = size
        if size > MAX_EXPANDED_CHARS:
            return [_too_large(shown, _line(text, match.start()))]
    if not sizes:
        return []
    total = len(text)
    for word in _WORD.finditer(text):  # every use of a macro counts its full expansion (an upper bound)
        total += sizes.get(word.group(0).lower(), 0)
        if total > MAX_EXPANDED_CHARS:
            return [_too_large(shown, _line(text, word.start()))]
    return []


def too_many_entries(shown: str, line: int) -> Problem:
    return Problem(shown, line, "", f"the bibliography holds more than {MAX_ENTRIES:,} works",
                   "keep only the works that records cite")


def _too_large(shown: str, line: int) -> Problem:
    return Problem(shown, line, "", f"the @string macros expand to more than {MAX_EXPANDED_CHARS:,} characters",
                   "write the text out instead of building it from macros that repeat each other")


def url_problems(key: str, fields: dict[str, str], path: str, entry_line: int,
                 field_lines: dict[str, int]) -> Iterator[Problem]:
    """Every address in an entry: http(s) only, with no quotes, spaces, angle brackets or control characters.
    `field_lines` gives the file line of each field by its lower-case name (the entry's line if missing)."""
    for name, value in fields.items():
        lower = name.lower()
        found = [value.strip()] if lower == "url" and value.strip() else []
        found += _LATEX_URL.findall(value)
        for url in found:
            if not _URL.match(url.strip()):
                yield Problem(path, field_lines.get(name.lower(), entry_line), lower,
                              f"'{url[:60]}' is not an http(s) address",
                              "write a full address starting with https://, with no spaces, quotes or < >; "
                              "encode such characters as %20, %22, %3C, %3E")
        if lower == "doi" and value.strip():
            doi = _DOI_PREFIX.sub("", value.strip())
            if not _DOI.match(doi):
                yield Problem(path, field_lines.get(name.lower(), entry_line), "doi", f"'{value.strip()[:60]}' is not a DOI",
                              "write the DOI alone, e.g. doi = {10.1080/10683160410001662744}, with no spaces or quotes")
    if _UNSAFE_KEY.search(key) or key.startswith("__"):
        yield Problem(path, entry_line, "", f"the key '{key[:60]}' cannot be used as a page anchor",
                      "use letters, digits and - _ : . + / only, not starting with '__'")
