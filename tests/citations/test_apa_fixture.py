"""APA 7 on 70 real-world entries (biblatex's examples, Zotero and Better BibTeX exports), against
reference and in-text strings written out by hand from the APA rules (tests/fixtures/apa/).

Every difference is listed below with its reason; the test fails when a new one appears and when a
listed one disappears (then remove it from the list)."""

import html
import re
from pathlib import Path

import pytest
import yaml

from reskb.citations import finish_references, read_bib_file

FIXTURE = Path(__file__).parent.parent / "fixtures" / "apa"
TITLE_CASE = "the .bib gives the title in Title Case without braces round proper nouns, so sentence case lowercases them"
KNOWN_DIFFERENCES = {
    ("westfahl:space", "reference"): TITLE_CASE + " (American)",
    ("doody", "reference"): TITLE_CASE + " (Jake’s)",
    ("springer", "reference"): TITLE_CASE + " (Scandinavia, Rome)",
    ("averroes/bland", "reference"): TITLE_CASE + " (Ibn Rushd, Moses Narboni)",
    ("gonzalez", "reference"): TITLE_CASE + " (John Wayne)",
    ("malinowski", "reference"): TITLE_CASE + " (Western Pacific, Melanesian New Guinea)",
    ("piccato", "reference"): TITLE_CASE + " (Mexico City)",
    ("worman", "reference"): TITLE_CASE + " (Greek)",
    ("hyman", "reference"): TITLE_CASE + " (Averroes; the book title Studies in Aristotle)",
    ("pines", "reference"): TITLE_CASE + " (Al-Farabi, Bajja, Maimonides, Jewish)",
    ("cms", "reference"): TITLE_CASE + " (Chicago)",
    ("gillies", "reference"): "pandoc adds an article's series to the journal name (', New Series'); APA 7 has no place for it",
    ("reese", "reference"): "pandoc adds the series (', 3rd Series') to the journal name; and Title Case (Anglo-Spanish)",
    ("shore", "reference"): "pandoc adds the series (', New Series') to the journal name",
    ("kullback:reprint", "reference"): "apa.csl adds the original publisher: '(Original work published 1959, John Wiley & Sons)'",
    ("nussbaum", "reference"): "a quoted title inside a title keeps its capitals, and the full stop stays outside the quotes",
    ("wilde", "reference"): "pandoc turns eprint/eprinttype googlebooks into a Google Books URL, which apa.csl prints",
    ("salam", "reference"): "pandoc joins booktitleaddon to the book title ('. Proceedings of the eighth nobel symposium')",
    ("cms", "citation"): "citeproc cites a work without author by its shorttitle field ('Chicago Manual of Style')",
    ("ctan", "reference"): "apa.csl prints 'Retrieved <urldate>, from' only for works without a date",
    ("markey", "reference"): "apa.csl shows no version of an @online entry; and Title Case (B to X)",
    ("padhye", "reference"): "the report number 99-02 reads as a range to citeproc ('Nos.'); and Title Case (Reno)",
    ("loh", "reference"): "apa.csl puts the institution after the bracket: '[Master’s thesis]. Massachusetts Institute of "
                          "Technology.' instead of '[Master’s thesis, Massachusetts Institute of Technology]'",
}


def _plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def _from_html(value: str) -> str:
    return _plain(html.unescape(re.sub(r"<[^>]+>", "", value.replace("<em>", "*").replace("</em>", "*"))))


def _from_markdown(value: str) -> str:
    return _plain(re.sub(r"\\(.)", r"\1", re.sub(r"\[(.*?)\]\([^)]*\)", r"\1", value)))


@pytest.fixture(scope="module")
def results():
    bib = read_bib_file(FIXTURE / "real-world.bib", "real-world.bib")
    assert bib.problems == []
    refs = {r.key: r for r in bib.references}
    formatter = finish_references(refs, bib.strings)
    expected = yaml.safe_load((FIXTURE / "expected.yaml").read_text(encoding="utf-8"))
    formatter.prepare([f"[@{key}]" for key in expected])
    out = {}
    for key, want in expected.items():
        out[(key, "reference")] = (_plain(want["reference"]), _from_html(refs[key].html))
        out[(key, "citation")] = (_plain(want["citation"]), _from_markdown(formatter.render(f"[@{key}]")))
    return out


def test_fixture_size(results):
    assert len(results) == 140  # 70 entries, a reference and a citation each


def test_differences_are_exactly_the_known_ones(results):
    different = {case for case, (want, got) in results.items() if want != got}
    report = "\n".join(f"{key} {kind}:\n  want {results[(key, kind)][0]}\n  got  {results[(key, kind)][1]}"
                       for key, kind in sorted(different - set(KNOWN_DIFFERENCES)))
    assert different - set(KNOWN_DIFFERENCES) == set(), "new differences:\n" + report
    assert set(KNOWN_DIFFERENCES) - different == set(), "these now match: remove them from KNOWN_DIFFERENCES"
    matched = 1 - len(different) / len(results)
    assert matched >= 0.83, matched
