"""CSV downloads: the whole catalogue (one row per practice) and each comparison table.

Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a formula ("CSV injection"), and the
text comes from contributors: such cells get a leading apostrophe, which spreadsheets show as text.
Tab and carriage return are guarded too, as OWASP advises, since some programs strip them first.
Files start with a UTF-8 byte order mark so that Excel reads accents and the euro sign correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from ..records.catalogue import Catalogue, Record, country_name
from ..records.evaluations import strongest_design, studies_of
from .comparison import Group, comparison_rows, practice_url

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"

PRACTICES_CSV = "data/practices.csv"
#: columns of data/practices.csv: (header, value of one practice); lists are joined with "; "
PRACTICE_COLUMNS: list[tuple[str, str]] = [
    ("id", "id"), ("title", "title"), ("countries", "countries"), ("country_names", ""), ("regions", "regions"),
    ("city", "city"), ("topics", "topics"), ("challenges", "challenges"), ("related", "related"), ("phases", "phases"),
    ("lead_actor", "lead_actor"), ("lead_organisations", "lead_organisations"), ("participants", ""),
    ("participant_kinds", ""), ("target_groups", "target_group.groups"), ("target_group_note", "target_group.note"),
    ("format_kinds", "format.kinds"), ("frequency", "format.frequency"), ("frequency_note", "format.frequency_note"),
    ("produces", "format.produces"), ("status", "status"), ("start_year", "start_year"), ("end_year", "end_year"),
    ("evidence", "evidence.status"), ("evaluations", ""), ("strongest_design", ""), ("summary", "summary"),
    ("references", ""), ("last_reviewed", "last_reviewed"), ("url", ""), ("inferred", "inferred"),
]


def safe_cell(value: str) -> str:
    """Neutralise spreadsheet formulas (see the module docstring)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def to_csv(rows: Iterable[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return BOM + out.getvalue()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    return " ".join(str(value).split())


def practice_row(record: Record, site_url: str, cat: Catalogue) -> list[str]:
    d = record.data
    computed = {
        "country_names": [country_name(c) for c in d["countries"]],
        "participants": [p["name"] + (f" ({p['role']})" if p.get("role") else "") for p in d.get("participants", [])],
        "participant_kinds": list(dict.fromkeys(p["kind"] for p in d.get("participants", []))),
        "references": record.cited,
        "evaluations": [e.id for e in studies_of(cat, record.id)],
        "strongest_design": strongest_design(cat, record.id),
        "url": site_url.rstrip("/") + "/" + practice_url(record),
    }
    return [_text(computed[header] if header in computed else record.get(field)) for header, field in PRACTICE_COLUMNS]


def practices_rows(cat: Catalogue, site_url: str = "") -> list[list[str]]:
    records = sorted(cat.practices.values(), key=lambda r: r.id)
    return [[h for h, _ in PRACTICE_COLUMNS], *(practice_row(r, site_url, cat) for r in records)]


def group_rows(group: Group, site_url: str = "") -> list[list[str]]:
    """A comparison table as CSV rows: the table itself, then the address of each practice's page."""
    return [*comparison_rows(group), ["Page", *(site_url.rstrip("/") + "/" + practice_url(p) for p in group.practices)]]


def csv_downloads(cat: Catalogue, groups: list[Group], site_url: str = "") -> dict[str, str]:
    files = {PRACTICES_CSV: to_csv(practices_rows(cat, site_url))}
    for group in groups:
        files[group.csv] = to_csv(group_rows(group, site_url))
    return files
