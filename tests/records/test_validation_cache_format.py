"""The cache file's entries, one per record file: each is checked when its file is met, so a lying or broken
entry costs only its own file; an entry kept from the last run is written back as the bytes it was read as;
a value JSON cannot hold faithfully (NaN, infinity; YAML refuses lone surrogates itself) is never cached: its
file is checked afresh in every run."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec
import pytest
from test_validation_cache import NEEDS_THE_ENTRIES, cached, entries_file, fresh, results_file, rewrite

from conftest import edit
from reskb.records import parallel_checks, validation_cache
from reskb.records.validate import load_catalogue

HESSEN = "practices/hessen-case-meetings.yaml"


def entries(root: Path) -> dict[str, bytes]:
    """The raw JSON of each entry of the cache's entries file, by entry key."""
    body = entries_file(root).read_bytes().partition(b"\n")[2]
    files = msgspec.json.decode(body, type=dict[str, msgspec.Raw])["files"]
    return {key: bytes(raw) for key, raw in msgspec.json.decode(files, type=dict[str, msgspec.Raw]).items()}


def key_of(root: Path, shown: str) -> str:
    kind = next(k for k, folder in validation_cache.FOLDERS.items() if shown.startswith(folder + "/"))
    return validation_cache.file_key(kind, shown, (root / shown).read_bytes())


LIES = {
    "text": "not an entry",
    "number": 7,
    "list": [[[]]],
    "a problem of five values": {"unreadable": False, "problems": [[HESSEN, 1, "", "m", ""]], "placeholders": []},
    "a line of true": {"unreadable": False, "problems": [[HESSEN, True, "", "m", "", "error"]], "placeholders": []},
    "a severity of its own": {"unreadable": False, "problems": [[HESSEN, 1, "", "m", "", "fatal"]],
                              "placeholders": []},
    "unreadable with a stand-in": None,  # filled from the real entry below
    "deeply nested": {"unreadable": False, "problems": [], "placeholders": [], "standin": {
        "data": {"id": "x", "title": "t", "deep": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]},
        "pointers": [], "lines": [1], "cited": []}},
}


@pytest.mark.parametrize("lie", list(LIES))
def test_a_lying_entry_costs_only_its_own_file(catalogue, lie, fresh_checks):
    edit(catalogue / HESSEN, "lead_actor: state", "lead_actor: states")
    expected = cached(catalogue)
    assert expected == fresh(catalogue) == load_catalogue(catalogue)[1]
    key = key_of(catalogue, HESSEN)

    def change(data: dict) -> None:
        entry = data["files"][key]
        data["files"][key] = {**entry, "unreadable": True} if LIES[lie] is None else LIES[lie]

    rewrite(catalogue, change)
    fresh_checks.clear()
    assert cached(catalogue) == expected
    assert fresh_checks == [HESSEN]  # every other file from its entry
    fresh_checks.clear()
    assert cached(catalogue) == expected and fresh_checks == []  # the entry written back is sound


def test_kept_entries_are_written_back_as_they_were_read(catalogue):
    cached(catalogue)
    before = entries(catalogue)
    edit(catalogue / HESSEN, "lead_actor: state", "lead_actor: states")
    edit(catalogue / NEEDS_THE_ENTRIES[0], *NEEDS_THE_ENTRIES[1:])  # a run that reads every entry
    after_edit = cached(catalogue)
    after = entries(catalogue)
    changed = key_of(catalogue, HESSEN)
    assert changed in after and changed not in before
    assert {k: v for k, v in after.items() if k != changed} == {k: v for k, v in before.items() if k in after}
    assert after_edit == fresh(catalogue)


VALUES = {
    "NaN": ("last_reviewed: 2026-01-15", "last_reviewed: .nan"),
    "infinity": ("last_reviewed: 2026-01-15", "last_reviewed: -.inf"),
}


@pytest.mark.parametrize("value", list(VALUES))
def test_a_value_json_cannot_hold_is_never_cached(catalogue, value, fresh_checks):
    text = (catalogue / HESSEN).read_text(encoding="utf-8")
    old, new = VALUES[value]
    if old not in text:
        pytest.fail(f"{old!r} not in the fixture: update this test")
    edit(catalogue / HESSEN, old, new)
    first = cached(catalogue)
    assert first == fresh(catalogue)
    assert results_file(catalogue).is_file()  # the other files' entries were kept
    for _ in range(2):
        fresh_checks.clear()
        assert cached(catalogue) == first
        assert fresh_checks == [HESSEN]


@pytest.mark.skipif(parallel_checks.workers() < 2 or os.name != "posix", reason="needs two cores and fork")
def test_workers_leave_a_value_json_cannot_hold_to_the_process(catalogue, monkeypatch, fresh_checks):
    monkeypatch.setattr(parallel_checks, "PARALLEL_FROM", 1)
    edit(catalogue / HESSEN, "last_reviewed: 2026-01-15", "last_reviewed: .nan")
    problems = cached(catalogue)
    assert fresh_checks == [HESSEN]  # the workers could not send its entry: checked here
    assert problems == fresh(catalogue) == load_catalogue(catalogue)[1]


@pytest.mark.skipif(parallel_checks.workers() < 2 or os.name != "posix", reason="needs two cores and fork")
def test_with_nothing_cached_the_workers_read_and_hash_the_files(catalogue, monkeypatch, fresh_checks):
    monkeypatch.setattr(parallel_checks, "PARALLEL_FROM", 1)
    hashed: list[str] = []
    original = validation_cache.file_key

    def spy(kind: str, shown: str, raw: bytes) -> str:
        hashed.append(shown)  # in this process only: a forked worker appends to its own copy
        return original(kind, shown, raw)

    monkeypatch.setattr(validation_cache, "file_key", spy)
    problems = cached(catalogue)
    assert hashed == [] and fresh_checks == []  # neither read, hashed nor checked in this process
    assert problems == fresh(catalogue) == load_catalogue(catalogue)[1]
    fresh_checks.clear()
    assert cached(catalogue) == problems
    assert fresh_checks == []  # the keys the workers sent are those of the files' bytes: every entry is found
    assert sorted(hashed) == sorted(f"{p.parent.name}/{p.name}" for p in catalogue.glob("*/*.yaml"))


@pytest.mark.parametrize("depth", [100, 960, 970, 975, 980, 985, 990, 995, 20_000])
def test_a_deeply_nested_entry_is_a_miss_not_a_crash(catalogue, depth):
    """Whatever the depth (msgspec stops at Python's recursion limit, in the file or in the entry)."""
    expected = cached(catalogue)
    rewrite(catalogue, lambda data: None)  # without the memo: the entries are read
    path = entries_file(catalogue)
    key = key_of(catalogue, HESSEN)
    digest, _, body = path.read_bytes().partition(b"\n")
    data = msgspec.json.decode(body, type=dict[str, msgspec.Raw])
    files = msgspec.json.decode(data["files"], type=dict[str, msgspec.Raw])
    files[key] = msgspec.Raw(b'{"unreadable":false,"problems":[],"placeholders":[],"standin":{"data":{"id":"x",'
                             b'"title":"t","deep":' + b"[" * depth + b"]" * depth + b'},"pointers":[],"lines":[1],'
                             b'"cited":[]},"own_problems":[],"citations":[[],[],[]],"locators":[]}')
    data["files"] = msgspec.Raw(msgspec.json.encode(files))
    body = msgspec.json.encode(data)
    import hashlib

    path.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
    assert cached(catalogue) == expected == fresh(catalogue)


def test_an_entry_too_deep_to_decode_is_a_miss():
    raw = (b'{"unreadable":false,"problems":[],"placeholders":[],"standin":{"data":{"id":"x","title":"t","deep":'
           + b"[" * 100_000 + b"]" * 100_000 + b'},"pointers":[],"lines":[],"cited":[]},"own_problems":[],'
           b'"citations":[[],[],[]],"locators":[]}')
    assert validation_cache.decode_file_result(raw, "practice", Path(HESSEN), HESSEN) is None


def test_library_versions_read_dist_info_and_egg_info_folders(tmp_path, monkeypatch):
    """A library installed from a Debian package has an .egg-info folder: its upgrade must change the cache key too."""
    (tmp_path / "PyYAML-6.0.1.dist-info").mkdir()
    (tmp_path / "pybtex-0.24.0-py3.11.egg-info").mkdir()
    (tmp_path / "jsonschema-4.0.0.egg-info").mkdir()
    (tmp_path / "unrelated-1.0.dist-info").mkdir()
    monkeypatch.setattr(validation_cache.sys, "path", [str(tmp_path)])
    assert validation_cache.library_versions() == {"pyyaml": "6.0.1", "pybtex": "0.24.0", "jsonschema": "4.0.0"}


def test_a_file_name_that_is_not_utf8_leaves_the_other_files_cached(catalogue, fresh_checks):
    """Its name reaches the cache as a lone surrogate, which JSON cannot hold: only what names it is left out."""
    bib = next((catalogue / "bibliography").glob("*.bib"))
    odd = catalogue / "bibliography" / os.fsdecode(b"extra\xff.bib")
    odd.write_bytes(bib.read_bytes())
    expected = fresh(catalogue)
    assert cached(catalogue) == expected
    assert results_file(catalogue).is_file()
    fresh_checks.clear()
    assert cached(catalogue) == expected
    assert HESSEN not in fresh_checks  # read from the cache
