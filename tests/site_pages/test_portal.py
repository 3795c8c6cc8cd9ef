"""The portal's building blocks without a browser: badges, listings that drop empty columns, record navigation,
the home page block, site-search settings, the finder's words, the offline edition's links and the preview
address `reskb new` prints. The browser side is in test_portal_tasks.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import REPO, edit
from reskb.records.catalogue import Catalogue
from reskb.records.scaffold import preview_url
from reskb.records.validate import load_catalogue
from reskb.site.badges import by_title, evidence_badge, status_text, strongest_design, under_title
from reskb.site.finder import words
from reskb.site.home import MARKER, OFFLINE_ZIP, expand_home, page_url
from reskb.site.listing import practice_table
from reskb.site.offline import file_links, use_local_shim
from reskb.site.pages import build_pages
from reskb.site.recordnav import places


def load(root: Path) -> Catalogue:
    catalogue, problems = load_catalogue(root)
    assert not [p for p in problems if p.severity == "error"], problems
    return catalogue


def meta(page: str) -> dict:
    return yaml.safe_load(page.split("---\n")[1])


@pytest.fixture(scope="module")
def real() -> Catalogue:
    return load(REPO)


def test_strongest_design_comes_from_evaluation_records_when_there_are_any(catalogue, tmp_path):
    cat = load(catalogue)
    norway = cat.practices["norway-family-meetings"]
    assert strongest_design(cat, norway) is None  # no evaluation records: only the status shows
    assert "design" not in evidence_badge(cat, norway)
    studies = tmp_path / "studies"
    shutil.copytree(Path(__file__).parent.parent / "fixtures" / "studies", studies)
    cat = load(studies)
    norway = cat.practices["norway-family-meetings"]
    assert strongest_design(cat, norway) == "quasi-experimental"
    assert evidence_badge(cat, norway) == ('<span class="reskb-pill reskb-pill--evidence reskb-pill--good">'
                                           "Evidence: Evaluated: positive effects · "
                                           "Strongest design: Quasi-experimental (comparison group)</span>")


def test_status_is_one_value_with_its_years_and_one_wording_when_silent(catalogue):
    cat = load(catalogue)
    assert status_text(cat.practices["norway-family-meetings"]) == "Pilot (since 2017)"
    assert status_text(cat.practices["hessen-case-meetings"]) == "Not recorded"
    edit(catalogue / "practices/hessen-case-meetings.yaml", "lead_actor: state", "lead_actor: state\nstart_year: 2018")
    assert status_text(load(catalogue).practices["hessen-case-meetings"]) == "Since 2018"
    line = under_title(cat, cat.practices["norway-family-meetings"])
    assert "Evidence: Not evaluated" in line and "Status: Pilot (since 2017)" in line
    assert "Checked against its sources on 2026-01-15" in line


def test_one_ordering_rule_ignores_opening_quotes(catalogue):
    edit(catalogue / "practices/norway-family-meetings.yaml", "title: Family meetings in Norway",
         "title: '\"Welcome\" meetings in Norway'")
    cat = load(catalogue)
    assert [p.id for p in sorted(cat.practices.values(), key=by_title)] == ["hessen-case-meetings", "norway-family-meetings"]
    pages = build_pages(cat)
    finder, index = pages["finder.md"], pages["practices/index.md"]
    assert finder.index("Case meetings in Hessen") < finder.index("Welcome")
    assert index.index("Case meetings in Hessen") < index.index("Welcome")


def test_practice_lists_drop_columns_no_practice_has_and_say_so_once(catalogue):
    cat = load(catalogue)
    hessen = cat.practices["hessen-case-meetings"]
    table = practice_table(cat, "practices/index.md", [hessen])
    head = table.splitlines()[0]
    assert head == "| Practice | Countries | Phases of custody | Lead actor | Evidence |"
    assert "_The sources are silent on how often and status for these practices._" in table
    both = practice_table(cat, "practices/index.md", list(cat.practices.values()))
    assert "How often" in both.splitlines()[0] and '<span class="reskb-none">Not recorded</span>' in both
    assert "–" not in both


def test_practice_page_badges_organisations_and_glance_without_a_header(catalogue):
    edit(catalogue / "practices/norway-family-meetings.yaml", "lead_actor: ngo",
         "lead_actor: ngo\nlead_organisations: [Fixture Association]\n"
         "links:\n  - title: Its website\n    url: https://example.org/association")
    page = build_pages(load(catalogue))["practices/norway-family-meetings.md"]
    top = page.split("## At a glance")[0]
    assert '<p class="reskb-badges">' in top and "**Led by:** Fixture Association" in top
    assert "**Website:** [Its website](https://example.org/association)" in top
    assert "| Aspect | Details |" not in page and "## Links" not in page


def test_topic_pages_put_their_practices_before_their_text(catalogue):
    edit(catalogue / "topics/family-support.yaml", "summary:", "description: A longer text about families.\nsummary:")
    page = build_pages(load(catalogue))["topics/family-support.md"]
    practices, background = page.index("## Practices"), page.index("## Background")
    assert practices < page.index("[Family meetings in Norway]") < background < page.index("A longer text")
    card = page[page.index("[Family meetings in Norway]"):background]
    assert "Evidence: Not evaluated" in card and "[Norway](../countries/no.md)" in card and "Families, probation" in card


def test_record_pages_know_their_list_breadcrumbs_and_neighbours(catalogue):
    cat = load(catalogue)
    where = places(cat)
    hessen, norway = where["practices/hessen-case-meetings.md"], where["practices/norway-family-meetings.md"]
    assert hessen.home == "practices/index.md"
    assert hessen.crumbs == (("Practices", "practices/index.md"), ("Germany", "countries/de.md"))
    assert (hessen.previous, hessen.next) == (None, "practices/norway-family-meetings.md")
    assert (norway.previous, norway.next) == ("practices/hessen-case-meetings.md", None)
    assert where["topics/family-support.md"].crumbs == (("Topics", "topics/index.md"),)
    assert where["countries/no.md"].previous == "countries/de.md"  # countries in name order


def test_evaluation_and_glossary_pages_have_their_place_too(tmp_path):
    root = tmp_path / "studies"
    shutil.copytree(Path(__file__).parent.parent / "fixtures" / "studies", root)
    where = places(load(root))
    comparison, interviews = where["evaluations/norway-comparison.md"], where["evaluations/norway-interviews.md"]
    assert comparison.home == "evaluations/index.md" and comparison.crumbs == (("Evaluations", "evaluations/index.md"),)
    assert (comparison.next, interviews.previous) == ("evaluations/norway-interviews.md", "evaluations/norway-comparison.md")
    assert where["glossary/desistance.md"].home == "glossary/index.md"
    assert where["glossary/desistance.md"].previous == "glossary/case-meetings.md"  # terms in title order


def test_site_search_settings_in_front_matter(real):
    pages = build_pages(real)
    record = meta(pages["practices/rotterdam-case-conferences.md"])
    assert record["tags"] == ["Practice", "Netherlands"] and record["search"] == {"boost": 2}
    assert meta(pages["topics/family-and-social-networks.md"])["tags"] == ["Topic"]
    for path, page in pages.items():
        if path.startswith(("compare/topics/", "compare/formats/")):
            assert meta(page)["search"] == {"exclude": True}, path
    assert meta(pages["recent.md"])["search"] == {"exclude": True}
    contributing = (Path(__file__).parents[2] / "docs" / "contributing.md").read_text(encoding="utf-8")
    assert meta(contributing)["search"]["boost"] < 1


def test_home_block_fills_the_marker(catalogue):
    cat = load(catalogue)
    home = expand_home(f"# Home\n\n{MARKER}\n", cat)
    assert MARKER not in home
    assert '<form class="reskb-home-search" action="finder/" method="get"' in home and 'name="words"' in home
    assert "<strong>2</strong> practices" in home and "<strong>2</strong> countries" in home
    assert '<a href="topics/family-support/">Family support<span class="reskb-tile__count">2 practices' in home
    assert 'href="finder/?phase=pre-release">Pre-release' in home
    assert "## Newest practices" in home and 'id="home-map"' in home
    assert OFFLINE_ZIP not in home  # only when the build makes the zip
    assert f'href="{OFFLINE_ZIP}"' in expand_home(MARKER, cat, offline_zip=True)
    offline = expand_home(MARKER, cat, directory_urls=False)
    assert 'action="finder.html"' in offline and 'href="topics/family-support.html"' in offline
    assert page_url("index.md", True) == "./" and page_url("countries/index.md", False) == "countries/index.html"


def test_home_count_of_evaluation_studies_links_to_their_list(tmp_path):
    root = tmp_path / "studies"
    shutil.copytree(Path(__file__).parent.parent / "fixtures" / "studies", root)
    home = expand_home(MARKER, load(root))
    assert '<a href="evaluations/"><strong>2</strong> evaluation studies</a>' in home


def test_finder_words_cover_the_full_text(catalogue):
    cat = load(catalogue)
    norway = words(cat.practices["norway-family-meetings"], cat).split()
    assert "monthly" in norway  # the structured frequency, as read
    assert "cites" in norway and "fixture" in norway  # from the description, not the summary
    assert "@paper2018" not in norway and "paper2018" not in norway  # citation keys are not words of the text
    script = build_pages.__globals__["build_downloads"](cat)["data/finder.js"]
    assert script.startswith("window.reskbFinderData = ") and "<" not in script
    data = json.loads(script[len("window.reskbFinderData = "):].rstrip().rstrip(";"))
    assert [p["id"] for p in data] == ["hessen-case-meetings", "norway-family-meetings"]


def test_offline_edition_points_folder_links_at_files():
    dest = {"index.html", "practices/x.html", "compare/index.html", "countries/nl.html"}
    html = ('<a href="../../practices/x/">x</a> <a href="../../compare/?p=a,b">c</a> <a href="https://e.org/a/">e</a> '
            '<a href="../../nowhere/">n</a> <form action="../../compare/">')
    out = file_links(html, "compare/topics/t.html", dest)
    assert '<a href="../../practices/x.html">x</a>' in out and '<a href="../index.html?p=a,b">c</a>' in out
    assert '<a href="https://e.org/a/">' in out and '<a href="../../nowhere/">' in out
    assert 'action="../index.html"' in out
    assert use_local_shim(["https://unpkg.com/iframe-worker/shim", "other.js"]) == [
        "assets/reskb/iframe-worker-shim.js", "other.js"]


def test_preview_url_follows_the_site_path_as_mkdocs_serve_does(tmp_path, monkeypatch):
    (tmp_path / "mkdocs.yml").write_text('site_url: !ENV [RESKB_SITE_URL, "https://example.org/reskb/"]\n')
    monkeypatch.delenv("RESKB_SITE_URL", raising=False)
    assert preview_url(tmp_path, "practices", "x") == "http://127.0.0.1:8000/reskb/practices/x/"
    monkeypatch.setenv("RESKB_SITE_URL", "https://site.example/")
    assert preview_url(tmp_path, "practices", "x") == "http://127.0.0.1:8000/practices/x/"
    (tmp_path / "mkdocs.yml").write_text("site_url: https://example.org/kb\n")
    assert preview_url(tmp_path, "topics", "y") == "http://127.0.0.1:8000/kb/topics/y/"
