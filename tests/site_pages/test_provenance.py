"""Provenance and contributor support on the site: edit links to the YAML, the recent-changes page,
the published schemas and templates, and the field reference on the contributor page."""

import json
import re
from importlib import resources

import pytest
import yaml

from conftest import REPO, all_fields, edit
from reskb.records.catalogue import FOLDERS
from reskb.records.fieldref import field_reference
from reskb.records.schema import schema
from reskb.records.validate import load_catalogue
from reskb.site.contributing import expand_field_reference, site_files
from reskb.site.pages import build_pages
from reskb.site.provenance import RECENT_LIMIT, changes, check_edit_base, recent_page
from sitecheck import build_site, parse

EDIT = "https://git.example.org/network/reskb/edit/main/"


@pytest.fixture
def fixture_site(catalogue, tmp_path):
    edit(catalogue / "mkdocs.yml", "  - reskb\n", f"  - reskb:\n      edit_url: {EDIT}\n")
    edit(catalogue / "mkdocs.yml", "  font: false\n", "  font: false\n  features: [content.action.edit]\n")
    result = build_site(catalogue / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    return tmp_path / "site"


def test_record_pages_link_to_their_yaml_not_to_the_generated_page(fixture_site):
    html = (fixture_site / "practices/norway-family-meetings/index.html").read_text()
    links = parse(fixture_site / "practices/norway-family-meetings/index.html").links
    assert f"{EDIT}practices/norway-family-meetings.yaml" in links
    assert re.search(r'<a [^>]*href="[^"]+norway-family-meetings\.yaml"[^>]*>Edit this record</a>', html)
    assert re.search(r'<a href="[^"]+norway-family-meetings\.yaml"[^>]*rel="edit"', html)  # the theme's button too
    assert not [link for link in links if link.startswith(EDIT) and link.endswith(".md")]
    assert "Last reviewed: 2026-01-15" in html
    topic = parse(fixture_site / "topics/family-support/index.html").links
    assert f"{EDIT}topics/family-support.yaml" in topic


def test_generated_index_and_hand_written_pages_get_no_record_edit_link(fixture_site):
    for page in ("practices/index.html", "countries/no/index.html", "index.html", "recent/index.html"):
        html = (fixture_site / page).read_text()
        assert EDIT not in html and "Edit this record" not in html, page


def test_without_edit_url_there_is_no_edit_link(catalogue, tmp_path):
    assert build_site(catalogue / "mkdocs.yml", tmp_path / "site").returncode == 0
    html = (tmp_path / "site/practices/norway-family-meetings/index.html").read_text()
    assert "Edit this record" not in html and 'rel="edit"' not in html


@pytest.mark.parametrize("value", ["github.com/x/y/edit/main/", "https://github.com/x/y/edit/main", "javascript:x/",
                                   "https://github.com/x y/edit/"])
def test_a_wrong_edit_url_fails_the_build_with_a_clear_message(catalogue, tmp_path, value):
    edit(catalogue / "mkdocs.yml", "  - reskb\n", f"  - reskb:\n      edit_url: '{value}'\n")
    result = build_site(catalogue / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 1
    assert "edit_url must be an http(s) address ending in '/'" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_edit_base_accepts_empty_and_full_addresses():
    assert check_edit_base("") == ""
    assert check_edit_base(" https://github.com/o/r/edit/main/ ") == "https://github.com/o/r/edit/main/"


def test_recent_page_comes_from_the_records_dates_newest_first(catalogue):
    edit(catalogue / "practices/hessen-case-meetings.yaml", "last_reviewed:", "added: 2025-03-01\nlast_reviewed:")
    cat, problems = load_catalogue(catalogue)
    events = changes(cat)
    dates = [date for date, _, _ in events]
    assert dates == sorted(dates, reverse=True)
    hessen = [(date, what) for date, what, r in events if r.id == "hessen-case-meetings"]
    assert ("2025-03-01", "added") in hessen and len(hessen) == 2  # added, then reviewed later
    page = recent_page(cat)
    assert page == recent_page(cat), "the page must not depend on the clock"
    rows = [line for line in page.splitlines() if line.startswith("| 20")]
    assert len(rows) == len(events)
    assert "[Case meetings in Hessen](practices/hessen-case-meetings.md)" in page
    assert build_pages(cat)["recent.md"] == page


def test_recent_page_shows_only_the_latest(catalogue):
    cat, _ = load_catalogue(catalogue)
    assert len([line for line in recent_page(cat, limit=2).splitlines() if line.startswith("| 20")]) == 2


def test_recent_page_escapes_titles(catalogue):
    edit(catalogue / "practices/hessen-case-meetings.yaml", "title: Case meetings in Hessen",
         "title: '[x](javascript:y) *b* <i>'")
    cat, problems = load_catalogue(catalogue)
    page = recent_page(cat)
    assert "\\[x\\](javascript:y) \\*b\\* \\<i\\>" in page


def test_site_files_publish_every_schema_unchanged_and_the_templates():
    files = site_files()
    for entry in resources.files("reskb.schemas").iterdir():
        if entry.name.endswith(".schema.json"):
            assert files[f"schemas/{entry.name}"] == entry.read_text(encoding="utf-8")
    assert "schemas/common.schema.json" in files
    for kind in ("practice", "challenge", "topic"):
        assert files[f"record-templates/{kind}.yaml"].startswith("# yaml-language-server: $schema=")


def test_published_schemas_resolve_each_other_from_the_site(real_site):
    """An editor fetching /schemas/practice.schema.json must find common.schema.json beside it."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    base = "https://example.org/reskb/schemas/"
    docs = {p.name: json.loads(p.read_text()) for p in (real_site / "schemas").glob("*.json")}
    assert set(docs) == {"practice.schema.json", "challenge.schema.json", "topic.schema.json", "common.schema.json",
                         "evaluation.schema.json", "glossary.schema.json"}
    registry = Registry().with_resources((base + name, Resource.from_contents(doc)) for name, doc in docs.items())
    record = yaml.safe_load((REPO / "practices/rotterdam-case-conferences.yaml").read_text())
    record["last_reviewed"] = str(record["last_reviewed"])
    record["added"] = str(record["added"])
    practice = {**docs["practice.schema.json"], "$id": base + "practice.schema.json"}
    validator = Draft202012Validator(practice, registry=registry)
    assert list(validator.iter_errors(record)) == []
    record["phases"] = ["after-release"]
    assert list(validator.iter_errors(record))


def test_contributor_page_lists_every_schema_field(real_site):
    html = (real_site / "contributing/index.html").read_text()

    for kind in ("practice", "challenge", "topic"):
        for name in all_fields(schema(kind)):
            assert f"<code>{name}</code>" in html, (kind, name)
    for heading in ("Steps: from fork to merged pull request", "An annotated example record",
                    "How references are added", "Editor support", "Review checklist", "Field reference"):
        assert heading in html, heading
    assert "--8&lt;--" not in html and "--8<--" not in html  # every included section was found
    links = parse(real_site / "contributing/index.html").links
    assert "../record-templates/practice.yaml" in links and "../schemas/practice.schema.json" in links


def test_field_reference_block_is_filled_at_build_time():
    page = (REPO / "docs/contributing.md").read_text()
    assert "| `evidence.status` |" not in page  # the source holds only the markers
    assert field_reference() in expand_field_reference(page)


def test_recent_and_contributing_pages_are_in_the_site(real_site):
    html = (real_site / "recent/index.html").read_text()
    assert "Recently added and updated" in html
    catalogue, _ = load_catalogue(REPO)
    newest = changes(catalogue)[:RECENT_LIMIT]
    assert newest
    for _date, _what, record in newest:
        assert f"../{FOLDERS[record.kind]}/{record.id}/" in html, record.id
