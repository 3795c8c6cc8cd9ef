"""LoadMemo (reskb.site.preview): between the builds of `mkdocs serve --dirty`, a record file whose stat is unchanged
and settled is not read again; any edit, however soon after a build or while one reads, must still be seen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reskb.records import validation_cache
from reskb.records.validate import load_catalogue
from reskb.site.preview import LoadMemo

PRACTICE = "practices/hessen-case-meetings.yaml"


def load(memo: LoadMemo, root: Path):  # noqa: ANN201 - the catalogue as the plugin loads it in serve
    memo.begin()
    catalogue, problems = load_catalogue(root, memo.check_file, memo.check_bibliography)
    memo.end()
    return catalogue


def title(catalogue) -> str:  # noqa: ANN001
    return catalogue.practices["hessen-case-meetings"].title


def retitle(root: Path, new: str) -> str:
    """Replace the practice's title by one of the same length (the file keeps its size)."""
    path = root / PRACTICE
    text = path.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("title: "))
    replacement = "title: " + new.ljust(len(line) - 7, "x")[:len(line) - 7]
    path.write_text(text.replace(line, replacement, 1), encoding="utf-8")
    return replacement[7:]


@pytest.fixture
def long_ago(monkeypatch) -> None:
    """Every file counts as changed long before it is read (as in a catalogue not touched for a while)."""
    monkeypatch.setattr(validation_cache, "SETTLED_NS", -10**18)


def test_unchanged_settled_files_are_not_read_again_and_an_edited_one_is(catalogue, long_ago):
    memo = LoadMemo()
    first = load(memo, catalogue)
    assert PRACTICE in memo.read and len(memo.read) > 1
    key = memo.source_key()
    assert title(load(memo, catalogue)) == title(first)
    assert memo.read == [] and memo.source_key() == key
    new = retitle(catalogue, "Renamed case meetings")
    assert title(load(memo, catalogue)) == new
    assert memo.read == [PRACTICE] and memo.source_key() != key


def test_an_edit_within_the_same_clock_tick_as_the_last_read_is_seen(catalogue, monkeypatch):
    """A file system whose timestamps are coarse (or an edit in the same tick) leaves the stat as it was: a stat
    taken less than SETTLED_NS after the file's last change must not stand for its bytes."""
    path = catalogue / PRACTICE
    real_stat = os.stat
    frozen = real_stat(path)

    def same_stat(target, *args, **kwargs):  # noqa: ANN001, ANN202 - the practice's stat never moves
        return frozen if Path(target) == path else real_stat(target, *args, **kwargs)

    monkeypatch.setattr(validation_cache.os, "stat", same_stat)
    memo = LoadMemo()
    load(memo, catalogue)
    new = retitle(catalogue, "Edited in the same tick")
    assert title(load(memo, catalogue)) == new


def test_an_edit_saved_while_the_build_reads_the_file_is_seen_by_the_next_build(catalogue, long_ago, monkeypatch):
    """The stat is taken before the bytes are read: a save that lands just after the read makes the next build read
    the file again (a stat taken after the read would be stored with the older bytes)."""
    path = catalogue / PRACTICE
    real_read = Path.read_bytes
    saved: list[str] = []

    def read_then_save(self: Path) -> bytes:
        raw = real_read(self)
        if self == path and not saved:
            text = raw.decode("utf-8").replace("title: ", "title: Saved meanwhile, ", 1)
            path.write_text(text, encoding="utf-8")
            saved.append(text)
        return raw

    monkeypatch.setattr(Path, "read_bytes", read_then_save)
    memo = LoadMemo()
    first = load(memo, catalogue)
    assert saved and not title(first).startswith("Saved meanwhile")  # this build read the version before
    assert title(load(memo, catalogue)).startswith("Saved meanwhile, ")


def test_a_file_replaced_by_another_of_the_same_size_and_time_is_read_again(catalogue, long_ago):
    """Another inode (an editor that saves by renaming a new file over the old one) is another file."""
    path = catalogue / PRACTICE
    memo = LoadMemo()
    load(memo, catalogue)
    before = os.stat(path)
    text = path.read_text(encoding="utf-8").replace("title: ", "title: X", 1).replace(" meet ", " met ", 1)
    replacement = path.with_name(".new.yaml")
    replacement.write_text(text, encoding="utf-8")
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(replacement, path)
    assert os.stat(path).st_size == before.st_size
    assert title(load(memo, catalogue)).startswith("X")
