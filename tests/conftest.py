from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from reskb.cli import main

#: the built site, the local server and the browser: one instance each for the whole session
pytest_plugins = ["site_fixtures"]

FIXTURE = Path(__file__).parent / "fixtures" / "catalogue"
REPO = Path(__file__).resolve().parent.parent
#: the seed catalogue, frozen: fixed facts and numbers about a realistic catalogue (see its README)
SEED = REPO / "tests" / "fixtures" / "seed"
#: a small catalogue with evaluation studies and glossary terms
STUDIES = REPO / "tests" / "fixtures" / "studies"


@pytest.fixture(scope="session", autouse=True)
def user_cache(tmp_path_factory) -> Path:
    """This session's user cache folder (search indexes live there, never in a catalogue); builds run in
    subprocesses inherit it."""
    folder = tmp_path_factory.mktemp("user-cache")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    return folder


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    """A fresh, valid copy of the small fixture catalogue that a test may break."""
    root = tmp_path / "catalogue"
    shutil.copytree(FIXTURE, root)
    return root


@pytest.fixture
def studies(tmp_path: Path) -> Path:
    """A copy of the fixture catalogue with evaluation studies and glossary terms (tests/fixtures/studies)."""
    root = tmp_path / "studies"
    shutil.copytree(STUDIES, root)
    return root


def load_valid(root: Path):  # noqa: ANN201 - a Catalogue; imported lazily by the tests
    """The catalogue under `root`, which must have no errors."""
    from reskb.records.validate import load_catalogue

    catalogue, problems = load_catalogue(root)
    assert not [p for p in problems if p.severity == "error"], problems
    return catalogue


@pytest.fixture
def validate(capsys):
    """Run `reskb validate` in-process; returns (exit code, stdout lines, stderr)."""

    def run(root: Path, *extra: str) -> tuple[int, list[str], str]:
        code = main(["validate", str(root), *extra])
        out = capsys.readouterr()
        return code, out.out.splitlines(), out.err

    return run


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def all_fields(node, prefix=""):
    """Every field name in a schema as the field reference writes it (`format.kinds`, `participants[].role`)."""
    for name, sub in node.get("properties", {}).items():
        yield f"{prefix}{name}"
        if "properties" in sub:
            yield from all_fields(sub, f"{prefix}{name}.")
        if "properties" in sub.get("items", {}):
            yield from all_fields(sub["items"], f"{prefix}{name}[].")

@pytest.fixture(scope="session")
def seed_search_cache(tmp_path_factory) -> Path:
    """One search index of the seed catalogue for the session, in a temporary folder: tests never write into
    the repository."""
    from reskb.search import ensure_index

    folder = tmp_path_factory.mktemp("search-cache")
    ensure_index(SEED, folder)
    return folder


@pytest.fixture(scope="session")
def seed_index(seed_search_cache):  # noqa: ANN001, ANN201 - an open reskb.search.SearchIndex
    """The seed catalogue's search index, open for the session."""
    from reskb.search import SearchIndex

    with SearchIndex.open(SEED, seed_search_cache) as index:
        yield index


@pytest.fixture
def fresh_checks(monkeypatch) -> list[str]:
    """Names of the record files `reskb validate` checks afresh (cache misses) in the runs that follow."""
    from reskb.records import validation_cache

    checked: list[str] = []
    original = validation_cache.check_record_file

    def spy(kind, path, shown, raw=None):  # noqa: ANN001, ANN202
        checked.append(shown)
        return original(kind, path, shown, raw)

    monkeypatch.setattr(validation_cache, "check_record_file", spy)
    return checked


def spy_on_quick(patch) -> list[bool]:  # noqa: ANN001 - a pytest.MonkeyPatch
    """Whether `reskb validate`'s memo answered (validation_cache.ResultCache.quick), one value a run."""
    from reskb.records import validation_cache

    answered: list[bool] = []
    original = validation_cache.ResultCache.quick

    def spy(cache, root, listing):  # noqa: ANN001, ANN202
        checked = original(cache, root, listing)
        answered.append(checked is not None)
        return checked

    patch.setattr(validation_cache.ResultCache, "quick", spy)
    return answered


def move_to_2100(patch) -> None:  # noqa: ANN001 - a pytest.MonkeyPatch
    """The checks of record dates run on 1 January 2100 (a date this year would pass the grace day)."""
    import datetime as real

    class Later(real.datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206
            return real.datetime(2100, 1, 1, tzinfo=tz)

    patch.setattr("reskb.records.record_dates.datetime", Later)

