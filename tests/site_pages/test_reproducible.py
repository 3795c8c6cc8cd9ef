"""Two builds of the same data give the same bytes; dates come from the data, not the clock."""

import os

from sitecheck import build_site


def _files(site):
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_two_builds_are_identical_and_dated_by_the_data(catalogue, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert build_site(catalogue / "mkdocs.yml", tmp_path / "one").returncode == 0
    assert build_site(catalogue / "mkdocs.yml", tmp_path / "two").returncode == 0
    one, two = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []
    # the fixture's latest last_reviewed is 2026-01-15: the sitemap carries it, not today's date
    assert b"<lastmod>2026-01-15</lastmod>" in one["sitemap.xml"]
    assert "SOURCE_DATE_EPOCH" not in os.environ
