"""A one-off build makes its pages in a forked process (site/page_stream.py): the same site as making them in the
build's own process, and a child that fails or dies stops the build with a message, leaving no process behind."""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from reskb.site import page_stream
from reskb.site.page_stream import PageStream
from reskb.site.pages import PageBuilder, build_pages, page_plan

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="fork only")


def _build(root: Path, site: Path):  # noqa: ANN202 - the plugin
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    return config.plugins["reskb"]


def _files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _with_edit_links(root: Path) -> None:
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - reskb\n", "  - reskb:\n      edit_url: https://example.org/edit/main/\n"), encoding="utf-8")


def test_streamed_site_is_the_site_made_in_process(studies, tmp_path, monkeypatch):
    _with_edit_links(studies)
    started = []
    real_start = PageStream.start

    def spy(*args, **kwargs):  # noqa: ANN202
        stream = real_start(*args, **kwargs)
        started.append(stream)
        return stream

    monkeypatch.setattr(PageStream, "start", spy)
    plugin = _build(studies, tmp_path / "streamed")
    assert started and started[0] is not None, "the build did not make its pages in a child"
    assert plugin.stream is None and not multiprocessing.active_children()  # the child is gone
    monkeypatch.setattr(PageStream, "start", staticmethod(lambda *args, **kwargs: None))
    _build(studies, tmp_path / "here")
    streamed, here = _files(tmp_path / "streamed"), _files(tmp_path / "here")
    assert streamed.keys() == here.keys()
    assert [name for name in streamed if streamed[name] != here[name]] == []
    edited = here["practices/norway-family-meetings/index.html"].decode("utf-8")
    assert "https://example.org/edit/main/practices/norway-family-meetings.yaml" in edited  # edit links came through


def test_a_failing_child_stops_the_build_with_its_error(studies, tmp_path, monkeypatch, caplog):
    def broken(self, record):  # noqa: ANN001, ANN202
        raise ValueError(f"no page for {record.id}")

    monkeypatch.setattr(PageBuilder, "practice", broken)
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        _build(studies, tmp_path / "site")
    assert re.search(r"(?s)making the pages failed:.*ValueError: no page for ", caplog.text)
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
    assert not multiprocessing.active_children()


def test_without_fork_the_pages_are_made_here(monkeypatch):
    monkeypatch.setattr(page_stream.sys, "platform", "win32")
    assert PageStream.start([("a.md", lambda: "a")]) is None


def test_the_plan_lists_every_page_before_making_any(studies):
    from conftest import load_valid

    catalogue = load_valid(studies)
    made = []
    plan = page_plan(catalogue, lambda: made.append(1) or PageBuilder(catalogue))
    paths = [path for path, _ in plan]
    assert not made and len(paths) == len(set(paths))
    assert paths == list(build_pages(catalogue))  # the same pages, in the same order


def test_pages_made_together_must_be_the_announced_ones():
    from reskb.site.pages import _made_together

    made = _made_together(["a.md", "b.md"], lambda: {"a.md": "A", "c.md": "C"})
    with pytest.raises(RuntimeError, match="announced"):
        made("a.md")
