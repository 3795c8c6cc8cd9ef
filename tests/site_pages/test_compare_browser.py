"""The compare page, the comparison tables and the countries map in Chromium: the choice lives in the
address and reproduces the same comparison; without JavaScript the page leads to the tables."""

import pytest

from site_fixtures import ARTIFACTS

ROTTERDAM, COPENHAGEN, HESSEN = "rotterdam-case-conferences", "copenhagen-coordination-unit", "hessen-case-meetings"


def table_rows(page):
    """The comparison on the page as {field: [values]} and the practice titles in the header."""
    page.locator("#reskb-compare-result table").wait_for()
    titles = page.locator("#reskb-compare-result thead th a").all_inner_texts()
    rows = {}
    for tr in page.locator("#reskb-compare-result tbody tr").all():
        field = tr.get_attribute("data-field")
        rows[field] = tr.locator("td").all_inner_texts()
    return titles, rows


def shoot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("path", ["/countries/", "/countries/eu/", "/compare/", "/compare/topics/multi-agency-cooperation/",
                                  "/compare/formats/multi-agency-meetings/"])
def test_new_pages_load_cleanly(page, server, path):
    assert page.goto(server + path).status == 200
    page.wait_for_load_state("networkidle")
    assert page.console_errors == [] and page.foreign_requests == []
    assert page.locator("h1").count() == 1


def test_compare_page_shows_the_practices_in_the_address_side_by_side(page, server):
    page.goto(f"{server}/compare/?p={ROTTERDAM},{COPENHAGEN}")
    titles, rows = table_rows(page)
    assert titles == ["Case conferences in Rotterdam", "Copenhagen Coordination Unit"]
    assert rows["frequency"] == ["Weekly", "Every two weeks"]
    assert rows["where"] == ["Netherlands, Rotterdam", "Denmark, Copenhagen"]
    # differing rows are marked in words as well as colour; equal ones are not
    assert page.locator("tr[data-field=frequency]").get_attribute("class") == "reskb-differs"
    assert "differs" in page.locator("tr[data-field=frequency] th").inner_text()
    assert page.locator("tr[data-field=lead]").get_attribute("class") == "reskb-same-row"
    assert not page.locator("#reskb-compare-nojs").is_visible()
    assert page.locator("#reskb-compare-slot-1").input_value() == ROTTERDAM
    page.wait_for_load_state("networkidle")
    shoot(page, "compare")
    assert page.console_errors == [] and page.foreign_requests == []


def test_choosing_practices_writes_the_address_that_reproduces_the_comparison(browser, page, server):
    page.goto(f"{server}/compare/")
    page.locator("#reskb-compare-slot-1").wait_for()
    assert "Choose at least two practices" in page.locator("#reskb-compare").inner_text()
    page.select_option("#reskb-compare-slot-1", ROTTERDAM)
    page.select_option("#reskb-compare-slot-2", COPENHAGEN)
    page.select_option("#reskb-compare-slot-3", HESSEN)
    assert page.url == f"{server}/compare/?p={ROTTERDAM},{COPENHAGEN},{HESSEN}"
    chosen = table_rows(page)
    assert chosen[0] == ["Case conferences in Rotterdam", "Copenhagen Coordination Unit",
                         "Case meetings before release in Hessen"]
    assert page.locator("a.reskb-compare__share").get_attribute("href") == page.url

    other = browser.new_page()
    other.goto(page.url)
    assert table_rows(other) == chosen
    other.close()

    # only the differing rows, on demand
    page.check("#reskb-compare-differences")
    assert page.locator("tr[data-field=lead]").is_hidden()
    assert page.locator("tr[data-field=frequency]").is_visible()
    # clearing empties the address
    page.click("#reskb-compare-clear")
    assert page.url == f"{server}/compare/"
    assert page.locator("#reskb-compare-result table").count() == 0


def test_unknown_ids_and_too_many_are_explained(page, server):
    ids = ["no-such-practice", ROTTERDAM, COPENHAGEN, HESSEN, "uk-mappa", "uk-contest-3"]
    page.goto(f"{server}/compare/?p={','.join(ids)}")
    titles, _ = table_rows(page)
    assert len(titles) == 4
    text = page.locator("#reskb-compare").inner_text()
    assert "No practice with the id “no-such-practice”" in text
    assert "At most 4 practices fit side by side; left out: uk-contest-3." in text


def test_ids_named_like_built_in_properties_are_unknown_too(page, server):
    """A shared link naming `constructor` or `toString` must not count as a practice (and blank the page)."""
    page.goto(f"{server}/compare/?p=constructor,{ROTTERDAM},toString")
    page.locator("#reskb-compare-slot-1").wait_for()
    text = page.locator("#reskb-compare").inner_text()
    assert "No practice with the id “constructor”, “toString” is in the catalogue" in text
    assert page.console_errors == []


def test_practice_page_compare_with_opens_the_comparison(page, server):
    page.goto(f"{server}/practices/{ROTTERDAM}/")
    page.locator("#compare-with summary").click()
    page.get_by_role("link", name="Copenhagen Coordination Unit").first.click()
    page.wait_for_url(f"**/compare/?p={ROTTERDAM},{COPENHAGEN}")
    assert table_rows(page)[1]["frequency"] == ["Weekly", "Every two weeks"]


def test_without_javascript_the_compare_page_leads_to_the_tables(browser, server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/compare/?p={ROTTERDAM},{COPENHAGEN}")
    assert page.locator("#reskb-compare-nojs").is_visible()
    assert "This page needs JavaScript" in page.locator("#reskb-compare-nojs").inner_text()
    page.get_by_role("link", name="Multi-agency meetings (case conferences, network meetings, coordination units)").click()
    assert page.url.endswith("/compare/formats/multi-agency-meetings/")
    table = page.locator(".reskb-comparison table")
    assert "Every two weeks" in table.inner_text() and "Weekly" in table.inner_text()
    shoot(page, "comparison-table")
    context.close()


def test_map_links_every_country_to_its_page(page, server, real_site):
    from conftest import REPO
    from reskb.records.validate import load_catalogue

    catalogue, _ = load_catalogue(REPO)
    page.goto(f"{server}/countries/")
    for code in catalogue.countries:
        link = page.locator(f"#map-{code.lower()}")
        assert link.count() == 1, code
        assert link.get_attribute("href") == f"{code.lower()}/"
    figure = page.locator("figure.reskb-map")
    ARTIFACTS.mkdir(exist_ok=True)
    figure.screenshot(path=str(ARTIFACTS / "countries-map.png"))
    shoot(page, "countries")
    # keyboard users reach the countries, and a click leads to the country page
    page.locator("#map-de").focus()
    assert page.evaluate("document.activeElement.id") == "map-de"
    page.locator("#map-de path").click()
    page.wait_for_url("**/countries/de/")
    assert page.title().startswith("Germany - ")
    shoot(page, "country-de")
