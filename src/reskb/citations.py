"""BibTeX references: parsing with positions, the house style (APA-like author-date) and in-text citations.

The style is a pybtex style class of ours: pybtex's built-in styles fail on `@report`, do not
render `and others` as "et al." and raise on missing fields, so this one builds each entry from
whatever fields are present and never raises on a missing one.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.input.bibtex import Parser
from pybtex.plugin import find_plugin
from pybtex.richtext import HRef, Tag, Text
from pybtex.scanner import PybtexError
from pybtex.style.formatting import BaseStyle

from .bibtex_safety import EscapingHtmlBackend, limit_problems
from .problems import Problem

#: a citation key as written after `@` (pandoc: ends with a letter or digit)
KEY = r"[A-Za-z0-9_](?:[\w:.+/-]*[A-Za-z0-9_])?"
#: a bracket with an @ and no inner bracket; linear: no part of it can match in two ways (the key is
#: checked by _parse_group, not here: `[^@]*?@KEY` backtracked quadratically on runs of @ or key characters)
_BRACKET = re.compile(r"\[(?P<body>[^\[\]@]*@[^\[\]]*)\](?![(:\[])")
_KEY = re.compile(KEY)
_NARRATIVE = re.compile(r"(?<![\w@\[\\])@(?P<key>" + KEY + r")")
MAX_BIB_BYTES = 2_000_000
# backends looked up once: `render_as(name)` scans every installed package's entry points on each call
_TEXT = find_plugin("pybtex.backends", "text")()
_HTML = EscapingHtmlBackend()  # pybtex's own writes addresses into href unescaped
_ENTRY_START = re.compile(r"@\s*(\w+)\s*[{(]\s*([^,\s]+)\s*,")


@dataclass
class Reference:
    key: str
    entry: Entry
    path: str
    line: int
    label: str = ""  # "Baaken et al." – names part of the author-date citation
    year: str = ""  # year with a disambiguating letter where needed ("2016a")
    html: str = ""  # the full reference in house style
    text: str = ""  # the same, as plain text
    problems: list[Problem] = field(default_factory=list)


def load_bib_file(path: Path, shown_as: str) -> tuple[list[Reference], list[Problem]]:
    """Parse one .bib file; problems name the file and line instead of raising."""
    raw = path.read_bytes()
    if len(raw) > MAX_BIB_BYTES:
        return [], [Problem(shown_as, 1, "", f"the file is {len(raw):,} bytes; at most {MAX_BIB_BYTES:,} are allowed",
                            "split it into several .bib files")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [Problem(shown_as, 1, "", f"the file is not valid UTF-8 text (byte {exc.start})",
                            "save the file as UTF-8 in your editor")]
    limits = limit_problems(text, shown_as)  # before pybtex expands any macro
    if limits:
        return [], limits
    lines: dict[str, int] = {}
    repeats: dict[str, int] = {}  # line of the second entry with the same key
    for match in _ENTRY_START.finditer(text):
        if match.group(1).lower() not in ("comment", "preamble", "string"):
            line = text.count("\n", 0, match.start()) + 1
            if match.group(2) in lines:
                repeats.setdefault(match.group(2), line)
            lines.setdefault(match.group(2), line)
    try:
        data: BibliographyData = Parser(wanted_entries=None).parse_string(text)
    except PybtexError as exc:  # includes repeated keys within one file
        message = str(exc).replace("bibliograhpy", "bibliography")
        line = _line_of_error(message, repeats if "repeated" in message else lines)
        return [], [Problem(shown_as, line, "", f"cannot read this BibTeX: {message}",
                            "check that braces are balanced and that each key appears once")]
    except Exception as exc:  # pybtex raises assorted errors on broken input
        return [], [Problem(shown_as, 1, "", f"cannot read this BibTeX: {exc}",
                            "check that braces are balanced and every entry has a key")]
    refs = [Reference(key, entry, shown_as, lines.get(key, 1)) for key, entry in data.entries.items()]
    return refs, []


def _line_of_error(message: str, lines: dict[str, int]) -> int:
    match = re.search(r"line (\d+)", message)
    if match:
        return int(match.group(1))
    for key, line in lines.items():
        if f'"{key}"' in message or f"'{key}'" in message or f" {key}" in message:
            return line
    return 1


# --- house style -------------------------------------------------------------------------


def _latex(value: str) -> Text:
    return Text.from_latex(value) if value else Text()


def _field(entry: Entry, name: str) -> str:
    return entry.fields.get(name, "").strip()


def _initials(person: Person) -> str:
    names = person.rich_first_names + person.rich_middle_names
    out = []
    for name in names:
        plain = name.render(_TEXT)
        parts = [p for p in re.split(r"[-\s]", plain) if p]
        out.append("-".join(f"{p[0]}." for p in parts if p[0].isalpha()) or plain)
    return " ".join(out)


def _surname(person: Person) -> str:
    prelast = " ".join(n.render(_TEXT) for n in person.rich_prelast_names)
    last = " ".join(n.render(_TEXT) for n in person.rich_last_names)
    return f"{prelast} {last}".strip()


def _is_others(person: Person) -> bool:
    return str(person) == "others"


def _people(entry: Entry) -> tuple[list[Person], bool, str]:
    for role in ("author", "editor"):
        persons = list(entry.persons.get(role, []))
        if persons:
            others = any(_is_others(p) for p in persons)
            return [p for p in persons if not _is_others(p)], others, role
    return [], False, ""


def author_label(entry: Entry) -> str:
    """Names part of an author-date citation: 'Bonta & Andrews', 'Baaken et al.'."""
    persons, others, _ = _people(entry)
    if not persons:
        title = _latex(_field(entry, "title")).render(_TEXT)
        return title[:40] + ("…" if len(title) > 40 else "") if title else entry.key
    surnames = [_surname(p) for p in persons]
    if others or len(surnames) >= 3:
        return f"{surnames[0]} et al."
    return " & ".join(surnames)


def _name_list(persons: list[Person], others: bool) -> str:
    names = []
    for person in persons:
        initials = _initials(person)
        names.append(f"{_surname(person)}, {initials}" if initials else _surname(person))
    if others:
        return ", ".join(names) + ", et al."
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + ", & " + names[-1]


def _block(*parts) -> Text:  # type: ignore[no-untyped-def]
    """One sentence of a reference: its parts, then a full stop unless it already ends in one."""
    text = Text(*[p for p in parts if p])
    plain = text.render(_TEXT).rstrip()
    if not plain:
        return Text()
    return Text(text, " " if plain.endswith((".", "?", "!")) else ". ")


class HouseStyle(BaseStyle):
    """Author-date style in the APA manner, built from whichever fields an entry has."""

    default_sorting_style = "author_year_title"
    default_label_style = "alpha"

    def format_entries(self, entries):  # type: ignore[override]
        for entry in entries:
            yield self.format_rich(entry)

    def format_rich(self, entry: Entry, year: str | None = None) -> Text:
        persons, others, role = _people(entry)
        year_block = Text(f"({year or _field(entry, 'year') or 'n.d.'}). ")
        kind = entry.type.lower()
        title = _latex(_field(entry, "title"))
        in_container = kind in ("article", "incollection", "inproceedings", "inbook")
        described = Text(" (", Text("; ").join(self._descriptors(entry, kind)), ")") if self._descriptors(
            entry, kind) else Text()
        title_block = _block(title if in_container else Tag("em", title), described) if title else Text()
        if persons:
            names = _name_list(persons, others)
            if role == "editor":
                names += " (Ed.)" if len(persons) == 1 and not others else " (Eds.)"
            parts: list = [_block(Text(names)), year_block, title_block]
        else:  # APA: with no author, the title takes the author's place
            parts = [title_block, year_block]
        return Text(*parts, *self._container(entry, kind), *self._links(entry))

    def _descriptors(self, entry: Entry, kind: str) -> list[Text]:
        """What APA puts in parentheses after a title: edition, series, report type and number."""
        out = []
        if _field(entry, "edition"):
            out.append(Text(f"{_latex(_field(entry, 'edition')).render(_TEXT)} ed."))
        if _field(entry, "series"):
            out.append(_latex(_field(entry, "series")))
        if kind in ("techreport", "report") and (_field(entry, "type") or _field(entry, "number")):
            number = _field(entry, "number")
            out.append(Text(_latex(_field(entry, "type") or "Report"), f" No. {number}" if number else ""))
        return out

    def _container(self, entry: Entry, kind: str) -> list:
        out: list = []
        volume, number = _field(entry, "volume"), _field(entry, "number")
        pages = _field(entry, "pages").replace("--", "–")
        if kind == "article":
            journal = _latex(_field(entry, "journal") or _field(entry, "journaltitle"))
            if journal:
                out.append(_block(Tag("em", journal), Text(", ", Tag("em", volume)) if volume else None,
                                  Text(f"({number})") if number else None, Text(f", {pages}") if pages else None))
            return out
        booktitle = _latex(_field(entry, "booktitle"))
        if booktitle:
            eds = list(entry.persons.get("editor", []))
            editors = ""
            if eds and entry.persons.get("author"):
                named = [e for e in eds if not _is_others(e)]
                editors = _name_list(named, len(named) < len(eds)) + (" (Ed.), " if len(eds) == 1 else " (Eds.), ")
            out.append(_block(Text("In ", editors), Tag("em", booktitle), Text(f" (pp. {pages})") if pages else None))
        howpublished = _field(entry, "howpublished")
        if howpublished and not howpublished.startswith("\\url"):
            out.append(_block(_latex(howpublished)))
        publisher = _latex(_field(entry, "publisher") or _field(entry, "institution")
                           or _field(entry, "organization") or _field(entry, "school"))
        address = _latex(_field(entry, "address") or _field(entry, "location"))
        if publisher and address:
            address_plain = address.render(_TEXT).rstrip(".")
            out.append(_block(Text(address_plain, ": ", publisher)))
        elif publisher or address:
            out.append(_block(publisher or address))
        if kind != "article" and pages and not booktitle:
            out.append(_block(Text(f"pp. {pages}")))
        return out

    def _links(self, entry: Entry) -> list:
        out: list = []
        doi = _field(entry, "doi")
        url = _field(entry, "url")
        if not url:
            match = re.search(r"\\url\{([^}]*)\}", _field(entry, "howpublished"))
            url = match.group(1) if match else ""
        if doi:
            doi_url = "https://doi.org/" + re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi)
            out.append(Text(HRef(doi_url, doi_url), " "))
        if url and url.startswith(("http://", "https://")):
            out.append(Text(HRef(url, url), " "))
        note = _field(entry, "note")
        if note:
            out.append(_block(Text("Note: ", _latex(note))))
        return out


def finish_references(references: dict[str, Reference]) -> None:
    """Format every reference once and give author-date labels, with 2016a/2016b where they clash."""
    style = HouseStyle()
    groups: dict[tuple[str, str], list[Reference]] = {}
    for ref in sorted(references.values(), key=sort_key):
        ref.label = author_label(ref.entry)
        base_year = _field(ref.entry, "year") or "n.d."
        groups.setdefault((ref.label, base_year), []).append(ref)
        if not _field(ref.entry, "year"):
            ref.problems.append(Problem(ref.path, ref.line, "year", f"reference '{ref.key}' has no year",
                                        "add the year if the source gives one; until then it is shown as 'n.d.'", "warning"))
        if not _field(ref.entry, "title"):
            ref.problems.append(Problem(ref.path, ref.line, "title", f"reference '{ref.key}' has no title",
                                        "add title = {...}", "warning"))
    for (_, year), refs in groups.items():
        for i, ref in enumerate(refs):
            ref.year = year + (chr(ord("a") + i) if len(refs) > 1 else "")
    for ref in references.values():
        rich = style.format_rich(ref.entry, ref.year)
        ref.html = rich.render(_HTML).strip()
        ref.text = rich.render(_TEXT).strip()


def sort_key(ref: Reference) -> tuple[str, str, str]:
    return (author_label(ref.entry).lower(), _field(ref.entry, "year"), _field(ref.entry, "title").lower())


# --- in-text citations ---------------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    key: str
    locator: str = ""
    prefix: str = ""
    suppress_author: bool = False


_NEWLINE = re.compile("\n")
_INLINE_CODE = re.compile(r"(`+)[^`]+?\1(?!`)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _code_spans(markdown: str) -> list[tuple[int, int]]:
    """(start, end) of fenced code blocks and inline code spans, found in linear time (hostile text
    with thousands of unclosed fences or backticks must not make the build hang)."""
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


def _outside_code(markdown: str, transform) -> str:  # type: ignore[no-untyped-def]
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
        for group in _iter_groups(part):
            keys.extend(c.key for c in group)
        return part

    _outside_code(markdown, collect)
    return keys


def citation_lines(markdown: str) -> list[tuple[str, int]]:
    """(key, 1-based line within the text) of every citation outside code, for error messages."""
    newlines = [m.start() for m in _NEWLINE.finditer(markdown)]
    found: list[tuple[str, int]] = []
    last = 0
    for start, end in [*_code_spans(markdown), (len(markdown), len(markdown))]:
        part = markdown[last:start]
        for match in _BRACKET.finditer(part):
            line = bisect.bisect_right(newlines, last + match.start()) + 1
            found.extend((c.key, line) for c in _parse_group(match.group("body")))
        blanked = _BRACKET.sub(lambda m: " " * len(m.group(0)), part)
        found += [(m.group("key"), bisect.bisect_right(newlines, last + m.start()) + 1) for m in _NARRATIVE.finditer(blanked)]
        last = end
    return found


def citations_with_lines(markdown: str) -> list[tuple[str, str, int]]:
    """(key, locator, 1-based line within the text) of every bracketed citation outside code."""
    newlines = [m.start() for m in _NEWLINE.finditer(markdown)]
    found: list[tuple[str, str, int]] = []
    last = 0
    for start, end in [*_code_spans(markdown), (len(markdown), len(markdown))]:
        for match in _BRACKET.finditer(markdown[last:start]):
            line = bisect.bisect_right(newlines, last + match.start()) + 1
            found.extend((c.key, c.locator, line) for c in _parse_group(match.group("body")))
        last = end
    return found


def _iter_groups(markdown: str):
    def strip_brackets(match: re.Match[str]) -> str:
        return " " * len(match.group(0))

    for match in _BRACKET.finditer(markdown):
        group = _parse_group(match.group("body"))
        if group:
            yield group
    rest = _BRACKET.sub(strip_brackets, markdown)
    for match in _NARRATIVE.finditer(rest):
        yield [Citation(match.group("key"))]


def _parse_group(body: str) -> list[Citation]:
    """`see @a, p. 5; -@b` -> citations; [] when any item is not `prefix @key, locator` (then the
    bracket is ordinary text). String operations only: linear in the body's length."""
    out = []
    for item in body.split(";"):
        prefix, at, rest = item.partition("@")
        key = _KEY.match(rest)
        if not at or not key:
            return []
        suppress = prefix.endswith("-")  # `-@key`: the year only
        after = rest[key.end():].strip()
        locator = after[1:].strip()
        if after and (not after.startswith(",") or not locator or "\n" in locator):
            return []
        out.append(Citation(key.group(0), locator, prefix.removesuffix("-").strip(), suppress))
    return out


def render_citations(markdown: str, references: dict[str, Reference], target: str = "#ref-{key}") -> str:
    """Replace pandoc-style citations with author-date Markdown links to the page's reference list."""

    def link(ref: Reference, text: str) -> str:
        return f"[{text}]({target.format(key=ref.key)})"

    def bracketed(match: re.Match[str]) -> str:
        group = _parse_group(match.group("body"))
        if not group or any(c.key not in references for c in group):
            return match.group(0)
        items = []
        for c in group:
            ref = references[c.key]
            text = ref.year if c.suppress_author else f"{_md_escape(ref.label)}, {ref.year}"
            if c.locator:
                text += f", {_md_escape(c.locator)}"
            items.append((f"{_md_escape(c.prefix)} " if c.prefix else "") + link(ref, text))
        return "(" + "; ".join(items) + ")"

    def narrative(match: re.Match[str]) -> str:
        ref = references.get(match.group("key"))
        if ref is None:
            return match.group(0)
        return f"{_md_escape(ref.label)} ({link(ref, ref.year)})"

    def render(part: str) -> str:
        out, last = [], 0
        for match in _BRACKET.finditer(part):
            out.append(_NARRATIVE.sub(narrative, part[last:match.start()]))
            out.append(bracketed(match))
            last = match.end()
        out.append(_NARRATIVE.sub(narrative, part[last:]))
        return "".join(out)

    return _outside_code(markdown, render)


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", text)
