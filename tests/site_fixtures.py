"""Session fixtures shared by every test module that needs the built site or a browser. They live in one
module loaded through conftest's `pytest_plugins`: a fixture imported into two test modules is two fixtures,
which would build the site twice and start Playwright twice (the second start fails inside the first's loop)."""

import functools
import http.server
import json
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import REPO
from sitecheck import build_site


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = build_site(REPO / "mkdocs.yml", out)
    assert result.returncode == 0, result.stderr
    return out


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


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: install Debian's package 'chromium' (see README)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


#: the widths every page type is checked at: desktop and phone
WIDTHS = {"desktop": {"width": 1440, "height": 1000}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def page(browser, server):
    """A page that records console errors and every request to a host other than the local server."""
    yield from _page(browser, server, {"width": 1280, "height": 900})


@pytest.fixture(params=list(WIDTHS))
def sized_page(request, browser, server):
    """The same at desktop and at phone width (`page.width_name` says which)."""
    for page in _page(browser, server, WIDTHS[request.param]):
        page.width_name = request.param
        yield page


def _page(browser, server, viewport):
    context = browser.new_context(viewport=viewport)
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


@pytest.fixture(scope="session")
def practices(real_site):
    """Every practice as the built site's data/practices.json lists it: the finder's tests compute what they
    expect from it, never from fixed numbers."""
    return json.loads((real_site / "data" / "practices.json").read_text(encoding="utf-8"))


def finder_row_ids(tab) -> list[str]:
    """The ids of the practices the finder's table shows, top to bottom."""
    return tab.eval_on_selector_all(
        "article table tbody tr:not([hidden]) td:nth-child(2) a",
        "links => links.map(a => a.pathname.split('/').filter(Boolean).pop())")
