"""Read contributor YAML safely, keeping the line of every field.

PyYAML's defaults would silently change what contributors wrote: a repeated key keeps only the
last value, YAML 1.1 reads `NO` (Norway) and `yes`/`on`/`off` as booleans, and unquoted dates
become date objects. This loader reports the first as an error and keeps the others as text.
It builds on the safe loader only (libyaml's where installed), and refuses aliases, so the
'billion laughs' bomb is caught before anything is expanded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..problems import Problem

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 20

Pointer = tuple[str | int, ...]

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _strict_resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """SafeLoader's implicit types without YAML 1.1 booleans (yes/no/on/off) and timestamps."""
    dropped = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}
    resolvers = {
        first: [(tag, rx) for tag, rx in entries if tag not in dropped]
        for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    bool_rx = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
    for first in "tTfF":
        resolvers.setdefault(first, []).insert(0, ("tag:yaml.org,2002:bool", bool_rx))
    return resolvers


class _StrictLoader(_BASE):  # type: ignore[misc, valid-type]
    yaml_implicit_resolvers = _strict_resolvers()

    # The composer asks these of every node: BaseResolver's answers without its general case (this loader has
    # no path resolvers) and with each first character's resolvers listed once, not joined on every call.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in _BY_FIRST.get(value[:1], _WILDCARD):
                    if regexp.match(value):
                        return tag
            return self.DEFAULT_SCALAR_TAG
        return self.DEFAULT_SEQUENCE_TAG if kind is yaml.SequenceNode else self.DEFAULT_MAPPING_TAG


_WILDCARD = list(_StrictLoader.yaml_implicit_resolvers.get(None, []))
_BY_FIRST = {first: [*entries, *_WILDCARD] for first, entries in _StrictLoader.yaml_implicit_resolvers.items()
             if first is not None}


@dataclass
class Document:
    """A parsed YAML file: its data and the line of every field and list item (1-based)."""

    path: Path
    data: Any
    lines: dict[Pointer, int] = field(default_factory=dict)
    #: first line of the text of literal block scalars (`|`), whose lines map one to one onto the file
    text_starts: dict[Pointer, int] = field(default_factory=dict)
    #: (pointer, value) of every value that is not a mapping or a list, in the order of leaves(data): gathered
    #: while the file is read (load_yaml), so that the checks that read them all need no walk of their own
    #: (check_record_file empties it when done)
    values: list[tuple[Pointer, Any]] = field(default_factory=list)

    def line_in_text(self, pointer: Pointer, text_line: int) -> int:
        """File line of line `text_line` (1-based) of a text field; the field's line when unknown."""
        start = self.text_starts.get(tuple(pointer))
        return start + text_line - 1 if start else self.line_of(pointer)

    def line_of(self, pointer: Pointer) -> int:
        """Line of the field, or of its nearest parent that has one."""
        pointer = tuple(pointer)
        while pointer:
            if pointer in self.lines:
                return self.lines[pointer]
            pointer = pointer[:-1]
        return self.lines.get((), 1)


class LoadError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(problem.format_text())


def read_bytes(path: Path | str) -> bytes:
    """The file's bytes, as Path.read_bytes() gives them, without its buffered reader (small files are read a third
    faster without it: `reskb validate` reads thousands)."""
    with open(path, "rb", buffering=0) as stream:
        return stream.readall()


def load_yaml(path: Path, shown_as: str, raw: bytes | None = None) -> Document:
    """Parse one YAML file (its bytes `raw` when already read); raise LoadError with file and line on
    anything a contributor must fix."""

    def fail(line: int, message: str, hint: str = "", field_name: str = "") -> LoadError:
        return LoadError(Problem(shown_as, line, field_name, message, hint))

    raw = path.read_bytes() if raw is None else raw
    if len(raw) > MAX_FILE_BYTES:
        raise fail(1, f"the file is {len(raw):,} bytes; at most {MAX_FILE_BYTES:,} are allowed",
                   "keep records short and link to longer documents")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail(line, f"the file is not valid UTF-8 text (byte {exc.start})",
                   "save the file as UTF-8 in your editor") from None
    if "\x00" in text:
        raise fail(text[: text.index("\x00")].count("\n") + 1, "the file contains a NUL character",
                   "this looks like a binary file, not YAML")
    if not text.strip():
        raise fail(1, "the file is empty", "start from `reskb new` or copy an existing record")

    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()  # libyaml's composer where available: fast, and positions are kept
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "malformed YAML"
        if "another document" in problem:
            raise fail(line, "the file holds more than one YAML document",
                       "remove the '---' line: one record per file") from None
        raise fail(line, f"this is not valid YAML: {problem}",
                   "check indentation (spaces, not tabs) and quote text that contains ': ' or '#'") from None
    except yaml.YAMLError as exc:
        raise fail(1, f"this is not valid YAML: {exc}") from None
    except RecursionError:
        raise fail(1, "the YAML is nested too deeply", f"records need at most {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()

    if node is None:
        raise fail(1, "the file holds no data", "a record is a list of 'field: value' lines")
    doc = Document(path=path, data=None)
    doc.data = _build(node, (), doc, loader, fail, set())
    if not isinstance(doc.data, dict):
        raise fail(node.start_mark.line + 1, "expected a record of 'field: value' lines, "
                   f"found {_kind(doc.data)}", "each record file is one mapping, such as 'id: my-practice'")
    return doc


_STR = "tag:yaml.org,2002:str"
_SAFE_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
}


def _build(node: yaml.Node, pointer: Pointer, doc: Document, loader: Any, fail: Any, seen: set[int]) -> Any:
    line = node.start_mark.line + 1
    if id(node) in seen:  # the composer shares the node of an anchor with every alias to it
        raise fail(line, "YAML anchors and aliases (& and *) are not allowed",
                   "write the value out in full; if it is text, quote it")
    seen.add(id(node))
    if len(pointer) > MAX_DEPTH:
        raise fail(line, "the YAML is nested too deeply", f"records need at most {MAX_DEPTH} levels")
    doc.lines.setdefault(pointer, line)
    if isinstance(node, yaml.MappingNode):
        if node.tag != "tag:yaml.org,2002:map":
            raise fail(line, f"the YAML tag {node.tag!r} is not allowed", "remove the '!' tag")
        result: dict[str, Any] = {}
        shallow = len(pointer) < MAX_DEPTH  # its children may be texts (deeper, _build reports the depth)
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise fail(key_line, "YAML merge keys (<<) are not allowed", "write the fields out in full")
            if not isinstance(key_node, yaml.ScalarNode):
                raise fail(key_line, "a field name must be plain text", "write 'name: value'")
            key = key_node.value
            child = (*pointer, key)
            if key in result:
                raise fail(key_line, f"the field '{key}' appears twice in the same record "
                           f"(first on line {doc.lines[child]})",
                           "keep one of them: YAML would otherwise silently drop the first", dotted(child))
            doc.lines[child] = key_line
            if shallow and type(value_node) is yaml.ScalarNode and value_node.tag == _STR and id(value_node) not in seen:
                seen.add(id(value_node))  # a text (most values): what _build would do, without its call
                if value_node.style == "|":
                    doc.text_starts[child] = value_node.start_mark.line + 2
                result[key] = text = value_node.value
                doc.values.append((child, text))
            else:
                result[key] = _build(value_node, child, doc, loader, fail, seen)
        return result
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            raise fail(line, f"the YAML tag {node.tag!r} is not allowed", "remove the '!' tag")
        items = []
        shallow = len(pointer) < MAX_DEPTH
        for i, item in enumerate(node.value):
            child = (*pointer, i)
            if shallow and type(item) is yaml.ScalarNode and item.tag == _STR and id(item) not in seen:
                seen.add(id(item))  # a text, as for a mapping's values
                item_line = item.start_mark.line + 1
                doc.lines.setdefault(child, item_line)
                if item.style == "|":
                    doc.text_starts[child] = item_line + 1
                items.append(text := item.value)
                doc.values.append((child, text))
            else:
                items.append(_build(item, child, doc, loader, fail, seen))
        return items
    if node.tag not in _SAFE_TAGS:
        raise fail(line, f"the YAML tag {node.tag!r} is not allowed", "remove the '!' tag; quote text instead",
                   dotted(pointer))
    if node.style == "|":
        doc.text_starts[pointer] = line + 1
    if node.tag == "tag:yaml.org,2002:str":  # what the constructor would return, without its dispatch
        doc.values.append((pointer, node.value))
        return node.value
    try:
        value = loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError) as exc:
        raise fail(line, f"cannot read this value: {exc}", "quote it to keep it as text", dotted(pointer)) from None
    doc.values.append((pointer, value))
    return value


def _kind(value: Any) -> str:
    return {list: "a list", str: "text", int: "a number", float: "a number", bool: "true/false"}.get(
        type(value), "an empty value" if value is None else type(value).__name__)


def dotted(pointer: Pointer) -> str:
    """`participants[2].role` style name of a field, as contributors see it."""
    out = ""
    for part in pointer:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def pointer_of(name: str) -> Pointer:
    """The pointer of a dotted field name (the inverse of `dotted`): 'outcomes[1].description'."""
    return tuple(int(part) if part.isdigit() else part for part in re.findall(r"[^.\[\]]+", name))


@lru_cache(maxsize=256)
def text_pointer(name: str) -> Pointer:
    """pointer_of() a Markdown field's name (Record.markdown_texts()), kept: records share these few names."""
    return pointer_of(name)


def leaves(value: Any, pointer: Pointer = ()) -> Iterator[tuple[Pointer, Any]]:
    """(pointer, value) of every value in loaded data that is not a mapping or a list, depth first."""
    found: list[tuple[Pointer, Any]] = []
    stack = [(pointer, value)]  # a stack, not recursion: every record is walked twice per validation
    while stack:
        here, item = stack.pop()
        if isinstance(item, dict):
            stack += reversed([((*here, key), child) for key, child in item.items()])
        elif isinstance(item, list):
            stack += reversed([((*here, i), child) for i, child in enumerate(item)])
        else:
            found.append((here, item))
    return iter(found)
