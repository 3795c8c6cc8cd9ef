"""How the editors' additions show on a record page: the "inferred" mark beside a value, the legend that
explains it, and the editorial note box (the rule that `inferred` names filled fields: records/curation.py)."""

from __future__ import annotations

from ..labels import CURATION_LABELS as WORDS
from ..labels import label
from ..records.catalogue import Record
from ..records.curation import is_inferred
from .markdown import md_escape


def inferred_mark(record: Record, field: str) -> str:
    """' *(inferred)*' after a value the editors inferred, else ''. The words come from labels, not data."""
    return f" *({WORDS['inferred']})*" if is_inferred(record, field) else ""


def participant_kind_mark(record: Record, index: int, kind: str) -> str:
    """A participant's kind is not shown on its own; where it was inferred, the page says which kind."""
    field = f"participants[{index}].kind"
    return f" *({WORDS['inferred']}: {label(kind)})*" if is_inferred(record, field) else ""


def editorial_note(record: Record) -> list[str]:
    """The note as a marked box of plain text (Markdown characters escaped), or nothing."""
    note = record.data.get("editorial_note")
    if not isinstance(note, str) or not note.strip():
        return []
    return [f'!!! info "{WORDS["editorial_note"]}"', "", f"    {md_escape(note)}", ""]


def inferred_legend(record: Record) -> list[str]:
    inferred = record.data.get("inferred")
    if not isinstance(inferred, list) or not inferred:
        return []
    return [f"*({WORDS['inferred']})*: {WORDS['inferred_hint']}", ""]
