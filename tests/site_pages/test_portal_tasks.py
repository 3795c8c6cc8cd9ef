"""Five readers' tasks played end to end in Chromium, at desktop (1440 px) and phone (390 px) width, on the
portal fixture catalogue (tests/fixtures/portal: it has an evaluated family-support practice and three
multi-agency formats), plus the printed briefing. Screenshots go to tests/artifacts/ for a person to look at."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import threading
import zipfile
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest

from site_fixtures import ARTIFACTS, _page
from sitecheck import build_site

pytest.importorskip("playwright.sync_api")

PORTAL = Path(__file__).parent.parent / "fixtures" / "portal"
WIDTHS = {"desktop": {"width": 1440, "height": 1000}, "phone": {"width": 390, "height": 844}}
LYON = "lyon-family-group-conferences"
MULTI_AGENCY = ["rotterdam-case-conferences", "copenhagen-coordination-unit", "norway-family-meetings"]


@pytest.fixture(scope="module")
def portal_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("portal") / "site"
    with mock.patch.dict(os.environ, {"RESKB_OFFLINE_EDITION": "true"}):
        result = build_site(PORTAL / "mkdocs.yml", out)
    assert result.returncode == 0, result.stderr
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


@pytest.fixture(scope="module")
def portal_server(portal_site):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(portal_site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(params=list(WIDTHS))
def tab(request, browser, portal_server):
    """A page at one width that records console errors and aborts (and records) requests to other hosts
    (file:// pages of the offline edition are this machine's own)."""
    pages = _page(browser, portal_server, WIDTHS[request.param])
    page = next(pages)
    page.width_name = request.param
    yield page
    next(pages, None)  # closes the context


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"task-{name}-{page.width_name}.png"), full_page=True)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_policymaker_finds_an_evaluated_family_support_practice_in_two_clicks(tab, portal_server):
    tab.goto(portal_server + "/")
    tab.locator(".reskb-tiles a", has_text="Family support").click()  # click 1: the topic tile
    assert urlsplit(tab.url).path == "/topics/family-support/"
    # the practices come first, each with its evidence badge
    cards = tab.locator("article h2#practices + ul > li")
    cards.first.wait_for()
    assert cards.count() >= 2
    evaluated = cards.filter(has_text="Evidence: Evaluated: positive effects")
    assert evaluated.count() == 1
    shoot(tab, "policymaker-topic")
    evaluated.get_by_role("link", name="Family group conferences in Lyon").click()  # click 2: the practice
    assert urlsplit(tab.url).path == f"/practices/{LYON}/"
    tab.wait_for_load_state()
    badges = tab.locator("article .reskb-badges")
    assert "Evidence: Evaluated: positive effects" in badges.inner_text()
    assert "Status: Established (since 2015)" in badges.inner_text()
    assert "Checked against its sources on 2026-02-01" in badges.inner_text()
    # organisation and website right under the badges; the record's tab, breadcrumbs and next/previous
    assert tab.get_by_role("link", name="Fixture Family Association").first.is_visible()
    crumbs = tab.locator("nav.md-path")
    assert crumbs.inner_text().split() == ["Practices", "France", "Family", "group", "conferences", "in", "Lyon"]
    if tab.width_name == "desktop":
        assert tab.locator(".md-tabs__item--active").inner_text().strip() == "Practices"
    assert tab.locator(".md-footer__link").count() >= 1
    assert no_sideways_scroll(tab)
    shoot(tab, "policymaker-practice")
    assert tab.console_errors == [] and tab.foreign_requests == []


def test_governor_compares_three_multi_agency_formats_and_shares_the_link(tab, portal_server):
    tab.goto(portal_server + "/compare/")
    for slot, practice in enumerate(MULTI_AGENCY, start=1):
        tab.locator(f"#reskb-compare-slot-{slot}").select_option(practice)
    assert parse_qs(urlsplit(tab.url).query) == {"p": [",".join(MULTI_AGENCY)]}
    share = tab.get_by_role("link", name="Link to this comparison")
    link = share.get_attribute("href")
    assert link == tab.url
    # the drop-downs name a country only where the title does not
    options = tab.locator("#reskb-compare-slot-1 option").all_inner_texts()
    assert "Family meetings in Norway" in options and "Family meetings in Norway (Norway)" not in options
    assert "Family group conferences in Lyon (France)" in options  # its title names a city, not the country
    assert no_sideways_scroll(tab)
    shoot(tab, "governor-compare")

    other = tab.context.new_page()
    other.goto(link)
    other.locator("#reskb-compare-result table").wait_for()
    titles = other.locator("#reskb-compare-result thead th a").all_inner_texts()
    assert titles == ["Case conferences in Rotterdam", "Copenhagen Coordination Unit", "Family meetings in Norway"]
    frequency = other.locator("#reskb-compare-result tr[data-field=frequency] td").all_inner_texts()
    assert [f.split("\n")[-1] for f in frequency] == ["Weekly", "Every two weeks", "Monthly"]
    # a row no chosen practice has is left out and said once under the table
    assert other.locator("#reskb-compare-result tr[data-field=target_group]").count() == 0
    assert "silent on target group" in other.locator("#reskb-compare-result .reskb-silent").inner_text()
    assert tab.console_errors == [] and tab.foreign_requests == []


def test_researcher_copies_the_citation_and_downloads_the_bibtex(tab, portal_server):
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"])
    tab.goto(f"{portal_server}/practices/{LYON}/")
    citation = tab.locator("article pre").filter(has_text="Family group conferences in Lyon").first
    assert "Portal fixture" in citation.inner_text() or "example.org/fixture" in citation.inner_text()
    citation.hover()
    citation.get_by_title("Copy to clipboard").click()  # Material's copy button on the code block
    copied = tab.evaluate("navigator.clipboard.readText()")
    assert "Family group conferences in Lyon" in copied and f"practices/{LYON}/" in copied
    download = tab.get_by_role("link", name="BibTeX", exact=True)  # "…or download it as BibTeX, RIS, CSL-JSON"
    href = download.get_attribute("href")
    response = tab.request.get(urlsplit(tab.url)._replace(path=urlsplit(tab.url).path + href, query="").geturl())
    assert response.ok
    bibtex = response.text()
    assert bibtex.lstrip().startswith("@") and LYON in bibtex and "Family group conferences in Lyon" in bibtex
    shoot(tab, "researcher-practice")
    assert tab.console_errors == [] and tab.foreign_requests == []


def open_search(tab, words: str) -> None:
    if tab.width_name == "phone":
        tab.locator("label.md-header__button[for='__search']").click()
    tab.locator("input.md-search__input").click()
    tab.locator("input.md-search__input").press_sequentially(words, delay=30)
    tab.locator(".md-search-result__item").first.wait_for(timeout=10_000)


def test_reader_searching_family_gets_a_record_first_and_a_practice_in_the_first_three(tab, portal_server):
    tab.goto(portal_server + "/")
    open_search(tab, "family")
    tab.wait_for_timeout(300)  # the list settles after the last keystroke
    items = tab.locator(".md-search-result__list > .md-search-result__item")
    kinds = []
    for i in range(min(3, items.count())):
        tags = items.nth(i).locator(".md-tag").first
        kinds.append(tags.inner_text() if tags.count() else "")
    assert kinds[0] in ("Practice", "Topic", "Challenge"), kinds
    assert "Practice" in kinds, kinds
    # each practice result shows its country beside its kind
    first_practice = items.nth(kinds.index("Practice"))
    assert len(first_practice.locator(".md-tag").all_inner_texts()) >= 2
    shoot(tab, "reader-search")
    assert tab.console_errors == [] and tab.foreign_requests == []


def test_reader_offline_opens_the_zip_and_uses_the_finder(tab, portal_site, tmp_path):
    archive = portal_site / "downloads" / "reskb-offline.zip"
    assert archive.is_file()
    home = (portal_site / "index.html").read_text(encoding="utf-8")
    assert 'href="downloads/reskb-offline.zip"' in home  # linked from the home page
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path)
    root = tmp_path / "reskb-offline"
    tab.goto((root / "index.html").as_uri())
    tab.locator("#reskb-home-q").fill("family")
    tab.locator(".reskb-home-search button").click()
    tab.locator("#reskb-finder-shown").wait_for()
    assert tab.url.startswith((root / "finder.html").as_uri())
    tab.locator("#reskb-finder-shown").wait_for()
    assert "of" in tab.locator("#reskb-finder-shown").inner_text()
    if tab.width_name == "phone":  # the filters are folded under one control on a phone
        summary = tab.locator(".reskb-finder__summary")
        assert summary.inner_text().startswith("Filters (1)")
        summary.click()
    tab.locator("#reskb-finder-country > summary").click()
    tab.get_by_label("France").check()
    shown = tab.locator("article table tbody tr:not([hidden])")
    assert shown.count() == 1 and "Family group conferences in Lyon" in shown.inner_text()
    shoot(tab, "offline-finder")
    shown.get_by_role("link", name="Family group conferences in Lyon").click()
    tab.wait_for_load_state()
    assert tab.url == (root / "practices" / f"{LYON}.html").as_uri()
    assert tab.console_errors == [] and tab.foreign_requests == []


def test_finder_filters_take_several_values_and_say_when_nothing_matches(tab, portal_server):
    tab.goto(portal_server + "/finder/?country=NL,DK&words=weekly")
    tab.locator("#reskb-finder-shown").wait_for()
    shown = tab.locator("article table tbody tr:not([hidden])")
    assert shown.count() == 1 and "Rotterdam" in shown.inner_text()  # "weekly" is not in its title or summary
    tab.goto(portal_server + "/finder/?country=NL,DK")
    tab.locator("#reskb-finder-shown").wait_for()
    assert tab.locator("article table tbody tr:not([hidden])").count() == 2
    assert tab.locator(".reskb-finder__summary").inner_text() == "Filters (1)"
    if tab.width_name == "phone":
        assert not tab.locator("#reskb-finder-country").is_visible()  # folded until asked for
        tab.locator(".reskb-finder__summary").click()
    # values that would show nothing cannot be chosen
    tab.locator("#reskb-finder-evidence > summary").click()
    positive = tab.get_by_label("Evaluated: positive effects")
    assert positive.is_disabled()
    tab.locator("#reskb-finder-q").fill("zzzz")
    assert "No practice matches all these filters" in tab.locator(".reskb-finder__empty").inner_text()
    tab.get_by_role("button", name="clear all filters").click()
    assert not tab.locator(".reskb-finder__empty").is_visible() and urlsplit(tab.url).query == ""
    assert tab.locator("article table tbody tr:not([hidden])").count() == len(list((PORTAL / "practices").glob("*.yaml")))
    assert tab.console_errors == [] and tab.foreign_requests == []


def test_a_shared_finder_link_without_javascript_says_the_filters_cannot_run(browser, portal_server):
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(portal_server + "/finder/?country=NL")
    assert plain.locator("#reskb-finder-nojs").is_visible()
    assert "every practice is listed below" in plain.locator("#reskb-finder-nojs").inner_text()
    context.close()


def pdf_text(page, path: Path) -> tuple[str, int]:
    page.emulate_media(media="print")
    page.pdf(path=str(path), format="A4", print_background=True)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(path.with_suffix(""))], check=True)
    return text, text.count("\f") or 1


@pytest.mark.parametrize("path, name", [(f"/practices/{LYON}/", "practice"), ("/compare/topics/family-support/", "comparison")])
def test_printed_briefing(browser, portal_server, path, name):
    if not Path("/usr/bin/pdftotext").exists():
        pytest.fail("pdftotext is missing: run scripts/install-browser.sh (it installs poppler-utils)")
    context = browser.new_context(viewport=WIDTHS["desktop"])
    page = context.new_page()
    page.goto(portal_server + path)
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    text, pages = pdf_text(page, ARTIFACTS / f"briefing-{name}.pdf")
    context.close()
    assert pages <= 2, pages
    assert "Printed on" in text
    assert "Compare with" not in text and "Search" not in text.split("\n")[0]
    if name == "practice":
        for expected in ("Family group conferences in Lyon", "Evidence: Evaluated: positive effects", "At a glance",
                         "https://example.org/fixture-family-association", "References", "Cite this page"):
            assert expected in text, expected
        assert "@misc" not in text and "@techreport" not in text  # the BibTeX block stays on screen
    else:
        words = " ".join(text.split())  # table cells wrap inside their columns
        assert all(w in words for w in ("Norway", "Lyon", "Hessen", "Who leads", "Evidence")), words


def test_not_found_page_is_styled_and_links_into_the_site_wherever_it_is_served(tab, portal_server):
    """The fixture's site_url says /fixture/; served here from /, the page finds the real root itself."""
    tab.goto(portal_server + "/404.html")
    practices = tab.get_by_role("link", name="All practices")
    tab.wait_for_function("document.querySelector('a[data-reskb-path=\"practices/\"]').getAttribute('href') === '/practices/'")
    practices.click()
    tab.wait_for_load_state()
    assert urlsplit(tab.url).path == "/practices/"
    tab.go_back()
    assert tab.locator("header").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(63, 81, 181)"
    tab.locator("#reskb-404-words").fill("family")
    tab.locator("#reskb-404-words").press("Enter")
    tab.locator("#reskb-finder-shown").wait_for()
    assert urlsplit(tab.url).path == "/finder/" and parse_qs(urlsplit(tab.url).query) == {"words": ["family"]}
    assert tab.console_errors == [] and tab.foreign_requests == []
