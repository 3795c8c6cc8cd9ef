"""The site search index holds record pages by title and summary (site_search.py), and the page-weight checker
(scripts/page_weight.py) counts what a reader downloads for each page."""

import gzip
import importlib.util
import json
import sys
from html import unescape
from pathlib import Path

import pytest

from conftest import REPO
from reskb.records.catalogue import FOLDERS
from reskb.records.validate import load_catalogue
from reskb.site.site_search import record_entry, summary_of

_spec = importlib.util.spec_from_file_location("page_weight", REPO / "scripts" / "page_weight.py")
page_weight = importlib.util.module_from_spec(_spec)
sys.modules["page_weight"] = page_weight  # its dataclass looks its module up
_spec.loader.exec_module(page_weight)


def test_record_entry_escapes_contributor_text_and_keeps_tags_and_boost(catalogue):
    cat, _ = load_catalogue(catalogue)
    record = next(iter(cat.practices.values()))
    record.data["summary"] = "Meetings <img src=x onerror=alert(1)> & more."
    entry = record_entry(record, cat, "practices/x/", {"tags": ["Practice", "France"], "search": {"boost": 2}})
    assert entry["text"].startswith("<p>Meetings &lt;img src=x") and "<img" not in entry["text"]
    assert entry["text"].endswith(" &amp; more.</p>")
    assert entry["tags"] == ["Practice", "France"] and entry["boost"] == 2 and entry["location"] == "practices/x/"


def test_site_search_indexes_every_record_by_its_title_and_summary_only(real_site):
    cat, _ = load_catalogue(REPO)
    index = json.loads((real_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    by_page: dict[str, list[dict]] = {}
    for doc in index["docs"]:
        by_page.setdefault(doc["location"].split("#")[0], []).append(doc)
    records = cat.all_records()
    assert records
    for record in records:
        docs = by_page.get(f"{FOLDERS[record.kind]}/{record.id}/")
        assert docs is not None and len(docs) == 1, record.id  # one entry: no section of its full text
        assert unescape(docs[0]["title"]) == record.title
        assert unescape(docs[0]["text"]) == f"<p>{summary_of(record, cat)}</p>"
        assert docs[0]["tags"], docs[0]  # its kind (and a practice's countries), shown beside the result
    # hand-written and list pages are indexed by Material as before, section by section
    assert any(loc.startswith("about/#") for loc in (d["location"] for d in index["docs"]))


def _site(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


def _kb(text: str) -> float:
    return len(gzip.compress(text.encode(), 6)) / 1000


def test_page_weight_counts_scripts_styles_search_index_and_fetched_data(tmp_path):
    config = '<script id="__config" type="application/json">{"base": "..", "search": "../w/search.js"}</script>'
    page = ('<html><head><link rel="stylesheet" href="../a/site.css"><link rel="icon" href="../a/icon.css">'
            '<script src="../a/site.js"></script><script src="https://cdn.example/x.js"></script>'
            f'<script src="../assets/reskb/compare.js"></script></head><body><div id="reskb-compare"></div>{config}'
            "</body></html>")
    files = {"compare/index.html": page, "a/site.css": "body{}" * 50, "a/icon.css": "x" * 9000, "a/site.js": "var a;" * 80,
             "assets/reskb/compare.js": "fetch()", "data/compare.json": json.dumps(list(range(3000))),
             "w/search.js": "worker", "search/search_index.json": json.dumps({"docs": ["word"] * 2000}),
             "index.html": f"<html><body>{config.replace('..', '.').replace('../w', 'w')}</body></html>"}
    site = _site(tmp_path, files)
    weights = {w.page: w for w in page_weight.page_weights(site)}
    compare = weights["compare/index.html"]
    assert set(compare.parts) == {"compare/index.html", "a/site.css", "a/site.js", "assets/reskb/compare.js",
                                  "data/compare.json", "w/search.js", "search/search_index.json"}
    assert abs(compare.total_kb - sum(_kb(files[p]) for p in compare.parts)) < 0.2
    home = weights["index.html"]  # no compare element: the data is not fetched, the search index is
    assert set(home.parts) == {"index.html", "w/search.js", "search/search_index.json"}
    assert page_weight.page_weights(site)[0].page == "compare/index.html"  # heaviest first


def test_page_weight_of_the_real_site_counts_the_finder_data_and_search_index(real_site):
    weights = {w.page: w for w in page_weight.page_weights(real_site)}
    finder = weights["finder/index.html"]
    assert "data/finder.js" in finder.parts and "search/search_index.json" in finder.parts
    assert "data/practices.json" not in finder.parts  # the finder reads data/finder.js when the page loads it
    practice = weights["practices/rotterdam-case-conferences/index.html"]
    assert "search/search_index.json" in practice.parts and "assets/reskb/portal.js" in practice.parts
    ordered = page_weight.page_weights(real_site)
    lines = page_weight.report(ordered, budget_kb=300, top=3).splitlines()
    assert len(lines) == 4 and lines[0].startswith(f"{len(ordered)} pages;") and ordered[0].page in lines[1]


class _Page:
    def __init__(self, uri: str, meta: dict) -> None:
        self.file = type("F", (), {"src_uri": uri})()
        self.meta, self.url, self.title = meta, uri.replace(".md", "/"), meta.get("title")


def _slim(catalogue_root, monkeypatch, lists_up_to: int):
    from reskb.site import site_search
    from reskb.site.markdown import record_path

    monkeypatch.setattr(site_search, "LISTS_IN_FULL_UP_TO", lists_up_to)
    cat, _ = load_catalogue(catalogue_root)
    material = type("Search", (), {"config": {"enabled": True},
                                   "search_index": type("Index", (), {"entries": []})()})()
    records = {record_path(r): r for r in cat.all_records()}
    slim = site_search.SlimSearch({"material/search": material}, cat, records, {*records, "finder.md"})
    return slim, material.search_index.entries, cat, records


def test_slim_search_takes_record_pages_out_of_materials_parsing_and_adds_one_entry_in_order(catalogue, monkeypatch):
    slim, entries, cat, records = _slim(catalogue, monkeypatch, 500)
    uri, record = next(iter(records.items()))
    page = _Page(uri, {"title": record.title, "tags": ["Practice"], "search": {"boost": 2}})
    slim.before(page)
    assert page.meta["search"] == {"boost": 2, "exclude": True} and entries == []  # Material now skips it
    entries.append({"location": "earlier/"})  # a page Material indexed meanwhile keeps its place
    slim.after(page)
    assert entries[-1] == record_entry(record, cat, page.url, page.meta) and entries[0] == {"location": "earlier/"}
    finder = _Page("finder.md", {"title": "Practice finder", "description": "Every practice."})
    slim.before(finder)
    slim.after(finder)
    assert "search" not in finder.meta and len(entries) == 2  # a small catalogue's lists stay indexed in full
    excluded = _Page(uri, {"title": record.title, "search": {"exclude": True}})
    slim.before(excluded)
    slim.after(excluded)
    assert len(entries) == 2  # a page kept out of search stays out


def test_slim_search_indexes_list_pages_by_title_and_description_in_a_large_catalogue(catalogue, monkeypatch):
    slim, entries, _, _ = _slim(catalogue, monkeypatch, 1)  # the fixture's 2 practices count as large here
    finder = _Page("finder.md", {"title": "Practice finder", "description": "Every <practice>.", "search": {"boost": 0.5}})
    slim.before(finder)
    slim.after(finder)
    assert finder.meta["search"]["exclude"] is True
    assert entries == [{"location": "finder/", "title": "Practice finder", "text": "<p>Every &lt;practice&gt;.</p>",
                        "boost": 0.5}]
    hand_written = _Page("about.md", {"title": "About"})
    slim.before(hand_written)
    assert "search" not in hand_written.meta  # hand-written pages are Material's to index


def test_a_very_large_catalogue_indexes_records_by_title_and_leaves_practices_out(catalogue, monkeypatch):
    from reskb.site import scale

    monkeypatch.setattr(scale, "TITLES_ONLY_ABOVE", 0)  # the fixture's practices count as very many here
    monkeypatch.setenv(scale.ENV, "0")
    slim, entries, _, records = _slim(catalogue, monkeypatch, 500)
    by_kind = {}
    for uri, record in records.items():
        by_kind.setdefault(record.kind, (uri, record))
    uri, topic = by_kind["topic"]
    page = _Page(uri, {"title": topic.title, "tags": ["Topic"]})
    slim.before(page)
    slim.after(page)
    assert entries == [{"location": page.url, "title": topic.title, "text": "", "tags": ["Topic"]}]
    monkeypatch.setattr(scale, "PRACTICES_OUT_OF_SEARCH_ABOVE", 0)
    slim, entries, _, _ = _slim(catalogue, monkeypatch, 500)
    uri, practice = by_kind["practice"]
    page = _Page(uri, {"title": practice.title})
    slim.before(page)
    slim.after(page)
    assert page.meta["search"]["exclude"] is True and entries == []  # the finder finds it


def test_page_weight_counts_a_sharded_finders_worst_word_and_page_of_rows(tmp_path):
    config = '<script id="__config" type="application/json">{"base": ".."}</script>'
    page = ('<html><head><script src="../assets/reskb/finder.js"></script></head><body><div id="reskb-finder"></div>'
            f"{config}</body></html>")
    files = {"finder/index.html": page, "assets/reskb/finder.js": "x", "data/finder/table.js": "t" * 100,
             "data/finder/words-ab.js": "ab" * 500, "data/finder/words-ac.js": "ac" * 400,
             "data/finder/words-u61-e9.js": "u" * 300, "data/finder/words-b.js": "b",
             **{f"data/finder/rows-{n}.js": json.dumps(list(range(n * 50))) for n in range(60)}}
    site = _site(tmp_path, files)
    finder = page_weight.page_weight(site, "finder/index.html")
    words = {k: v for k, v in finder.parts.items() if "words-" in k}
    assert list(words) == ["data/finder/words-a* (3 files)"]  # 'ab', 'ac' and 'aé': what a word "a" fetches
    assert words["data/finder/words-a* (3 files)"] == pytest.approx(
        sum(_kb(files[f"data/finder/words-{k}.js"]) for k in ("ab", "ac", "u61-e9")), abs=0.01)
    rows = finder.parts["data/finder/rows-* (50 heaviest files)"]
    assert rows == pytest.approx(sum(_kb(files[f"data/finder/rows-{n}.js"]) for n in range(10, 60)), abs=0.01)
    assert "data/finder/table.js" in finder.parts
