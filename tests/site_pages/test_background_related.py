"""BackgroundRelated (site/incremental.py): the similar-practice lists that `mkdocs serve --dirty` finds in a
thread must settle on the lists of the catalogue as it is on disk, whenever an edit arrives."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from conftest import edit
from reskb.site.incremental import BackgroundRelated


def test_an_edit_made_while_the_lists_are_being_found_is_not_mistaken_for_the_one_they_were_found_for(tmp_path):
    record = tmp_path / "practices" / "a.yaml"
    record.parent.mkdir()

    def write(version: str) -> SimpleNamespace:
        """Save a version of the record; the catalogue as a build would load it."""
        record.write_text(f"id: a\ntitle: {version}\n", encoding="utf-8")
        return SimpleNamespace(root=str(tmp_path), version=version, source_hash="")

    def compute(catalogue: SimpleNamespace) -> dict[str, list[str]]:
        if catalogue.version == "v2":  # the contributor saves again while the thread works on v2
            write("v3")
        return {"a": [catalogue.version]}

    related = BackgroundRelated(compute)
    assert related.get(write("v1")) == {"a": ["v1"]}  # the first build finds them at once
    assert related.get(write("v2")) == {"a": ["v1"]}  # later builds show the last lists, v2 is queued
    related.start()
    related.wait(30)
    v3 = SimpleNamespace(root=str(tmp_path), version="v3", source_hash="")  # the build that the save of v3 started
    related.get(v3)
    related.start()
    related.wait(30)
    assert related.get(v3) == {"a": ["v3"]}, "the lists of v2 stayed as if they were v3's"
    assert Path(record).read_text(encoding="utf-8").endswith("v3\n")


def test_an_index_built_from_a_catalogue_older_than_its_files_is_not_stamped_as_theirs(catalogue, tmp_path):
    """An index built from the catalogue a build loaded (as the thread once did), while the contributor may have saved
    again since: that index must not be cached under the hash of the newer files (`reskb search`, later builds
    and the next lists would all read the old text as if it were the new)."""
    from reskb.records.validate import load_catalogue
    from reskb.search import content_hash, ensure_index, search

    cache = tmp_path / "cache"
    source = content_hash(catalogue)  # what the plugin records before it loads the catalogue
    loaded, _ = load_catalogue(catalogue)
    loaded.source_hash = source
    edit(catalogue / "practices/hessen-case-meetings.yaml", "youth care meet", "youth care and imams meet")
    ensure_index(catalogue, cache, catalogue=loaded)  # builds the index from the loaded (older) catalogue
    assert [hit.id for hit in search("imams", root=catalogue, cache_dir=cache).hits] == ["hessen-case-meetings"]
