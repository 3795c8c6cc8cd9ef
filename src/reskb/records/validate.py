"""Load and check a whole catalogue: JSON Schema per record kind, then cross-record checks.

Every check appends a Problem (file, line, field, message, hint); nothing stops at the first,
so a contributor sees everything to fix in one run.
"""

from __future__ import annotations

import dataclasses
import difflib
import html
import itertools
import json
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..citations import citation_lines
from ..citations.bibtex_safety import MAX_ENTRIES, too_many_entries, url_problems
from ..problems import Problem, display_path
from . import curation, evaluations, glossary
from .catalogue import FOLDERS, KINDS, RESERVED_COUNTRY_CODES, Catalogue, Record
from .checkout import Listing, checkout_problems
from .loader import Document, LoadError, Pointer, dotted, leaves, load_yaml, read_bytes, text_pointer
from .locators import uncovered_locators
from .markdown_limits import markdown_problems
from .placeholders import mask, placeholder_problems
from .record_dates import date_problems, today_utc
from .schema import schema

if TYPE_CHECKING:  # loaded where first needed: a run whose results are all cached needs none of them
    import jsonschema

    from ..citations import Formatter, Reference

_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?]")  # any tag-like '<'; linear on hostile input
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # C0, DEL, C1, bidi
_MD_LINK = re.compile(r"\]\(\s*<?([^)>]*)|^[ \t]{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_KNOWN_CODE_MISTAKES = {"UK": "GB", "EL": "GR"}
_TYPE_WORDS = {"string": "text", "integer": "a whole number", "array": "a list", "object": "a group of fields",
               "boolean": "true or false", "number": "a number", "null": "nothing"}


@cache
def _validator(kind: str) -> jsonschema.Draft202012Validator:
    import jsonschema
    from referencing import Registry, Resource

    registry: Registry = Registry().with_resources(
        (f"{name}.schema.json", Resource.from_contents(schema(name))) for name in ("common", *KINDS)
    )
    return jsonschema.Draft202012Validator(schema(kind), registry=registry)


def load_catalogue(root: Path, check_file: FileCheck | None = None,
                   check_bibliography: BibliographyCheck | None = None) -> tuple[Catalogue, list[Problem]]:
    """Load every record and reference under root and check them; the catalogue is usable only
    when no problem has severity 'error'. `mkdocs serve` passes checks that remember unchanged files."""
    root = Path(root)
    catalogue = Catalogue(root=root)
    checked = check_catalogue(root, check_file or check_record_file, check_bibliography or read_bibliography)
    for kind, result in checked.files:  # the records the checks kept, each in the place of its stand-in
        if result.standin is not None and checked.catalogue.records[kind].get(result.standin.id) is result.standin:
            assert result.record is not None
            catalogue.records[kind][result.standin.id] = result.record
    catalogue.unreadable = checked.catalogue.unreadable
    catalogue.docs_citations = checked.catalogue.docs_citations
    catalogue.references = checked.bibliography.references
    catalogue.broken_references = checked.bibliography.broken
    catalogue.formatter = checked.bibliography.formatter
    return catalogue, checked.problems


@dataclass
class FileResult:
    """What one record file contributes to validation, worked out from its name and bytes alone (so that
    validation_cache can keep it). The cross-record checks run on `standin`, the fields they read."""

    unreadable: bool = False
    problems: list[Problem] = dataclasses.field(default_factory=list)  # reading and schema: always reported
    placeholders: list[Problem] = dataclasses.field(default_factory=list)
    standin: Record | None = None  # None when the record has no id or title: it is not in the catalogue
    own_problems: list[Problem] = dataclasses.field(default_factory=list)  # its own values: reported when in the catalogue
    citations: list[tuple[str, int, str]] = dataclasses.field(default_factory=list)  # (key, line, field) of every key cited
    locators: list[tuple[str, Problem]] = dataclasses.field(default_factory=list)  # cited places its references lack, by key
    record: Record | None = None  # the full record (fresh checks only)


@dataclass
class Bibliography:
    problems: list[Problem]
    references: dict[str, Reference]
    broken: set[str]
    formatter: Formatter | None = None


@dataclass
class Checked:
    problems: list[Problem]
    catalogue: Catalogue  # of stand-ins: ids, titles and links only
    files: list[tuple[str, FileResult]]
    bibliography: Bibliography
    #: the problems by where they come from (before `mask`), which validation_cache keeps for the next run:
    by_file: list[list[Problem]] = dataclasses.field(default_factory=list)  # file_problems() of each of `files`
    across: list[Problem] = dataclasses.field(default_factory=list)  # checks across records (across_problems)
    today: date | None = None  # the day the dates were checked against


FileCheck = Callable[[str, Path, str], FileResult]
BibliographyCheck = Callable[[list[Path], Path], Bibliography]


def check_catalogue(root: Path, check_file: FileCheck, check_bibliography: BibliographyCheck,
                    listing: Listing | None = None) -> Checked:
    """Every check, from the results of each file (`check_file`, `check_bibliography`: fresh, or from
    validation_cache) and the cross-record checks, which always run; `listing`: the run's, if it has one."""
    root = Path(root)
    catalogue = Catalogue(root=root)
    if not any((root / FOLDERS[k]).is_dir() for k in KINDS):
        problem = Problem(root.as_posix(), 0, "", "no catalogue here: expected folders practices/, challenges/ and "
                          "topics/", "run the command from the repository's top folder")
        return Checked([problem], catalogue, [], Bibliography([], {}, set()))
    listing = listing or Listing(root)
    base, bib_paths = listing_problems(listing)  # symlinks, hostile names, stray files: before any file is read
    across: list[Problem] = []
    with ThreadPoolExecutor(max_workers=1) as pool:  # pandoc reads the .bib files while Python reads the YAML
        pending = pool.submit(check_bibliography, bib_paths, root)
        files: list[tuple[str, FileResult]] = []
        for kind, path, shown in record_files(listing):
            result = check_file(kind, path, shown)
            files.append((kind, result))
            if result.unreadable:
                catalogue.unreadable[kind].add(path.stem)
            elif result.standin is not None:
                _add_record(catalogue, result.standin, path, across)
        bib = pending.result()
    base += bib.problems
    catalogue.references = bib.references
    catalogue.broken_references = bib.broken
    base += list(check_docs_citations(catalogue, root / "docs"))
    today = today_utc()  # once, not once a record
    by_file = [file_problems(catalogue, result, today) for _, result in files]
    across += across_problems(catalogue)
    problems = final_problems([*base, *itertools.chain.from_iterable(by_file), *across],
                              [p for _, result in files for p in result.placeholders])
    return Checked(problems, catalogue, files, bib, by_file, across, today)


def listing_problems(listing: Listing) -> tuple[list[Problem], list[Path]]:
    """The problems of the checkout's names and stray files, and the .bib files."""
    problems = list(checkout_problems(listing.root, listing))
    bib_paths = [path for path, _ in _files(listing, "bibliography", ".bib", problems)]
    for kind in KINDS:
        _files(listing, FOLDERS[kind], ".yaml", problems)
    return problems, bib_paths


def record_files(listing: Listing) -> Iterator[tuple[str, Path, str]]:
    """(kind, path, name as shown) of every record file, in the order the checks read them."""
    for kind in KINDS:
        for path, shown in listing.files(FOLDERS[kind], ".yaml")[0]:
            yield kind, path, shown


def file_problems(catalogue: Catalogue, result: FileResult, today: date) -> list[Problem]:
    """A file's own problems and, when its record is in the catalogue (not a second use of an id), those of the
    record's links, citations and dates: what depends on the file and on the catalogue's ids, references and day."""
    problems = list(result.problems)
    record = result.standin
    if record is None or catalogue.records[record.kind].get(record.id) is not record:
        return problems
    problems += result.own_problems
    problems += _check_ids(catalogue, record)
    problems += unknown_citations(catalogue, record.path, result.citations)
    problems += [problem for key, problem in result.locators if key in catalogue.references]
    problems += date_problems(record, today)
    return problems


def across_problems(catalogue: Catalogue) -> list[Problem]:
    """The checks across records (besides the ids used twice, which _add_record reports): evaluations, glossary
    terms, references and topics that nothing uses."""
    problems = [*evaluations.check(catalogue), *glossary.check(catalogue)]
    if not any(catalogue.unreadable.values()):  # with a file unread, "nobody cites X" may be false
        problems += check_unused(catalogue)
    return problems


def final_problems(problems: list[Problem], placeholders: list[Problem]) -> list[Problem]:
    """The report: placeholder messages in place of what the markers caused, without repeats, in file order."""
    return sorted(set(mask(problems, placeholders)), key=lambda p: (p.path, p.line, p.field, p.message, p.hint,
                                                                     p.severity))  # a total order: no ties


def check_record_file(kind: str, path: Path, shown: str, raw: bytes | None = None) -> FileResult:
    """The checks of one record file that need no other file."""
    raw = read_bytes(path) if raw is None else raw  # as load_yaml would: an OSError is the caller's
    try:
        doc = load_yaml(path, shown, raw)
    except LoadError as exc:
        return FileResult(unreadable=True, problems=[exc.problem])
    record = Record(kind, doc, shown)
    values = doc.values  # every value, gathered as the file was read: leaves(doc.data), for the checks that read all
    result = FileResult(problems=list(check_schema(record)), placeholders=placeholder_problems(record, values),
                        record=record)
    if isinstance(doc.data.get("id"), str) and isinstance(doc.data.get("term" if kind == "glossary" else "title"), str):
        texts = record.markdown_texts()  # once, for the three checks that read them
        result.citations = citation_uses(record, texts)
        # Record.cited, from the same reading of the text: the keys of `references:`, then those of the text
        record.__dict__["cited"] = list(dict.fromkeys(key for key, _, _ in result.citations))
        result.standin = standin(record)
        result.own_problems = list(_own_problems(record, values, _plain(raw), texts))
        result.locators = list(uncovered_locators(record, texts))
    doc.values = []  # not kept: the build holds every record's document until the site is written
    return result


#: the fields the cross-record checks read: ids, titles and terms, links, dates, what evaluations derive from
STANDIN_FIELDS = ("id", "title", "term", "aliases", "topics", "challenges", "related", "practices", "related_topics",
                  "open_question", "design", "year", "outcomes", "added", "last_reviewed", "evidence")
_STANDIN_SET = frozenset(STANDIN_FIELDS)


def standin(record: Record) -> Record:
    """The record reduced to STANDIN_FIELDS (and `evidence` to its status), with their lines and the keys it cites."""
    data = {name: value for name, value in record.data.items() if name in _STANDIN_SET}
    if isinstance(data.get("evidence"), dict):
        data["evidence"] = {k: v for k, v in data["evidence"].items() if k == "status"}
    lines = {pointer: line for pointer, line in record.doc.lines.items() if not pointer or (
        pointer[0] in data and (pointer[0] != "evidence" or len(pointer) == 1 or pointer[1] == "status"))}
    return standin_record(record.kind, record.doc.path, record.path, data, lines, record.cited)


def standin_record(kind: str, path: Path, shown: str, data: dict[str, Any], lines: dict[Pointer, int],
                   cited: list[str]) -> Record:
    record = Record(kind, Document(path=path, data=data, lines=lines), shown)
    record.__dict__["cited"] = cited  # Record.cited is a cached property: this is its value
    return record


def _own_problems(record: Record, values: list[tuple[Pointer, Any]] | None = None, plain: bool = False,
                  texts: list[tuple[str, str]] | None = None) -> Iterator[Problem]:
    """Checks of a record's own values (its Markdown, links, places, years); `values`: leaves(record.data);
    `plain`: the file holds nothing _check_text looks for (_plain); `texts`: record.markdown_texts()."""
    yield from curation.check(record)
    if not plain:
        yield from _check_text(record, values)
    yield from _check_markdown(record, texts)
    if record.kind in ("practice", "evaluation"):
        yield from _check_places(record)
        start, end = record.data.get("start_year"), record.data.get("end_year")
        if isinstance(start, int) and isinstance(end, int) and end < start:
            yield Problem(record.path, record.doc.line_of(("end_year",)), "end_year",
                          f"the end year {end} is before the start year {start}", "check both years")


def _files(listing: Listing, name: str, suffix: str, problems: list[Problem]) -> list[tuple[Path, str]]:
    """(path, name as shown) of the files with the suffix in a folder of the catalogue; the others' problems
    are added to `problems`."""
    found, stray = listing.files(name, suffix)
    problems += stray
    return found


def _add_record(catalogue: Catalogue, record: Record, path: Path, problems: list[Problem]) -> None:
    same_kind = catalogue.records[record.kind]
    line = record.doc.line_of(("id",))
    if record.id != path.stem:
        problems.append(Problem(record.path, line, "id", f"the id '{record.id}' differs from the file name "
                                f"'{path.name}'", f"rename the file to {record.id}.yaml, or set id: {path.stem}"))
    if record.id == "index":  # its page would be <folder>/index.md, in the place of the folder's list
        problems.append(Problem(record.path, line, "id", f"the id 'index' is the address of the list of "
                                f"{FOLDERS[record.kind]}", "choose another id (and file name), e.g. from the title"))
    if record.id in same_kind:
        other = same_kind[record.id]
        problems.append(Problem(record.path, line, "id", f"the id '{record.id}' is already used by {other.path}",
                                "each record needs its own id"))
        return
    same_kind[record.id] = record


# --- schema --------------------------------------------------------------------------------


def _inline_refs(node: Any) -> Any:
    """The schema with every `common.schema.json` reference replaced by its definition."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith(("common.schema.json#/$defs/", "#/$defs/")):  # our only local refs are in common
            base = _inline_refs(schema("common")["$defs"][ref.rsplit("/", 1)[1]])
            return {**base, **{k: _inline_refs(v) for k, v in node.items() if k != "$ref"}}
        return {k: _inline_refs(v) for k, v in node.items() if k not in ("$id",)}
    if isinstance(node, list):
        return [_inline_refs(item) for item in node]
    return node


@cache
def _fast_validator(kind: str) -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(_inline_refs(schema(kind)))


def check_schema(record: Record) -> Iterator[Problem]:
    # The Rust validator answers "valid?" fast; only an invalid record is explained field by field.
    if _fast_validator(record.kind).is_valid(record.data):
        return
    for error in _validator(record.kind).iter_errors(record.data):
        yield from _explain(record, error)


def _explain(record: Record, error: jsonschema.ValidationError) -> Iterator[Problem]:
    pointer: Pointer = tuple(error.absolute_path)
    doc = record.doc
    name = dotted(pointer)
    value = error.instance
    kind = error.validator
    hint = error.schema.get("x-hint", "") if isinstance(error.schema, dict) else ""
    if kind == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        field = missing.group(1) if missing else "?"
        props = error.schema.get("properties", {})
        about = _first_sentence(props.get(field, {}).get("description", ""))
        yield Problem(record.path, doc.line_of(pointer), dotted((*pointer, field)),
                      "this required field is missing", f"add '{field}:'. {about}".strip())
    elif kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        for extra in sorted(set(value) - set(allowed)):
            close = difflib.get_close_matches(extra, allowed, n=1, cutoff=0.6)
            yield Problem(record.path, doc.line_of((*pointer, extra)), dotted((*pointer, extra)),
                          f"unknown field '{extra}'",
                          f"did you mean '{close[0]}'?" if close else "allowed fields here: " + ", ".join(allowed))
    elif kind == "enum":
        options = [str(o) for o in error.validator_value]
        close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.5)
        yield Problem(record.path, doc.line_of(pointer), name,
                      f"{_show(value)} is not an allowed value; expected one of: {', '.join(options)}",
                      f"did you mean '{close[0]}'?" if close else "")
    elif kind == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in expected)
        yield Problem(record.path, doc.line_of(pointer), name, f"expected {words}, found {_kind(value)}",
                      _type_hint(expected, value))
    elif kind == "pattern":
        yield Problem(record.path, doc.line_of(pointer), name, f"{_show(value)} is not in the expected form",
                      hint or f"it must match {error.validator_value}")
    elif kind in ("minItems", "maxItems"):
        word = "at least" if kind == "minItems" else "at most"
        yield Problem(record.path, doc.line_of(pointer), name,
                      f"needs {word} {error.validator_value} item(s), found {len(value)}",
                      _first_sentence(error.schema.get("description", "")))
    elif kind == "uniqueItems":
        seen: set[str] = set()
        repeated = next((v for v in value if json.dumps(v, sort_keys=True) in seen or seen.add(json.dumps(
            v, sort_keys=True))), None)
        yield Problem(record.path, doc.line_of(pointer), name, f"{_show(repeated)} is listed more than once",
                      "remove the repeated item")
    elif kind in ("minLength", "maxLength"):
        word = "at least" if kind == "minLength" else "at most"
        yield Problem(record.path, doc.line_of(pointer), name,
                      f"the text is {len(value):,} characters long; {word} {error.validator_value:,} are allowed",
                      "shorten it" if kind == "maxLength" else "write a little more")
    elif kind in ("minimum", "maximum"):
        word = "at least" if kind == "minimum" else "at most"
        yield Problem(record.path, doc.line_of(pointer), name, f"{value} is out of range; it must be "
                      f"{word} {error.validator_value}")
    else:
        yield Problem(record.path, doc.line_of(pointer), name, error.message[:300])


def _type_hint(expected: list[str], value: Any) -> str:
    if "string" in expected and isinstance(value, bool):
        return "YAML reads true/false as yes-or-no values: put the text in quotes"
    if "string" in expected and isinstance(value, (int, float)):
        return f"put it in quotes: \"{value}\""
    if "array" in expected and not isinstance(value, list):
        return "write a list, e.g. [DE, NL] or one '- item' per line"
    if "object" in expected:
        return "indent the fields that belong inside it by two spaces"
    return ""


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "...'"


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
            dict: "a group of fields"}.get(type(value), type(value).__name__)


def _first_sentence(text: str) -> str:
    return text.split(". ")[0].rstrip(".") + "." if text else ""


# --- references ----------------------------------------------------------------------------


def read_bibliography(paths: list[Path], root: Path) -> Bibliography:
    """Every readable entry of the .bib files, checked, and read into CSL-JSON by pandoc."""
    from ..citations import duplicate_problem, finish_references, read_bib_file

    problems: list[Problem] = []
    references: dict[str, Reference] = {}
    broken: set[str] = set()
    strings: list[str] = []
    lowered: dict[str, Reference] = {}
    for path in paths:
        shown = display_path(path, root)
        bib = read_bib_file(path, shown)
        problems += bib.problems
        strings += bib.strings
        broken |= bib.broken_keys
        for ref in bib.references:
            if len(references) >= MAX_ENTRIES:
                problems.append(too_many_entries(shown, ref.line))
                break
            first = lowered.get(ref.key.lower())
            if first is not None:  # keys repeat across files (within one file, read_bib_file reports it)
                problems.append(duplicate_problem(ref, first))
                broken.add(ref.key)  # reported here, not again where it is cited
                continue
            lowered[ref.key.lower()] = ref
            problems += list(_check_reference(ref))
            problems += list(url_problems(ref.key, dict(ref.entry.fields), shown, ref.line,
                                          {f.name: f.line for f in ref.fields}))
            references[ref.key] = ref
        else:
            continue
        break
    formatter = finish_references(references, strings)
    for ref in references.values():
        problems += ref.problems
    return Bibliography(problems, references, broken, formatter)


def _check_reference(ref: Reference) -> Iterator[Problem]:
    fields = ref.entry.fields  # addresses (url, doi, \url{}) are checked by bibtex_safety.url_problems
    for name, value in fields.items():
        if _TAG.search(value) or _CONTROL.search(value):
            yield Problem(ref.path, ref.line, name, "HTML tags and control characters are not allowed in BibTeX "
                          "fields", "write plain text; use LaTeX for accents")


# --- cross-record checks -------------------------------------------------------------------


def _check_ids(catalogue: Catalogue, record: Record) -> Iterator[Problem]:
    targets = {"topics": "topic", "challenges": "challenge", "related": "practice"}
    for field, kind in targets.items():
        values = record.data.get(field)
        if not isinstance(values, list):
            continue
        known = catalogue.records[kind]
        for i, value in enumerate(values):
            if not isinstance(value, str):
                continue
            if value == record.id and kind == record.kind:
                yield Problem(record.path, record.doc.line_of((field, i)), f"{field}[{i}]",
                              "a record cannot be related to itself", "remove it from the list")
            elif value not in known and value not in catalogue.unreadable[kind]:
                close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else f"the {kind} ids are the file names in {FOLDERS[kind]}/"
                yield Problem(record.path, record.doc.line_of((field, i)), f"{field}[{i}]",
                              f"unknown {kind} id '{value}'", hint)


def citation_uses(record: Record, texts: list[tuple[str, str]] | None = None) -> list[tuple[str, int, str]]:
    """(key, line, field) of every reference key the record names, in `references:` and in its text (`texts`:
    record.markdown_texts())."""
    uses = []
    refs = record.data.get("references")
    if isinstance(refs, list):
        for i, ref in enumerate(refs):
            key = ref.get("key") if isinstance(ref, dict) else None
            if isinstance(key, str):
                uses.append((key, record.doc.line_of(("references", i, "key")), f"references[{i}].key"))
    for field_name, text in record.markdown_texts() if texts is None else texts:
        pointer = text_pointer(field_name)
        for key, line in dict.fromkeys(citation_lines(text)):
            uses.append((key, record.doc.line_in_text(pointer, line), field_name))
    return uses


def unknown_citations(catalogue: Catalogue, path: str, uses: list[tuple[str, int, str]]) -> Iterator[Problem]:
    known = catalogue.references
    for key, line, field_name in uses:
        if key not in known and key not in catalogue.broken_references:
            close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "add the work to a .bib file in bibliography/"
            yield Problem(path, line, field_name, f"unknown reference key '{key}'", hint)


def check_docs_citations(catalogue: Catalogue, docs: Path) -> Iterator[Problem]:
    """Hand-written pages cite with the same syntax; an unknown key there is an error too."""
    if not docs.is_dir():
        return
    for path in sorted(docs.rglob("*.md")):
        if path.is_symlink() or not path.is_file():  # checkout_problems reports links; a pipe would never end
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for key, line in citation_lines(text):
            catalogue.docs_citations.setdefault(key, set()).add(path.relative_to(docs).as_posix())
            if key not in catalogue.references and key not in catalogue.broken_references:
                close = difflib.get_close_matches(key, list(catalogue.references), n=1, cutoff=0.6)
                yield Problem(display_path(path, catalogue.root), line, "", f"unknown reference key '{key}'",
                              f"did you mean '{close[0]}'?" if close else
                              "add the work to a .bib file in bibliography/, or write \\@ for a plain @")


def _plain(raw: bytes) -> bool:
    """Whether no text read from a record file's bytes (that load_yaml read) can hold what _check_text looks for:
    a '<', a control character, '](' or ']:'. A text is made of runs of the file's characters, joined where lines
    are folded by a space or line break, and of what the escapes of double-quoted text (\\x3c, \\x01) write: in a
    file without a backslash, what a text holds (two characters side by side included) the file holds. Most
    files: one look at the file, not one at each text."""
    if raw.isascii():  # most files: its control characters (those of _CONTROL) are bytes that translate() keeps
        if raw.translate(None, _UNREMARKABLE):
            return False
    elif b"\\" in raw or b"<" in raw or _CONTROL.search(raw.decode("utf-8-sig")):
        return False
    return b"](" not in raw and b"]:" not in raw


#: the ASCII characters that _check_text looks past: printable ones but '<' and '\\', tab and line breaks
_UNREMARKABLE = bytes(c for c in range(0x20, 0x7f) if chr(c) not in "<\\") + b"\t\n\r"


def _check_text(record: Record, values: list[tuple[Pointer, Any]] | None = None) -> Iterator[Problem]:
    """No raw HTML anywhere, no invisible control characters, links only to http(s) and mailto."""
    for pointer, text in leaves(record.data) if values is None else values:
        if not isinstance(text, str):
            continue
        tag_match = _TAG.search(text) if "<" in text else None  # `in` first: most texts hold none, at C speed
        control = _CONTROL.search(text)
        links = list(_MD_LINK.finditer(text)) if "](" in text or "]:" in text else []  # what either form needs
        if not (tag_match or control or links):
            continue
        line, name = record.doc.line_of(pointer), dotted(pointer)
        if tag_match:
            tag = text[tag_match.start():tag_match.start() + 30].split(">")[0] + ">"
            yield Problem(record.path, line, name, f"raw HTML is not allowed in text fields (found {tag!r})",
                          "write Markdown instead; to show a '<' sign, write it with a space after it")
        if control:
            yield Problem(record.path, line, name, "the text contains invisible control characters",
                          "retype the text or paste it as plain text")
        for match in links:
            target = html.unescape(match.group(1) or match.group(2) or "")
            target = re.sub(r"[\x00-\x20\x7f]", "", target)
            scheme = _SCHEME.match(target)
            if scheme and scheme.group(1).lower() not in ("http", "https", "mailto"):
                yield Problem(record.path, line, name, f"links to '{scheme.group(1)}:' addresses are not allowed",
                              "link only to http(s) or mailto addresses")


def _check_markdown(record: Record, texts: list[tuple[str, str]] | None = None) -> Iterator[Problem]:
    """What the site's Markdown would act on (attribute lists, snippets) or choke on (unclosed brackets)."""
    for field, text in record.markdown_texts() if texts is None else texts:
        pointer = text_pointer(field)  # outcomes[1].description: ("outcomes", 1, "description")
        for line, message, hint in markdown_problems(text):
            yield Problem(record.path, record.doc.line_in_text(pointer, line), field, message, hint)


def _check_places(record: Record) -> Iterator[Problem]:
    import pycountry

    countries = record.data.get("countries")
    countries = [c for c in countries if isinstance(c, str)] if isinstance(countries, list) else []
    for i, code in enumerate(countries):
        if not re.fullmatch(r"[A-Z]{2}", code) or code in RESERVED_COUNTRY_CODES or pycountry.countries.get(alpha_2=code):
            continue  # the schema already reports malformed codes
        yield Problem(record.path, record.doc.line_of(("countries", i)), f"countries[{i}]",
                      f"'{code}' is not an ISO 3166-1 country code", _country_hint(code))
    regions = record.data.get("regions")
    if not isinstance(regions, list):
        return
    for i, code in enumerate(regions):
        if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", code):
            continue
        line = record.doc.line_of(("regions", i))
        if pycountry.subdivisions.get(code=code) is None:
            yield Problem(record.path, line, f"regions[{i}]", f"'{code}' is not an ISO 3166-2 region code",
                          "look the code up in the ISO 3166-2 list for the country, e.g. DE-HE for Hessen")
        elif code[:2] not in countries:
            yield Problem(record.path, line, f"regions[{i}]", f"the region '{code}' lies in '{code[:2]}', "
                          "which is not in countries", f"add {code[:2]} to countries")


def _country_hint(code: str) -> str:
    import pycountry

    if code in _KNOWN_CODE_MISTAKES:
        right = _KNOWN_CODE_MISTAKES[code]
        return f"did you mean '{right}' ({pycountry.countries.get(alpha_2=right).name})?"
    try:
        match = pycountry.countries.lookup(code)
        return f"did you mean '{match.alpha_2}' ({match.name})?"
    except LookupError:
        return "use the two-letter ISO 3166-1 code, e.g. DE for Germany, GB for the United Kingdom"


def check_unused(catalogue: Catalogue) -> Iterator[Problem]:
    """References nobody cites, topics and challenges no practice lists (from sets: catalogue.indexes, sorted by
    title, would cost a validation run on a large catalogue a tenth of its time)."""
    cited = {key for record in catalogue.all_records() for key in record.cited}
    for key, ref in catalogue.references.items():
        if key not in cited and key not in catalogue.docs_citations:
            yield Problem(ref.path, ref.line, key, f"no record cites '{key}'",
                          "cite it from a record or remove it", "warning")
    for kind, field in (("topic", "topics"), ("challenge", "challenges")):
        listed = {value for practice in catalogue.practices.values() for value in _strings(practice.data.get(field))}
        for record in catalogue.records[kind].values():
            if record.id not in listed and not record.data.get("open_question"):
                yield Problem(record.path, 1, "", f"no practice lists this {kind} yet",
                              f"add '{record.id}' to the {FOLDERS[kind]} of a practice", "warning")


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)
