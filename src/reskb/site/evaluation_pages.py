"""The pages and exports of evaluation studies: a page per study, the index of studies, the "Evaluation
studies" section of a practice page, and data/evaluations.json and .csv (the rules: records/evaluations.py)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from ..citations.plaintext import plain_text
from ..labels import EVALUATION_LABELS as WORDS
from ..labels import HEADINGS
from ..records.catalogue import Catalogue, Record, country_name
from ..records.evaluations import _rank, strongest_design, studies_of, word
from .csv_export import _text, to_csv
from .markdown import cell, country_link, front_matter, link, md_escape, record_path, rel

if TYPE_CHECKING:
    from .pages import PageBuilder

INDEX_PAGE = "evaluations/index.md"
DATA_JSON = "data/evaluations.json"
DATA_CSV = "data/evaluations.csv"


# --- pages ---------------------------------------------------------------------------------


def evaluation_page(builder: PageBuilder, record: Record) -> str:
    page, data, cat = record_path(record), record.data, builder.cat
    facts = [(WORDS["practices"], ", ".join(link(page, cat.practices[p]) for p in data["practices"] if p in cat.practices)),
             (WORDS["design"], word(data["design"]))]
    if data.get("year"):
        facts.append((WORDS["year"], str(data["year"])))
    for name in ("evaluator", "sample", "setting"):
        if data.get(name):
            facts.append((WORDS[name], md_escape(data[name])))
    if data.get("countries"):
        facts.append((WORDS["countries"], ", ".join(
            country_link(page, c) if c in cat.countries else md_escape(country_name(c)) for c in data["countries"])))
    out = [builder.record_front_matter(record), f"# {md_escape(record.title)}", "", builder.text(data["summary"]), "",
           f"## {HEADINGS['at_a_glance']}", "", "| Aspect | Details |", "|---|---|"]
    out += [f"| **{name}** | {cell(value)} |" for name, value in facts]
    out.append("")
    if data.get("outcomes"):
        out += [f"## {WORDS['outcomes']}", "", f"| {WORDS['measure']} | {WORDS['finding']} | {WORDS['direction']} |",
                "|---|---|---|"]
        out += [f"| {word(o['measure'])} | {cell(builder.text(o['description']))} | {word(o['direction'])} |"
                for o in data["outcomes"]]
        out.append("")
    if data.get("limitations"):
        out += [f"## {WORDS['limitations']}", "", builder.text(data["limitations"]), ""]
    out += [builder.reference_list(page, record), builder.footer(record)]
    return "\n".join(out)


def practice_section(builder: PageBuilder, record: Record) -> list[str]:
    """The "Evaluation studies" section of a practice page (nothing when no study is recorded)."""
    studies = studies_of(builder.cat, record.id)
    if not studies:
        return []
    page = record_path(record)
    out = [f"## {WORDS['practice_section']}", "",
           f"{WORDS['strongest']}: **{word(studies[0].data['design'])}** ({len(studies)} stud"
           f"{'y' if len(studies) == 1 else 'ies'} recorded).", ""]
    for study in studies:
        year = f", {study.data['year']}" if study.data.get("year") else ""
        out.append(f"- {link(page, study)} ({word(study.data['design'])}{year}): "
                   f"{builder.text(' '.join(study.data['summary'].split()), page)}")
    return [*out, ""]


def evidence_fact(catalogue: Catalogue, record: Record) -> str:
    """Text added to the practice's evidence row: the strongest design of its studies, if any."""
    design = strongest_design(catalogue, record.id)
    return f"; {WORDS['strongest'].lower()} of its studies: {word(design)}" if design else ""


def index_page(builder: PageBuilder) -> str:
    cat = builder.cat
    title, intro = WORDS["evaluations_title"], WORDS["evaluations_intro"]
    out = [front_matter(title, intro), f"# {title}", "",
           f"{intro} Download them as [JSON]({rel(INDEX_PAGE, DATA_JSON)}) or [CSV]({rel(INDEX_PAGE, DATA_CSV)}).", ""]
    studies = sorted(cat.evaluations.values(), key=lambda e: (_rank(e), e.title.casefold()))
    if not studies:
        return "\n".join([*out, "_No evaluation studies recorded yet._", ""])
    out += [f"| Study | {WORDS['practices']} | {WORDS['design']} | {WORDS['year']} | {WORDS['countries']} |",
            "|---|---|---|---|---|"]
    for study in studies:
        d = study.data
        out.append("| " + " | ".join([
            link(INDEX_PAGE, study),
            ", ".join(link(INDEX_PAGE, cat.practices[p]) for p in d["practices"] if p in cat.practices),
            word(d["design"]), str(d.get("year") or "–"),
            cell(", ".join(md_escape(country_name(c)) for c in d.get("countries", [])) or "–"),
        ]) + " |")
    return "\n".join(out) + "\n"


# --- exports -------------------------------------------------------------------------------


def evaluation_data(record: Record, catalogue: Catalogue, site_url: str = "/") -> dict[str, Any]:
    d, refs = record.data, catalogue.references
    return {
        "id": record.id, "title": record.title, "url": urljoin(site_url or "/", f"evaluations/{record.id}/"),
        "summary": plain_text(d["summary"], refs), "practices": list(d["practices"]),
        "design": {"code": d["design"], "label": word(d["design"])}, "year": d.get("year"),
        "evaluator": d.get("evaluator"), "sample": d.get("sample"), "setting": d.get("setting"),
        "countries": [{"code": c, "name": country_name(c)} for c in d.get("countries", [])],
        "outcomes": [{"measure": o["measure"], "direction": o["direction"],
                      "description": plain_text(o["description"], refs)} for o in d.get("outcomes", [])],
        "limitations": plain_text(d["limitations"], refs) if d.get("limitations") else None,
        "references": record.cited, "last_reviewed": d["last_reviewed"],
    }


def evaluations_json(catalogue: Catalogue, site_url: str = "/") -> str:
    studies = sorted(catalogue.evaluations.values(), key=lambda e: e.id)
    return json.dumps([evaluation_data(e, catalogue, site_url) for e in studies], ensure_ascii=False, indent=1) + "\n"


EVALUATION_COLUMNS = ("id", "title", "practices", "design", "year", "evaluator", "sample", "setting", "countries",
                      "outcomes", "limitations", "summary", "references", "last_reviewed", "url")


def evaluation_rows(catalogue: Catalogue, site_url: str = "") -> list[list[str]]:
    rows = [list(EVALUATION_COLUMNS)]
    for record in sorted(catalogue.evaluations.values(), key=lambda e: e.id):
        item = evaluation_data(record, catalogue, site_url.rstrip("/") + "/")
        item["design"] = item["design"]["code"]
        item["countries"] = [c["code"] for c in item["countries"]]
        item["outcomes"] = [f"{o['measure']}: {o['direction']}" for o in item["outcomes"]]
        rows.append([_text(item[name]) for name in EVALUATION_COLUMNS])
    return rows


def downloads(catalogue: Catalogue, site_url: str = "") -> dict[str, str]:
    return {DATA_JSON: evaluations_json(catalogue, site_url or "/"), DATA_CSV: to_csv(evaluation_rows(catalogue, site_url))}
