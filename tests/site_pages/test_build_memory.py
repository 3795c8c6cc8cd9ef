"""A one-off `mkdocs build` lets go of what no later step reads (site/build_memory.py); serve keeps it."""

import gc
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.structure.files import File

from reskb.site.build_memory import drop_positions, release_page_source


def _build(catalogue: Path, site: Path, command: str):  # noqa: ANN202 - the plugin and the files it built
    config = load_config(str(catalogue / "mkdocs.yml"), site_dir=str(site))
    plugin = config.plugins["reskb"]
    config.plugins.on_startup(command=command, dirty=False)
    try:
        build(config)
    finally:
        # plugins with on_startup live as long as the process: leave them as `mkdocs build` starts them
        config.plugins.on_startup(command="build", dirty=False)
    files = list(plugin.files or [])
    return plugin, files


def test_build_releases_generated_markdown_and_positions(catalogue, tmp_path):
    plugin, files = _build(catalogue, tmp_path / "site", "build")
    pages = [f for f in files if f.src_uri in plugin.generated]
    assert pages, "the plugin generated no page"
    for file in pages:
        with pytest.raises(AssertionError):  # neither content nor a source file: reading it fails loudly
            _ = file.content_string
        html = (tmp_path / "site" / file.dest_uri).read_text(encoding="utf-8")
        assert "<h1" in html  # the page itself was rendered from the Markdown MkDocs had read
    downloads = [f for f in files if f.src_uri.startswith("data/cite/")]
    assert downloads and all((tmp_path / "site" / f.dest_uri).read_bytes() == f.content_bytes for f in downloads)
    assert all(not r.doc.lines for r in plugin.catalogue.all_records())
    assert gc.get_freeze_count() == 0  # nothing stays frozen after the build


def test_serve_keeps_generated_markdown(catalogue, tmp_path):
    plugin, files = _build(catalogue, tmp_path / "site", "serve")
    pages = [f for f in files if f.src_uri in plugin.generated]
    assert pages and all(f.content_string.startswith("---\n") for f in pages)
    assert any(r.doc.lines for r in plugin.catalogue.all_records())


def test_release_leaves_hand_written_pages(tmp_path):
    page = tmp_path / "docs" / "about.md"
    page.parent.mkdir()
    page.write_text("# About\n", encoding="utf-8")
    written = File("about.md", str(tmp_path / "docs"), str(tmp_path / "site"), use_directory_urls=True)
    release_page_source(written)
    assert written.content_string == "# About\n"


def test_drop_positions(catalogue):
    from conftest import load_valid

    loaded = load_valid(catalogue)
    drop_positions(loaded)
    record = next(iter(loaded.practices.values()))
    assert record.doc.lines == {} and record.doc.text_starts == {}
    assert record.doc.line_of(("title",)) == 1  # what asks for a line still gets one
