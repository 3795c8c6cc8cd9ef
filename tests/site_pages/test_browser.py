"""Real-browser checks in Debian's Chromium through Playwright: pages load with no console errors and
no request leaves the local server. Screenshots go to tests/artifacts/ for a person to look at."""

import pytest

from site_fixtures import ARTIFACTS

PAGE_TYPES = {
    "home": "/",
    "practice": "/practices/rotterdam-case-conferences/",
    "practices-index": "/practices/",
    "topic": "/topics/multi-agency-cooperation/",
    "challenge": "/challenges/trust/",
    "country": "/countries/dk/",
    "bibliography": "/bibliography/",
    "contributing": "/contributing/",
    "recent": "/recent/",
    "finder": "/finder/",
    "countries-overview": "/countries/",
    "compare": "/compare/?p=rotterdam-case-conferences,copenhagen-coordination-unit",
    "comparison-table": "/compare/topics/multi-agency-cooperation/",
    "how-to-cite": "/cite/",
    "eu": "/countries/eu/",
    "not-found": "/404.html",
    "glossary": "/glossary/",
    "glossary-term": "/glossary/desistance/",
    "evaluations": "/evaluations/",
}


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_page_type_loads_cleanly(sized_page, server, name):
    page = sized_page
    response = page.goto(server + PAGE_TYPES[name])
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{page.width_name}.png"), full_page=True)
    assert page.console_errors == []
    assert page.foreign_requests == []
    assert page.locator("h1").count() == 1
    # nothing but the wide tables that say so scrolls sideways, at either width
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_citation_leads_to_reference_list_and_bibliography(page, server):
    page.goto(server + "/practices/rotterdam-case-conferences/")
    page.locator("article a[href='#ref-baaken2018resocialisation']").first.click()
    assert page.url.endswith("#ref-baaken2018resocialisation")
    assert page.locator("#ref-baaken2018resocialisation").is_visible()
    page.locator("#ref-baaken2018resocialisation a", has_text="In the bibliography").click()
    assert page.url.endswith("/bibliography/#baaken2018resocialisation")
    entry = page.locator("#baaken2018resocialisation")
    assert "Baaken, T., Korn, J., & Walkenhorst, D. (2018)" in entry.inner_text()
    entry.get_by_role("link", name="Case conferences in Rotterdam").click()
    assert page.url.endswith("/practices/rotterdam-case-conferences/")


def test_site_search_finds_a_practice(page, server):
    page.goto(server + "/")
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially("Copenhagen", delay=30)
    result = page.locator(".md-search-result__item", has_text="Copenhagen Coordination Unit").first
    result.wait_for(timeout=10_000)
    assert result.is_visible()


def test_glossary_term_linked_with_hover_text(page, server):
    """Issue 14: the first use of a term on a record page links to its definition and shows it on hover."""
    page.goto(server + "/practices/us-welcome-home-meetings/")
    links = page.locator("article a[href$='glossary/motivational-interviewing/']")
    assert links.count() == 1  # the first use only
    links.first.hover()
    tooltip = page.get_by_text("A way of conducting conversations", exact=False).first
    tooltip.wait_for(state="visible", timeout=5_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "glossary-tooltip.png"))
    links.first.click()
    assert page.url.endswith("/glossary/motivational-interviewing/")
    assert page.locator("h1").inner_text().startswith("Motivational interviewing")
