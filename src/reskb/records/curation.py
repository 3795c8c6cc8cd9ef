"""What the editors add beside the sources: an editorial note, and values they inferred.

Both stay out of the reader's text. An `editorial_note` is shown only in a box marked "Editorial
note" at the end of a record page; a field named in `inferred` is shown with a visible "inferred"
mark wherever the page shows its value, since the about page promises that unsourced fields stay empty.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..problems import Problem
from .catalogue import Record
from .loader import pointer_of


def is_inferred(record: Record, field: str) -> bool:
    inferred = record.data.get("inferred")
    return isinstance(inferred, list) and field in inferred


def check(record: Record) -> Iterator[Problem]:
    """Every field named in `inferred` holds a value in the record."""
    inferred = record.data.get("inferred")
    for i, name in enumerate(inferred if isinstance(inferred, list) else []):
        if not isinstance(name, str):
            continue
        value: object = record.data
        for part in pointer_of(name):
            if isinstance(part, int):
                value = value[part] if isinstance(value, list) and part < len(value) else None
            else:
                value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            yield Problem(record.path, record.doc.line_of(("inferred", i)), f"inferred[{i}]",
                          f"'{name}' names no field with a value in this record",
                          "name a field that is filled in, e.g. lead_actor or participants[0].kind")
