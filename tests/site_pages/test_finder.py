"""The practice finder page, its data file, related practices on pages, and site-search settings."""

import json

import yaml

from conftest import REPO
from reskb.records.validate import load_catalogue
from reskb.site.finder import DATA_FILE, FINDER_PAGE
from reskb.site.pages import PageBuilder, build_downloads, build_pages
from sitecheck import parse


def load(root):
    catalogue, problems = load_catalogue(root)
    assert not [p for p in problems if p.severity == "error"]
    return catalogue


def test_data_file_has_one_plain_object_per_practice(catalogue):
    data = json.loads(build_downloads(load(catalogue), "https://example.org/fixture/")[DATA_FILE])
    assert [p["id"] for p in data] == ["hessen-case-meetings", "norway-family-meetings"]  # by title
    norway = data[1]
    assert norway["title"] == "Family meetings in Norway"
    assert norway["url"] == "https://example.org/fixture/practices/norway-family-meetings/"
    # citations are gone; a narrative citation reads as author and year
    assert norway["summary"] == ("Families, probation and NGOs meet before release to plan support, as "
                                 "Müller (2016) describes for networks in general.")
    assert norway["countries"] == [{"code": "NO", "name": "Norway"}]
    assert norway["phases"] == [{"code": "pre-release", "label": "Pre-release"},
                                {"code": "post-release", "label": "Post-release"}]
    assert norway["lead_actor"] == {"code": "ngo", "label": "NGO"}
    assert norway["status"] == {"code": "pilot", "label": "Pilot"}
    assert norway["evidence"] == {"code": "not-evaluated", "label": "Not evaluated"}
    assert norway["topics"] == [{"id": "family-support", "title": "Family support"}]
    assert norway["challenges"] == [{"id": "stigma", "title": "Stigmatisation"}]
    assert norway["start_year"] == 2017
    assert norway["participants"] == [{"code": "probation", "label": "Probation"}, {"code": "family", "label": "Family"}]
    assert norway["frequency"] == {"code": "monthly", "label": "Monthly"}
    hessen = data[0]
    assert hessen["status"] is None and hessen["frequency"] is None and hessen["participants"] == []


def test_finder_page_holds_the_full_table_without_javascript(catalogue):
    page = build_pages(load(catalogue))[FINDER_PAGE]
    meta = yaml.safe_load(page.split("---\n")[1])
    assert meta["reskb_scripts"] == ["data/finder.js", "assets/reskb/finder.js"]
    assert f"[JSON]({DATA_FILE}){{: #reskb-finder-data }}" in page and "[CSV for spreadsheets](data/practices.csv)" in page
    assert 'id="reskb-finder-nojs"' in page and "whatever filters the address holds" in page
    assert '<div id="reskb-finder" class="reskb-finder" role="search" aria-label="Filter practices"></div>' in page
    assert "| Practice | Countries | Phases of custody | Lead actor | Topics | Challenges addressed | Status | Evidence |" \
        in page
    assert ("| [Family meetings in Norway](practices/norway-family-meetings.md) | Norway | Pre-release, Post-release "
            "| NGO | Family support | Stigmatisation | Pilot (since 2017) | "
            '<span class="reskb-pill reskb-pill--evidence reskb-pill--none">Not evaluated</span> |') in page
    assert "| [Case meetings in Hessen](practices/hessen-case-meetings.md) | Germany | Pre-release | State |" in page


def test_computed_related_practices_follow_the_named_ones(catalogue):
    cat = load(catalogue)
    page = PageBuilder(cat, related={"hessen-case-meetings": ["norway-family-meetings", "hessen-case-meetings", "gone"]})
    text = page.practice(cat.practices["hessen-case-meetings"])
    section = text.split("## Related practices", 1)[1].split("##", 1)[0]
    assert section.count("norway-family-meetings.md") == 1  # named in the record and computed: listed once
    assert "hessen-case-meetings.md" not in section  # never itself, unknown ids skipped


def test_record_pages_rank_first_in_site_search(catalogue):
    pages = build_pages(load(catalogue))
    for path in ("practices/norway-family-meetings.md", "topics/family-support.md"):
        assert yaml.safe_load(pages[path].split("---\n")[1])["search"] == {"boost": 2}, path


# --- the built site -------------------------------------------------------------------------------


def test_site_has_the_finder_its_data_and_script(real_site):
    finder = real_site / "finder" / "index.html"
    assert finder.exists()
    data = json.loads((real_site / "data" / "practices.json").read_text())
    assert len(data) == len(list((REPO / "practices").glob("*.yaml")))
    html = finder.read_text()
    assert '<script src="../assets/reskb/finder.js"></script>' in html
    assert (real_site / "assets" / "reskb" / "finder.js").exists()
    rows = html.split("<tbody>", 1)[1].count("<tr>")
    assert rows == len(data)
    home = parse(real_site / "index.html")
    assert "finder/" in home.links  # linked from the home page text and the navigation


def test_site_search_index_boosts_record_pages(real_site):
    index = json.loads((real_site / "search" / "search_index.json").read_text())
    boosts = {d["location"]: d.get("boost") for d in index["docs"]}
    assert boosts["practices/rotterdam-case-conferences/"] == 2
    assert boosts["finder/"] == 0.5
    assert index["config"]["fields"]["title"]["boost"] == 1000


def test_site_practice_pages_show_related_practices(real_site):
    html = (real_site / "practices" / "rotterdam-case-conferences" / "index.html").read_text()
    related = html.split('id="related-practices"', 1)[1].split("<h2", 1)[0]
    assert 'href="../hessen-case-meetings/"' in related and 'href="../copenhagen-coordination-unit/"' in related
