"""Evaluation studies (`evaluations/<id>.yaml`): checks, and the strongest design of a practice's studies
(their pages and exports: site/evaluation_pages.py).

Where no study is recorded, a practice's `evidence.status` stays as its sources say. Where studies are
recorded, the status is derived from them (`derived_status`) and the validator holds the record to it, so
that every page, list and export shows the same value; the studies are listed on the practice's page with
the strongest design among them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from ..labels import EVALUATION_LABELS as WORDS
from ..problems import Problem
from .catalogue import Catalogue, Record, title_key

#: designs from strongest to weakest (the order of the schema's enum)
DESIGNS = ("randomised", "quasi-experimental", "pre-post", "mixed-methods", "qualitative", "process", "none")
#: the finder's value for a practice without any study
NO_STUDY = "no-study"
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
    for practice_id, studies in _studies_by_practice(catalogue).items():
        practice = known.get(practice_id)
        if practice is None:
            continue
        status = practice.get("evidence.status")
        expected = derived_status(studies)
        if expected and status != expected:
            yield Problem(practice.path, practice.doc.line_of(("evidence", "status")), "evidence.status",
                          f"evidence status '{status}', but its evaluation record(s) ({', '.join(s.id for s in studies)}) "
                          f"give '{expected}'",
                          f"set 'status: {expected}': with studies recorded, the status follows their designs and "
                          "findings; effects count only from randomised, quasi-experimental or pre-post designs")



def _studies_by_practice(catalogue: Catalogue) -> dict[str, list[Record]]:
    """catalogue.indexes["evaluation"] (in its order) from the evaluations alone: building every index would cost
    a validation run on a large catalogue a tenth of its time."""
    found: dict[str, list[Record]] = {}
    for record in sorted(catalogue.evaluations.values(), key=title_key):
        for value in _list(record.data.get("practices")):
            if isinstance(value, str):
                found.setdefault(value, []).append(record)
    return found
