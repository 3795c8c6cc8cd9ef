from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from reskb.cli import main
from sitecheck import build_site

FIXTURE = Path(__file__).parent / "fixtures" / "catalogue"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    """A fresh, valid copy of the small fixture catalogue that a test may break."""
    root = tmp_path / "catalogue"
    shutil.copytree(FIXTURE, root)
    return root


@pytest.fixture
def validate(capsys):
    """Run `reskb validate` in-process; returns (exit code, stdout lines, stderr)."""

    def run(root: Path, *extra: str) -> tuple[int, list[str], str]:
        code = main(["validate", str(root), *extra])
        out = capsys.readouterr()
        return code, out.out.splitlines(), out.err

    return run


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


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
def server(real_site):
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
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
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


