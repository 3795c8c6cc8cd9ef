"""End-to-end: `mkdocs build --strict` of the fixture and the real catalogue, and what the site holds."""

import shutil
from pathlib import Path

from conftest import REPO, edit
from sitecheck import broken_links, build_site, parse


def test_fixture_builds_strict_and_links_resolve(catalogue, tmp_path):
    result = build_site(catalogue / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    for page in ("practices/norway-family-meetings", "practices/hessen-case-meetings", "topics/family-support",
                 "challenges/stigma", "countries/no", "countries/de", "bibliography"):
        assert (site / page / "index.html").exists(), page
    assert broken_links(site, "/fixture/") == []


def test_real_site_has_a_page_for_every_record(real_site):
    for folder in ("practices", "challenges", "topics"):
        for record in (REPO / folder).glob("*.yaml"):
            assert (real_site / folder / record.stem / "index.html").exists(), record


def test_real_site_links_and_anchors_resolve(real_site):
    assert broken_links(real_site, "/reskb/") == []


def test_real_site_generated_pages_are_not_in_the_repo():
    assert not (REPO / "docs" / "practices").exists()
    assert "site/" in (REPO / ".gitignore").read_text()


def test_invalid_catalogue_fails_the_build_without_writing_a_site(catalogue, tmp_path):
    edit(catalogue / "practices/norway-family-meetings.yaml", "countries: [NO]", "countries: [UK]")
    out = tmp_path / "site"
    result = build_site(catalogue / "mkdocs.yml", out)
    assert result.returncode == 1
    assert "practices/norway-family-meetings.yaml:8: countries[0]: 'UK' is not an ISO 3166-1 country code" \
        in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_contributor_html_never_reaches_the_page(catalogue, tmp_path):
    """Defence in depth: even if the validator missed it, the plugin strips script from generated pages."""
    from reskb.site.plugin import sanitise

    html = '<p onclick="x()">a<script>alert(1)</script><a href="javascript:alert(1)">l</a><img src=x onerror=y></p>'
    clean = sanitise(html)
    assert "script" not in clean and "onclick" not in clean and "javascript" not in clean and "onerror" not in clean


def test_page_title_and_meta_description(real_site):
    html = (real_site / "practices/rotterdam-case-conferences/index.html").read_text()
    assert "<title>Case conferences in Rotterdam - Resocialisation Knowledge Base</title>" in html
    assert '<meta name="description" content="Local authorities' in html


def test_no_google_fonts(real_site):
    html = (real_site / "index.html").read_text()
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    page = parse(real_site / "index.html")
    assert [src for src in page.links if src.startswith(("http:", "https:", "//")) and src.endswith((".js", ".css"))] == []


def test_serve_watches_the_data_folders(catalogue):
    from mkdocs.config import load_config

    from reskb.site.plugin import CataloguePlugin

    config = load_config(str(catalogue / "mkdocs.yml"))
    plugin = config.plugins["reskb"]
    assert isinstance(plugin, CataloguePlugin)

    class Server:
        watched: list[str] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    plugin.on_serve(Server(), config, None)
    assert {Path(p).name for p in Server.watched} == {"practices", "challenges", "topics", "bibliography"}
    shutil.rmtree(catalogue)
