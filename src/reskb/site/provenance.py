"""Where each record comes from and when it changed: "Edit this record" links to its YAML file, and
the "Recently added and updated" page built from the records' own dates (never the clock, so two
builds of the same catalogue give the same page)."""

from __future__ import annotations

import re

from ..labels import PROVENANCE_LABELS as LABELS
from ..records.catalogue import Catalogue, Record
from .markdown import front_matter, link, md_escape, record_path

RECENT_PATH = "recent.md"
RECENT_LIMIT = 50
_EDIT_BASE = re.compile(r"^https?://[^\s<>\"()]+/$")


def check_edit_base(value: str) -> str:
    """'' (no edit links) or an http(s) address ending in '/', to which a record's path is appended."""
    value = value.strip()
    if value and not _EDIT_BASE.match(value):
        raise ValueError(f"edit_url must be an http(s) address ending in '/', such as "
                         f"https://github.com/OWNER/REPO/edit/main/ (found {value!r})")
    return value


def edit_url(record: Record, base: str) -> str:
    """The address that opens the record's YAML file (not the generated page) in the repository's editor."""
    return base + record.path


def with_edit_links(pages: dict[str, str], catalogue: Catalogue, base: str) -> dict[str, str]:
    """Record pages with an "Edit this record" line after their footer; unchanged without a base."""
    if not base:
        return pages
    out = dict(pages)
    for record in catalogue.all_records():
        path = record_path(record)
        if path in out:
            out[path] = with_edit_link(out[path], record, base)
    return out


def with_edit_link(markdown: str, record: Record, base: str) -> str:
    return (markdown.rstrip("\n") + "\n\n"
            f"[{LABELS['edit']}]({edit_url(record, base)}){{ .reskb-edit }} "
            f"(its source file, `{record.path}`, in the repository)\n")


def changes(catalogue: Catalogue) -> list[tuple[str, str, Record]]:
    """(date, "added" or "reviewed", record), newest first; a record reviewed on the day it was added
    counts once, as added."""
    events = []
    for record in catalogue.all_records():
        added, reviewed = record.data.get("added"), record.data["last_reviewed"]
        if added:
            events.append((added, "added", record))
        if reviewed != added:
            events.append((reviewed, "reviewed", record))
    return sorted(events, key=lambda e: (_desc(e[0]), e[1], e[2].kind, e[2].title.lower()))


def _desc(date: str) -> tuple[int, ...]:
    return tuple(-int(part) for part in date.split("-"))


def recent_page(catalogue: Catalogue, limit: int = RECENT_LIMIT) -> str:
    title = LABELS["recent_title"]
    intro = ("The latest changes to the catalogue, newest first, from each record's dates: when it was "
             f"added, and when it was last reviewed against its sources. The {limit} most recent are shown.")
    out = [front_matter(title, intro, search={"exclude": True}), f"# {title}", "", intro, ""]  # a list of titles: records rank
    events = changes(catalogue)[:limit]
    if not events:
        return "\n".join([*out, "_No records yet._", ""])
    out += ["| Date | Record | Kind | Change |", "|---|---|---|---|"]
    for date, what, record in events:
        out.append(f"| {md_escape(date)} | {link(RECENT_PATH, record)} | {LABELS[record.kind]} | {LABELS[what]} |")
    return "\n".join(out) + "\n"
