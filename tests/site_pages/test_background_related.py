"""BackgroundRelated (site/incremental.py): the similar-practice lists that `mkdocs serve --dirty` finds in a
thread must settle on the lists of the catalogue as it is on disk, whenever an edit arrives."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from reskb.site.incremental import BackgroundRelated


def test_an_edit_made_while_the_lists_are_being_found_is_not_mistaken_for_the_one_they_were_found_for(tmp_path):
    record = tmp_path / "practices" / "a.yaml"
    record.parent.mkdir()

    def write(version: str) -> SimpleNamespace:
        """Save a version of the record; the catalogue as a build would load it."""
        record.write_text(f"id: a\ntitle: {version}\n", encoding="utf-8")
        return SimpleNamespace(root=str(tmp_path), version=version)

    def compute(catalogue: SimpleNamespace) -> dict[str, list[str]]:
        if catalogue.version == "v2":  # the contributor saves again while the thread works on v2
            write("v3")
        return {"a": [catalogue.version]}

    related = BackgroundRelated(compute)
    assert related.get(write("v1")) == {"a": ["v1"]}  # the first build finds them at once
    assert related.get(write("v2")) == {"a": ["v1"]}  # later builds show the last lists, v2 is queued
    related.start()
    related.wait(30)
    v3 = SimpleNamespace(root=str(tmp_path), version="v3")  # the build that the save of v3 started
    related.get(v3)
    related.start()
    related.wait(30)
    assert related.get(v3) == {"a": ["v3"]}, "the lists of v2 stayed as if they were v3's"
    assert Path(record).read_text(encoding="utf-8").endswith("v3\n")
