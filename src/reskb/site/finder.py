"""The practice finder: one page listing every practice in a table, and the data file its script filters on.

The table is plain generated Markdown, complete without JavaScript; `theme/assets/reskb/finder.js` adds
the filter controls, hides rows and keeps the filters in the address. It reads /data/finder.js (the data of
/data/practices.json, a download for anyone who wants the practices as data, with each practice's words).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urljoin

from ..citations.plaintext import plain_text
from ..labels import FIELD_LABELS, label
from ..records import evaluations
from ..records.catalogue import Catalogue, Record, country_name
from ..records.catalogue import title_key as by_title  # the one ordering rule of every list
from .markdown import front_matter, link, md_escape

FINDER_PAGE = "finder.md"
DATA_FILE = "data/practices.json"
#: the same data as a script, with each practice's words: the finder reads it from file:// too (offline edition)
SCRIPT_DATA = "data/finder.js"
SCRIPT = "assets/reskb/finder.js"
CSV_FILE = "data/practices.csv"
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
STYLE = "assets/reskb/finder.css"
#: rows a large catalogue's finder lists at once (finder_shards.py)
PAGE = 50


def _coded(code: str | None) -> dict[str, str] | None:
    return {"code": code, "label": label(code)} if code else None


def practice_data(record: Record, catalogue: Catalogue, site_url: str = "/") -> dict[str, Any]:
    """One practice as plain data: codes with their labels, text without markup."""
    data = record.data
    fmt = data.get("format", {})
    return {
        "id": record.id,
        "title": record.title,
        "url": urljoin(site_url or "/", f"practices/{record.id}/"),
        "summary": plain_text(data["summary"], catalogue.references),
        "countries": [{"code": c, "name": country_name(c)} for c in data["countries"]],
        "phases": [_coded(p) for p in data["phases"]],
        "lead_actor": _coded(data.get("lead_actor")),
        "status": _coded(data.get("status")),
        "evidence": _coded(data["evidence"]["status"]),
        "topics": [{"id": t, "title": catalogue.topics[t].title} for t in data["topics"] if t in catalogue.topics],
        "challenges": [{"id": c, "title": catalogue.challenges[c].title}
                       for c in data.get("challenges", []) if c in catalogue.challenges],
        "start_year": data.get("start_year"),
        "end_year": data.get("end_year"),
        "participants": [_coded(k) for k in dict.fromkeys(p["kind"] for p in data.get("participants", []))],
        "formats": [_coded(k) for k in fmt.get("kinds", [])],
        "frequency": _coded(fmt.get("frequency")),
        "evaluations": [e.id for e in evaluations.studies_of(catalogue, record.id)],
        "designs": [{"code": d, "label": evaluations.word(d)} for d in evaluations.designs_of(catalogue, record.id)],
        "inferred": list(data.get("inferred", [])),
    }


def words(record: Record, catalogue: Catalogue) -> str:
    """Every distinct word of a practice's title and text fields, lower case: the finder's small full-text index
    (a word typed in the finder matches the beginning of any of them)."""
    texts = [record.title] + [plain_text(text, catalogue.references) for _, text in record.markdown_texts()]
    data = record.data
    texts += data.get("lead_organisations", []) + [p.get("name", "") for p in data.get("participants", [])]
    texts += [data.get("city", ""), data.get("format", {}).get("frequency_note", ""), data.get("format", {}).get("produces", "")]
    texts += [label(k) for k in data.get("format", {}).get("kinds", [])]
    if data.get("format", {}).get("frequency"):
        texts.append(label(data["format"]["frequency"]))
    # lower(), not casefold(): what is typed is lowered by JavaScript's toLowerCase(), which keeps 'ß' ('Straße')
    found = dict.fromkeys(w.lower() for text in texts if isinstance(text, str) for w in _WORD.findall(text))
    return " ".join(found)


def finder_script(catalogue: Catalogue, site_url: str = "/") -> str:
    """data/finder.js: every practice (as in practices.json) with its words, assigned to one global variable."""
    practices = sorted(catalogue.practices.values(), key=by_title)
    data = [{**practice_data(p, catalogue, site_url), "words": words(p, catalogue)} for p in practices]
    # JSON is a JavaScript literal; escaping "<" keeps the file inert if it is ever inlined into HTML
    return "window.reskbFinderData = " + json.dumps(data, ensure_ascii=False).replace("<", "\\u003c") + ";\n"


def practices_json(catalogue: Catalogue, site_url: str = "/") -> str:
    """Every practice, sorted by title, as a JSON array."""
    practices = sorted(catalogue.practices.values(), key=by_title)
    return json.dumps([practice_data(p, catalogue, site_url) for p in practices], ensure_ascii=False, indent=1) + "\n"


def finder_page(catalogue: Catalogue) -> str:
    """The finder's Markdown: an introduction, an empty box the script fills with filters, the full table."""
    from .badges import NOT_RECORDED, evidence_badge, status_text
    from .listing import none_cell
    from .scale import is_large
    page = FINDER_PAGE
    practices = sorted(catalogue.practices.values(), key=by_title)
    large = is_large(len(practices))
    first = f"Every practice, listed {PAGE} at a time." if large else "Every practice in one table."
    intro = (first + " Narrow it by words from the full text, country, phase of custody, topic, "
             "challenge, lead actor, status, evidence and the design of its evaluation studies (choose several values "
             "to see any of them); the filters are kept in the page address, so a filtered view can be shared or "
             "bookmarked. Tick two to four practices to compare them side by side.")
    shown = practices[:PAGE] if large else practices
    out = [front_matter("Practice finder", intro, search={"boost": 0.5}, hide=["navigation", "toc"],
                        reskb_scripts=[SCRIPT] if large else [SCRIPT_DATA, SCRIPT], reskb_styles=[STYLE]),
           "# Practice finder", "", intro, "",
           f"Download every practice: [CSV for spreadsheets]({CSV_FILE}) · "
           f"[JSON]({DATA_FILE}){{: #reskb-finder-data }}", "",
           '<div id="reskb-finder-nojs" class="admonition warning"><p class="admonition-title">Filters need JavaScript</p>'
           "<p>JavaScript is off or blocked in this browser, so the filters cannot run: <strong>"
           + (f"the first {len(shown)} practices by title are listed below, whatever filters the address holds; "
              "every practice is on the list of practices (Practices).</strong>" if large else
              "every practice is listed below, whatever filters the address holds.</strong>")
           + " Practices by country are on the country pages (Practices › Countries), by topic and challenge on "
           "their pages.</p></div>", "",
           f'<div id="reskb-finder" class="reskb-finder{" reskb-finder--sharded" if large else ""}" role="search" '
           'aria-label="Filter practices"></div>', ""]
    head = ["Practice", FIELD_LABELS["countries"], FIELD_LABELS["phases"], FIELD_LABELS["lead_actor"],
            FIELD_LABELS["topics"], FIELD_LABELS["challenges"], FIELD_LABELS["status"], FIELD_LABELS["evidence"]]
    out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for p in shown:
        d = p.data
        titles = {field: ", ".join(md_escape(catalogue.records[kind][i].title) for i in d.get(field, [])
                                   if i in catalogue.records[kind])
                  for field, kind in (("topics", "topic"), ("challenges", "challenge"))}
        out.append("| " + " | ".join([
            link(page, p),
            ", ".join(md_escape(country_name(c)) for c in d["countries"]),
            ", ".join(label(x) for x in d["phases"]),
            label(d["lead_actor"]) if d.get("lead_actor") else none_cell(),
            titles["topics"] or none_cell(), titles["challenges"] or none_cell(),
            md_escape(status_text(p)) if status_text(p) != NOT_RECORDED else none_cell(),
            evidence_badge(catalogue, p, prefix=False),
        ]) + " |")
    return "\n".join(out) + "\n"


