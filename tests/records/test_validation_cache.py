"""`reskb validate`'s result cache: a cached run reports exactly what a fresh one does, after any edit,
and a cache file that is corrupt, truncated, from another version or lying about its shape is a miss."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURE, SEED, STUDIES, edit, move_to_2100
from reskb.cache_dir import catalogue_cache
from reskb.records import validation_cache
from reskb.records.validate import load_catalogue


def results_file(root: Path) -> Path:
    """The cache's index: stat keys, the bibliography's results, the memo of the last run's problems."""
    return catalogue_cache(root, validation_cache.CACHE_NAME) / validation_cache.RESULTS_FILE


def entries_file(root: Path) -> Path:
    """The cache's entry of each file, written by the runs that read every file."""
    return catalogue_cache(root, validation_cache.CACHE_NAME) / validation_cache.ENTRIES_FILE


def fresh(root: Path) -> list:
    return validation_cache.validate(root, use_cache=False)[0].problems


def cached(root: Path) -> list:
    checked, not_cached = validation_cache.validate(root)
    assert not_cached == ""
    return checked.problems


def same_as_fresh(root: Path) -> list:
    """Problems of a cached run, after checking that they equal a fresh run's and load_catalogue's (the build's)."""
    problems = cached(root)
    assert problems == fresh(root) == load_catalogue(root)[1]
    return problems


@pytest.mark.parametrize("source", [FIXTURE, SEED, STUDIES], ids=["fixture", "seed", "studies"])
def test_cached_runs_report_what_fresh_runs_do(tmp_path, source, fresh_checks):
    root = tmp_path / "catalogue"
    shutil.copytree(source, root)
    (root / "practices" / "broken.yaml").write_text("id: broken\ntitle: [\n", encoding="utf-8")
    first = same_as_fresh(root)
    assert any(p.path == "practices/broken.yaml" for p in first)
    assert results_file(root).is_file()
    fresh_checks.clear()
    assert cached(root) == first
    assert fresh_checks == []  # every file from the cache


def test_a_change_in_one_file_reaches_the_records_that_link_to_it(catalogue, fresh_checks):
    before = same_as_fresh(catalogue)
    edit(catalogue / "topics/family-support.yaml", "id: family-support", "id: family-care")
    fresh_checks.clear()
    after = cached(catalogue)
    assert fresh_checks == ["topics/family-support.yaml"]  # the practices that link to it came from the cache
    assert after == fresh(catalogue) == load_catalogue(catalogue)[1]
    new = {(p.path, p.message) for p in after} - {(p.path, p.message) for p in before}
    assert ("practices/hessen-case-meetings.yaml", "unknown topic id 'family-support'") in new
    assert ("practices/norway-family-meetings.yaml", "unknown topic id 'family-support'") in new


def test_deleted_renamed_and_duplicate_records(catalogue):
    same_as_fresh(catalogue)
    (catalogue / "challenges/stigma.yaml").unlink()
    assert any("unknown challenge id 'stigma'" in p.message for p in same_as_fresh(catalogue))
    (catalogue / "practices/norway-family-meetings.yaml").rename(catalogue / "practices/norway-meetings.yaml")
    problems = same_as_fresh(catalogue)
    assert any(p.path == "practices/norway-meetings.yaml" and "differs from the file name" in p.message
               for p in problems)
    shutil.copy(catalogue / "practices/norway-meetings.yaml", catalogue / "practices/norway-family-meetings.yaml")
    problems = same_as_fresh(catalogue)
    assert any("is already used by" in p.message for p in problems)


def test_a_changed_bibtex_file_reaches_the_records_that_cite_it(catalogue):
    same_as_fresh(catalogue)
    edit(catalogue / "bibliography/refs.bib", "@article{journal2016,", "@article{journal2017,")
    problems = same_as_fresh(catalogue)
    assert any(p.path == "practices/norway-family-meetings.yaml" and p.message == "unknown reference key 'journal2016'"
               for p in problems)
    (catalogue / "bibliography/refs.bib").unlink()
    assert any(p.message == "unknown reference key 'paper2018'" for p in same_as_fresh(catalogue))


def test_dates_are_checked_against_today_not_the_day_of_the_cache(catalogue, monkeypatch):
    edit(catalogue / "topics/family-support.yaml", "last_reviewed: 2026-01-15", "last_reviewed: 2099-01-15")
    assert any("lies in the future" in p.message for p in same_as_fresh(catalogue))
    move_to_2100(monkeypatch)
    assert not any("lies in the future" in p.message for p in same_as_fresh(catalogue))


def rewrite(root: Path, change, memo: bool = False) -> None:  # noqa: ANN001
    """Apply change to the cache's JSON (both files as one: files, stats, bibliography, memo) and store it with
    matching digests (well-formed files that lie); without the memo of the last run's problems unless `memo`
    (else the files it holds are not decoded at all)."""
    index, entries = (json.loads(path.read_bytes().partition(b"\n")[2]) for path in (results_file(root),
                                                                                     entries_file(root)))
    data = {**index, "files": entries["files"]}
    if not memo:
        data["memo"] = None
    change(data)
    for path, names in ((results_file(root), ("format", "code", "stats", "bibliography", "memo")),
                        (entries_file(root), ("format", "code", "files"))):
        body = json.dumps({name: data[name] for name in names if name in data}).encode()
        path.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


LIES = {
    "wrong types": lambda d: [e.update(problems=[[1, "x", None, "", "", "error"]]) for e in d["files"].values()],
    "another file's problem": lambda d: [e.update(problems=[["elsewhere.yaml", 1, "", "m", "", "error"]])
                                         for e in d["files"].values()],
    "bad severity": lambda d: [p.__setitem__(5, "fatal") for e in d["files"].values() for p in e["problems"]],
    "stand-in without an id": lambda d: [e["standin"]["data"].pop("id") for e in d["files"].values()],
    "lines not numbers": lambda d: [e["standin"].update(lines=["one"] * len(e["standin"]["lines"]))
                                    for e in d["files"].values()],
    "lines of true": lambda d: [e["standin"].update(lines=[True] * len(e["standin"]["lines"]))
                                for e in d["files"].values()],
    "lines cut short": lambda d: [e["standin"]["lines"].pop() for e in d["files"].values()],
    "pointer of objects": lambda d: [e["standin"].update(pointers=[[{"a": 1}]] * len(e["standin"]["lines"]))
                                     for e in d["files"].values()],
    "citations cut short": lambda d: [e["citations"][0].append("paper2018") for e in d["files"].values()],
    "citation lines as text": lambda d: [e["citations"].__setitem__(1, [str(n) for n in e["citations"][1]])
                                         for e in d["files"].values() if e["citations"][1]],
    "bibliography of strings": lambda d: d["bibliography"]["result"].update(references="paper2018"),
    "another version": lambda d: d.update(code="0" * 64),
    "entries not objects": lambda d: d.update(files={k: [[[[[]]]]] for k in d["files"]}),
}


@pytest.mark.parametrize("lie", list(LIES))
def test_a_lying_entry_is_a_miss(catalogue, lie, fresh_checks):
    edit(catalogue / "practices/hessen-case-meetings.yaml", "lead_actor: state", "lead_actor: states")
    expected = same_as_fresh(catalogue)
    rewrite(catalogue, LIES[lie])
    fresh_checks.clear()
    assert cached(catalogue) == expected
    if lie not in ("bibliography of strings",):
        assert "practices/hessen-case-meetings.yaml" in fresh_checks  # checked afresh, not taken from the entry
    assert cached(catalogue) == expected  # and the cache it wrote back is sound


def _slims(memo: dict, change) -> None:  # noqa: ANN001
    """Change the memo's slim stand-ins, and its key of the checks across records, so that they run on them."""
    memo["across_key"] = "0" * 64
    for kept in memo["files"].values():
        if kept[5]:
            change(kept[5])


#: a memo's file: kind, stem, unreadable, id, contribution, slim stand-in, problems, placeholders
MEMO_LIES = {
    "another file's problem": lambda m: [f.__setitem__(6, [["elsewhere.yaml", 1, "", "m", "", "error"]])
                                         for f in m["files"].values()],
    "another file's placeholder": lambda m: [f.__setitem__(7, [["elsewhere.yaml", 1, "", "m", "", "error"]])
                                             for f in m["files"].values()],
    "wrong types": lambda m: [f.__setitem__(2, "no") for f in m["files"].values()],
    "problem of the wrong shape": lambda m: [f.__setitem__(6, [[1, 2]]) for f in m["files"].values()],
    "files not a mapping": lambda m: m.update(files=[1, 2]),
    "an id not text": lambda m: [f.__setitem__(3, 7) for f in m["files"].values() if f[3]],
    "other ids": lambda m: m.update(ids="0" * 64),  # every file's links are looked at again
    "no ids": lambda m: m.pop("ids"),
    "another day": lambda m: m.update(day="1999-01-01"),
    # what only the checks across records read: they run again, on slim stand-ins that must be sound
    "stand-in without an id": lambda m: _slims(m, lambda slim: slim[0].pop("id")),
    "stand-in of another id": lambda m: _slims(m, lambda slim: slim[0].update(id="x")),
    "lines cut short": lambda m: _slims(m, lambda slim: slim[2].pop()),
    "stand-in not an object": lambda m: _slims(m, lambda slim: slim.__setitem__(0, [1])),
    "another across key": lambda m: m.update(across_key="0" * 64),
}


@pytest.mark.parametrize("lie", list(MEMO_LIES))
def test_a_lying_memo_is_not_used(catalogue, lie):
    """The memo of the last run's problems (validation_cache._Memo): of the wrong shape, or naming another file
    where a file's own problems belong, and the run checks everything as without it."""
    edit(catalogue / "practices/hessen-case-meetings.yaml", "lead_actor: state", "lead_actor: states")
    expected = same_as_fresh(catalogue)
    assert json.loads(results_file(catalogue).read_bytes().partition(b"\n")[2])["memo"]["files"]
    rewrite(catalogue, lambda data: MEMO_LIES[lie](data["memo"]), memo=True)
    assert cached(catalogue) == expected
    assert cached(catalogue) == expected  # and the cache it wrote back is sound


#: an edit of the bibliography, which every file's problems can depend on: the memo cannot answer, every entry
#: is read
NEEDS_THE_ENTRIES = ("bibliography/refs.bib", "  doi     = {10.1000/fixture.1}\n}", "  doi     = {10.1000/fixture.1}\n}\n% x")


@pytest.mark.parametrize("which", ["results", "entries"])
@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "digest only", "flipped byte", "folder"])
def test_a_corrupt_cache_file_is_a_miss(catalogue, damage, which, fresh_checks):
    """A damaged index costs the stat keys, the bibliography and the memo (the entries still serve); damaged
    entries cost every file's results when the run needs them."""
    edit(catalogue / "practices/hessen-case-meetings.yaml", "countries: [DE]", "countries: [UK]")
    same_as_fresh(catalogue)
    path = results_file(catalogue) if which == "results" else entries_file(catalogue)
    raw = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"\x80\x00not json at all{{{" * 100)
    elif damage == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "digest only":
        path.write_bytes(raw.partition(b"\n")[0])
    elif damage == "flipped byte":  # well-formed JSON that no longer matches its digest
        path.write_bytes(raw.replace(b"unknown", b"unknowx", 1) if b"unknown" in raw else raw[:-2] + b" }")
    else:
        path.unlink()
        path.mkdir()
    if which == "entries":
        edit(catalogue / NEEDS_THE_ENTRIES[0], *NEEDS_THE_ENTRIES[1:])
    expected = fresh(catalogue)
    fresh_checks.clear()
    assert cached(catalogue) == expected
    if which == "entries":
        assert len(fresh_checks) == len(list(catalogue.glob("*/*.yaml")))
    else:
        assert fresh_checks == []  # every file from its entry
    fresh_checks.clear()
    assert cached(catalogue) == expected and fresh_checks == []  # and the cache written then is sound


@pytest.mark.parametrize("which", ["results", "entries"])
def test_a_symlinked_cache_file_is_not_followed(catalogue, tmp_path, fresh_checks, which):
    same_as_fresh(catalogue)
    path = results_file(catalogue) if which == "results" else entries_file(catalogue)
    elsewhere = tmp_path / "elsewhere.json"
    shutil.move(path, elsewhere)
    kept = elsewhere.read_bytes()
    path.symlink_to(elsewhere)
    edit(catalogue / NEEDS_THE_ENTRIES[0], *NEEDS_THE_ENTRIES[1:])
    fresh_checks.clear()
    problems = cached(catalogue)
    if which == "entries":
        assert len(fresh_checks) == len(list(catalogue.glob("*/*.yaml")))  # the link was not read
    assert problems == fresh(catalogue)
    assert not path.is_symlink()  # the new cache file replaced the link, not the file it pointed to
    assert elsewhere.read_bytes() == kept


def test_the_cache_never_lands_in_the_checkout(catalogue, user_cache, monkeypatch, validate):
    monkeypatch.delenv("CI", raising=False)
    before = sorted(p.relative_to(catalogue) for p in catalogue.rglob("*"))
    code, _, err = validate(catalogue)
    assert code == 0 and "without the cache" not in err
    assert sorted(p.relative_to(catalogue) for p in catalogue.rglob("*")) == before
    assert user_cache in results_file(catalogue).parents
    monkeypatch.setenv("XDG_CACHE_HOME", str(catalogue / ".cache"))  # a cache folder inside the checkout
    code, _, err = validate(catalogue)
    assert code == 0 and "checking every file afresh, without the cache" in err and "inside the catalogue" in err
    assert not (catalogue / ".cache").exists() or not any((catalogue / ".cache").rglob("results.json"))


@pytest.mark.parametrize("how", ["--no-cache", "CI=true"])
def test_no_cache_and_ci_neither_read_nor_write_it(catalogue, monkeypatch, validate, how):
    if how == "CI=true":
        monkeypatch.setenv("CI", "true")
    code, out, _ = validate(catalogue, *([how] if how.startswith("--") else []))
    assert code == 0
    assert not results_file(catalogue).exists()
