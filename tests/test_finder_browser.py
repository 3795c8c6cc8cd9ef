"""The practice finder in a real browser: filters hide rows, live in the address, and a shared address
reproduces the view; practices can be selected for comparison; everything works from the keyboard."""

from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import REPO
from site_fixtures import ARTIFACTS

pytest.importorskip("playwright.sync_api")


def visible_ids(tab):
    return tab.eval_on_selector_all(
        "article table tbody tr:not([hidden]) td:nth-child(2) a",
        "links => links.map(a => a.pathname.split('/').filter(Boolean).pop())")


def open_finder(tab, base, query=""):
    tab.goto(base + "/finder/" + query)
    tab.locator("#reskb-finder-country").wait_for()
    return tab


#: the live catalogue grows; the finder must show all of it
PRACTICES = len(list((REPO / "practices").glob("*.yaml")))


def test_filters_hide_rows_and_the_address_reproduces_the_view(page, server):
    open_finder(page, server)
    everything = visible_ids(page)
    assert len(everything) == PRACTICES
    assert page.locator("#reskb-finder-shown").inner_text() == f"Showing all {PRACTICES} practices."

    page.get_by_label("Country").select_option("DE")
    germany = visible_ids(page)
    assert 0 < len(germany) < len(everything) and "germany-hybrid-state-ngo-model" in germany
    assert "rotterdam-case-conferences" not in germany
    page.get_by_label("Phase of custody").select_option("post-release")
    narrowed = visible_ids(page)
    assert set(narrowed) < set(germany)
    assert parse_qs(urlsplit(page.url).query) == {"country": ["DE"], "phase": ["post-release"]}
    assert page.locator("#reskb-finder-shown").inner_text() == f"Showing {len(narrowed)} of {PRACTICES} practices."
    # options count what they would leave
    assert page.locator("#reskb-finder-phase option[value='post-release']").inner_text() == \
        f"Post-release ({len(narrowed)})"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "finder-filtered.png"), full_page=True)

    shared = page.url
    other = page.context.new_page()
    other.goto(shared)
    other.locator("#reskb-finder-country").wait_for()
    assert visible_ids(other) == narrowed
    assert other.get_by_label("Country").input_value() == "DE"
    assert other.get_by_label("Phase of custody").input_value() == "post-release"

    page.get_by_role("button", name="Clear filters").click()
    assert len(visible_ids(page)) == PRACTICES and urlsplit(page.url).query == ""
    assert page.console_errors == [] and page.foreign_requests == []


def test_topic_words_and_evidence_filters(page, server):
    open_finder(page, server, "?topic=family-and-social-networks")
    family = visible_ids(page)
    assert "austria-social-network-meetings" in family and "uk-mappa" not in family
    page.get_by_label("Words in title or summary").fill("judge")
    assert visible_ids(page) == ["austria-social-network-meetings"]
    assert parse_qs(urlsplit(page.url).query)["q"] == ["judge"]
    open_finder(page, server, "?lead_actor=multi-agency&evidence=unknown&country=ZZ")  # unknown values are ignored
    shown = visible_ids(page)
    assert "rotterdam-case-conferences" in shown and "germany-hybrid-state-ngo-model" not in shown


def test_select_practices_to_compare(page, server):
    open_finder(page, server)
    link = page.locator("#reskb-finder-compare")
    assert link.get_attribute("href") is None and link.get_attribute("aria-disabled") == "true"
    page.get_by_label("Compare Case conferences in Rotterdam").check()
    assert link.get_attribute("href") is None
    page.get_by_label("Compare Copenhagen Coordination Unit").check()
    assert link.get_attribute("href") == "/compare/?p=rotterdam-case-conferences,copenhagen-coordination-unit"
    assert link.inner_text() == "Compare selected (2)"
    for title in ("Case meetings before release in Hessen", "Social network meetings in Austria",
                  "Germany's hybrid state and NGO model"):
        page.get_by_label(f"Compare {title}").check()
    assert link.get_attribute("href") is None  # five is too many
    assert "at most 4" in page.locator("#reskb-finder-compare-note").inner_text()
    page.get_by_label("Compare Copenhagen Coordination Unit").uncheck()
    assert link.get_attribute("href").count(",") == 3


def test_finder_works_from_the_keyboard(page, server):
    open_finder(page, server)
    page.locator("#reskb-finder-q").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "reskb-finder-country"
    # keyboard selection in a closed select: arrow keys change the value and fire 'change'
    page.keyboard.press("ArrowDown")
    assert urlsplit(page.url).query.startswith("country=")
    assert len(visible_ids(page)) < PRACTICES
    for label in ("Country", "Phase of custody", "Topic", "Challenge", "Lead actor", "Status", "Evidence",
                  "Words in title or summary"):
        assert page.get_by_label(label).count() == 1, label


def test_without_javascript_the_full_table_shows(browser, server):
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(server + "/finder/?country=DK")
    rows = plain.locator("article table tbody tr")
    assert rows.count() == PRACTICES and plain.locator("#reskb-finder-country").count() == 0
    context.close()


def test_evidence_design_filter(page, server):
    """Issue 14: the finder filters by the design of a practice's evaluation studies."""
    open_finder(page, server, "?design=no-study")
    assert page.get_by_label("Design of evaluation studies").input_value() == "no-study"
    assert len(visible_ids(page)) == page.evaluate(
        "fetch('../data/practices.json').then(r => r.json()).then(ps => ps.filter("
        "p => p.designs.some(d => d.code === 'no-study')).length)")
    assert page.console_errors == []
