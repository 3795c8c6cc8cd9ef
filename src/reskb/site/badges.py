"""Evidence and status at a glance: the badges shown under a practice's title and in every list.

A badge is a small span of our own markup; every value in it is escaped here. The strongest design comes
from the practice's evaluation records (`evaluations/`, read through reskb.records.evaluations); without any, only
the practice's own evidence status shows.
"""

from __future__ import annotations

from html import escape

from ..labels import PORTAL_LABELS, label
from ..records.catalogue import Catalogue, Record, title_key

NOT_RECORDED = PORTAL_LABELS["not_recorded"]

#: the one ordering rule of every list (re-exported for the modules that list records)
by_title = title_key


def strongest_design(cat: Catalogue, record: Record) -> str | None:
    """The strongest design among the practice's evaluation records (a design code), or None."""
    from ..records import evaluations

    return evaluations.strongest_design(cat, record.id)


def evidence_code(record: Record) -> str:
    return str(record.get("evidence.status") or "unknown")


def evidence_text(record: Record) -> str:
    code = evidence_code(record)
    return NOT_RECORDED if code == "unknown" else label(code)


def status_text(record: Record) -> str:
    """Status with its years ("Pilot (since 2017)", "Ended (2015–2018)"); years alone read "Since 2018"."""
    data = record.data
    status = label(data["status"]) if data.get("status") else ""
    start, end = data.get("start_year"), data.get("end_year")
    years = f"{start}–{end}" if start and end else f"since {start}" if start else f"until {end}" if end else ""
    if status and years:
        return f"{status} ({years})"
    return status or (years[0].upper() + years[1:] if years else NOT_RECORDED)


def _tone(code: str) -> str:
    if code.startswith("evaluated-positive"):
        return "good"
    if code.startswith("evaluated-"):
        return "evaluated"
    if code in ("reported-outcomes", "evaluation-planned"):
        return "partial"
    return "none"


def evidence_badge(cat: Catalogue, record: Record, checked: bool = False, prefix: bool = True) -> str:
    """`Evidence: …` (and the strongest design, when evaluation records exist) as one inline span."""
    code = evidence_code(record)
    text = f"{PORTAL_LABELS['evidence']}: {evidence_text(record)}" if prefix else evidence_text(record)
    design = strongest_design(cat, record)
    if design:
        from ..records.evaluations import word

        text += f" · {PORTAL_LABELS['design']}: {word(design)}"
    title = f"{PORTAL_LABELS['checked']} {record.data.get('last_reviewed', '')}" if checked else ""
    attr = f' title="{escape(title)}"' if title else ""
    return f'<span class="reskb-pill reskb-pill--evidence reskb-pill--{_tone(code)}"{attr}>{escape(text)}</span>'


def status_badge(record: Record) -> str:
    code = str(record.data.get("status") or "none")
    return (f'<span class="reskb-pill reskb-pill--status reskb-pill--status-{escape(code)}">'
            f"{escape(PORTAL_LABELS['status'])}: {escape(status_text(record))}</span>")


def badges(cat: Catalogue, record: Record, checked: bool = False) -> str:
    return f"{evidence_badge(cat, record, checked)} {status_badge(record)}"


def under_title(cat: Catalogue, record: Record) -> str:
    """The line under a practice's title: its badges and what was checked when."""
    checked = f"{PORTAL_LABELS['checked']} {record.data.get('last_reviewed', '')}"
    return (f'<p class="reskb-badges">{badges(cat, record, checked=True)} '
            f'<span class="reskb-checked">{escape(checked)}</span></p>')
