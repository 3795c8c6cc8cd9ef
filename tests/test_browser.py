"""Real-browser checks in Debian's Chromium through Playwright: pages load with no console errors and
no request leaves the local server. Screenshots go to tests/artifacts/ for a person to look at."""

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from test_site import real_site  # noqa: F401  (session fixture reused)

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="session")
def server(real_site):  # noqa: F811
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(real_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    handler.log_message = lambda *a, **k: None
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


#: the one browser of a test run: other modules import this fixture, and pytest would otherwise start a second
#: Playwright in the same thread, which fails ("Sync API inside the asyncio loop")
_SHARED: dict = {}


@pytest.fixture(scope="session")
def browser():
    if "browser" in _SHARED:
        yield _SHARED["browser"]
        return
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: install Debian's package 'chromium' (see README)")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        _SHARED["browser"] = browser
        yield browser
        _SHARED.pop("browser")
        browser.close()


@pytest.fixture
def page(browser, server):
    """A page that records console errors and every request to a host other than the local server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []
    page.foreign_requests = []
    local = urlsplit(server).netloc
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))

    def route(r):
        if urlsplit(r.request.url).netloc not in (local, ""):
            page.foreign_requests.append(r.request.url)
            return r.abort()
        return r.continue_()

    page.route("**/*", route)
    yield page
    context.close()


PAGE_TYPES = {
    "home": "/",
    "practice": "/practices/rotterdam-case-conferences/",
    "practices-index": "/practices/",
    "topic": "/topics/multi-agency-cooperation/",
    "challenge": "/challenges/trust/",
    "country": "/countries/dk/",
    "bibliography": "/bibliography/",
}


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_page_type_loads_cleanly(page, server, name):
    response = page.goto(server + PAGE_TYPES[name])
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert page.console_errors == []
    assert page.foreign_requests == []
    assert page.locator("h1").count() == 1


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
