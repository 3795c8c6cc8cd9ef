"""Search index building: one document per record, cached in the user's cache folder, rebuilt only on change."""

import os

import pytest

from conftest import SEED, edit
from reskb.cache_dir import catalogue_cache
from reskb.search import CatalogueInvalid, ensure_index, search


def ids(results):
    return [hit.id for hit in results.hits]


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


def test_every_record_is_indexed(seed_index):
    kinds = {f.stem for folder in ("practices", "challenges", "topics", "evaluations", "glossary")
             for f in (SEED / folder).glob("*.yaml")}
    assert len(seed_index) == len(kinds)
    assert seed_index.search("", limit=None).total == len(kinds)
