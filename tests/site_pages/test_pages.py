import threading
from types import SimpleNamespace

from conftest import SEED
from reskb.citations import STYLES
from reskb.records.validate import load_catalogue
from reskb.site import pages
from reskb.site.pages import build_pages, md_escape, rel
from reskb.site.record_citation import citation_texts


def pages_of(root):
    catalogue, problems = load_catalogue(root)
    assert not [p for p in problems if p.severity == "error"]
    return build_pages(catalogue)


def test_a_page_for_every_record_country_and_index(catalogue):
    pages = pages_of(catalogue)
    assert set(pages) == {
        "practices/index.md", "challenges/index.md", "topics/index.md", "countries/index.md", "bibliography.md",
        "practices/norway-family-meetings.md", "practices/hessen-case-meetings.md", "challenges/stigma.md",
        "topics/family-support.md", "countries/no.md", "countries/de.md", "recent.md", "compare/index.md", "finder.md",
        "evaluations/index.md", "glossary/index.md",  # the list pages exist before any study or term
    }


def test_cross_links_go_both_ways(catalogue):
    pages = pages_of(catalogue)
    practice = pages["practices/norway-family-meetings.md"]
    assert "[Family support](../topics/family-support.md)" in practice
    assert "[Stigmatisation](../challenges/stigma.md)" in practice
    assert "[Norway](../countries/no.md)" in practice
    for back in ("topics/family-support.md", "challenges/stigma.md", "countries/no.md"):
        assert "[Family meetings in Norway](../practices/norway-family-meetings.md)" in pages[back], back
    # related practices are linked from both sides
    assert "[Family meetings in Norway](norway-family-meetings.md)" in pages["practices/hessen-case-meetings.md"]
    assert "[Case meetings in Hessen](hessen-case-meetings.md)" in practice


def test_structured_fields_shown_with_labels(catalogue):
    practice = pages_of(catalogue)["practices/norway-family-meetings.md"]
    assert "Phases of custody\n:   Pre-release, Post-release\n" in practice
    assert "How often\n:   Monthly\n" in practice
    assert "Evidence\n:   Not evaluated\n" in practice
    assert "Status\n:   Pilot (since 2017)\n" in practice  # one value: the status with its years
    assert "Aspect" not in practice and "Started" not in practice
    hessen = pages_of(catalogue)["practices/hessen-case-meetings.md"]
    assert "Regions\n:   Hessen\n" in hessen
    assert "Status\n:   Not recorded\n" in hessen  # one wording for what the sources do not say


def test_citations_link_to_the_reference_list(catalogue):
    practice = pages_of(catalogue)["practices/norway-family-meetings.md"]
    assert "([Example & Sample, 2018, p. 5](#ref-paper2018))" in practice
    assert "as Müller ([2016](#ref-journal2016)) describes" in practice
    assert "{: #ref-paper2018 .reskb-reference }" in practice
    assert "Cited for: p. 5." in practice
    assert "[In the bibliography](../bibliography.md#paper2018)" in practice


def test_bibliography_lists_citers(catalogue):
    bib = pages_of(catalogue)["bibliography.md"]
    assert "{: #journal2016 .reskb-reference }" in bib
    assert "Cited by: [Case meetings in Hessen](practices/hessen-case-meetings.md), " \
           "[Family meetings in Norway](practices/norway-family-meetings.md)" in bib


def test_plain_text_is_escaped(catalogue):
    path = catalogue / "practices/norway-family-meetings.yaml"
    path.write_text(path.read_text().replace("name: Family members", "name: 'Family | [members](http://x) *x*'"))
    practice = pages_of(catalogue)["practices/norway-family-meetings.md"]
    assert r"Family \| \[members\](http://x) \*x\*" in practice


def test_escape_and_relative_links():
    assert md_escape("a_b *c* <d>") == r"a\_b \*c\* \<d\>"
    assert rel("practices/x.md", "topics/y.md") == "../topics/y.md"
    assert rel("bibliography.md", "practices/x.md") == "practices/x.md"
    assert rel("practices/x.md", "bibliography.md#k") == "../bibliography.md#k"


def test_citations_in_parts_are_those_formatted_at_once(monkeypatch):
    catalogue, _ = load_catalogue(SEED)
    records = catalogue.all_records()
    monkeypatch.setattr(pages, "FIRST_PART", 2)
    monkeypatch.setattr(pages, "CHUNK", 5)  # several parts, each a pandoc run per style
    parts = pages.CitationsInParts(records, "https://example.org/kb/", None)
    try:
        for style in STYLES:
            at_once = citation_texts(records, "https://example.org/kb/", style)  # one pandoc run
            texts = parts.texts(style)
            assert [texts[r.id] for r in reversed(records)] == [at_once[r.id] for r in reversed(records)]
            assert set(texts) == {r.id for r in records}
    finally:
        parts.close()


def test_a_record_waits_only_for_its_own_part_and_close_drops_the_parts_not_begun(monkeypatch):
    asked: list[tuple[str, tuple[str, ...]]] = []
    lock, later = threading.Lock(), threading.Event()

    def formatted(part, site_url, style, memo):  # noqa: ANN001, ANN202 - stands in for pandoc
        ids = tuple(r.id for r in part)
        with lock:
            asked.append((style, ids))
        if ids[0] != "r0":
            later.wait(10)  # the later parts are slow
        return {r.id: f"{style}: {r.id}" for r in part}

    monkeypatch.setattr(pages, "citation_texts_memo", formatted)
    monkeypatch.setattr(pages, "FIRST_PART", 2)
    monkeypatch.setattr(pages, "CHUNK", 3)
    records = [SimpleNamespace(id=f"r{i}") for i in range(8)]  # parts: r0-r1, r2-r4, r5-r7
    parts = pages.CitationsInParts(records, "", None)
    try:
        assert parts.texts("chicago")["r1"] == "chicago: r1"  # while the later parts are held up
        assert parts.texts("vancouver")["r0"] == "vancouver: r0"
        later.set()
        assert [parts.texts(style)["r7"] for style in STYLES] == [f"{style}: r7" for style in STYLES]
    finally:
        later.set()
        parts.close()
    parts_asked = [("r0", "r1"), ("r2", "r3", "r4"), ("r5", "r6", "r7")]
    assert sorted(asked) == sorted((style, ids) for ids in parts_asked for style in STYLES)  # each once

    later.clear()
    asked.clear()
    parts = pages.CitationsInParts(records[2:], "", None)  # parts: r2-r3, r4-r6, r7
    parts.close()  # while the first two runs wait: the others are dropped
    later.set()
    parts._pool.shutdown(wait=True)
    assert len(asked) <= 2
