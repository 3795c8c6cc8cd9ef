"""Reading .bib files entry by entry, keeping each entry's text as its file wrote it.

A small scanner cuts the file into entries (and each entry into fields, with their lines) so that
one broken entry is reported alone and the rest of its file stays usable, and so that the
`/data/references.bib` export can republish each entry's own text. pybtex then reads each entry
to check it the way BibTeX tools will.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pybtex.database import BibliographyData, Entry
from pybtex.database.input.bibtex import Parser
from pybtex.scanner import PybtexError

from ..problems import Problem
from .bibtex_safety import limit_problems
from .syntax import KEY, KEY_PUNCTUATION

MAX_BIB_BYTES = 2_000_000
_ENTRY_LINE = re.compile(r"^[ \t]*@[ \t]*(\w+)[ \t]*[{(]", re.MULTILINE)
_KEY = re.compile(KEY)
_NAME = re.compile(r"\s*([^\s=,{}\"#()]+)\s*=\s*")
#: the characters the scanners below act on (an entry's closer is '}' or ')'); the others they step over at C speed
_ENTRY_MARKS = re.compile(r"[\\{}()]")
_FIELD_MARKS = re.compile(r'[\\{}",]')


@dataclass
class Field:
    name: str  # lower case, as BibTeX tools compare them
    start: int  # offsets of `name = value` (and its trailing comma) within the entry's text
    end: int
    line: int  # line in the file


@dataclass
class Reference:
    key: str
    entry: Entry
    path: str
    line: int
    raw: str = ""  # the entry exactly as its file wrote it
    fields: list[Field] = field(default_factory=list)
    order: int = 0  # position in the bibliography, as the citation style sorts it
    html: str = ""  # the full reference, formatted by the citation style
    text: str = ""  # the same, as plain text
    narrative: str = ""  # narrative in-text form as plain text: "Baaken et al. (2018)"
    #: the narrative form read from the entry alone, before the style formats it ("Müller (2016)", where the
    #: style may give "Müller (2016b)"): what the search index reads, formatted or not
    rough_narrative: str = ""
    problems: list[Problem] = field(default_factory=list)

    def field_line(self, name: str) -> int:
        return next((f.line for f in self.fields if f.name == name), self.line)


@dataclass
class BibFile:
    references: list[Reference]
    strings: list[str]  # the file's @string definitions, as written (entries may use them)
    broken_keys: set[str]  # keys of entries that could not be read: not "unknown" where cited
    problems: list[Problem]


@dataclass
class _Chunk:
    kind: str
    start: int
    end: int
    closed: bool


def _chunks(text: str) -> list[_Chunk]:
    """Entries as (type, span): from `@type{` to its closing brace. An entry that is still open when
    the next line starting with `@type{` comes is cut there and marked unclosed."""
    starts = list(_ENTRY_LINE.finditer(text))
    out = []
    for i, match in enumerate(starts):
        limit = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        opener = text[match.end() - 1]
        closer = "}" if opener == "{" else ")"
        depth, pos = 0, match.end() - 1
        end = None
        while (mark := _ENTRY_MARKS.search(text, pos, limit)) is not None:
            pos = mark.start()
            char = text[pos]
            if char == "\\":
                pos += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            if char == closer and depth == 0:
                end = pos + 1
                break
            pos += 1
        out.append(_Chunk(match.group(1).lower(), match.start(), end or limit, end is not None))
    return out


def _fields(raw: str, offset_line: int) -> list[Field]:
    """`name = value` spans of one entry (after its key), found by brace counting."""
    out: list[Field] = []
    comma = raw.find(",")
    if comma < 0:
        return out
    pos = comma + 1
    while True:
        match = _NAME.match(raw, pos)
        if not match:
            break
        start, pos, depth = match.start(1), match.end(), 0
        in_quotes = False
        while pos < len(raw):
            mark = _FIELD_MARKS.search(raw, pos)
            if mark is None:
                pos = len(raw)  # where stepping over the rest one character at a time would stop
                break
            pos = mark.start()
            char = raw[pos]
            if char == "\\":
                pos += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                if depth == 0:
                    break  # the entry's closing brace
                depth -= 1
            elif char == '"' and depth == 0:
                in_quotes = not in_quotes
            elif char == "," and depth == 0 and not in_quotes:
                pos += 1
                break
            pos += 1
        out.append(Field(match.group(1).lower(), start, pos, offset_line + raw.count("\n", 0, start)))
    return out


def check_key(key: str) -> str:
    """'' for a key pandoc can cite; otherwise what is wrong with it, naming the character."""
    match = _KEY.match(key)
    if match and match.end() == len(key):
        return ""
    if not match:
        return f"a key must start with a letter, a digit or '_', not '{key[:1]}'"
    bad = key[match.end()]
    if bad in KEY_PUNCTUATION:
        return f"'{bad}' may only stand between letters or digits in a key"
    return f"the character '{bad}' cannot be part of a citation key"


def _comma_hint(message: str) -> str:
    if re.search(r"'[}=,]' expected|expected", message):
        return ("a comma is probably missing at the end of the field before this line: separate fields with commas, "
                "e.g. title = {...},")
    return "check that braces are balanced and that the entry has a key followed by a comma"


def read_bib_file(path: Path, shown_as: str) -> BibFile:
    """Every readable entry of one .bib file, with problems naming file and line instead of raising."""
    raw_bytes = path.read_bytes()
    if len(raw_bytes) > MAX_BIB_BYTES:
        return BibFile([], [], set(), [Problem(shown_as, 1, "", f"the file is {len(raw_bytes):,} bytes; at most "
                                               f"{MAX_BIB_BYTES:,} are allowed", "split it into several .bib files")])
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return BibFile([], [], set(), [Problem(shown_as, 1, "", f"the file is not valid UTF-8 text (byte {exc.start})",
                                               "save the file as UTF-8 in your editor")])
    limits = limit_problems(text, shown_as)  # before pybtex expands any macro
    if limits:
        return BibFile([], [], set(), limits)
    parser = Parser(wanted_entries=None)
    result = BibFile([], [], set(), [])
    line, counted = 1, 0  # lines counted as the chunks go by: linear in the file's length
    seen: dict[str, Reference] = {}
    for chunk in _chunks(text):
        raw = text[chunk.start:chunk.end]
        line += text.count("\n", counted, chunk.start)
        counted = chunk.start
        if chunk.kind in ("comment", "preamble"):
            continue
        key_match = re.match(r"\s*@\s*\w+\s*[{(]\s*([^,\n]*?)\s*(?:,|\n|$)", raw)
        key = key_match.group(1) if key_match else ""
        if chunk.kind != "string" and (not key or key.endswith(("=", "}"))):
            result.problems.append(Problem(shown_as, line, "", f"this @{chunk.kind} entry has no key",
                                           "write the key right after the brace, then a comma: @book{smith2020, ..."))
            continue
        problem = _read_entry(parser, raw, chunk, key, shown_as, line)
        if problem:
            result.problems.append(problem)
            result.broken_keys.add(key)
            continue
        if chunk.kind == "string":
            result.strings.append(raw)
            continue
        entry = parser.data.entries.get(key)
        if entry is None:  # pybtex read nothing
            result.broken_keys.add(key)
            continue
        ref = Reference(key, entry, shown_as, line, raw, _fields(raw, line))
        clash = seen.get(key.lower())
        if clash is not None:  # pybtex would refuse it; report it ourselves, with both lines
            result.problems.append(duplicate_problem(ref, clash))
            result.broken_keys.add(key)
            continue
        seen[key.lower()] = ref
        result.references.append(ref)
    return result


def _read_entry(parser: Parser, raw: str, chunk: _Chunk, key: str, shown_as: str, line: int) -> Problem | None:
    key_problem = check_key(key) if chunk.kind != "string" else ""
    if key_problem:
        return Problem(shown_as, line, "", f"the key '{key}' cannot be cited: {key_problem}",
                       "use letters, digits and _ (punctuation such as : . - / between them), e.g. smith2020crime")
    if not chunk.closed:
        return Problem(shown_as, line, key, f"the entry '{key}' is not closed before the next entry starts",
                       "a closing brace } is missing at its end or inside a field; check that braces are balanced")
    parser.data = BibliographyData()  # each entry on its own; @string macros carry over in parser.macros
    try:
        parser.parse_string(raw)
    except PybtexError as exc:
        message = str(exc)
        found = re.search(r"line (\d+)", message)
        where = line + int(found.group(1)) - 1 if found else line
        message = re.sub(r"(syntax error )?in line \d+: ?", "", message).strip()
        return Problem(shown_as, where, key, f"cannot read the entry '{key}': {message}", _comma_hint(message))
    except Exception as exc:  # pybtex raises assorted errors on broken input  # noqa: BLE001
        return Problem(shown_as, line, key, f"cannot read the entry '{key}': {exc}", _comma_hint(str(exc)))
    return None


def duplicate_problem(ref: Reference, first: Reference) -> Problem:
    if ref.key == first.key:
        message = f"the key '{ref.key}' is already used in {first.path}:{first.line}"
    else:
        message = (f"the key '{ref.key}' differs only in letter case from '{first.key}' in {first.path}:{first.line}; "
                   "BibTeX and biblatex treat them as the same key")
    return Problem(ref.path, ref.line, ref.key, message, "give each work its own key (one entry per work)")
