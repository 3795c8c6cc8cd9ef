"""The site search's note in a large catalogue (site/search_note.py): beyond scale.TITLES_ONLY_ABOVE practices
the search box says it finds records by title only, beyond scale.PRACTICES_OUT_OF_SEARCH_ABOVE that practices are
not in it, each time with a link to the finder carrying the words typed; below those sizes nothing is added.
The browser tests build the small portal fixture in-process with the thresholds lowered to 0."""

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from reskb.site import scale
from reskb.site.search_note import NOTES, SCRIPT, search_note, search_note_script
from site_fixtures import ARTIFACTS, _page

PORTAL = Path(__file__).resolve().parent.parent / "fixtures" / "portal"


def test_the_note_applies_only_beyond_the_thresholds(monkeypatch):
    monkeypatch.delenv(scale.ENV, raising=False)
    assert search_note(86) is None and search_note(scale.TITLES_ONLY_ABOVE) is None
    assert search_note(scale.TITLES_ONLY_ABOVE + 1) == NOTES["titles"]
    assert search_note(scale.PRACTICES_OUT_OF_SEARCH_ABOVE) == NOTES["titles"]
    assert search_note(scale.PRACTICES_OUT_OF_SEARCH_ABOVE + 1) == NOTES["out"]
    assert search_note_script(scale.TITLES_ONLY_ABOVE) is None
    script = search_note_script(scale.PRACTICES_OUT_OF_SEARCH_ABOVE + 1, use_directory_urls=False)
    assert '"finder.html"' in script and NOTES["out"] in script and "innerHTML" not in script


def test_a_normal_build_has_no_note(real_site):
    assert not (real_site / SCRIPT).exists()
    assert "search-note.js" not in (real_site / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module", params=["out", "titles"])
def noted_site(request, tmp_path_factory):
    """The portal fixture built with its few practices counting as beyond one threshold or both."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = tmp_path_factory.mktemp(f"noted-{request.param}") / "portal"
    shutil.copytree(PORTAL, root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(scale.ENV, "0")
        patch.setenv("NO_MKDOCS_2_WARNING", "1")
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)  # the plugin sets it from the catalogue
        patch.setattr(scale, "TITLES_ONLY_ABOVE", 0)
        patch.setattr(scale, "PRACTICES_OUT_OF_SEARCH_ABOVE", 0 if request.param == "out" else 10**6)
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
    return request.param, root / "site"


@pytest.fixture(scope="module")
def noted_server(noted_site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(noted_site[1]))
    handler.log_message = lambda *a, **k: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield noted_site[0], f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def noted_page(browser, noted_server):
    yield from _page(browser, noted_server[1], {"width": 1280, "height": 900})


def test_the_search_box_says_what_it_leaves_out_and_links_to_the_finder(noted_page, noted_server):
    kind, base = noted_server
    noted_page.goto(base + "/topics/")
    noted_page.locator("input.md-search__input").click()
    noted_page.locator("input.md-search__input").press_sequentially("mentor", delay=30)
    note = noted_page.locator(".md-search-result #reskb-search-note")
    assert note.is_visible()
    assert note.inner_text() == NOTES[kind] + " Search the full text of the practices in the finder."
    link = note.get_by_role("link", name="Search the full text of the practices in the finder")
    noted_page.wait_for_function("document.querySelector('#reskb-search-note a').href.endsWith('words=mentor')")
    ARTIFACTS.mkdir(exist_ok=True)
    noted_page.screenshot(path=str(ARTIFACTS / f"search-note-{kind}.png"))
    link.click()
    noted_page.wait_for_url("**/finder/?words=mentor")
    noted_page.wait_for_function("document.querySelector('#reskb-finder-q') && "
                                 "document.querySelector('#reskb-finder-q').value === 'mentor'")
    assert noted_page.console_errors == [] and noted_page.foreign_requests == []
