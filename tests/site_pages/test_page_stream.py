"""A one-off build makes its pages in a forked process (site/page_stream.py): the same site as making them in the
build's own process, and a child that fails or dies stops the build with a message, leaving no process behind."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from conftest import SEED
from reskb.site import page_stream
from reskb.site import plugin as plugin_module
from reskb.site.markdown import record_path
from reskb.site.page_stream import PageStream
from reskb.site.pages import PageBuilder, build_pages, page_plan
from reskb.site.provenance import RECENT_PATH

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="fork only")


def _build(root: Path, site: Path):  # noqa: ANN202 - the plugin
    # strict: a link MkDocs cannot resolve (a download not named before the pages are read) stops the build
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site), strict=True)
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    return config.plugins["reskb"]


def _files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _with_edit_links(root: Path) -> None:
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - reskb\n", "  - reskb:\n      edit_url: https://example.org/edit/main/\n"), encoding="utf-8")


def _with_two_works_by_one_author_in_one_year(root: Path) -> None:
    """pandoc tells them apart ("Müller (2016b)"), the reading at load time does not: the site search's summary of
    the practice ("as @journal2016 describes") shows which one the build read."""
    with (root / "bibliography" / "refs.bib").open("a", encoding="utf-8") as bib:
        bib.write("\n@article{journal2016b,\n  author = {M{\\\"u}ller, Jan},\n  title = {Another fixture article},\n"
                  "  journal = {Fixture Journal},\n  year = {2016}\n}\n")
    record = root / "practices" / "norway-family-meetings.yaml"
    text = record.read_text(encoding="utf-8")
    cited = "[@paper2018, p. 5; @journal2016]."
    assert cited in text
    record.write_text(text.replace(cited, "[@paper2018, p. 5; @journal2016; @journal2016b]."), encoding="utf-8")


@pytest.mark.parametrize("fixture", ["studies", "seed, large"])
def test_streamed_site_is_the_site_made_in_process(fixture, studies, tmp_path, monkeypatch):
    """Studies: evaluations, glossary links and edit links. The seed catalogue counted as large: the list of
    practices in numbered pages and the comparison groups, each made by one call for several pages."""
    if fixture == "studies":
        root = studies
        _with_edit_links(root)
        _with_two_works_by_one_author_in_one_year(root)
    else:
        root = tmp_path / "seed"
        shutil.copytree(SEED, root)
        shutil.copytree(studies / "docs", root / "docs")  # the seed is records only: the fixture's hand-written pages
        monkeypatch.setenv("RESKB_LARGE_CATALOGUE_ABOVE", "6")
    started = []
    real_start = PageStream.start_made

    def spy(*args, **kwargs):  # noqa: ANN202
        stream = real_start(*args, **kwargs)
        started.append(stream)
        return stream

    monkeypatch.setattr(PageStream, "start_made", spy)
    plugin = _build(root, tmp_path / "streamed")
    assert [stream._what for stream in started] == ["pages", "downloads"], "pages and downloads made in children"
    assert plugin.stream is None and plugin.download_stream is None
    assert not multiprocessing.active_children()  # the children are gone
    monkeypatch.setattr(PageStream, "available", staticmethod(lambda: False))
    _build(root, tmp_path / "here")
    streamed, here = _files(tmp_path / "streamed"), _files(tmp_path / "here")
    assert streamed.keys() == here.keys()
    assert [name for name in streamed if streamed[name] != here[name]] == []
    if fixture == "studies":
        edited = here["practices/norway-family-meetings/index.html"].decode("utf-8")
        assert "https://example.org/edit/main/practices/norway-family-meetings.yaml" in edited
        search = json.loads(streamed["search/search_index.json"])
        assert any(re.search(r"as Müller \(2016[ab]\) describes", doc["text"]) for doc in search["docs"])
    else:
        assert "practices/page_3/index.html" in here and any(name.startswith("compare/") and name != "compare/index.html"
                                                            for name in here)
        known = set(started[1].paths)  # the finder's and the compare page's data files came after the pages were read
        assert any(name.startswith("data/finder/") and name not in known for name in streamed)


def test_without_a_child_similar_practices_are_found_once(studies, tmp_path, monkeypatch):
    calls = []
    real = plugin_module.related_practices
    monkeypatch.setattr(plugin_module, "related_practices", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr(PageStream, "start_made", classmethod(lambda cls, *args, **kwargs: None))  # fork failed
    _build(studies, tmp_path / "site")
    assert len(calls) == 1


def test_a_build_that_fails_after_the_fork_stops_the_child(studies, tmp_path, caplog):
    (studies / "docs" / "bibliography.md").write_text("# Mine\n", encoding="utf-8")  # clashes with a generated page
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        _build(studies, tmp_path / "site")
    assert "docs/bibliography.md clashes with a generated page" in caplog.text
    assert not multiprocessing.active_children()


def test_the_child_ends_when_the_build_is_killed(tmp_path):
    script = (
        "import sys, time\n"
        "from reskb.site.page_stream import PageStream\n"
        "stream = PageStream.start([(f'p{i}.md', lambda: 'x' * 100_000) for i in range(100)])\n"
        "print(stream._process.pid, flush=True)\n"
        "time.sleep(60)\n")
    build = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    child = int(build.stdout.readline())
    build.kill()
    build.wait()
    try:
        deadline = time.monotonic() + 10
        while _running(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _running(child), "the child still waits to send its pages"
        assert build.stdout.read() == ""  # nothing holds the build's output open
    finally:
        if _running(child):
            os.kill(child, signal.SIGKILL)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"  # a zombie has ended; only its parent's wait is missing


def _broken(*args, **kwargs) -> str:  # noqa: ANN002, ANN003
    raise ValueError("nothing made today")


@pytest.mark.parametrize(("owner", "name", "what"), [(PageBuilder, "practice", "pages"),
                                                     (plugin_module, "build_downloads", "downloads")])
def test_a_failing_child_stops_the_build_with_its_error(owner, name, what, studies, tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(owner, name, _broken)
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        _build(studies, tmp_path / "site")
    assert re.search(rf"(?s)making the {what} failed:.*ValueError: nothing made today", caplog.text)
    assert not multiprocessing.active_children()
    assert not list((tmp_path / "site").rglob("*.html"))  # no page was written


def test_a_child_that_dies_stops_the_build(studies, tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(PageBuilder, "practice", lambda self, record: os._exit(3))
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        _build(studies, tmp_path / "site")
    assert re.search(r"stopped \(exit code 3\) before it made practices/", caplog.text)
    assert not multiprocessing.active_children()


def test_pages_come_in_any_order_asked_and_once():
    plan = [(f"p{i}.md", lambda i=i: f"# page {i} é\n") for i in range(5)]
    stream = PageStream.start(plan)
    assert stream is not None and stream.paths == [p for p, _ in plan]
    try:
        assert stream.text("p3.md") == "# page 3 é\n"  # the earlier pages wait in memory until asked for
        assert [stream.text(f"p{i}.md") for i in (0, 1, 2, 4)] == [f"# page {i} é\n" for i in (0, 1, 2, 4)]
        with pytest.raises(PluginError, match="never made p3.md"):  # handed over once: not kept twice
            stream.text("p3.md")
    finally:
        stream.close()
    assert not multiprocessing.active_children()


def test_a_build_that_fails_first_stops_the_child(tmp_path):
    """A build that stops reading (another plugin failed) kills the child, which would otherwise wait to send."""
    plan = [(f"p{i}.md", lambda: "x" * 100_000) for i in range(50)]  # more than a pipe holds
    stream = PageStream.start(plan)
    assert stream is not None
    assert stream.text("p0.md") == "x" * 100_000
    stream.close()
    assert stream._process.exitcode == -signal.SIGKILL  # killed while it waited to send, not finished
    assert not multiprocessing.active_children()


def test_without_fork_the_pages_are_made_here(monkeypatch):
    monkeypatch.setattr(page_stream.sys, "platform", "win32")
    assert not PageStream.available()
    assert PageStream.start([("a.md", lambda: "a")]) is None


def test_the_plan_lists_every_page_before_making_any(studies):
    from conftest import load_valid

    catalogue = load_valid(studies)
    made = []
    plan = page_plan(catalogue, lambda: made.append(1) or PageBuilder(catalogue))
    paths = [path for path, _ in plan]
    assert not made and not catalogue.formatter.bibliography_done  # nothing made, no citation formatted
    assert len(paths) == len(set(paths))
    records = [record_path(r) for r in catalogue.all_records()]
    assert paths[:5] == ["practices/index.md", "challenges/index.md", "topics/index.md", "countries/index.md",
                         "bibliography.md"]
    assert paths[5:5 + len(records)] == records and paths[-1] == RECENT_PATH
    assert paths == list(build_pages(catalogue))


def test_pages_made_together_must_be_the_announced_ones():
    from reskb.site.pages import _made_together

    made = _made_together(["a.md", "b.md"], lambda: {"a.md": "A", "c.md": "C"})
    with pytest.raises(RuntimeError, match="announced"):
        made("a.md")


def test_inside_a_daemonic_process_the_pages_are_made_here(monkeypatch):
    """A daemonic process (a multiprocessing pool's worker) may not start children."""
    monkeypatch.setattr(multiprocessing, "current_process", lambda: SimpleNamespace(daemon=True))
    assert not PageStream.available()


def test_downloads_named_first_are_those_made_and_the_rest_only_script_data(tmp_path, monkeypatch):
    """What pages may link to is named before MkDocs reads them; what comes later is data only scripts fetch."""
    from conftest import load_valid
    from reskb.site.pages import build_downloads, download_paths

    monkeypatch.setenv("RESKB_LARGE_CATALOGUE_ABOVE", "6")
    catalogue = load_valid(SEED)
    named, made = download_paths(catalogue), build_downloads(catalogue)
    assert len(named) == len(set(named)) and set(named) <= set(made)
    later = set(made) - set(named)
    assert later and all(re.fullmatch(r"data/(finder|compare)(/[\w-]+)?\.js", path) for path in later), sorted(later)


def test_a_download_that_clashes_after_the_pages_stops_the_build(tmp_path, studies, monkeypatch, caplog):
    root = tmp_path / "seed"
    shutil.copytree(SEED, root)
    shutil.copytree(studies / "docs", root / "docs")
    (root / "docs" / "data" / "finder").mkdir(parents=True)
    (root / "docs" / "data" / "finder" / "rows-0.js").write_text("mine\n", encoding="utf-8")
    monkeypatch.setenv("RESKB_LARGE_CATALOGUE_ABOVE", "6")
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        _build(root, tmp_path / "site")
    assert "docs/data/finder/rows-0.js clashes with a generated download" in caplog.text
    assert not multiprocessing.active_children()


def test_without_a_second_child_the_downloads_are_made_here(studies, tmp_path, monkeypatch):
    real_start = PageStream.start_made
    monkeypatch.setattr(PageStream, "start_made", classmethod(
        lambda cls, *args, **kwargs: None if args[-1:] == ("downloads",) else real_start(*args, **kwargs)))
    plugin = _build(studies, tmp_path / "site")
    assert plugin.download_stream is None
    assert (tmp_path / "site" / "data" / "references.bib").read_text(encoding="utf-8").startswith("@")


def test_files_made_together_come_by_name_and_the_rest_at_the_end():
    stream = PageStream.start_made(["a.txt"], lambda: [("b.txt", "B"), ("a.txt", "A"), ("c.txt", "C")],
                                   what="downloads")
    assert stream is not None
    try:
        assert stream.text("a.txt") == "A"
        assert stream.rest() == {"b.txt": "B", "c.txt": "C"}
    finally:
        stream.close()
    missing = PageStream.start_made(["a.txt", "z.txt"], lambda: [("a.txt", "A")], what="downloads")
    assert missing is not None
    try:
        with pytest.raises(PluginError, match="the process making the downloads never made z.txt"):
            missing.rest()
    finally:
        missing.close()


def test_a_later_child_lets_go_of_an_earlier_childs_pipe(tmp_path):
    """The downloads' child is forked after the pages' child: it must not keep the pages' pipe open, or the
    pages' child would wait to send for as long as the downloads take, after the build is killed."""
    script = (
        "import time\n"
        "from reskb.site.page_stream import PageStream\n"
        "pages = PageStream.start([(f'p{i}.md', lambda: 'x' * 100_000) for i in range(100)])\n"
        "slow = PageStream.start_made([], lambda: time.sleep(60) or [], what='downloads')\n"
        "print(pages._process.pid, slow._process.pid, flush=True)\n"
        "time.sleep(60)\n")
    build = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    children = [int(pid) for pid in build.stdout.readline().split()]
    build.kill()
    build.wait()
    try:
        deadline = time.monotonic() + 10
        while _running(children[0]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _running(children[0]), "the pages' child still waits to send its pages"
    finally:
        for pid in children:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)


def test_draining_takes_what_came_and_lets_the_child_end():
    """The build drains the downloads as it renders: their child ends once all is sent, not at on_env."""
    stream = PageStream.start_made(["a.txt"], lambda: [("a.txt", "A"), ("b.txt", "B" * 200_000)], what="downloads")
    assert stream is not None
    try:
        deadline = time.monotonic() + 20
        while stream._process.is_alive() and time.monotonic() < deadline:
            stream.drain()  # never waits: the pipe holds less than the child sends
            time.sleep(0.01)
        assert stream._process.exitcode == 0
        assert stream.text("a.txt") == "A" and stream.rest() == {"b.txt": "B" * 200_000}
    finally:
        stream.close()


@pytest.mark.parametrize("spool", [True, False])
def test_reading_ahead_lets_the_child_end_before_any_page_is_asked_for(spool, monkeypatch):
    """With read_ahead the child never waits for the build: it ends once every page is made, and its memory
    with it, while the build has not yet asked for one (more than a pipe holds). The pages wait in a temporary
    file, or in memory when none can be made."""
    def no_temporary_file(**kwargs: object) -> None:
        raise OSError("no room")

    if not spool:
        monkeypatch.setattr(page_stream.tempfile, "TemporaryFile", no_temporary_file)
    plan = [(f"p{i}.md", lambda i=i: f"{i} é" + "x" * 100_000) for i in range(50)]
    stream = PageStream.start_made([f"p{i}.md" for i in range(49)], lambda: ((path, make()) for path, make in plan))
    assert stream is not None
    try:
        stream.read_ahead()
        stream._process.join(20)
        assert stream._process.exitcode == 0, "the child still waits for the build to read"
        stream.drain()
        assert all(isinstance(held, tuple) == spool for held in stream._arrived.values())  # (offset, length)
        assert [stream.text(f"p{i}.md") for i in (7, 0, 48)] == [f"{i} é" + "x" * 100_000 for i in (7, 0, 48)]
        assert stream.rest() == {"p49.md": "49 é" + "x" * 100_000}
    finally:
        stream.close()
    assert not stream._reader.is_alive()


@pytest.mark.parametrize("how", ["fails", "dies"])
def test_reading_ahead_a_child_that_stops_stops_the_build(how):
    def make() -> str:
        if how == "dies":
            os._exit(3)
        raise ValueError("no page today")

    stream = PageStream.start([("a.md", lambda: "A"), ("b.md", make)])
    assert stream is not None
    try:
        stream.read_ahead()
        assert stream.text("a.md") == "A"
        expected = "no page today" if how == "fails" else r"stopped \(exit code 3\) before it made b.md"
        with pytest.raises(PluginError, match=expected):
            stream.text("b.md")
        asked_again: list[BaseException] = []  # asked again (a plugin that caught the error): the same error, at once
        thread = threading.Thread(target=lambda: _catch(asked_again, lambda: stream.text("b.md")), daemon=True)
        thread.start()
        thread.join(10)
        assert not thread.is_alive(), "a second ask waits for ever"
        assert isinstance(asked_again[0], PluginError) and re.search(expected, str(asked_again[0]))
    finally:
        stream.close()


def _catch(caught: list[BaseException], call: Callable[[], object]) -> None:
    try:
        call()
    except BaseException as exc:  # noqa: BLE001
        caught.append(exc)


def test_without_a_thread_to_read_ahead_the_files_are_read_when_asked(monkeypatch):
    def no_thread(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    stream = PageStream.start([("a.md", lambda: "A"), ("b.md", lambda: "B")])
    assert stream is not None
    try:
        monkeypatch.setattr(threading.Thread, "start", no_thread)
        stream.read_ahead()
        monkeypatch.undo()
        assert stream._reader is None and stream._spool is None
        assert [stream.text("b.md"), stream.text("a.md")] == ["B", "A"]
    finally:
        stream.close()


def test_a_reading_thread_that_fails_stops_the_build_with_its_error(monkeypatch):
    stream = PageStream.start([("a.md", lambda: "A")])
    assert stream is not None
    try:
        monkeypatch.setattr(page_stream, "_write_at", lambda *args: 1 / 0)  # not an OSError: not a full disk
        stream.read_ahead()
        with pytest.raises(PluginError, match="reading what the child sent failed: ZeroDivisionError"):
            stream.text("a.md")
    finally:
        stream.close()


def test_closing_while_reading_ahead_stops_the_child_and_the_thread():
    stream = PageStream.start([("a.md", lambda: time.sleep(60) or "A")])
    assert stream is not None
    stream.read_ahead()
    started = time.monotonic()
    stream.close()
    assert time.monotonic() - started < 10
    assert stream._process.exitcode == -signal.SIGKILL and not stream._reader.is_alive()


@pytest.mark.parametrize("fails", [False, True])
def test_finish_runs_in_the_child_when_the_pages_end_or_one_fails(tmp_path, fails):
    def make_b() -> str:
        if fails:
            raise ValueError("no page today")
        return "B"

    finished = tmp_path / "finished"
    stream = PageStream.start([("a.md", lambda: "A"), ("b.md", make_b)], finish=lambda: finished.write_text("yes"))
    assert stream is not None
    try:
        assert stream.text("a.md") == "A"
        if fails:
            with pytest.raises(PluginError, match="no page today"):
                stream.text("b.md")
        else:
            assert stream.text("b.md") == "B"
        stream._process.join(10)
    finally:
        stream.close()
    assert finished.read_text() == "yes"
