"""WCAG 2.1 AA checks with axe-core (bundled by axe-playwright-python) on every page type."""

import pytest
from test_browser import PAGE_TYPES

axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_no_serious_or_critical_violations(sized_page, server, name):
    """At desktop and at phone width."""
    page = sized_page
    page.goto(server + PAGE_TYPES[name])
    page.wait_for_load_state("networkidle")
    results = axe_module.Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]})
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_keyboard_reaches_search_and_content(page, server):
    page.goto(server + "/")
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement && (document.activeElement.getAttribute('href') || "
                                  "document.activeElement.className)"))
    assert any(s and "md-search__input" in s for s in seen)
    assert any(s and s.endswith("practices/") for s in seen)
    visible_focus = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert visible_focus != "none" or page.evaluate("getComputedStyle(document.activeElement).textDecorationLine") != "none"


def test_compare_page_works_from_the_keyboard(page, server):
    """Choose two practices with the arrow keys alone; the lists keep their place while the comparison and
    its address follow each step."""
    page.goto(server + "/compare/")
    page.wait_for_load_state("networkidle")

    def choose_with_arrows(slot: int, practice_id: str) -> None:
        steps = page.evaluate(f"[...document.querySelectorAll('select')[{slot}].options].findIndex(o => o.value === "
                              f"'{practice_id}')")
        assert steps > 0
        for _ in range(steps):
            page.keyboard.press("ArrowDown")

    page.locator("select").first.focus()
    choose_with_arrows(0, "rotterdam-case-conferences")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "reskb-compare-slot-2"
    choose_with_arrows(1, "copenhagen-coordination-unit")
    assert page.url.endswith("?p=rotterdam-case-conferences,copenhagen-coordination-unit")
    table = page.locator("table").first.inner_text()
    assert "Weekly" in table and "Every two weeks" in table
