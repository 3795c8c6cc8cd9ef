"""Comparison groups, the values compared, the tables on the comparison pages, the compare page's data
and the "Compare with…" control on practice pages."""

import json
import re
from html.parser import HTMLParser

import pytest

from conftest import SEED
from reskb.records.validate import load_catalogue
from reskb.site.comparison import (
    NOT_RECORDED,
    compare_data,
    compare_values,
    compare_with,
    comparison_rows,
    comparison_table,
    groups,
)
from reskb.site.pages import build_pages


@pytest.fixture(scope="module")
def real():
    catalogue, problems = load_catalogue(SEED)
    assert not [p for p in problems if p.severity == "error"]
    return catalogue


class Table(HTMLParser):
    """The cells of an HTML table as text, row by row."""

    def __init__(self):
        super().__init__()
        self.rows, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.rows[-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def test_a_group_for_every_topic_with_three_or_more_practices(real):
    found = {(g.kind, g.id): [p.id for p in g.practices] for g in groups(real)}
    for topic in real.topics.values():
        count = len(real.practices_for("topic", topic.id))
        assert (("topics", topic.id) in found) == (count >= 3), topic.id
    assert {"austria-social-network-meetings", "copenhagen-coordination-unit", "hessen-case-meetings",
            "rotterdam-case-conferences", "us-welcome-home-meetings"} <= set(found[("formats", "multi-agency-meetings")])


def test_multi_agency_meetings_show_rotterdam_weekly_beside_copenhagen_every_two_weeks(real):
    group = next(g for g in groups(real) if g.id == "multi-agency-meetings")
    table = Table()
    table.feed(comparison_table(group, group.page))
    header = table.rows[0]
    rotterdam, copenhagen = header.index("Case conferences in Rotterdam"), header.index("Copenhagen Coordination Unit")
    rows = {row[0]: row for row in table.rows[1:]}
    assert rows["How often"][rotterdam] == "Weekly"
    assert rows["How often"][copenhagen] == "Every two weeks"
    assert rows["Where"][rotterdam] == "Netherlands, Rotterdam" and rows["Where"][copenhagen] == "Denmark, Copenhagen"
    assert rows["What it decides or produces"][rotterdam] == "An intervention plan based on the assessed risks and needs."
    # every row has one cell per practice: fields aligned
    assert {len(row) for row in table.rows} == {len(group.practices) + 1}
    # a field the same for all is marked, so that the differences stand out
    assert rows["Who leads (same for all)"][1] == "Multi-agency partnership"


def test_rows_are_the_fields_a_governor_compares(real):
    group = next(g for g in groups(real) if g.id == "multi-agency-cooperation")
    assert [row[0] for row in comparison_rows(group)] == [
        "Field", "Where", "Who leads", "Who takes part", "How often", "Phases of custody", "Format",
        "What it decides or produces", "Target group", "Status", "Evidence"]


def test_missing_values_say_not_recorded_and_years_join_the_status(catalogue):
    cat, _ = load_catalogue(catalogue)
    hessen = compare_values(cat.practices["hessen-case-meetings"])
    assert hessen["frequency"] == NOT_RECORDED and hessen["participants"] == NOT_RECORDED
    assert hessen["where"] == "Germany, Hessen"
    norway = compare_values(cat.practices["norway-family-meetings"])
    assert norway["status"] == "Pilot (since 2017)"
    assert norway["participants"] == "Probation service; Family members"


def test_comparison_pages_are_linked_from_topic_pages_and_the_compare_page(real):
    pages = build_pages(real)
    topic = pages["topics/multi-agency-cooperation.md"]
    assert "[Compare these 11 practices side by side](../compare/topics/multi-agency-cooperation.md)" in topic
    assert "([CSV](../data/compare/multi-agency-cooperation.csv))" in topic
    assert "Compare these" not in pages["topics/family-and-social-networks.md"]  # a single practice
    index = pages["compare/index.md"]
    for group in groups(real):
        assert f"({group.kind}/{group.id}.md)" in index and f"(../{group.csv})" in index
        assert group.page in pages
    assert 'id="reskb-compare-nojs"' in index and "This page needs JavaScript" in index


def test_compare_data_holds_every_practice_with_aligned_values(real):
    data = json.loads(compare_data(real))
    assert [f["label"] for f in data["fields"]][:4] == ["Where", "Who leads", "Who takes part", "How often"]
    assert data["max"] == 4
    assert {p["id"] for p in data["practices"]} == set(real.practices)
    keys = {f["key"] for f in data["fields"]}
    for practice in data["practices"]:
        assert set(practice["values"]) == keys
        assert practice["url"] == f"practices/{practice['id']}/"
    rotterdam = next(p for p in data["practices"] if p["id"] == "rotterdam-case-conferences")
    assert rotterdam["values"]["frequency"] == "Weekly" and rotterdam["countries"] == ["Netherlands"]


def test_compare_with_offers_practices_on_the_same_topics(real):
    html = compare_with(real, real.practices["rotterdam-case-conferences"])
    links = re.findall(r'<a href="([^"]*)">([^<]*)</a>', html)
    # Copenhagen shares all three topics: it comes first
    assert links[0] == ("../../compare/?p=rotterdam-case-conferences,copenhagen-coordination-unit",
                        "Copenhagen Coordination Unit")
    assert ("../../compare/?p=rotterdam-case-conferences", "Choose any other practices to compare…") in links
    assert ("../../compare/formats/multi-agency-meetings/",
            "Multi-agency meetings (case conferences, network meetings, coordination units)") in links
    assert html.startswith('<details class="info reskb-compare-with" id="compare-with">')
    assert "\n\n" not in html
    page = build_pages(real)["practices/rotterdam-case-conferences.md"]
    assert html in page


def test_titles_in_tables_are_escaped(catalogue):
    from conftest import edit

    edit(catalogue / "practices/norway-family-meetings.yaml", "title: Family meetings in Norway",
         "title: Family <b>meetings</b> & \"more\"")
    cat, _ = load_catalogue(catalogue)
    html = compare_with(cat, cat.practices["hessen-case-meetings"])
    assert "Family &lt;b&gt;meetings&lt;/b&gt; &amp; &quot;more&quot;" in html and "<b>" not in html
