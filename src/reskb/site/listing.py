"""How practices are listed and summed up on generated pages: the practice table of index pages, the
practice cards of topic and challenge pages, the "At a glance" facts, organisations and links, and the
tags that site search shows with each result. One wording for empty values (badges.NOT_RECORDED), and
columns that no practice shown has are left out, with one sentence saying the sources are silent on them."""

from __future__ import annotations

from collections.abc import Callable

from ..labels import FIELD_LABELS, PORTAL_LABELS, PROVENANCE_LABELS, label
from ..records.catalogue import Catalogue, Record, country_name
from ..records.catalogue import title_key as by_title
from .badges import NOT_RECORDED, badges, evidence_badge, status_text
from .markdown import cell, country_link, link, md_escape
from .untrusted import markdown_url


def none_cell() -> str:
    return f'<span class="reskb-none">{NOT_RECORDED}</span>'


def silent_note(names: list[str]) -> str:
    """One sentence for the columns or rows left out because no practice shown has them."""
    if not names:
        return ""
    listed = ", ".join(n.lower() for n in names[:-1]) + (" and " if len(names) > 1 else "") + names[-1].lower()
    return f"_{PORTAL_LABELS['silent']} {listed} for these practices._\n"


def practice_table(cat: Catalogue, page: str, practices: list[Record]) -> str:
    """Practices as a table sorted by title: where, phase, who leads, how often, status and evidence."""
    if not practices:
        return "_No practices recorded yet._\n"
    columns: list[Column] = [
        ("Practice", lambda p: link(page, p)),
        (FIELD_LABELS["countries"], lambda p: ", ".join(country_link(page, c) for c in p.data["countries"])),
        (FIELD_LABELS["phases"], lambda p: ", ".join(label(x) for x in p.data["phases"])),
        (FIELD_LABELS["lead_actor"], lambda p: label(p.data["lead_actor"]) if p.data.get("lead_actor") else ""),
        (FIELD_LABELS["frequency"], lambda p: label(p.get("format.frequency")) if p.get("format.frequency") else ""),
        status_column(), evidence_column(cat),
    ]
    return table(practices, columns)


Column = tuple[str, Callable[[Record], str]]


def table(practices: list[Record], columns: list[Column], not_fields: tuple[str, ...] = ()) -> str:
    """A Markdown table of practices (sorted by title) with only the columns some practice has. Columns named
    in `not_fields` are not facts a source could give (such as "Also in"): left out without a word."""
    rows = [[value(p) for _, value in columns] for p in sorted(practices, key=by_title)]
    keep = [i for i in range(len(columns)) if any(row[i] for row in rows)]
    head = [columns[i][0] for i in keep]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(cell(row[i]) or none_cell() for i in keep) + " |" for row in rows]
    silent = [columns[i][0] for i in range(len(columns)) if i not in keep and columns[i][0] not in not_fields]
    return "\n".join(out) + "\n" + ("\n" + silent_note(silent) if silent else "")


def status_column() -> Column:
    return (FIELD_LABELS["status"], lambda p: "" if status_text(p) == NOT_RECORDED else md_escape(status_text(p)))


def evidence_column(cat: Catalogue) -> Column:
    return (FIELD_LABELS["evidence"], lambda p: evidence_badge(cat, p, prefix=False))


def practice_cards(cat: Catalogue, page: str, practices: list[Record], text: Callable[[str, str], str]) -> str:
    """Practices first on topic and challenge pages: title, countries, evidence and status, then the summary."""
    if not practices:
        return "_No practices recorded yet._\n"
    out = []
    for p in sorted(practices, key=by_title):
        where = ", ".join(country_link(page, c) for c in p.data["countries"])
        out += [f"- **{link(page, p)}** · {where}  ", f"    {badges(cat, p)}  ",
                f"    {text(cell(p.data['summary']), page)}", ""]
    return "\n".join(out)


def glance(facts: list[tuple[str, str]]) -> str:
    """The "At a glance" facts as a definition list (no header row that says nothing)."""
    out = []
    for name, value in facts:
        out += [f"{name}", f":   {' '.join(value.split()) or NOT_RECORDED}", ""]
    return "\n".join(out)


def organisations_and_links(record: Record) -> str:
    """Who leads the practice and where it is published, right under its badges."""
    data = record.data
    parts = []
    if data.get("lead_organisations"):
        parts.append(f"**{PORTAL_LABELS['led_by']}:** " + ", ".join(md_escape(o) for o in data["lead_organisations"]))
    if data.get("links"):
        links = " · ".join(f"[{md_escape(x['title'])}]({markdown_url(x['url'])})" for x in data["links"])
        parts.append(f"**{PORTAL_LABELS['website']}:** {links}")
    return ("  \n".join(parts) + "\n") if parts else ""


def search_tags(record: Record) -> list[str]:
    """Tags Material's site search shows with a result: what kind of record, and where."""
    tags = [PROVENANCE_LABELS[record.kind]]
    if record.kind == "practice":
        tags += [country_name(c) for c in record.data.get("countries", [])]
    return tags
