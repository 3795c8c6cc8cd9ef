"""Search queries: ranking, stemming, operators, filters and facets, errors, the Python function, and the two
query executors (ours and whoosh's own searcher) giving the same results."""

import json

import pytest

from conftest import SEED
from reskb.search import QueryError, SearchIndex, search


def ids(results):
    return [hit.id for hit in results.hits]



# --- queries ------------------------------------------------------------------------------------


def test_family_finds_the_austrian_social_network_meetings(seed_index):
    results = seed_index.search("family")
    assert "austria-social-network-meetings" in ids(results)
    assert "**famil" in results.hits[ids(results).index("austria-social-network-meetings")].snippet.lower()


def test_title_and_summary_rank_above_the_body(seed_index):
    assert ids(seed_index.search("Copenhagen"))[0] == "copenhagen-coordination-unit"
    assert ids(seed_index.search("case conferences"))[0] == "rotterdam-case-conferences"


def test_stemming_matches_other_forms_of_a_word(seed_index):
    reintegrate = set(ids(seed_index.search("reintegrate", limit=None)))
    assert reintegrate == set(ids(seed_index.search("reintegration", limit=None)))
    assert "hessen-case-meetings" in reintegrate  # its summary says "reintegration plan"


def test_phrases_operators_and_fields(seed_index):
    assert set(ids(seed_index.search('"case conferences"'))) == {"rotterdam-case-conferences", "hessen-case-meetings"}
    families = set(ids(seed_index.search("family", limit=None)))
    without = set(ids(seed_index.search("family NOT release", limit=None)))
    assert without < families and "austria-social-network-meetings" not in without
    assert set(ids(seed_index.search("Copenhagen OR Rotterdam", kind="practice"))) == {
        "copenhagen-coordination-unit", "rotterdam-case-conferences"}
    danish = ids(seed_index.search("", country="DK", limit=None))
    assert ids(seed_index.search("country:DK AND kind:practice", limit=None)) == danish
    assert {h.id for h in seed_index.search("phase:pre-release", limit=None).hits} == {
        h.id for h in seed_index.search("", phase="pre-release", limit=None).hits}


def test_all_words_first_then_any_word(seed_index):
    results = seed_index.search("family support after release", kind="practice", limit=None)
    assert results.matched == "any"  # no practice has all four words
    assert "austria-social-network-meetings" in ids(results)  # (not "first": a new record may rank higher)
    scores = [hit.score for hit in results.hits]
    assert scores == sorted(scores, reverse=True)
    assert seed_index.search("family release", kind="practice").matched == "all"


def test_a_misspelt_query_gets_a_suggestion(seed_index):
    results = seed_index.search("familly")
    assert results.total == 0 and results.suggestion == "family"
    assert seed_index.search("family").suggestion is None


# --- filters and facets -------------------------------------------------------------------------


def test_country_filter_narrows_to_that_country(seed_index):
    danish = seed_index.search("", country="DK", limit=None)
    assert danish.total >= 2 and all("DK" in h.countries for h in danish.hits)
    assert "copenhagen-coordination-unit" in ids(danish)
    prison = seed_index.search("prison", country="dk", limit=None)  # codes in any case
    assert 0 < prison.total < seed_index.search("prison", limit=None).total
    assert all("DK" in h.countries for h in prison.hits)


def test_several_values_match_any_and_filters_combine(seed_index):
    either = seed_index.search("", country=["DK", "AT"], limit=None)
    assert {c for h in either.hits for c in h.countries} >= {"DK", "AT"}
    assert either.total == seed_index.search("", country="DK,AT", limit=None).total
    both = seed_index.search("", country="DE", phase="post-release", lead_actor="hybrid", limit=None)
    assert ids(both) == ["germany-hybrid-state-ngo-model"]
    topical = seed_index.search("", topic="family-and-social-networks", kind="practice", limit=None)
    assert "austria-social-network-meetings" in ids(topical)
    assert all("family-and-social-networks" in h.topics for h in topical.hits)
    assert all("trust" in h.challenges for h in seed_index.search("", challenge="trust", kind="practice", limit=None).hits)


def test_unknown_filter_values_are_named_with_suggestions(seed_index):
    with pytest.raises(QueryError, match="no record has topic 'family-and-social-network'; did you mean "
                                         "family-and-social-networks"):
        seed_index.search("", topic="family-and-social-network")
    with pytest.raises(QueryError, match="no record has country 'XX'; known: AT, DE"):
        seed_index.search("", country="XX")


def test_facets_count_every_match_not_only_the_hits_shown(seed_index):
    results = seed_index.search("prison", limit=2)
    assert len(results.hits) == 2 and results.total > 2
    assert sum(results.facets["kind"].values()) == results.total
    assert list(results.facets["kind"].values()) == sorted(results.facets["kind"].values(), reverse=True)
    danish = seed_index.search("", country="DK", limit=None)
    assert danish.facets["country"]["DK"] == danish.total


@pytest.mark.parametrize("text, filters", [("prison", {}), ("family", {"country": "AT,DK"}), ("", {"kind": "practice"}),
                                           ("imams", {}), ("year:>2015", {})])
def test_facets_counted_by_bits_equal_facets_counted_one_by_one(seed_index, monkeypatch, text, filters):
    """Many matches are counted with one bit mask per facet value, few one value at a time: same counts, same order."""
    monkeypatch.setattr(seed_index, "_bitset_from", 0)
    by_bits = seed_index.search(text, limit=None, **filters)
    monkeypatch.setattr(seed_index, "_bitset_from", len(seed_index) + 1)
    one_by_one = seed_index.search(text, limit=None, **filters)
    assert 0 < by_bits.total < len(seed_index)  # neither nothing nor everything (both skip counting)
    assert by_bits.facets == one_by_one.facets
    assert [list(values) for values in by_bits.facets.values()] == [list(values) for values in one_by_one.facets.values()]
    countries = [c for hit in one_by_one.hits for c in hit.countries]
    assert by_bits.facets["country"] == {c: countries.count(c) for c in by_bits.facets["country"]}


@pytest.mark.parametrize("query, message", [
    ('"family support', "a phrase is not closed"),
    ("(family OR housing", "a '(' is not closed"),
    ("family)", "a ')' closes nothing"),
    ("family AND", "'AND' needs a word or phrase on each side"),
    ("OR family", "'OR' needs a word or phrase on each side"),
    ("family NOT", "'NOT' needs a word or phrase after it"),
    ("contry:DK", "unknown field 'contry:'; did you mean 'country:'?"),
    ("country:", "'country:' needs a value, e.g. country:DK"),
    ("year:soon", "cannot read the query: 'soon' is not a valid number"),
])
def test_query_syntax_errors_say_what_to_fix(seed_index, query, message):
    with pytest.raises(QueryError) as error:
        seed_index.search(query)
    assert message in str(error.value)


# --- the Python function --------------------------------------------------------------------------


def test_python_function_returns_plain_data(seed_search_cache):
    results = search("family", country="AT", root=SEED, cache_dir=seed_search_cache, limit=None)
    assert "austria-social-network-meetings" in ids(results)  # more may come: expectations follow the data
    data = results.to_dict()
    assert json.loads(json.dumps(data)) == data  # plain dicts, lists, strings and numbers
    austria = next(hit for hit in data["hits"] if hit["id"] == "austria-social-network-meetings")
    assert austria["path"] == "practices/austria-social-network-meetings/"
    assert data["facets"]["country"]["AT"] == data["total"] == len(data["hits"])
    with pytest.raises(TypeError, match="unknown filter"):
        search("family", land="AT", root=SEED, cache_dir=seed_search_cache)


def test_python_function_keeps_one_index_open(seed_search_cache):
    from reskb.search import query as module

    search("family", root=SEED, cache_dir=seed_search_cache)
    opened = [entry[1] for key, entry in module._OPEN.items() if key[1] == seed_search_cache.resolve()]
    search("prison", root=SEED, cache_dir=seed_search_cache)
    again = [entry[1] for key, entry in module._OPEN.items() if key[1] == seed_search_cache.resolve()]
    assert len(opened) == 1 and again == opened  # the same open index answers the second query


# --- the two query executors ------------------------------------------------------------------------

#: queries of every kind the executor runs itself: words, all-then-any, phrases, operators, fields, ranges, typos,
#: prefixes, and filters that leave some, one or no records
AGREEMENT = [
    ("family", {}), ("family support after release", {"kind": "practice"}), ('"case conferences"', {}),
    ("reintegrate", {"country": "DE,NL"}), ("trust NOT police", {}), ("family NOT release", {}),
    ("Copenhagen OR Rotterdam", {}), ("probation AND police", {"phase": "post-release"}), ("country:DK", {}),
    ("title:mentoring", {}), ("year:>2015", {}), ("famly~", {}), ("reint*", {}), ("prison", {"topic": "staff-training"}),
    ("prison", {"country": "DK", "lead_actor": "ngo"}), ("", {"country": "AT"}), ("imams", {}),
]


@pytest.mark.parametrize("text, filters", AGREEMENT)
def test_our_executor_gives_what_whooshs_own_searcher_gives(seed_index, seed_search_cache, text, filters):
    """Ours reads whoosh's postings directly (fast, but tied to whoosh-reloaded's format): it must rank, score,
    count and mark words exactly as whoosh's own searcher does."""
    with SearchIndex.open(SEED, seed_search_cache, executor="whoosh") as whoosh:
        theirs = whoosh.search(text, limit=None, **filters)
    ours = seed_index.search(text, limit=None, **filters)
    assert seed_index.executor == "custom" and whoosh.executor == "whoosh"
    assert ids(ours) == ids(theirs)
    assert [hit.score for hit in ours.hits] == pytest.approx([hit.score for hit in theirs.hits], rel=1e-6)
    assert [hit.snippet for hit in ours.hits] == [hit.snippet for hit in theirs.hits]
    assert (ours.total, ours.facets, ours.matched) == (theirs.total, theirs.facets, theirs.matched)


def test_a_filter_that_leaves_no_record_gives_no_hits_with_either_executor(seed_search_cache):
    for executor in ("custom", "whoosh"):
        with SearchIndex.open(SEED, seed_search_cache, executor=executor) as index:
            found = index.search("prison", country="DK", lead_actor="ngo", limit=None)
            assert found.total == 0 and found.hits == [], executor


def test_an_unknown_executor_is_refused(seed_search_cache):
    with pytest.raises(ValueError, match="unknown executor 'lucene'; use one of custom, whoosh"):
        SearchIndex.open(SEED, seed_search_cache, executor="lucene")
