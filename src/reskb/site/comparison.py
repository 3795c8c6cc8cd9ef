"""Practices side by side: the fields a governor compares, the groups worth comparing, and the pages
and data that show them (comparison tables per topic and per kind of format, the compare page, its JSON).

Every value is plain text built from structured fields, so the same rows feed the HTML tables, the CSV
downloads and the compare page's JavaScript without any contributor Markdown or HTML in between.
"""

from __future__ import annotations

import heapq
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from ..labels import COMPARE_LABELS, FORMAT_GROUP_LABELS, PORTAL_LABELS, label
from ..records.catalogue import Catalogue, Record, country_name, region_name, title_key
from .badges import NOT_RECORDED, evidence_text, status_text
from .markdown import md_escape, rel
from .scale import is_large

#: practices grouped across topics by what they are: a group needs MIN_GROUP practices to get a table
FORMAT_GROUPS: dict[str, set[str]] = {
    "multi-agency-meetings": {"case-conference", "network-meeting", "coordination-unit"},
    "training": {"training", "train-the-trainer"},
    "risk-assessment": {"risk-assessment"},
    "individual-support": {"mentoring", "counselling", "psychological-support", "theological-support",
                           "practical-support"},
}
MIN_GROUP = 3
MAX_COMPARE = 4
#: data/compare.json as a script for the compare page: it loads from file:// too (the offline edition)
COMPARE_SCRIPT_DATA = "data/compare.js"
#: the search boxes that replace the pickers' lists in a large catalogue (theme/assets/reskb/compare-search.js)
COMPARE_SEARCH_SCRIPT = "assets/reskb/compare-search.js"
#: the compare page's script (assets/compare.js): only that page loads it, after its data
COMPARE_SCRIPT = "assets/reskb/compare.js"


@dataclass(frozen=True)
class Group:
    """Practices compared in one table: those of a topic, or those sharing a kind of format."""

    kind: str  # "topics" or "formats"
    id: str
    title: str
    practices: tuple[Record, ...]

    @property
    def page(self) -> str:
        return f"compare/{self.kind}/{self.id}.md"

    @property
    def csv(self) -> str:
        # topics keep the promised /data/compare/<topic-id>.csv; format groups get a folder of their own
        return f"data/compare/{self.id}.csv" if self.kind == "topics" else f"data/compare/formats/{self.id}.csv"

    @property
    def url(self) -> str:
        return f"compare/{self.kind}/{self.id}/"


def practice_url(record: Record) -> str:
    """Address of a practice page relative to the site root (directory URLs, as the URL contract says)."""
    return f"practices/{record.id}/"


def _join(values: list[str]) -> str:
    return "; ".join(v for v in values if v) or NOT_RECORDED


def compare_values(record: Record) -> dict[str, str]:
    """The comparison fields of one practice, as plain text ("Not recorded" where the record is silent)."""
    d = record.data
    fmt = d.get("format", {})
    places = [country_name(c) for c in d["countries"]]
    places += [region_name(r) for r in d.get("regions", [])]
    places += [d["city"]] if d.get("city") else []
    lead = label(d["lead_actor"]) if d.get("lead_actor") else ""
    if d.get("lead_organisations"):
        lead = f"{lead}: {', '.join(d['lead_organisations'])}" if lead else ", ".join(d["lead_organisations"])
    frequency = label(fmt["frequency"]) if fmt.get("frequency") else ""
    if fmt.get("frequency_note"):
        frequency = f"{frequency} ({fmt['frequency_note']})" if frequency else fmt["frequency_note"]
    status = status_text(record)  # the same words as the badge and every list
    group = d.get("target_group", {})
    target = ", ".join(label(g) for g in group.get("groups", []))
    if group.get("note"):
        target = f"{target} ({group['note']})"
    values = {
        "where": ", ".join(places),
        "lead": lead,
        # names only: roles are on the practice page, and in a table they drown the differences
        "participants": _join([p["name"] for p in d.get("participants", [])]),
        "frequency": frequency,
        "phases": ", ".join(label(p) for p in d["phases"]),
        "format": ", ".join(label(k) for k in fmt.get("kinds", [])),
        "produces": fmt.get("produces", ""),
        "target_group": target,
        "status": status,
        "evidence": evidence_text(record),
    }
    return {key: " ".join(str(values[key]).split()) or NOT_RECORDED for key in COMPARE_LABELS}


def comparison_rows(group: Group) -> list[list[str]]:
    """The table of a group as rows of text: a header row of practice titles, then one row per field."""
    rows = [["Field", *(p.title for p in group.practices)]]
    values = [compare_values(p) for p in group.practices]
    for key, name in COMPARE_LABELS.items():
        rows.append([name, *(v[key] for v in values)])
    return rows


def groups(cat: Catalogue) -> list[Group]:
    """Every group with at least MIN_GROUP practices: one per topic, then one per kind of format
    (computed once per catalogue: every practice page asks for its groups)."""
    cached = cat.__dict__.get("_comparison_groups")
    if cached is None:
        cached = cat.__dict__["_comparison_groups"] = _groups(cat)
    return cached


def _groups(cat: Catalogue) -> list[Group]:
    out = []
    for topic in sorted(cat.topics.values(), key=lambda t: t.title.lower()):
        practices = cat.practices_for("topic", topic.id)
        if len(practices) >= MIN_GROUP:
            out.append(Group("topics", topic.id, topic.title, tuple(practices)))
    by_title = sorted(cat.practices.values(), key=title_key)
    for gid, kinds in FORMAT_GROUPS.items():
        practices = [p for p in by_title if kinds & set(p.data.get("format", {}).get("kinds", []))]
        if len(practices) >= MIN_GROUP:
            out.append(Group("formats", gid, FORMAT_GROUP_LABELS[gid], tuple(practices)))
    return out


def groups_of(cat: Catalogue, record: Record) -> list[Group]:
    by_record = cat.__dict__.get("_groups_by_record")
    if by_record is None:
        by_record = cat.__dict__["_groups_by_record"] = {}
        for group in groups(cat):
            for practice in group.practices:
                by_record.setdefault(practice.id, []).append(group)
    return by_record.get(record.id, [])


def compare_url(ids: list[str]) -> str:
    return "compare/?p=" + ",".join(ids)


# --- HTML, written into the Markdown pages as raw blocks (all text escaped here) -----------------

def _up(page: str) -> str:
    """From a generated page's URL (directory URLs) back to the site root."""
    depth = page.count("/") + (0 if page.endswith("index.md") else 1)
    return "../" * depth


def comparison_table(group: Group, page: str, caption: str = "") -> str:
    """A group's table, fields as rows and practices as columns; rows where every value is the same are
    marked so that the differences stand out."""
    root = _up(page)
    rows = comparison_rows(group)
    head = "".join(f'<th scope="col"><a href="{escape(root + practice_url(p))}">{escape(p.title)}</a></th>'
                   for p in group.practices)
    out = ['<div class="reskb-comparison">', "<table>"]
    if caption:
        out.append(f"<caption>{escape(caption)}</caption>")
    out.append(f'<thead><tr><th scope="col">{escape(rows[0][0])}</th>{head}</tr></thead><tbody>')
    silent = [row[0] for row in rows[1:] if all(v == NOT_RECORDED for v in row[1:])]
    for row in rows[1:]:
        if row[0] in silent:
            continue  # no practice shown has it: said once below the table
        same = len(set(row[1:])) == 1
        marker = ' <span class="reskb-same">(same for all)</span>' if same and len(row) > 2 else ""
        cls = ' class="reskb-same-row"' if same else ""
        cells = "".join(f"<td>{escape(value)}</td>" for value in row[1:])
        out.append(f'<tr{cls}><th scope="row">{escape(row[0])}{marker}</th>{cells}</tr>')
    out += ["</tbody></table>", "</div>"]
    if silent:
        names = ", ".join(n.lower() for n in silent)
        out.append(f'<p class="reskb-silent">{escape(PORTAL_LABELS["silent"])} {escape(names)} for these practices.</p>')
    return "\n".join(out)


def group_page(cat: Catalogue, group: Group, front_matter: str) -> str:
    ids = [p.id for p in group.practices]
    what = "topic" if group.kind == "topics" else "kind of format"
    intro = (f"The {len(ids)} practices under this {what}, side by side: who leads, who takes part, how often, "
             "at which phase, what they decide or produce, their status and the evidence so far. "
             "Scroll sideways for more practices; the first column stays in place.")
    out = [front_matter, f"# Compare: {_md(group.title)}", "", intro, ""]
    if group.kind == "topics":
        out += [f"Topic page: [{_md(group.title)}](../../topics/{group.id}.md).", ""]
    out += [comparison_table(group, group.page, f"Practices compared: {group.title}"), "",
            f"[Download this table as CSV]({rel(group.page, group.csv)}) · "
            f"[Compare two to four of them on one screen]({rel(group.page, 'compare/index.md')}?p={','.join(ids[:2])}) · "
            "[All comparison tables](../index.md)", ""]
    return "\n".join(out)


def _md(text: str) -> str:
    return md_escape(text)


def compare_with(cat: Catalogue, record: Record) -> str:
    """The "Compare with…" control of a practice page: links that open the compare page with this practice
    and one that shares its topics (most shared first), plus the comparison tables it appears in."""
    page = f"practices/{record.id}.md"
    root = _up(page)
    shared = Counter(p for t in set(record.data.get("topics", [])) for p in cat.practices_for("topic", t)
                     if p is not record)  # only practices sharing a topic: never a pass over the whole catalogue
    similar = heapq.nsmallest(8, shared, key=lambda p: (-shared[p], p.title.lower()))
    items = "".join(f'<li><a href="{escape(root + compare_url([record.id, p.id]))}">{escape(p.title)}</a></li>'
                    for p in similar)
    tables = "".join(f'<li><a href="{escape(root + g.url)}">{escape(g.title)}</a></li>' for g in groups_of(cat, record))
    out = ['<details class="info reskb-compare-with" id="compare-with">',
           "<summary>Compare with…</summary>",
           "<p>See this practice side by side with another: who leads, who takes part, how often, at which phase, "
           "what it produces, its status and evidence.</p>"]
    if items:
        out.append(f"<p>Practices on the same topics:</p><ul>{items}</ul>")
    out.append(f'<p><a href="{escape(root + compare_url([record.id]))}">Choose any other practices to compare…</a></p>')
    if tables:
        out.append(f"<p>Comparison tables with this practice:</p><ul>{tables}</ul>")
    out.append("</details>")
    return "\n".join(out)


def compare_page(cat: Catalogue, front_matter: str) -> str:
    """/compare/: the script builds the picker and the table; without it, the page leads to the tables."""
    out = [front_matter, "# Compare practices", "",
           "Put two to four practices side by side, with their fields aligned and the rows where they differ "
           "marked. Your choice is kept in the address of this page, so you can bookmark it or send it on.", "",
           '<div id="reskb-compare" class="reskb-compare"></div>', "",
           '<div id="reskb-compare-nojs" class="admonition note"><p class="admonition-title">This page needs JavaScript'
           "</p><p>Choosing practices to compare works with JavaScript only. Without it, use the comparison tables "
           "below: each puts every practice of a topic, or of a kind of format, side by side, and each can be "
           "downloaded as CSV. On any practice page, “Compare with…” lists the tables it appears in.</p></div>", "",
           "## Comparison tables", "",
           "| Comparison | Grouped by | Practices | Download |", "|---|---|---|---|"]
    for group in groups(cat):
        by = "Topic" if group.kind == "topics" else "Kind of format"
        out.append(f"| [{_md(group.title)}]({group.kind}/{group.id}.md) | {by} | {len(group.practices)} "
                   f"| [CSV](../{group.csv}) |")
    out += ["", "## Download the whole catalogue", "",
            "[All practices as CSV](../data/practices.csv): one row per practice, lists joined with “; ”. "
            "Opens in any spreadsheet program.", ""]
    return "\n".join(out)


def compare_data(cat: Catalogue) -> str:
    """/data/compare.json, read by the compare page's script: labels, and each practice's values and address."""
    practices = []
    for record in sorted(cat.practices.values(), key=title_key):
        practices.append({"id": record.id, "title": record.title, "url": practice_url(record),
                          "countries": [country_name(c) for c in record.data["countries"]],
                          "values": compare_values(record)})
    data = {"fields": [{"key": k, "label": v} for k, v in COMPARE_LABELS.items()],
            "max": MAX_COMPARE, "not_recorded": NOT_RECORDED, "practices": practices,
            "tables": [{"title": g.title, "url": g.url, "csv": g.csv} for g in groups(cat)]}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def compare_script(compare_json: str) -> str:
    """data/compare.js: the compare data assigned to one global variable ("<" escaped: inert if ever inlined)."""
    return "window.reskbCompareData = " + compare_json.strip().replace("<", "\\u003c") + ";\n"


def topic_links(cat: Catalogue, record: Record, page: str) -> str:
    """On a topic page: a pointer to its comparison table, when it has one."""
    group = next((g for g in groups(cat) if g.kind == "topics" and g.id == record.id), None)
    if record.kind != "topic" or group is None:
        return ""
    return (f"\n**[Compare these {len(group.practices)} practices side by side]({rel(page, group.page)})**: who leads, "
            f"who takes part, how often, at which phase, what they produce, status and evidence "
            f"([CSV]({rel(page, group.csv)})).\n")


def comparison_paths(cat: Catalogue) -> list[str]:
    """The paths comparison_pages makes, without making them."""
    return ["compare/index.md", *(group.page for group in groups(cat))]


def comparison_pages(cat: Catalogue, front_matter: Callable[..., str]) -> dict[str, str]:
    """The compare page and one page per comparison group, keyed by path like every generated page."""
    # wide tables: these pages give the whole width to the content (Material's `hide`)
    pages = {"compare/index.md": compare_page(cat, front_matter(
        "Compare practices", "Put two to four practices side by side, or browse the comparison tables.",
        hide=["navigation"], search={"boost": 0.3},
        # a large catalogue's pickers search instead of listing every practice (compare_shards.py)
        reskb_scripts=[COMPARE_SCRIPT_DATA, *([COMPARE_SEARCH_SCRIPT] if is_large(len(cat.practices)) else []),
                       COMPARE_SCRIPT]))}
    for group in groups(cat):
        pages[group.page] = group_page(cat, group, front_matter(
            f"Compare: {group.title}", f"The practices of {group.title} side by side.", hide=["navigation", "toc"],
            search={"exclude": True}))  # table cells run together make poor search results: the records rank instead
    return pages
