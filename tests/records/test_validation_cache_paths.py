"""The quick paths of `reskb validate`'s cache: a file whose stat is unchanged is not read again (and an edit
that keeps size and mtime still reaches the results), and many uncached files are checked in worker
processes with the same results as in the process itself."""

from __future__ import annotations

import os
import shutil
import time

import pytest
from test_validation_cache import cached, fresh

from conftest import FIXTURE, SEED, STUDIES, edit
from reskb.records import parallel_checks, validation_cache
from reskb.records.validate import load_catalogue


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """Names of the record files whose bytes were read and hashed in the runs that follow."""
    names: list[str] = []
    original = validation_cache.file_key

    def spy(kind: str, shown: str, raw: bytes) -> str:
        names.append(shown)
        return original(kind, shown, raw)

    monkeypatch.setattr(validation_cache, "file_key", spy)
    return names


@pytest.fixture
def settled(monkeypatch) -> None:
    """Every file counts as settled (as if the run came a minute after the last write)."""
    real = time.time_ns
    monkeypatch.setattr(validation_cache.time, "time_ns", lambda: real() + 60_000_000_000)


def test_a_file_just_written_is_read_again_whatever_its_stat(catalogue, reads):
    cached(catalogue)
    reads.clear()
    cached(catalogue)  # written a moment ago: its stat may not tell a later write in the same clock tick
    assert len(reads) == len(list(catalogue.glob("*/*.yaml")))
    path = catalogue / "practices/hessen-case-meetings.yaml"
    assert validation_cache.stat_key("practice", path) is None


def test_an_unchanged_stat_skips_reading(catalogue, reads, settled):
    first = cached(catalogue)
    reads.clear()
    assert cached(catalogue) == first == fresh(catalogue)
    assert reads == []


def test_an_edit_that_keeps_size_and_mtime_is_seen(catalogue, reads, settled):
    path = catalogue / "practices/hessen-case-meetings.yaml"
    before = cached(catalogue)
    info = os.stat(path)
    time.sleep(0.05)  # past the file system's ctime tick
    edit(path, "lead_actor: state", "lead_actor: stata")  # same size
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # mtime forced back; ctime cannot be
    assert os.stat(path).st_size == info.st_size and os.stat(path).st_mtime_ns == info.st_mtime_ns
    reads.clear()
    after = cached(catalogue)
    assert reads == ["practices/hessen-case-meetings.yaml"]
    assert after == fresh(catalogue) == load_catalogue(catalogue)[1]
    assert after != before and any("'stata' is not an allowed value" in p.message for p in after)


def test_a_file_replaced_by_another_is_read(catalogue, reads, settled):
    cached(catalogue)
    one, other = catalogue / "challenges/stigma.yaml", catalogue / "practices/norway-family-meetings.yaml"
    time.sleep(0.05)
    shutil.copy2(one, other)  # another inode, the copied mtime
    reads.clear()
    problems = cached(catalogue)
    assert reads == ["practices/norway-family-meetings.yaml"]
    assert problems == fresh(catalogue)


def test_a_stored_stat_of_the_wrong_shape_is_ignored(catalogue, reads, settled):
    cached(catalogue)
    from test_validation_cache import rewrite

    rewrite(catalogue, lambda d: d.update(stats={k: [*v[:6], 0] for k, v in d["stats"].items()}))
    reads.clear()
    assert cached(catalogue) == fresh(catalogue)
    assert len(reads) == len(list(catalogue.glob("*/*.yaml")))


_ENTRY_JSON = validation_cache.entry_json


def _dies_on_one(job: parallel_checks.Job) -> str:
    """entry_json, but the worker process ends abruptly on one file (module level: workers get it by name)."""
    if job[2] == "practices/norway-family-meetings.yaml":
        os._exit(3)
    return _ENTRY_JSON(job)


@pytest.fixture
def in_workers(monkeypatch) -> list[bool]:
    """Worker processes from the first file on; records whether each run used them."""
    used: list[bool] = []
    original = parallel_checks.check_files

    def spy(files, check):  # noqa: ANN001, ANN202
        entries = original(files, check)
        used.append(entries is not None)
        return entries

    monkeypatch.setattr(parallel_checks, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel_checks, "check_files", spy)
    return used


@pytest.mark.skipif(parallel_checks.workers() < 2 or os.name != "posix", reason="needs two cores and fork")
@pytest.mark.parametrize("source", [FIXTURE, SEED, STUDIES], ids=["fixture", "seed", "studies"])
def test_workers_report_what_one_process_does(tmp_path, source, in_workers):
    root = tmp_path / "catalogue"
    shutil.copytree(source, root)
    (root / "practices" / "broken.yaml").write_text("id: broken\ntitle: [\n", encoding="utf-8")
    edit(root / "practices" / next(p.name for p in (root / "practices").glob("*.yaml") if p.name != "broken.yaml"),
         "id: ", "id: renamed-")
    problems = cached(root)
    assert in_workers == [True]
    assert problems == fresh(root) == load_catalogue(root)[1]
    assert any(p.path == "practices/broken.yaml" for p in problems)
    assert cached(root) == problems  # the entries the workers made, read back from the cache file


@pytest.mark.skipif(parallel_checks.workers() < 2 or os.name != "posix", reason="needs two cores and fork")
def test_a_worker_that_dies_leaves_its_files_to_the_process(catalogue, in_workers, monkeypatch):
    monkeypatch.setattr(validation_cache, "entry_json", _dies_on_one)
    edit(catalogue / "practices/hessen-case-meetings.yaml", "countries: [DE]", "countries: [UK]")
    problems = cached(catalogue)
    assert in_workers == [True]
    assert problems == fresh(catalogue) == load_catalogue(catalogue)[1]
    assert any("'UK' is not an ISO 3166-1 country code" in p.message for p in problems)
