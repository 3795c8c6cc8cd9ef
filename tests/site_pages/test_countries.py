"""Country grouping, the country × topic matrix, and the country pages and overview built from them."""

import re

import pytest

from conftest import REPO, edit
from reskb.records.validate import load_catalogue
from reskb.site.countries import by_country, countries_index, country_page, map_figure, topic_matrix
from reskb.site.pages import build_pages


def load(root):
    catalogue, problems = load_catalogue(root)
    assert not [p for p in problems if p.severity == "error"], problems
    return catalogue


@pytest.fixture(scope="module")
def real():
    return load(REPO)


def two_country_fixture(catalogue):
    """The fixture with the Norwegian practice also working in Germany, under a second topic."""
    edit(catalogue / "practices/norway-family-meetings.yaml", "countries: [NO]", "countries: [NO, DE]")
    (catalogue / "topics/staff-training.yaml").write_text(
        "id: staff-training\ntitle: Staff training\nsummary: Training for staff [@paper2018].\n"
        "references:\n  - key: paper2018\nlast_reviewed: 2026-01-15\n", encoding="utf-8")
    edit(catalogue / "practices/hessen-case-meetings.yaml", "topics: [family-support]",
         "topics: [family-support, staff-training]")
    return load(catalogue)


def ids(records):
    return [r.id for r in records]


def test_a_practice_in_several_countries_belongs_to_each(catalogue):
    cat = two_country_fixture(catalogue)
    groups = by_country(cat)
    assert list(groups) == ["DE", "NO"]  # in name order: Germany, Norway
    assert ids(groups["DE"]) == ["hessen-case-meetings", "norway-family-meetings"]
    assert ids(groups["NO"]) == ["norway-family-meetings"]
    pages = build_pages(cat)
    assert "[Family meetings in Norway](../practices/norway-family-meetings.md)" in pages["countries/de.md"]
    assert "[Family meetings in Norway](../practices/norway-family-meetings.md)" in pages["countries/no.md"]


def test_matrix_counts_practices_per_topic_and_country(catalogue):
    cat = two_country_fixture(catalogue)
    matrix = {topic.id: {code: ids(ps) for code, ps in cells.items()} for topic, cells in topic_matrix(cat)}
    assert matrix == {
        "family-support": {"DE": ["hessen-case-meetings", "norway-family-meetings"], "NO": ["norway-family-meetings"]},
        "staff-training": {"DE": ["hessen-case-meetings"]},
    }


def test_matrix_cells_link_to_the_topic_on_the_country_page(catalogue):
    cat = two_country_fixture(catalogue)
    page = countries_index(cat, "")
    cell = re.search(r'<td><a href="de/#topic-family-support" title="([^"]*)" aria-label="[^"]*">2</a></td>', page)
    assert cell, page
    assert cell.group(1) == "Family support in Germany: 2 practices (Case meetings in Hessen, Family meetings in Norway)"
    assert '<td class="reskb-matrix__none">–</td>' in page  # staff training in Norway
    de = country_page(cat, "DE", "")
    assert "### Family support { #topic-family-support data-search-exclude }" in de
    assert "### Staff training { #topic-staff-training data-search-exclude }" in de
    assert "#topic-staff-training" not in country_page(cat, "NO", "")


def test_country_page_table_regions_and_other_countries(catalogue):
    cat = two_country_fixture(catalogue)
    de = country_page(cat, "DE", "")
    assert ("| Practice | Region or city | Phases of custody | Lead actor | Who takes part | How often | Status | Evidence "
            "| Also in |") in de
    row = next(line for line in de.splitlines() if line.startswith("| [Family meetings in Norway]"))
    assert row == ("| [Family meetings in Norway](../practices/norway-family-meetings.md) "
                   '| <span class="reskb-none">Not recorded</span> | Pre-release, Post-release '
                   "| NGO | Probation service; Family members | Monthly | Pilot (since 2017) "
                   '| <span class="reskb-pill reskb-pill--evidence reskb-pill--none">Not evaluated</span> | [Norway](no.md) |')
    assert "## Regions and cities" in de and "- **Hessen**: [Case meetings in Hessen]" in de
    # two practices: a link opens the compare page with both
    assert "[Compare them side by side](../compare/index.md?p=hessen-case-meetings,norway-family-meetings)" in de
    assert "[Germany on the map](index.md#map-de)" in de


def test_every_real_country_is_on_the_map_in_the_matrix_and_linked_from_its_practices(real):
    cat = real
    figure = map_figure(cat)
    index = countries_index(cat, "")
    pages = build_pages(cat)
    for code, practices in by_country(cat).items():
        slug = code.lower()
        assert f'id="map-{slug}"' in figure and f'href="{slug}/"' in figure, code
        assert f'<a href="{slug}/">' in index, code  # matrix column header
        assert f"countries/{slug}.md" in pages
        for practice in practices:
            assert f"(../countries/{slug}.md)" in pages[f"practices/{practice.id}.md"], (code, practice.id)


def test_eu_page_says_what_eu_means(real):
    eu = country_page(real, "EU", "")
    assert eu.startswith("\n# European Union")
    assert "at the level of the European Union" in eu


def test_sanitiser_keeps_only_our_own_map():
    """The plugin's sanitiser knows no SVG: the exact map block survives it, anything else in SVG does not."""
    from reskb.site.plugin import sanitise

    ours = '<figure class="reskb-map"><svg xmlns="http://www.w3.org/2000/svg"><a href="de/"><path d="M0,0Z"/></a></svg></figure>'
    forged = '<svg><a href="javascript:alert(1)"><path d="M0,0Z"/></a><script>alert(1)</script></svg>'
    html = f"<p>intro</p>{ours}<p>{forged}</p>"
    clean = sanitise(html, [ours])
    assert ours in clean
    assert "javascript" not in clean and "<script" not in clean and clean.count("<svg") == 1
    assert sanitise(html).count("<svg") == 0  # nothing is trusted unless named


def test_built_countries_page_keeps_the_map(real_site):
    html = (real_site / "countries/index.html").read_text(encoding="utf-8")
    assert html.count('class="reskb-map__svg') == 2
    assert 'xlink:href="de/"' in html and '<title>Germany: ' in html
    assert (real_site / "data/practices.csv").exists() and (real_site / "data/compare.json").exists()
    assert (real_site / "assets/reskb/compare.js").exists()
