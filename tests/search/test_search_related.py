"""Related practices: shared words and shared structured values; computed from the catalogue in memory (a site
build writes no index) with the same lists and scores as from a whoosh index of the same catalogue."""

import importlib.util
import sys
from pathlib import Path

import pytest

from conftest import REPO, SEED, STUDIES, load_valid
from reskb.cache_dir import catalogue_cache
from reskb.search import QueryError, SearchIndex, related_practices
from reskb.search.related import RelatedLists, RelatedPractices, catalogue_terms, index_terms
from reskb.site.pages import format_citations


def test_related_practices_make_sense(seed_index):
    assert {"hessen-case-meetings", "copenhagen-coordination-unit"} <= set(seed_index.related("rotterdam-case-conferences"))
    assert "rotterdam-case-conferences" in seed_index.related("hessen-case-meetings")
    assert "rotterdam-case-conferences" in seed_index.related("copenhagen-coordination-unit")
    assert "vpn-just-x-berlin" in seed_index.related("vpn-focus-islex")
    assert "hmpps-separation-centres" in seed_index.related("terrorist-wings-versus-dispersal")
    for pid in ("rotterdam-case-conferences", "uk-mappa", "good-lives-model"):
        found = seed_index.related(pid, limit=5)
        assert pid not in found and len(found) == len(set(found)) <= 5
    assert seed_index.related("trust") == []  # a challenge has no related practices
    with pytest.raises(QueryError, match="no record with id 'nowhere'"):
        seed_index.related("nowhere")


def test_related_practices_need_no_index(catalogue):
    related = related_practices(load_valid(catalogue))
    assert set(related) == {"hessen-case-meetings", "norway-family-meetings"}
    assert not catalogue_cache(catalogue, "search").exists()  # nothing was built or written for them


def _synthetic(root: Path, practices: int) -> Path:
    spec = importlib.util.spec_from_file_location("bench_for_related", REPO / "scripts/bench.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # dataclasses look their module up while the class is made
    try:
        spec.loader.exec_module(bench)
        bench.generate(root, practices)
    finally:
        del sys.modules[spec.name]
    return root


CATALOGUES = {"seed": lambda tmp: SEED, "portal": lambda tmp: REPO / "tests/fixtures/portal",
              "studies": lambda tmp: STUDIES, "live": lambda tmp: REPO,
              "synthetic-300": lambda tmp: _synthetic(tmp / "synthetic", 300)}


@pytest.mark.parametrize("name", list(CATALOGUES))
def test_related_practices_from_memory_equal_those_from_the_index(name, tmp_path):
    root = CATALOGUES[name](tmp_path)
    catalogue = load_valid(root)
    with SearchIndex.open(root, tmp_path / "cache", catalogue) as ix:
        from_index = index_terms(ix)
        # the statistics the scores are made of: documents, field lengths as stored, the average, every term's
        # postings and idf
        from_memory = catalogue_terms(catalogue)
        assert from_memory.ids == from_index.ids
        assert from_memory.practices == from_index.practices
        assert from_memory.lengths == from_index.lengths
        assert from_memory.average == pytest.approx(from_index.average, abs=1e-12)
        index_postings = [(t, list(ids), list(w), idf) for t, ids, w, idf in from_index.postings]
        assert index_postings, "the index holds no content terms"
        assert [(t, list(ids), list(w), idf) for t, ids, w, idf in from_memory.postings] == index_postings
        # and so the similar-practice lists: the same ids in the same order, scores within 1e-9
        expected = RelatedPractices(index_terms(ix))
        found = RelatedPractices.of_catalogue(catalogue)
        want, got = expected.text_neighbours(), found.text_neighbours()
        assert list(got) == list(want) and any(want.values())
        for pid, like in want.items():
            assert [o for o, _ in got[pid]] == [o for o, _ in like], pid
            assert all(abs(a - b) <= 1e-9 for (_, a), (_, b) in zip(got[pid], like, strict=True)), pid
        lists = related_practices(catalogue, limit=3)
        assert lists == {pid: ix.related(pid, 3) for pid in sorted(catalogue.practices)} and any(lists.values())
        for limit in (1, 10):
            assert all(found.of(pid, limit) == ix.related(pid, limit) for pid in catalogue.practices)


def test_related_lists_are_found_when_asked_and_as_related_practices_finds_them():
    catalogue = load_valid(SEED)
    lists = RelatedLists(catalogue)
    eager = RelatedPractices.of_catalogue(load_valid(SEED))
    assert {pid: lists[pid] for pid in reversed(list(lists))} == {pid: eager.of(pid, 3) for pid in sorted(lists)}
    assert list(lists) == sorted(catalogue.practices) and len(lists) == len(catalogue.practices)
    assert lists.get("trust") is None  # a challenge: no list


def test_the_words_related_practices_score_are_the_same_once_citations_are_formatted(studies):
    """A build formats the citations before it finds the similar practices: pandoc tells two works by one author
    in one year apart ("Müller (2016a)"), the entries alone do not; the words scored must not change."""
    with (studies / "bibliography" / "refs.bib").open("a", encoding="utf-8") as bib:
        bib.write("\n@article{journal2016b,\n  author = {M{\\\"u}ller, Jan},\n  title = {Another fixture article},\n"
                  "  journal = {Fixture Journal},\n  year = {2016}\n}\n")
    record = studies / "practices" / "norway-family-meetings.yaml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("\ndescription: |\n", "\ndescription: |\n  As @journal2016 and @journal2016b note.\n", 1),
                      encoding="utf-8")
    assert "@journal2016b note" in record.read_text(encoding="utf-8")
    catalogue = load_valid(studies)
    words = [(term, list(ids), list(weights)) for term, ids, weights, _ in catalogue_terms(catalogue).postings]
    related = related_practices(catalogue)
    format_citations(catalogue)
    assert catalogue.references["journal2016"].narrative != catalogue.references["journal2016"].rough_narrative
    assert [(term, list(ids), list(weights)) for term, ids, weights, _ in catalogue_terms(catalogue).postings] == words
    assert related_practices(catalogue) == related
