"""`reskb validate`'s memo of the last run's problems (validation_cache._Memo): after an edit that changes no
id, file name, reference or day (a title, a text, a date, a link, a citation, a status), the run takes every
other file's problems from the memo without decoding its entry (and runs the checks across records again on the
memo's slim stand-ins when what they read changed); after any other edit it runs every check. Either way it
reports exactly what a fresh run and the build report."""

from __future__ import annotations

import re
import shutil

import pytest
from test_validation_cache import cached, fresh, results_file, same_as_fresh

from conftest import SEED, STUDIES, edit, move_to_2100, spy_on_quick
from reskb.records import validation_cache
from reskb.records.catalogue import Catalogue
from reskb.records.checkout import Listing
from reskb.records.validate import (
    _add_record,
    across_problems,
    check_catalogue,
    check_record_file,
    read_bibliography,
    record_files,
)

#: (what the edit is, file, old text, new text, whether the memo answers)
EDITS = [
    ("a title", "practices/hessen-case-meetings.yaml", "title: Case meetings in Hessen",
     "title: Case conferences in Hessen", True),
    ("a link of its own to no practice", "practices/hessen-case-meetings.yaml", "related: [norway-family-meetings]",
     "related: [norway-family-meeting]", True),
    ("a date in the future", "practices/hessen-case-meetings.yaml", "last_reviewed: 2026-01-15",
     "last_reviewed: 2099-01-15", True),
    ("a placeholder", "practices/hessen-case-meetings.yaml", "lead_actor: state", "lead_actor: TODO", True),
    ("an evidence status the studies contradict", "practices/norway-family-meetings.yaml",
     "status: evaluated-positive", "status: unknown", True),
    ("a text above that status", "practices/norway-family-meetings.yaml", "for networks in general",
     "for networks of every kind", True),
    ("a line more above that status", "practices/norway-family-meetings.yaml", "description: |",
     "# one line more\ndescription: |", True),
    ("a new citation", "practices/hessen-case-meetings.yaml", "needs [@paper2018].",
     "needs [@paper2018; @journal2016].", True),
    ("an unknown citation", "practices/hessen-case-meetings.yaml", "needs [@paper2018; @journal2016].",
     "needs [@paper2018; @nosuchwork2020].", True),
    ("a topic's open question", "topics/family-support.yaml", "title: Family support",
     "title: Family support\nopen_question: true", True),
    ("a study's text", "evaluations/norway-interviews.yaml", "were interviewed", "were asked", True),
    ("a study of no practice", "evaluations/norway-interviews.yaml", "practices: [norway-family-meetings]",
     "practices: [norway-family-meeting]", True),
    ("a glossary term's alias", "glossary/desistance.yaml", "aliases: [desisting]", "aliases: [desisting, desist]",
     True),
    ("a topic no practice lists", "practices/hessen-case-meetings.yaml", "topics: [family-support]", "topics: []",
     True),
    ("a topic's id", "topics/family-support.yaml", "id: family-support", "id: family-care", True),
    ("the id back", "topics/family-support.yaml", "id: family-care", "id: family-support", True),
    ("a practice's id", "practices/norway-family-meetings.yaml", "id: norway-family-meetings",
     "id: norway-meetings", True),
    ("the practice's id back", "practices/norway-family-meetings.yaml", "id: norway-meetings",
     "id: norway-family-meetings", True),
    ("a challenge's own text", "challenges/stigma.yaml", "limits access", "restricts access", True),
    ("a record unreadable", "challenges/stigma.yaml", "title: Stigmatisation", "title: [", True),
    ("the record repaired", "challenges/stigma.yaml", "title: [", "title: Stigmatisation", True),
    ("the bibliography", "bibliography/refs.bib", "@", "% a comment\n@", False),
]


@pytest.fixture
def quick_answers(monkeypatch) -> list[bool]:
    """Whether the memo answered (ResultCache.quick), one value a run."""
    return spy_on_quick(monkeypatch)


def test_every_edit_reports_what_a_fresh_run_does(tmp_path, quick_answers, fresh_checks):
    root = tmp_path / "studies"
    shutil.copytree(STUDIES, root)
    same_as_fresh(root)
    assert quick_answers == [False]  # nothing kept yet
    edited: set[str] = set()  # since the last run that read every file (the memo's runs write no entries)
    for what, name, old, new, answers in EDITS:
        edit(root / name, old, new)
        quick_answers.clear()
        fresh_checks.clear()
        after = cached(root)
        assert quick_answers == [answers], what
        records = {name} if name.endswith(".yaml") else set()
        edited |= records
        if answers:  # the edited file; perhaps files whose links it concerns, from their entries or afresh
            assert records <= set(fresh_checks) <= edited, what
        else:  # the files with no entry: edited since a run last read every file
            assert set(fresh_checks) == edited, what
            edited.clear()
        assert after == fresh(root), what
        assert after == same_as_fresh(root), what
        if what == "a link of its own to no practice":
            assert any(p.message == "unknown practice id 'norway-family-meeting'"
                       and p.hint == "did you mean 'norway-family-meetings'?" for p in after)
        if what in ("an evidence status the studies contradict", "a line more above that status"):
            assert any(p.field == "evidence.status" for p in after), what


def test_the_files_the_memo_holds_are_not_decoded(catalogue, monkeypatch, quick_answers):
    same_as_fresh(catalogue)
    decoded: list[str] = []
    original = validation_cache.decode_file_result

    def spy(entry, kind, path, shown):  # noqa: ANN001, ANN202
        decoded.append(shown)
        return original(entry, kind, path, shown)

    monkeypatch.setattr(validation_cache, "decode_file_result", spy)
    edit(catalogue / "practices/norway-family-meetings.yaml", "Family meetings in Norway", "Family conferences")
    quick_answers.clear()
    cached(catalogue)
    assert quick_answers == [True] and decoded == []
    edit(catalogue / "practices/norway-family-meetings.yaml", "topics: [family-support]", "topics: []")
    quick_answers.clear()
    assert cached(catalogue) == fresh(catalogue)  # a link: the checks across records run again, on slim stand-ins
    assert quick_answers == [True] and decoded == []
    edit(catalogue / "practices/norway-family-meetings.yaml", "id: norway-family-meetings", "id: norway-meetings")
    quick_answers.clear()
    problems = cached(catalogue)
    assert quick_answers == [True] and decoded == ["practices/hessen-case-meetings.yaml"]  # it links to the old id
    assert problems == fresh(catalogue)
    assert any(p.message == "unknown practice id 'norway-family-meetings'" for p in problems)
    edit(catalogue / "bibliography/refs.bib", "@", "% a comment\n@")
    decoded.clear()
    quick_answers.clear()
    assert cached(catalogue) == fresh(catalogue)
    assert quick_answers == [False] and "challenges/stigma.yaml" in decoded  # every file, from its entry


def test_another_day_runs_every_check(catalogue, monkeypatch, quick_answers):
    edit(catalogue / "practices/hessen-case-meetings.yaml", "last_reviewed: 2026-01-15", "last_reviewed: 2099-06-01")
    assert any("lies in the future" in p.message for p in same_as_fresh(catalogue))
    move_to_2100(monkeypatch)
    quick_answers.clear()
    problems = cached(catalogue)
    assert quick_answers == [False]
    assert not any("lies in the future" in p.message for p in problems)
    assert problems == fresh(catalogue)


def test_files_added_and_removed(catalogue, quick_answers):
    """A file added or removed changes the ids: the files whose links or place among the ids it concerns are
    checked again, the rest come from the memo."""
    edit(catalogue / "practices/hessen-case-meetings.yaml", "last_reviewed: 2026-01-15", "last_reviewed: 2099-01-15")
    same_as_fresh(catalogue)  # a problem of its own, reported while it is the record its id names
    shutil.copy(catalogue / "practices/hessen-case-meetings.yaml", catalogue / "practices/hessen-copy.yaml")
    quick_answers.clear()
    problems = cached(catalogue)
    assert quick_answers == [True] and any("is already used by" in p.message for p in problems)
    assert problems == fresh(catalogue)
    shutil.copy(catalogue / "practices/hessen-case-meetings.yaml", catalogue / "practices/a-first-copy.yaml")
    quick_answers.clear()
    problems = cached(catalogue)  # now the first use of the id: the old first is a second use
    assert quick_answers == [True] and problems == fresh(catalogue)
    assert [p.path for p in problems if "in the future" in p.message] == ["practices/a-first-copy.yaml"]
    for name in ("hessen-copy", "a-first-copy", "norway-family-meetings"):
        (catalogue / f"practices/{name}.yaml").unlink()
        quick_answers.clear()
        assert cached(catalogue) == fresh(catalogue) and quick_answers == [True], name
    assert any(p.message == "unknown practice id 'norway-family-meetings'" for p in cached(catalogue))
    assert results_file(catalogue).is_file()


@pytest.mark.parametrize("source", [STUDIES, SEED], ids=["studies", "seed"])
def test_the_checks_across_records_read_only_the_slim_stand_ins(tmp_path, source):
    """What the memo keeps of each record (SLIM_FIELDS) is all the checks across records read: run on slim
    stand-ins, they report what they report on the full ones, on a catalogue where they have much to say."""
    root = tmp_path / "catalogue"
    shutil.copytree(source, root)
    for path in sorted(root.glob("practices/*.yaml")):  # statuses against the studies, topics nobody lists...
        text = path.read_text(encoding="utf-8").replace("status: evaluated-positive", "status: unknown")
        path.write_text(re.sub(r"(?m)^topics: \[.*\]$", "topics: []", text), encoding="utf-8")
    listing = Listing(root)
    checked = check_catalogue(root, check_record_file, read_bibliography, listing)
    assert len(checked.across) >= 2  # there is something to compare
    slim = Catalogue(root=root, references=checked.catalogue.references,
                     broken_references=checked.catalogue.broken_references,
                     docs_citations=checked.catalogue.docs_citations)
    across: list = []
    for (kind, path, shown), (_, result) in zip(record_files(listing), checked.files, strict=True):
        if result.unreadable:
            slim.unreadable[kind].add(path.stem)
        elif result.standin is not None:
            record = validation_cache._slim_record(kind, path, shown, validation_cache._memo_file(kind, path, result, []))
            _add_record(slim, record, path, across)
    across += across_problems(slim)
    assert sorted(set(across), key=repr) == sorted(set(checked.across), key=repr)
