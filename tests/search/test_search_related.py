"""Related practices: shared words and shared structured values, cached beside the index."""

import json

import pytest

from reskb.search import QueryError, related_practices


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


def test_related_practices_are_cached_with_the_index(catalogue, tmp_path):
    from reskb.records.validate import load_catalogue

    cat, _ = load_catalogue(catalogue)
    related = related_practices(cat, tmp_path)
    assert set(related) == {"hessen-case-meetings", "norway-family-meetings"}
    saved = json.loads((tmp_path / "related.json").read_text())
    assert saved["related"] == related
    (tmp_path / "related.json").write_text(json.dumps({**saved, "related": {"x": ["y"]}}))
    assert related_practices(cat, tmp_path) == {"x": ["y"]}  # read from the seed_search_cache, not recomputed
