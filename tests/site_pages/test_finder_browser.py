"""The practice finder in a real browser on the live catalogue: filters hide rows, take several values, live in
the address, and a shared address reproduces the view; practices can be selected for comparison; everything works
from the keyboard. Expected numbers are computed from the site's own data (data/practices.json), never fixed."""

from urllib.parse import parse_qs, urlsplit

import pytest

from site_fixtures import ARTIFACTS
from site_fixtures import finder_row_ids as visible_ids

pytest.importorskip("playwright.sync_api")


def open_finder(tab, base, query=""):
    tab.goto(base + "/finder/" + query)
    tab.locator("#reskb-finder-country").wait_for()
    return tab


def choose(tab, facet, value):
    group = tab.locator(f"#reskb-finder-{facet}")
    if group.get_attribute("open") is None:
        group.locator("summary").click()
    group.locator(f"input[value='{value}']").check()


def test_filters_hide_rows_take_several_values_and_the_address_reproduces_the_view(page, server, practices):
    open_finder(page, server)
    total = len(practices)
    assert len(visible_ids(page)) == total
    assert page.locator("#reskb-finder-shown").inner_text() == f"Showing all {total} practices."

    def having(key, code):
        return {p["id"] for p in practices if code in [c["code"] for c in p[key]]}

    choose(page, "country", "DE")
    assert set(visible_ids(page)) == having("countries", "DE")
    choose(page, "country", "NL")  # a second value of the same filter: either country
    either = having("countries", "DE") | having("countries", "NL")
    assert set(visible_ids(page)) == either
    choose(page, "phase", "post-release")
    narrowed = set(visible_ids(page))
    assert narrowed == either & having("phases", "post-release")
    assert parse_qs(urlsplit(page.url).query) == {"country": ["DE,NL"], "phase": ["post-release"]}
    assert page.locator("#reskb-finder-shown").inner_text() == f"Showing {len(narrowed)} of {total} practices."
    assert page.locator(".reskb-finder__summary").inner_text() == "Filters (2)"
    # each value counts what it would show
    count = page.locator("#reskb-finder-phase input[value='post-release'] ~ .reskb-finder__count").inner_text()
    assert count == f"({len(narrowed)})"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "finder-filtered.png"), full_page=True)

    other = page.context.new_page()
    other.goto(page.url)
    other.locator("#reskb-finder-country").wait_for()
    assert set(visible_ids(other)) == narrowed
    assert other.locator("#reskb-finder-country input[value='DE']").is_checked()
    assert other.locator("#reskb-finder-country input[value='NL']").is_checked()

    page.get_by_role("button", name="Clear filters").click()
    assert len(visible_ids(page)) == total and urlsplit(page.url).query == ""
    assert page.console_errors == [] and page.foreign_requests == []


def test_words_search_the_full_text(page, server):
    # Rotterdam's record says "weekly" only in its structured frequency and its description, not in its summary
    open_finder(page, server, "?words=weekly")
    assert "rotterdam-case-conferences" in visible_ids(page)
    assert parse_qs(urlsplit(page.url).query) == {"words": ["weekly"]}
    open_finder(page, server, "?lead_actor=multi-agency&country=ZZ")  # unknown values are ignored
    assert "rotterdam-case-conferences" in visible_ids(page)


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


def test_finder_works_from_the_keyboard(page, server, practices):
    open_finder(page, server)
    page.locator("#reskb-finder-q").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.parentElement.id") == "reskb-finder-country"
    page.keyboard.press("Enter")  # opens the country list
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "checkbox"
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")
    page.wait_for_url("**/finder/?country=*")
    assert len(visible_ids(page)) < len(practices)
    for label in ("Country", "Phase of custody", "Topic", "Challenge", "Lead actor", "Status", "Evidence"):
        assert page.locator(".reskb-finder__facet > summary", has_text=label).count() >= 1, label
    assert page.get_by_label("Words in the full text").count() == 1


def test_without_javascript_the_full_table_shows_under_a_notice(browser, server, practices):
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(server + "/finder/?country=DK")
    rows = plain.locator("article table tbody tr")
    assert rows.count() == len(practices) and plain.locator("#reskb-finder-country").count() == 0
    assert plain.locator("#reskb-finder-nojs").is_visible()
    context.close()


def test_evidence_design_filter(page, server, practices):
    """Issue 14: the finder filters by the design of a practice's evaluation studies."""
    open_finder(page, server, "?design=no-study")
    assert page.locator("#reskb-finder-design input[value='no-study']").is_checked()
    expected = {p["id"] for p in practices if any(d["code"] == "no-study" for d in p.get("designs", []))}
    assert set(visible_ids(page)) == expected
    assert page.console_errors == []
