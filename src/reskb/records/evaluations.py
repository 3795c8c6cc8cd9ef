"""Evaluation studies (`evaluations/<id>.yaml`): checks, the strongest design of a practice's studies,
their pages and their rows in the exports.

Where no study is recorded, a practice's `evidence.status` stays as its sources say. Where studies are
recorded, the status is derived from them (`derived_status`) and the validator holds the record to it, so
that every page, list and export shows the same value; the studies are listed on the practice's page with
the strongest design among them.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from ..citations.plaintext import plain_text
from ..labels import EVALUATION_LABELS as WORDS
from ..labels import HEADINGS
from ..problems import Problem
from .catalogue import Catalogue, Record, country_name

if TYPE_CHECKING:
    from ..site.pages import PageBuilder

#: designs from strongest to weakest (the order of the schema's enum)
DESIGNS = ("randomised", "quasi-experimental", "pre-post", "mixed-methods", "qualitative", "process", "none")
#: the finder's value for a practice without any study
NO_STUDY = "no-study"
INDEX_PAGE = "evaluations/index.md"
DATA_JSON = "data/evaluations.json"
DATA_CSV = "data/evaluations.csv"
#: designs that can show an effect (a comparison over time or with others); the rest cannot
EFFECT_DESIGNS = ("randomised", "quasi-experimental", "pre-post")
#: outcomes about the people a practice serves, as against how it was run
EFFECT_MEASURES = ("reoffending", "attitudes", "wellbeing", "social-reintegration", "engagement")
_STATUS_OF_DIRECTION = {"positive": "evaluated-positive", "negative": "evaluated-negative",
                        "no-effect": "evaluated-no-effect"}


def word(code: str) -> str:
    return WORDS.get(code, code.replace("-", " ").capitalize())


def studies_of(catalogue: Catalogue, practice_id: str) -> list[Record]:
    """The evaluations of a practice, strongest design first, then newest."""
    found = catalogue.indexes["evaluation"].get(practice_id, [])
    return sorted(found, key=lambda e: (_rank(e), -(e.data.get("year") or 0), e.title.casefold()))


def _rank(record: Record) -> int:
    design = record.data.get("design")
    return DESIGNS.index(design) if design in DESIGNS else len(DESIGNS)


def strongest_design(catalogue: Catalogue, practice_id: str) -> str | None:
    studies = studies_of(catalogue, practice_id)
    return studies[0].data["design"] if studies else None


def derived_status(studies: list[Record]) -> str | None:
    """The evidence status that a practice's studies support (None when it has none).

    Effects count only from designs that can show them; any other reported finding means the practice
    was evaluated without its effects being measured; studies whose findings are all unreported leave
    it at 'evaluated-findings-unavailable'."""
    if not studies:
        return None
    outcomes = [(s.data.get("design"), o) for s in studies for o in _list(s.data.get("outcomes"))
                if isinstance(o, dict) and isinstance(o.get("direction"), str) and o["direction"] != "not-reported"]
    directions = {o["direction"] for design, o in outcomes
                  if design in EFFECT_DESIGNS and o.get("measure") in EFFECT_MEASURES}
    if directions:
        return _STATUS_OF_DIRECTION.get(directions.pop(), "evaluated-mixed") if len(directions) == 1 else "evaluated-mixed"
    return "evaluated-effects-not-measured" if outcomes else "evaluated-findings-unavailable"


def _list(value: Any) -> list[Any]:
    """A field the schema wants as a list, or nothing: the validator runs this before a record is known to be valid."""
    return value if isinstance(value, list) else []


def designs_of(catalogue: Catalogue, practice_id: str) -> list[str]:
    """Every design among a practice's studies, strongest first; [NO_STUDY] when it has none."""
    designs = [s.data["design"] for s in studies_of(catalogue, practice_id)]
    return list(dict.fromkeys(designs)) or [NO_STUDY]


# --- checks --------------------------------------------------------------------------------


def check(catalogue: Catalogue) -> Iterator[Problem]:
    """Unknown practice ids in `practices:`; a practice whose evidence status says it has no study."""
    known = catalogue.practices
    for record in catalogue.evaluations.values():
        values = record.data.get("practices")
        for i, value in enumerate(values if isinstance(values, list) else []):
            if not isinstance(value, str) or value in known or value in catalogue.unreadable["practice"]:
                continue
            close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
            yield Problem(record.path, record.doc.line_of(("practices", i)), f"practices[{i}]",
                          f"unknown practice id '{value}'",
                          f"did you mean '{close[0]}'?" if close else "the practice ids are the file names in practices/")
    for practice in known.values():
        status = practice.get("evidence.status")
        studies = catalogue.indexes["evaluation"].get(practice.id, [])
        expected = derived_status(studies)
        if expected and status != expected:
            yield Problem(practice.path, practice.doc.line_of(("evidence", "status")), "evidence.status",
                          f"evidence status '{status}', but its evaluation record(s) ({', '.join(s.id for s in studies)}) "
                          f"give '{expected}'",
                          f"set 'status: {expected}': with studies recorded, the status follows their designs and "
                          "findings; effects count only from randomised, quasi-experimental or pre-post designs")


# --- pages ---------------------------------------------------------------------------------


def evaluation_page(builder: PageBuilder, record: Record) -> str:
    from ..site.pages import cell, country_link, link, md_escape, record_path

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
    from ..site.pages import link, record_path

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
    from ..site.pages import cell, front_matter, link, md_escape, rel

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
    from ..site.csv_export import _text

    rows = [list(EVALUATION_COLUMNS)]
    for record in sorted(catalogue.evaluations.values(), key=lambda e: e.id):
        item = evaluation_data(record, catalogue, site_url.rstrip("/") + "/")
        item["design"] = item["design"]["code"]
        item["countries"] = [c["code"] for c in item["countries"]]
        item["outcomes"] = [f"{o['measure']}: {o['direction']}" for o in item["outcomes"]]
        rows.append([_text(item[name]) for name in EVALUATION_COLUMNS])
    return rows


def downloads(catalogue: Catalogue, site_url: str = "") -> dict[str, str]:
    from ..site.csv_export import to_csv

    return {DATA_JSON: evaluations_json(catalogue, site_url or "/"), DATA_CSV: to_csv(evaluation_rows(catalogue, site_url))}
