"""The seed catalogue is complete against the source paper's list (issue 'The seed catalogue')."""

import re

import pytest

from conftest import REPO
from reskb.records.validate import load_catalogue

PRACTICES = {
    "uk-contest-3": {"GB"}, "uk-desistance-and-disengagement-programme": {"GB"}, "hmpps-separation-centres": {"GB"},
    "uk-mappa": {"GB"}, "uk-multi-agency-centres": {"GB"}, "rotterdam-case-conferences": {"NL"},
    "austria-social-network-meetings": {"AT"}, "hessen-case-meetings": {"DE"}, "copenhagen-coordination-unit": {"DK"},
    "us-welcome-home-meetings": {"US"}, "ran-train-the-trainer-approaches": {"DK", "IT", "AT", "NO"},
    "germany-hybrid-state-ngo-model": {"DE"}, "vpn-just-x-berlin": {"DE"}, "vpn-focus-islex": {"DE"},
    "efus-prepare-project": {"EU"}, "vera-2r-risk-assessment": {"EU"}, "good-lives-model": {"EU"},
    "terrorist-wings-versus-dispersal": {"EU"},  # the paper frames the choice for all European countries
    "uk-special-prisons-for-returnees": {"GB"}, "ran-case-study-exchange": {"EU"},
}
CHALLENGES = {"stigmatisation", "trust", "prisons-and-prison-regime", "release-conditions", "providers-of-exit-work",
              "vulnerable-moment-of-release", "measuring-success-beyond-recidivism", "understaffing-and-funding",
              "coming-releases"}
TOPICS = {"goals-and-milestones", "transition-management", "family-and-social-networks",
          "theological-and-religious-support", "material-support", "mental-health", "co-owning-the-process",
          "risk-and-resilience-assessment", "capacity-building", "multi-agency-cooperation", "staff-training",
          "whole-prison-programmes", "gender-and-programmes-for-women", "media-and-reintegration", "research-gaps"}
OPEN_QUESTIONS = {"whole-prison-programmes", "gender-and-programmes-for-women", "media-and-reintegration",
                  "research-gaps"}
GLOSSARY = {"exit-work", "desistance", "returnees", "motivational-interviewing", "systemic-work",
            "risk-need-responsivity-model", "vink", "work-at-a-low-level"}
#: first author's surname and year of every work in the paper's footnotes, and the paper itself
FOOTNOTE_WORKS = {("Bryans", "2016"), ("Council of Europe", "2016"), ("Dean", "2018"), ("Hoffmann", "2017"),
                  ("Silke", "2017"), ("Polaschek", "2018"), ("Bonta", "2007"), ("Andrews", "2010"),
                  ("Dubrow", "2017"), ("Williams", "2016"), ("Molenkamp", "2018"), ("Williams", "2016"),
                  ("RAN Centre of Excellence", "2017"), ("Western", "2015"), ("Harding", "2011"),
                  ("Cornwall", "2018"), ("Ward", "2004"), ("RAN Prison and Probation Working Group", "2016"),
                  ("HM Government of the United Kingdom", "2018"), ("Butler", "2017"), ("Baaken", "2018")}


@pytest.fixture(scope="module")
def catalogue():
    catalogue, problems = load_catalogue(REPO)
    assert not [p for p in problems if p.severity == "error"]
    return catalogue


def test_every_listed_practice_is_there_with_its_countries(catalogue):
    for pid, countries in PRACTICES.items():
        assert pid in catalogue.practices, pid
        assert set(catalogue.practices[pid].data["countries"]) == countries, pid


def test_every_practice_has_topics_and_a_located_reference(catalogue):
    for practice in catalogue.practices.values():
        assert practice.data["topics"], practice.id
        refs = practice.data["references"]
        assert any("pages" in r or "section" in r for r in refs), practice.id


def test_challenges_and_topics(catalogue):
    assert CHALLENGES <= set(catalogue.challenges)
    assert TOPICS <= set(catalogue.topics)
    assert {t for t, r in catalogue.topics.items() if r.data.get("open_question")} == OPEN_QUESTIONS


def test_key_facts_from_the_source(catalogue):
    p = catalogue.practices
    assert p["rotterdam-case-conferences"].data["format"]["frequency"] == "weekly"
    assert p["copenhagen-coordination-unit"].data["format"]["frequency"] == "every-two-weeks"
    assert len(p["copenhagen-coordination-unit"].data["participants"]) == 8
    assert p["uk-desistance-and-disengagement-programme"].data["start_year"] == 2017
    assert "230" in p["uk-desistance-and-disengagement-programme"].data["description"]
    assert p["uk-multi-agency-centres"].data["evidence"]["status"] == "evaluation-planned"
    assert p["uk-multi-agency-centres"].data["status"] == "pilot"
    assert p["hessen-case-meetings"].data["regions"] == ["DE-HE"]
    assert any(x["kind"] == "judiciary" for x in p["austria-social-network-meetings"].data["participants"])


def test_every_footnote_work_is_a_reference_cited_by_a_record(catalogue):
    def first_author_and_year(item: dict) -> tuple[str, str]:
        name = (item.get("author") or item.get("editor") or [{}])[0]
        year = item.get("issued", {}).get("date-parts", [[""]])[0][0]
        return (name.get("family") or name.get("literal", "")).split(",")[0], str(year)

    works = {first_author_and_year(catalogue.formatter.items[key]) for key in catalogue.references}
    assert FOOTNOTE_WORKS <= works, FOOTNOTE_WORKS - works
    assert len(catalogue.references) >= 21
    cited = catalogue.indexes["cited_by"]
    assert [k for k in catalogue.references if k not in cited] == []


def test_doubtful_dois_are_kept_out_and_explained_in_the_data(catalogue):
    for key in ("bonta2007risk", "andrews2010psychology"):
        ref = catalogue.references[key]
        assert "doi" not in ref.entry.fields, key
        text = (REPO / ref.path).read_text(encoding="utf-8")
        before = text[:text.index("{" + key + ",")].rstrip().rsplit("\n", 2)[-2]
        assert before.startswith("% Editorial note") and "DOI" in before, key  # a BibTeX comment: not rendered


def test_curation_asides_are_out_of_the_readers_text(catalogue):
    """Issue 14: editors' notes belong in `editorial_note` (or a BibTeX comment), not in what readers read."""
    asides = ("so the record is placed", "the country field", "recorded here as", "attributes the model to")
    for record in catalogue.all_records():
        for field, text in record.markdown_texts():
            assert not any(a in text.lower() for a in asides), (record.id, field)
    for ref in catalogue.references.values():
        assert not ref.entry.fields.get("note", "").startswith("The source"), ref.key


def test_fidelity_fixes_of_issue_14(catalogue):
    p, c = catalogue.practices, catalogue.challenges
    germany = p["germany-hybrid-state-ngo-model"].data
    assert not any("Ministry" in o for o in germany.get("lead_organisations", []))
    trainers = p["ran-train-the-trainer-approaches"].data
    assert "lead_actor" not in trainers and "within Islam" in trainers["summary"]
    assert "lead_actor" not in p["terrorist-wings-versus-dispersal"].data
    release = str(c["vulnerable-moment-of-release"].data)
    for invented in ("within days of release", "released members", "on the day the person leaves prison"):
        assert invented not in release
    assert "asks the institutions" not in str(c["understaffing-and-funding"].data)
    assert "asks that" not in str(catalogue.topics["gender-and-programmes-for-women"].data)
    assert "Many European" not in catalogue.topics["risk-and-resilience-assessment"].data["description"]
    separation = catalogue.topics["separation-and-placement"].data["description"]
    separation = " ".join(separation.split())
    assert "deprive" not in separation and "harder for prison staff to handle" in separation


def test_glossary_terms_of_issue_14(catalogue):
    assert GLOSSARY <= set(catalogue.glossary)
    for term in catalogue.glossary.values():
        assert any("pages" in r or "section" in r for r in term.data["references"]), term.id


def test_no_personal_data_markers(catalogue):
    """Records name organisations and programmes; no e-mail addresses or phone numbers."""
    for record in catalogue.all_records():
        text = str(record.data)
        assert not re.search(r"[\w.+-]+@[\w-]+\.[a-z]{2,}", text), record.id
        assert not re.search(r"\+\d{1,3}[ (]?\d[\d ()-]{6,}\d", text), record.id
