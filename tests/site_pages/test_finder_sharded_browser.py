"""A large catalogue's finder (finder_shards.py), compare page (compare_shards.py) and paged list of practices,
on the seed catalogue built the large way (RESKB_LARGE_CATALOGUE_ABOVE lowered to 20): the same queries give the
same practices and counts as the one-file finder of the normal build, the page fetches only the data a query
needs, the compare page's pickers find practices by typing, and every practice is reached from the paged list."""

import functools
import http.server
import json
import re
import threading
from urllib.parse import urlsplit

import pytest

from conftest import REPO
from reskb.site import finder_shards
from site_fixtures import ARTIFACTS, _page
from site_fixtures import finder_row_ids as listed_ids
from sitecheck import build_site

pytest.importorskip("playwright.sync_api")

THRESHOLD = 20


@pytest.fixture(scope="module")
def large_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("large-site")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RESKB_LARGE_CATALOGUE_ABOVE", str(THRESHOLD))
        result = build_site(REPO / "mkdocs.yml", out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def large_server(large_site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(large_site))
    handler.log_message = lambda *a, **k: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def large_page(browser, large_server):
    yield from _page(browser, large_server, {"width": 1280, "height": 900})


def open_finder(tab, base, query=""):
    tab.goto(base + "/finder/" + query)
    tab.locator("#reskb-finder-country").wait_for()
    tab.wait_for_function("document.querySelector('#reskb-finder-shown').textContent !== ''")
    return tab


def all_listed(tab):
    """Every match of a large finder: "Show more" until it is gone."""
    more = tab.locator("#reskb-finder-more")
    while more.is_visible():
        before = len(listed_ids(tab))
        more.click()
        tab.wait_for_function(f"document.querySelectorAll('article table tbody tr').length > {before}")
    return listed_ids(tab)


def counts(tab):
    return tab.eval_on_selector_all(".reskb-finder__option", "labels => labels.map(l => l.textContent.trim())")


QUERIES = ["", "?country=DE,NL&phase=post-release", "?words=weekly", "?words=w", "?words=family%20work",
           "?words=zzzzq", "?design=no-study", "?topic=family-involvement&words=reint", "?words=m%C3%A9"]


@pytest.mark.parametrize("query", QUERIES)
def test_same_practices_and_counts_as_the_one_file_finder(page, server, large_page, large_server, query):
    open_finder(page, server, query)
    open_finder(large_page, large_server, query)
    large_page.wait_for_function("!document.querySelector('#reskb-finder-shown').textContent.startsWith('The')")
    status = page.locator("#reskb-finder-shown").inner_text()
    assert large_page.locator("#reskb-finder-shown").inner_text() == status
    expected = listed_ids(page)
    assert sorted(all_listed(large_page)) == sorted(expected)
    assert all_listed(large_page) == [i for i in listed_ids(page)]  # the same order: by title
    assert counts(large_page) == counts(page)
    assert large_page.console_errors == [] and large_page.foreign_requests == []


def test_fetches_only_what_a_query_needs(large_page, large_server, practices):
    fetched = []
    large_page.on("request", lambda r: fetched.append(urlsplit(r.url).path))
    open_finder(large_page, large_server)
    data = [p for p in fetched if p.startswith("/data/")]
    assert "/data/finder/table.js" in data and "/data/finder.js" not in data
    assert not any("/words-" in p for p in data)
    assert len(listed_ids(large_page)) == 50
    assert large_page.locator("#reskb-finder-listed").inner_text() == f"Listed: 1–50 of {len(practices)}."
    first_page = range(-(-50 // finder_shards.ROWS_PER_SHARD))  # the files of the first 50 rows, and no other
    assert {p for p in data if "/rows-" in p} == {f"/data/finder/rows-{n}.js" for n in first_page}
    fetched.clear()
    large_page.locator("#reskb-finder-q").fill("weekly")
    large_page.wait_for_url("**/finder/?words=weekly")
    large_page.wait_for_function("document.querySelector('#reskb-finder-shown').textContent.includes(' of ')")
    assert [p for p in fetched if "/words-" in p] == ["/data/finder/words-we.js"]
    ARTIFACTS.mkdir(exist_ok=True)
    large_page.screenshot(path=str(ARTIFACTS / "finder-sharded.png"), full_page=True)


def test_select_practices_to_compare_in_a_large_finder(large_page, large_server):
    open_finder(large_page, large_server, "?country=NL,DK")
    all_listed(large_page)
    large_page.get_by_label("Compare Case conferences in Rotterdam").check()
    large_page.get_by_label("Compare Copenhagen Coordination Unit").check()
    link = large_page.locator("#reskb-finder-compare")
    assert link.get_attribute("href") == "/compare/?p=rotterdam-case-conferences,copenhagen-coordination-unit"
    large_page.locator("#reskb-finder-q").fill("copenhagen")  # the rows are rebuilt: a ticked box stays ticked
    large_page.wait_for_url("**words=copenhagen**")
    large_page.wait_for_function("document.querySelectorAll('article table tbody tr').length === 1")
    assert large_page.get_by_label("Compare Copenhagen Coordination Unit").is_checked()


def test_without_javascript_the_first_rows_show_under_a_notice(browser, large_server):
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(large_server + "/finder/")
    assert plain.locator("article table tbody tr").count() == 50
    assert "the first 50 practices" in plain.locator("#reskb-finder-nojs").inner_text()
    context.close()


def test_the_paged_list_reaches_every_practice_once(large_site, practices):
    pages = [large_site / "practices" / "index.html",
             *sorted((large_site / "practices").glob("page_*/index.html"), key=lambda p: int(p.parent.name[5:]))]
    assert len(pages) == -(-len(practices) // THRESHOLD)
    seen = []
    for number, path in enumerate(pages, 1):
        html = path.read_text(encoding="utf-8")
        rows = re.findall(r'<tr>\s*<td><a href="(?:\.\./)?([a-z0-9-]+)/"', html)  # page 1, then page_N/
        assert 0 < len(rows) <= THRESHOLD, path
        seen += rows
        assert "Pages: " in html
        if number < len(pages):
            assert "Next →" in html
    assert sorted(seen) == sorted(p["id"] for p in practices)


def test_compare_reads_the_values_of_the_chosen_practices_only(page, server, large_page, large_server):
    """The compare page of a large catalogue shows the same comparison, fetching the chosen practices' values."""
    from test_compare_browser import COPENHAGEN, HESSEN, ROTTERDAM, table_rows

    fetched = []
    large_page.on("request", lambda r: fetched.append(urlsplit(r.url).path))
    query = f"/compare/?p={ROTTERDAM},{COPENHAGEN},{HESSEN}"
    page.goto(server + query)
    large_page.goto(large_server + query)
    expected = table_rows(page)
    assert table_rows(large_page) == expected
    values = [p for p in fetched if p.startswith("/data/compare/")]
    assert 1 <= len(values) <= 3 and "/data/compare.json" not in fetched
    large_page.click("#reskb-compare-slot-3-remove")  # a change of choice keeps working
    large_page.wait_for_url(f"**/compare/?p={ROTTERDAM},{COPENHAGEN}")
    page.select_option("#reskb-compare-slot-3", "")
    assert table_rows(large_page) == table_rows(page)
    assert large_page.console_errors == []


def matches(tab, slot):
    """The practices a picker lists for what was typed in it, and its status line, once the search is done."""
    found, box = f"#reskb-compare-slot-{slot}-found", f"#reskb-compare-slot-{slot}"
    tab.wait_for_function(f"document.querySelector('{box}-matches').getAttribute('data-for') === "
                          f"document.querySelector('{box}').value")
    names = tab.locator(f"#reskb-compare-slot-{slot}-matches button").all_inner_texts()
    return names, tab.locator(found).inner_text()


def expected_matches(site, typed):
    """From the site's compare.json: the titles of the practices with a title or country word beginning with
    each word typed, in title order (the order of the file)."""
    from reskb.site.compare_shards import title_words

    data = json.loads((site / "data" / "compare.json").read_text(encoding="utf-8"))
    return [p for p in data["practices"]
            if all(any(w.startswith(t) for w in title_words(p["title"], p["countries"])) for t in typed.lower().split())]


def shown(practice):
    """A match as the picker names it: its countries after the title, unless the title names one."""
    named = any(c in practice["title"] for c in practice["countries"])
    return practice["title"] if named else f"{practice['title']} ({', '.join(practice['countries'])})"


def test_a_large_compare_page_finds_practices_by_typing(large_page, large_server, large_site):
    """The pickers list no practice: typing words of a title or a country finds them; choosing one shows its
    column and writes the address, which reproduces the comparison; only the files needed are fetched."""
    from test_compare_browser import COPENHAGEN, ROTTERDAM, table_rows

    fetched = []
    large_page.on("request", lambda r: fetched.append(urlsplit(r.url).path))
    large_page.goto(large_server + "/compare/")
    box = large_page.get_by_label("Practice 1", exact=True)  # each box is labelled
    assert box.get_attribute("type") == "search" and large_page.locator("#reskb-compare select").count() == 0
    box.fill("rotterdam")
    names, status = matches(large_page, 1)
    expected = expected_matches(large_site, "rotterdam")
    assert 1 <= len(expected) <= 10 and names == [shown(p) for p in expected]
    assert status == ("1 practice matches." if len(expected) == 1 else f"{len(expected)} practices match.")
    large_page.get_by_role("button", name="Case conferences in Rotterdam").click()
    large_page.wait_for_url(f"**/compare/?p={ROTTERDAM}")
    # on to the second box; a country finds its practices too, chosen with the keyboard alone
    assert large_page.evaluate("document.activeElement.id") == "reskb-compare-slot-2"
    large_page.keyboard.type("denmark copenhagen")
    names, _ = matches(large_page, 2)
    assert names == [shown(p) for p in expected_matches(large_site, "denmark copenhagen")]
    position = names.index("Copenhagen Coordination Unit (Denmark)")
    for _ in range(position + 1):
        large_page.keyboard.press("ArrowDown")
    assert large_page.evaluate("document.activeElement.textContent").startswith("Copenhagen Coordination Unit")
    large_page.keyboard.press("Enter")
    large_page.wait_for_url(f"**/compare/?p={ROTTERDAM},{COPENHAGEN}")
    titles, rows = table_rows(large_page)
    assert titles == ["Case conferences in Rotterdam", "Copenhagen Coordination Unit"]
    assert rows["frequency"] == ["Weekly", "Every two weeks"]
    data = [p for p in fetched if p.startswith("/data/")]
    assert "/data/compare.js" in data and "/data/compare.json" not in data
    assert {p.split("/")[-1].split("-")[0] for p in data if p.startswith("/data/compare/")} == {"words", "values"}
    assert {p for p in data if "/words-" in p} == {"/data/compare/words-ro.js", "/data/compare/words-de.js",
                                                    "/data/compare/words-co.js"}
    ARTIFACTS.mkdir(exist_ok=True)
    large_page.get_by_label("Practice 3 (optional)").fill("ger")
    matches(large_page, 3)
    large_page.screenshot(path=str(ARTIFACTS / "compare-large-typing.png"), full_page=True)
    # the address alone reproduces the comparison, its practices looked up by id
    again = large_page.context.new_page()
    again.goto(large_page.url)
    assert table_rows(again) == (titles, rows)
    assert again.get_by_label("Practice 1", exact=True).input_value() == "Case conferences in Rotterdam (Netherlands)"
    again.close()
    large_page.get_by_label("Practice 3 (optional)").fill("zzzzq")
    assert matches(large_page, 3) == ([], "No practice has a title or country with these words.")
    assert large_page.console_errors == [] and large_page.foreign_requests == []


def test_a_large_compare_page_lists_the_first_matches_and_explains_unknown_ids(large_page, large_server, large_site):
    from test_compare_browser import ROTTERDAM

    large_page.goto(f"{large_server}/compare/?p=no-such-practice,{ROTTERDAM},constructor")
    large_page.locator("#reskb-compare-slot-1").wait_for()
    explained = large_page.locator("#reskb-compare").inner_text()
    # "constructor" is no practice either (not Object's own property, which used to blank the page)
    assert "No practice with the id “no-such-practice”, “constructor” is in the catalogue" in explained
    large_page.get_by_label("Practice 2", exact=True).fill("p")  # one letter: every word beginning with it
    names, status = matches(large_page, 2)
    expected = expected_matches(large_site, "p")
    assert len(expected) > 10 and len(names) == 10
    assert status == f"{len(expected)} practices match; the first 10 are listed. Type more words to narrow them."
    assert names == [shown(p) for p in expected[:10]]
    large_page.keyboard.press("Escape")
    assert large_page.locator("#reskb-compare-slot-2-matches").is_hidden()


def test_a_large_compare_page_with_matches_listed_meets_wcag(large_page, large_server):
    axe = pytest.importorskip("axe_playwright_python.sync_playwright")
    from test_compare_browser import ROTTERDAM

    large_page.goto(f"{large_server}/compare/?p={ROTTERDAM}")
    large_page.get_by_label("Practice 2", exact=True).fill("prison")
    matches(large_page, 2)
    results = axe.Axe().run(large_page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]})
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []
