"""Search: the cached whoosh index, queries and filters, facets, errors, the CLI and related practices."""

import json
import os

import pytest

from conftest import REPO, SEED, edit
from reskb.cache_dir import catalogue_cache
from reskb.cli import main
from reskb.search import CatalogueInvalid, QueryError, RelatedPractices, SearchIndex, ensure_index, related_practices, search

FIXTURE = REPO / "tests" / "fixtures" / "catalogue"


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """One index of the seed catalogue (fixed facts, see tests/fixtures/seed) for this module, in a temporary
    folder: tests never touch the repository."""
    folder = tmp_path_factory.mktemp("search-cache")
    ensure_index(SEED, folder)
    return folder


@pytest.fixture(scope="module")
def real(cache):
    with SearchIndex.open(SEED, cache) as index:
        yield index


def ids(results):
    return [hit.id for hit in results.hits]


# --- the index and its cache --------------------------------------------------------------------


def test_index_is_rebuilt_only_when_records_or_references_change(catalogue, tmp_path):
    cache = tmp_path / "cache"
    assert ensure_index(catalogue, cache) is True
    assert ensure_index(catalogue, cache) is False  # nothing changed
    (catalogue / "docs" / "index.md").write_text("# Changed\n", encoding="utf-8")
    assert ensure_index(catalogue, cache) is False  # hand-written pages are not indexed
    os.utime(catalogue / "practices/hessen-case-meetings.yaml")  # touched, same content
    assert ensure_index(catalogue, cache) is False
    edit(catalogue / "practices/hessen-case-meetings.yaml", "youth care meet", "youth care and imams meet")
    assert ensure_index(catalogue, cache) is True
    assert ensure_index(catalogue, cache) is False
    edit(catalogue / "bibliography/refs.bib", "{", "{ ")
    assert ensure_index(catalogue, cache) is True


def test_the_index_reflects_the_edit_after_a_rebuild(catalogue, tmp_path):
    assert search("imams", root=catalogue, cache_dir=tmp_path).total == 0
    edit(catalogue / "practices/hessen-case-meetings.yaml", "youth care meet", "youth care and imams meet")
    assert ids(search("imams", root=catalogue, cache_dir=tmp_path)) == ["hessen-case-meetings"]


def test_default_cache_is_in_the_user_cache_folder_not_the_checkout(catalogue, user_cache):
    ensure_index(catalogue)
    assert not (catalogue / ".cache").exists()
    assert (catalogue_cache(catalogue, "search") / "index").is_dir()
    assert user_cache in catalogue_cache(catalogue, "search").parents


def test_an_invalid_catalogue_is_not_indexed(catalogue, tmp_path):
    edit(catalogue / "practices/norway-family-meetings.yaml", "countries: [NO]", "countries: [UK]")
    with pytest.raises(CatalogueInvalid) as error:
        ensure_index(catalogue, tmp_path)
    assert any("'UK' is not an ISO 3166-1 country code" in p.message for p in error.value.problems)


def test_every_record_is_indexed(real):
    kinds = {f.stem for folder in ("practices", "challenges", "topics", "evaluations", "glossary")
             for f in (SEED / folder).glob("*.yaml")}
    assert len(real) == len(kinds)
    assert real.search("", limit=None).total == len(kinds)


# --- queries ------------------------------------------------------------------------------------


def test_family_finds_the_austrian_social_network_meetings(real):
    results = real.search("family")
    assert "austria-social-network-meetings" in ids(results)
    assert "**famil" in results.hits[ids(results).index("austria-social-network-meetings")].snippet.lower()


def test_title_and_summary_rank_above_the_body(real):
    assert ids(real.search("Copenhagen"))[0] == "copenhagen-coordination-unit"
    assert ids(real.search("case conferences"))[0] == "rotterdam-case-conferences"


def test_stemming_matches_other_forms_of_a_word(real):
    reintegrate = set(ids(real.search("reintegrate", limit=None)))
    assert reintegrate == set(ids(real.search("reintegration", limit=None)))
    assert "hessen-case-meetings" in reintegrate  # its summary says "reintegration plan"


def test_phrases_operators_and_fields(real):
    assert set(ids(real.search('"case conferences"'))) == {"rotterdam-case-conferences", "hessen-case-meetings"}
    families = set(ids(real.search("family", limit=None)))
    without = set(ids(real.search("family NOT release", limit=None)))
    assert without < families and "austria-social-network-meetings" not in without
    assert set(ids(real.search("Copenhagen OR Rotterdam", kind="practice"))) == {"copenhagen-coordination-unit",
                                                                          "rotterdam-case-conferences"}
    assert ids(real.search("country:DK AND kind:practice", limit=None)) == ids(real.search("", country="DK", limit=None))
    assert {h.id for h in real.search("phase:pre-release", limit=None).hits} == {
        h.id for h in real.search("", phase="pre-release", limit=None).hits}


def test_all_words_first_then_any_word(real):
    results = real.search("family support after release", kind="practice", limit=None)
    assert results.matched == "any"  # no practice has all four words
    assert "austria-social-network-meetings" in ids(results)  # (not "first": a new record may rank higher)
    scores = [hit.score for hit in results.hits]
    assert scores == sorted(scores, reverse=True)
    assert real.search("family release", kind="practice").matched == "all"


def test_a_misspelt_query_gets_a_suggestion(real):
    results = real.search("familly")
    assert results.total == 0 and results.suggestion == "family"
    assert real.search("family").suggestion is None


# --- filters and facets -------------------------------------------------------------------------


def test_country_filter_narrows_to_that_country(real):
    danish = real.search("", country="DK", limit=None)
    assert danish.total >= 2 and all("DK" in h.countries for h in danish.hits)
    assert "copenhagen-coordination-unit" in ids(danish)
    prison = real.search("prison", country="dk", limit=None)  # codes in any case
    assert 0 < prison.total < real.search("prison", limit=None).total
    assert all("DK" in h.countries for h in prison.hits)


def test_several_values_match_any_and_filters_combine(real):
    either = real.search("", country=["DK", "AT"], limit=None)
    assert {c for h in either.hits for c in h.countries} >= {"DK", "AT"}
    assert either.total == real.search("", country="DK,AT", limit=None).total
    both = real.search("", country="DE", phase="post-release", lead_actor="hybrid", limit=None)
    assert ids(both) == ["germany-hybrid-state-ngo-model"]
    topical = real.search("", topic="family-and-social-networks", kind="practice", limit=None)
    assert "austria-social-network-meetings" in ids(topical)
    assert all("family-and-social-networks" in h.topics for h in topical.hits)
    assert all("trust" in h.challenges for h in real.search("", challenge="trust", kind="practice", limit=None).hits)


def test_unknown_filter_values_are_named_with_suggestions(real):
    with pytest.raises(QueryError, match="no record has topic 'family-and-social-network'; did you mean "
                                         "family-and-social-networks"):
        real.search("", topic="family-and-social-network")
    with pytest.raises(QueryError, match="no record has country 'XX'; known: AT, DE"):
        real.search("", country="XX")


def test_facets_count_every_match_not_only_the_hits_shown(real):
    results = real.search("prison", limit=2)
    assert len(results.hits) == 2 and results.total > 2
    assert sum(results.facets["kind"].values()) == results.total
    assert list(results.facets["kind"].values()) == sorted(results.facets["kind"].values(), reverse=True)
    danish = real.search("", country="DK", limit=None)
    assert danish.facets["country"]["DK"] == danish.total


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
def test_query_syntax_errors_say_what_to_fix(real, query, message):
    with pytest.raises(QueryError) as error:
        real.search(query)
    assert message in str(error.value)


# --- the Python function --------------------------------------------------------------------------


def test_python_function_returns_plain_data(cache):
    results = search("family", country="AT", root=SEED, cache_dir=cache, limit=None)
    assert "austria-social-network-meetings" in ids(results)  # more may come: expectations follow the data
    data = results.to_dict()
    assert json.loads(json.dumps(data)) == data  # plain dicts, lists, strings and numbers
    austria = next(hit for hit in data["hits"] if hit["id"] == "austria-social-network-meetings")
    assert austria["path"] == "practices/austria-social-network-meetings/"
    assert data["facets"]["country"]["AT"] == data["total"] == len(data["hits"])
    with pytest.raises(TypeError, match="unknown filter"):
        search("family", land="AT", root=SEED, cache_dir=cache)


def test_python_function_keeps_one_index_open(cache):
    from reskb.search import query as module

    search("family", root=SEED, cache_dir=cache)
    opened = [entry[1] for key, entry in module._OPEN.items() if key[1] == cache.resolve()]
    search("prison", root=SEED, cache_dir=cache)
    again = [entry[1] for key, entry in module._OPEN.items() if key[1] == cache.resolve()]
    assert len(opened) == 1 and again == opened  # the same open index answers the second query


# --- the command line -----------------------------------------------------------------------------


def run(capsys, *args):
    code = main(["search", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_lists_hits_with_snippets_and_facets(capsys, cache):
    code, out, err = run(capsys, "family", "--path", str(SEED), "--cache", str(cache))
    assert code == 0, err
    assert "Social network meetings in Austria" in out and "practices/austria-social-network-meetings/" in out
    assert "**families**" in out  # highlighted where the output is not a terminal
    austrian = search("family", country="AT", root=SEED, cache_dir=cache, limit=None).total
    assert f"AT Austria ({austrian})" in out.split("Countries:")[1]


def test_cli_country_filter(capsys, cache):
    code, out, _ = run(capsys, "--country", "DK", "--path", str(SEED), "--cache", str(cache))
    assert code == 0
    assert "Copenhagen Coordination Unit" in out and "Rotterdam" not in out
    # fixed numbers belong to the fixture catalogue: there, no German practice mentions Norway
    fixture = str(FIXTURE)
    code, out, _ = run(capsys, "Norway", "--country", "DE", "--path", fixture, "--cache", str(cache / "fixture"))
    assert code == 0 and '0 record(s) match "Norway" with country DE' in out
    assert "1 record(s) match without the filters" in out


def test_cli_json(capsys, cache):
    code, out, _ = run(capsys, "family", "--json", "--limit", "50", "--path", str(SEED), "--cache", str(cache))
    assert code == 0
    data = json.loads(out)
    hit = next(h for h in data["hits"] if h["id"] == "austria-social-network-meetings")
    assert hit["url"] == "https://example.org/seed/practices/austria-social-network-meetings/"  # the seed's site_url
    assert hit["countries"] == ["AT"] and hit["kind"] == "practice"
    assert data["facets"]["country"]["AT"] == sum("AT" in h["countries"] for h in data["hits"])
    assert data["total"] == len(data["hits"])
    assert set(data["facets"]) == {"kind", "country", "topic", "challenge", "phase", "lead_actor", "status", "evidence",
                                   "design"}


def test_cli_query_error_is_a_message_not_a_traceback(capsys, cache):
    code, out, err = run(capsys, '"family', "--path", str(SEED), "--cache", str(cache))
    assert code == 1 and out == ""
    assert err.startswith('reskb search: a phrase is not closed') and "Traceback" not in err
    code, _, err = run(capsys, "x", "--lead-actor", "government", "--path", str(SEED), "--cache", str(cache))
    assert code == 1 and "no record has lead_actor 'government'" in err


def test_cli_on_an_invalid_catalogue(capsys, catalogue, tmp_path):
    edit(catalogue / "practices/norway-family-meetings.yaml", "countries: [NO]", "countries: [UK]")
    code, _, err = run(capsys, "family", "--path", str(catalogue), "--cache", str(tmp_path))
    assert code == 1
    assert "practices/norway-family-meetings.yaml:8: countries[0]" in err and "reskb validate" in err


# --- related practices ----------------------------------------------------------------------------


def test_related_practices_make_sense(real):
    related = RelatedPractices(real)
    assert {"hessen-case-meetings", "copenhagen-coordination-unit"} <= set(related.of("rotterdam-case-conferences"))
    assert "rotterdam-case-conferences" in related.of("hessen-case-meetings")
    assert "rotterdam-case-conferences" in related.of("copenhagen-coordination-unit")
    assert "vpn-just-x-berlin" in related.of("vpn-focus-islex")
    assert "hmpps-separation-centres" in related.of("terrorist-wings-versus-dispersal")
    for pid in ("rotterdam-case-conferences", "uk-mappa", "good-lives-model"):
        found = related.of(pid, limit=5)
        assert pid not in found and len(found) == len(set(found)) <= 5
    assert related.of("trust") == []  # a challenge has no related practices


def test_related_practices_are_cached_with_the_index(catalogue, tmp_path):
    from reskb.validate import load_catalogue

    cat, _ = load_catalogue(catalogue)
    related = related_practices(cat, tmp_path)
    assert set(related) == {"hessen-case-meetings", "norway-family-meetings"}
    saved = json.loads((tmp_path / "related.json").read_text())
    assert saved["related"] == related
    (tmp_path / "related.json").write_text(json.dumps({**saved, "related": {"x": ["y"]}}))
    assert related_practices(cat, tmp_path) == {"x": ["y"]}  # read from the cache, not recomputed
