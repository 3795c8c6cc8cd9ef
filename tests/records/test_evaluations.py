"""Evaluation studies: schema and cross-checks, pages, the practice's studies, search, finder and exports,
on the `studies` fixture catalogue (two studies of one practice, none of the other)."""

import csv
import io
import json

import pytest

from conftest import STUDIES, edit, load_valid
from reskb.cli import main
from reskb.records.evaluations import designs_of, strongest_design, studies_of
from reskb.records.validate import load_catalogue
from reskb.search import SearchIndex, ensure_index
from reskb.site.csv_export import practices_rows
from reskb.site.evaluation_pages import DATA_CSV, DATA_JSON
from reskb.site.finder import DATA_FILE
from reskb.site.pages import build_downloads, build_pages

STUDY = "evaluations/norway-interviews.yaml"



load = load_valid


def test_fixture_is_valid_and_indexes_studies_by_practice(studies, validate):
    code, out, err = validate(studies)
    assert (code, out) == (0, [])
    catalogue = load(studies)
    assert [s.id for s in studies_of(catalogue, "norway-family-meetings")] == ["norway-comparison", "norway-interviews"]
    assert strongest_design(catalogue, "norway-family-meetings") == "quasi-experimental"
    assert strongest_design(catalogue, "hessen-case-meetings") is None
    assert designs_of(catalogue, "hessen-case-meetings") == ["no-study"]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("design: qualitative", "design: qualitativ", f"{STUDY}:5: design: 'qualitativ' is not an allowed value; expected "
     "one of: randomised, quasi-experimental, pre-post, mixed-methods, qualitative, process, none (hint: did you "
     "mean 'qualitative'?)"),
    ("practices: [norway-family-meetings]\n", "", f"{STUDY}:1: practices: this required field is missing"),
    ("practices: [norway-family-meetings]", "practices: []", f"{STUDY}:4: practices: needs at least 1 item(s)"),
    ("practices: [norway-family-meetings]", "practices: [norway-family-meeting]", f"{STUDY}:4: practices[0]: unknown "
     "practice id 'norway-family-meeting' (hint: did you mean 'norway-family-meetings'?)"),
    ("    direction: positive", "    direction: good", f"{STUDY}:14: outcomes[0].direction: 'good' is not an allowed "
     "value"),
    ("countries: [NO]", "countries: [UK]", f"{STUDY}:10: countries[0]: 'UK' is not an ISO 3166-1 country code"),
    ("year: 2018", "year: '2018'", f"{STUDY}:6: year: expected a whole number, found text"),
    ("    description: Families attended most meetings [@paper2018, p. 6].",
     "    description: Families attended most meetings [@paper2018, p. 9].",
     f"{STUDY}:13: outcomes[0].description: the text cites p. 9 of 'paper2018', which is not in this record's "
     "references"),
    ("    description: Families attended most meetings [@paper2018, p. 6].",
     "    description: Families attended most meetings [@paper2018, p. 6]. {#top .lead}",
     f"{STUDY}:13: outcomes[0].description: curly braces"),  # a Markdown problem in an item's field, at its line
])
def test_each_rule_names_file_line_and_field(studies, validate, old, new, expected):
    edit(studies / STUDY, old, new)
    code, out, _ = validate(studies)
    assert code == 1
    assert any(expected in line for line in out), "\n".join(out)


def test_status_contradicting_the_studies_is_an_error_naming_the_status_they_give(studies, validate):
    edit(studies / "practices/norway-family-meetings.yaml", "status: evaluated-positive", "status: not-evaluated")
    code, out, _ = validate(studies)
    assert code == 1
    assert any("practices/norway-family-meetings.yaml:26: evidence.status: evidence status 'not-evaluated', but its "
               "evaluation record(s) (norway-comparison, norway-interviews) give 'evaluated-positive' "
               "(hint: set 'status: evaluated-positive'" in line for line in out), out


@pytest.mark.parametrize("study_edits, expected", [
    ([], "evaluated-positive"),  # quasi-experimental, fewer reconvictions
    ([("direction: positive\nreferences", "direction: no-effect\nreferences")], "evaluated-no-effect"),
    ([("direction: positive\nreferences", "direction: negative\nreferences")], "evaluated-negative"),
    # a design that cannot show effects: the same finding no longer counts as an effect
    ([("design: quasi-experimental", "design: process")], "evaluated-effects-not-measured"),
    ([("design: quasi-experimental", "design: pre-post"), ("measure: reoffending", "measure: implementation")],
     "evaluated-effects-not-measured"),
    ([("direction: positive\nreferences", "direction: not-reported\nreferences"), ("design: quasi-experimental", "design: none")],
     "evaluated-effects-not-measured"),  # the interview study still reports engagement
])
def test_status_derived_from_the_studies(studies, study_edits, expected):
    from reskb.records.evaluations import derived_status

    path = studies / "evaluations/norway-comparison.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in study_edits:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    cat, _ = load_catalogue(studies)  # the practice's own status may now disagree: that error is tested above
    assert derived_status(cat.indexes["evaluation"]["norway-family-meetings"]) == expected


def test_studies_whose_findings_are_all_unreported_give_findings_unavailable(studies):
    from reskb.records.evaluations import derived_status

    cat = load(studies)
    interviews = cat.evaluations["norway-interviews"]
    interviews.data["outcomes"] = [{**o, "direction": "not-reported"} for o in interviews.data["outcomes"]]
    assert derived_status([interviews]) == "evaluated-findings-unavailable"
    assert derived_status([]) is None


def test_pages_for_each_study_the_list_and_the_practice(studies):
    pages = build_pages(load(studies))
    study = pages["evaluations/norway-interviews.md"]
    assert "# Interviews with families in Norway" in study
    assert "| **Practices evaluated** | [Family meetings in Norway](../practices/norway-family-meetings.md) |" in study
    assert "| **Design** | Qualitative |" in study
    assert "| **Sample** | Twelve families; numbers of staff not reported. |" in study
    assert "| Engagement | Families attended most meetings ([Example & Sample, 2018, p. 6](#ref-paper2018)). | Positive |" \
        in study
    assert "## Limitations" in study and "## References" in study
    listing = pages["evaluations/index.md"]
    rows = [line for line in listing.splitlines() if line.startswith("| [")]
    assert len(rows) == 2 and "Quasi-experimental" in rows[0]  # strongest design first
    assert "[JSON](../data/evaluations.json)" in listing
    practice = pages["practices/norway-family-meetings.md"]
    assert "## Evaluation studies" in practice
    assert "Strongest design: **Quasi-experimental (comparison group)** (2 studies recorded)." in practice
    assert practice.index("norway-comparison.md") < practice.index("norway-interviews.md")
    assert "Evidence\n:   Evaluated: positive effects; strongest design of its studies: Quasi-experimental" in practice
    assert "## Evaluation studies" not in pages["practices/hessen-case-meetings.md"]


def test_exports(studies):
    files = build_downloads(load(studies), "https://example.org/s/")
    data = json.loads(files[DATA_JSON])
    assert [e["id"] for e in data] == ["norway-comparison", "norway-interviews"]
    interviews = data[1]
    assert interviews["design"] == {"code": "qualitative", "label": "Qualitative"}
    assert interviews["outcomes"][0] == {"measure": "engagement", "direction": "positive",
                                         "description": "Families attended most meetings."}  # citations out
    assert interviews["url"] == "https://example.org/s/evaluations/norway-interviews/"
    rows = list(csv.reader(io.StringIO(files[DATA_CSV][1:], newline="")))
    assert rows[0][:4] == ["id", "title", "practices", "design"]
    assert rows[2][3] == "qualitative" and rows[2][9] == "engagement: positive; reoffending: not-reported"
    finder = {p["id"]: p for p in json.loads(files[DATA_FILE])}
    assert finder["norway-family-meetings"]["designs"] == [
        {"code": "quasi-experimental", "label": "Quasi-experimental (comparison group)"},
        {"code": "qualitative", "label": "Qualitative"}]
    assert finder["norway-family-meetings"]["evaluations"] == ["norway-comparison", "norway-interviews"]
    assert finder["hessen-case-meetings"]["designs"] == [{"code": "no-study", "label": "No evaluation study recorded"}]
    practices = practices_rows(load(studies))
    header = practices[0]
    norway = next(r for r in practices if r[0] == "norway-family-meetings")
    assert norway[header.index("evaluations")] == "norway-comparison; norway-interviews"
    assert norway[header.index("strongest_design")] == "quasi-experimental"


def test_search_finds_studies_and_filters_by_design(studies, tmp_path):
    ensure_index(studies, tmp_path / "cache")
    with SearchIndex.open(studies, tmp_path / "cache") as index:
        found = index.search("families interviewed", kind="evaluation")
        assert [h.id for h in found.hits] == ["norway-interviews"]
        assert found.hits[0].path == "evaluations/norway-interviews/"
        by_design = index.search("", design="quasi-experimental", limit=None)
        assert sorted(h.id for h in by_design.hits) == ["norway-comparison", "norway-family-meetings"]
        assert index.search("", design="no-study", kind="practice").total == 1
        assert index.search("", kind="evaluation").facets["design"] == {"quasi-experimental": 1, "qualitative": 1}


def test_search_cli_design_option(studies, tmp_path, capsys):
    code = main(["search", "--path", str(studies), "--cache", str(tmp_path / "c"), "--design", "qualitative", "--json"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert sorted(h["id"] for h in result["hits"]) == ["norway-family-meetings", "norway-interviews"]  # a study, and
    # the practice it evaluated


def test_new_evaluation_template_validates_after_filling(studies, capsys):
    assert main(["new", "evaluation", "--title", "Pilot evaluation", "--path", str(studies), "--no-input",
                 "--date", "2026-02-01"]) == 0
    text = (studies / "evaluations/pilot-evaluation.yaml").read_text()
    assert "# design (required):" in text and "title: Pilot evaluation" in text
    capsys.readouterr()
    assert main(["validate", str(studies)]) == 1
    assert "evaluations/pilot-evaluation.yaml" in capsys.readouterr().out


def test_strict_build_of_studies_fixture(tmp_path):
    """End to end: MkDocs builds the study, term and list pages with --strict, and their links resolve."""
    from sitecheck import broken_links, build_site, parse

    result = build_site(STUDIES / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stderr[-2000:]
    study = (tmp_path / "site/evaluations/norway-interviews/index.html").read_text(encoding="utf-8")
    assert "<h1" in study and "Interviews with families in Norway" in study and "<table>" in study
    practice = tmp_path / "site/practices/norway-family-meetings/index.html"
    page = parse(practice)
    assert any(link.startswith("../../evaluations/norway-comparison/") for link in page.links)
    assert any(link.startswith("../../glossary/desistance/") for link in page.links)
    assert (tmp_path / "site/glossary/index.html").is_file() and (tmp_path / "site/data/evaluations.csv").is_file()
    assert broken_links(tmp_path / "site", "/fixture/") == []
