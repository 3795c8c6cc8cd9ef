"""What the editors add beside the sources: an editorial note, and values they inferred.

Both stay out of the reader's text. An `editorial_note` is shown only in a box marked "Editorial
note" at the end of a record page; a field named in `inferred` is shown with a visible "inferred"
mark wherever the page shows its value, since the about page promises that unsourced fields stay empty.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..labels import CURATION_LABELS as WORDS
from ..labels import label
from ..problems import Problem
from .catalogue import Record
from .loader import pointer_of


def is_inferred(record: Record, field: str) -> bool:
    inferred = record.data.get("inferred")
    return isinstance(inferred, list) and field in inferred


def inferred_mark(record: Record, field: str) -> str:
    """' *(inferred)*' after a value the editors inferred, else ''. The words come from labels, not data."""
    return f" *({WORDS['inferred']})*" if is_inferred(record, field) else ""


def participant_kind_mark(record: Record, index: int, kind: str) -> str:
    """A participant's kind is not shown on its own; where it was inferred, the page says which kind."""
    field = f"participants[{index}].kind"
    return f" *({WORDS['inferred']}: {label(kind)})*" if is_inferred(record, field) else ""


def editorial_note(record: Record) -> list[str]:
    """The note as a marked box of plain text (Markdown characters escaped), or nothing."""
    from ..site.pages import md_escape

    note = record.data.get("editorial_note")
    if not isinstance(note, str) or not note.strip():
        return []
    return [f'!!! info "{WORDS["editorial_note"]}"', "", f"    {md_escape(note)}", ""]


def inferred_legend(record: Record) -> list[str]:
    inferred = record.data.get("inferred")
    if not isinstance(inferred, list) or not inferred:
        return []
    return [f"*({WORDS['inferred']})*: {WORDS['inferred_hint']}", ""]


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
