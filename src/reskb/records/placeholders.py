"""The `TODO` marker that `reskb new` writes where a value is still missing.

A template left half-filled must fail validation with one plain message per gap ("still holds the
placeholder TODO: replace it with one of ..."), not with the schema's reaction to the word TODO
("'TODO' is not in the expected form", "unknown topic id 'TODO'"). So the validator finds every
marker, reports it, and drops the other errors it caused on the same field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..problems import Problem
from .catalogue import Record
from .loader import Pointer, dotted, leaves
from .schema import resolve, schema

MARKER = "TODO"
_MARKER = re.compile(r"\bTODO\b")


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and MARKER in value and bool(_MARKER.search(value))


def _schema_node(kind: str, pointer: Pointer) -> dict[str, Any]:
    """The schema of the field at pointer (list items included), with shared definitions resolved."""
    node: dict[str, Any] = schema(kind)
    for part in pointer:
        if isinstance(part, int):
            node = resolve(node.get("items", {}))
        else:
            node = resolve(node.get("properties", {}).get(part, {}))
    return node


def _hint(kind: str, pointer: Pointer) -> str:
    node = _schema_node(kind, pointer)
    if "enum" in node:
        return "replace it with one of: " + ", ".join(str(v) for v in node["enum"])
    items = node.get("items", {})
    if "enum" in items:
        return "replace it with one or more of: " + ", ".join(str(v) for v in items["enum"])
    about = " ".join(node.get("description", "").split())
    if not about and isinstance(pointer[-1], int):
        about = " ".join(_schema_node(kind, pointer[:-1]).get("description", "").split())
    first = about.split(". ")[0].rstrip(".")
    return f"replace it: {first}." if first else "replace it with the value, or delete the line if the field is optional"


def placeholder_problems(record: Record, values: list[tuple[Pointer, Any]] | None = None) -> list[Problem]:
    """One error for every value that still holds the marker (`values`: leaves(record.data), when walked)."""
    return [Problem(record.path, record.doc.line_of(pointer), dotted(pointer),
                    f"still holds the placeholder {MARKER} from the template", _hint(record.kind, pointer))
            for pointer, value in (leaves(record.data) if values is None else values)
            if isinstance(value, str) and MARKER in value and is_placeholder(value)]  # `in` first: C speed, no call


def mask(problems: list[Problem], placeholders: list[Problem]) -> list[Problem]:
    """Problems with the placeholder messages in place of the errors the markers themselves caused."""
    marked = {(p.path, p.field) for p in placeholders}

    def caused_by_marker(problem: Problem) -> bool:
        if problem.severity != "error":
            return False
        field = problem.field
        return any((problem.path, f) in marked for f in _self_and_parents(field))

    return [p for p in problems if not caused_by_marker(p)] + placeholders


def _self_and_parents(field: str) -> Iterator[str]:
    """`a.b[0].c` -> `a.b[0].c`, `a.b[0]`, `a.b`, `a`."""
    while field:
        yield field
        cut = max(field.rfind("."), field.rfind("["))
        field = field[:cut] if cut > 0 else ""
