"""A randomised review of `reskb validate`'s memo (validation_cache._Memo, ResultCache.quick/remember): after every
edit of a seeded random sequence (record files of every kind, .bib files, docs/ pages, files added, removed,
renamed, copied under a name that differs only in case, unreadable YAML, placeholders, dates, another day), a
cached run reports exactly what a fresh run and load_catalogue report, in the same order."""

from __future__ import annotations

import datetime as real
import os
import random
import re
import shutil
import time
import types
from pathlib import Path

import pytest

from conftest import FIXTURE, STUDIES, spy_on_quick
from reskb.records import validation_cache
from reskb.records.validate import load_catalogue

#: what edits draw on: every id of the fixtures, near misses, keys, enum values, dates and the placeholder
TOKENS = ["hessen-case-meetings", "norway-family-meetings", "norway-family-meeting", "family-support", "family-suport",
          "stigma", "stigmas", "norway-comparison", "norway-interviews", "case-meetings", "desistance", "index", "TODO",
          "paper2018", "journal2016", "journal2017", "paper2019", "unknown", "evaluated-positive", "evaluated-mixed",
          "not-evaluated", "qualitative", "quasi-experimental", "randomised", "positive", "negative", "not-reported",
          "2026-01-15", "2099-01-01", "2026-02-30", "1999-12-31", "Desistance", "Case meetings", "desisting", "true"]
_TOKEN = re.compile("|".join(sorted((re.escape(t) for t in TOKENS), key=len, reverse=True)))
#: lines an edit may add to a record (some repeat a field: the file is then unreadable)
LINES = ["open_question: true", "open_question: false", "added: 2026-03-01", "added: 2099-01-01", "added: 2026-02-30",
         "related: [hessen-case-meetings]", "related: [TODO]", "topics: [stigma]", "aliases: [Case meetings]",
         "aliases: [desisting, Desisting]", "related_topics: [family-suport]", "practices: [norway-family-meeting]",
         "evidence:\n  status: evaluated-mixed", "references:\n  - key: journal2016", "summary: Cites [@paper2019].",
         "# a comment", "", "title: [", "id: TODO", "countries: [UK]", "year: .nan", 'summary: "lone \\udcff"',
         "evidence:\n  status: [1, {a: b}]", "evidence:\n  status: -0.0", "evidence:\n  status: 123456789012345678901234",
         "open_question: 0", 'open_question: ""', "topics: [1, true, null, {x: y}]", "practices: [norway-family-meetings, 5]",
         "outcomes:\n  - measure: reoffending\n    direction: negative", "design: randomised"]
DAYS = [None, real.date(2099, 1, 1), real.date(2099, 1, 3), real.date(2101, 6, 1)]
KIND_FOLDERS = ("practices", "challenges", "topics", "evaluations", "glossary")


class Run:
    """A copy of a fixture catalogue, the edits made to it so far, and the checks after each."""

    def __init__(self, root: Path, source: Path, rng: random.Random, monkeypatch: pytest.MonkeyPatch,
                 settled: bool):
        self.root, self.source, self.rng, self.monkeypatch, self.settled = root, source, rng, monkeypatch, settled
        self.history: list[str] = []
        self.versions: dict[str, list[bytes]] = {}  # bytes each file has held: edits go back to them
        self.mtime = 1_600_000_000_000_000_000  # a distinct mtime for every write (see `settled`)

    # --- files ----------------------------------------------------------------------------------------------------

    def records(self) -> list[Path]:
        return sorted(p for folder in KIND_FOLDERS for p in (self.root / folder).glob("*") if p.is_file())

    def write(self, path: Path, raw: bytes) -> None:
        path.write_bytes(raw)
        self.versions.setdefault(path.relative_to(self.root).as_posix(), []).append(raw)
        self.stamp(path)

    def stamp(self, path: Path) -> None:
        """A distinct mtime a write: with `settled`, the stat of a file stands for its bytes (no clock tick needed)."""
        self.mtime += 1_000_000_000
        os.utime(path, ns=(self.mtime, self.mtime))

    def pick(self, paths: list[Path]) -> Path | None:
        return self.rng.choice(paths) if paths else None

    # --- edits ----------------------------------------------------------------------------------------------------

    def swap_token(self) -> str:
        path = self.pick(self.records())
        if path is None:
            return "nothing to swap"
        text = path.read_bytes().decode("utf-8", "replace")
        found = list(_TOKEN.finditer(text))
        if not found:
            return f"no token in {path.name}"
        match = self.rng.choice(found)
        new = self.rng.choice(TOKENS)
        self.write(path, (text[:match.start()] + new + text[match.end():]).encode())
        return f"{path.relative_to(self.root)}: {match.group()!r} at {match.start()} -> {new!r}"

    def add_line(self) -> str:
        path = self.pick(self.records())
        if path is None:
            return "no file"
        lines = path.read_bytes().decode("utf-8", "replace").split("\n")
        line = self.rng.choice(LINES)
        if line.startswith("#") or not line:  # a comment or a blank line anywhere: the lines below it move
            places = range(len(lines) + 1)
        else:  # a field: where a field begins
            places = [i for i in range(len(lines) + 1) if i == len(lines) or not lines[i].startswith((" ", "-"))]
        at = self.rng.choice(places)
        lines.insert(at, line)
        self.write(path, "\n".join(lines).encode())
        return f"{path.relative_to(self.root)}: line {at} <- {line!r}"

    def drop_line(self) -> str:
        path = self.pick(self.records())
        if path is None:
            return "no file"
        lines = path.read_bytes().split(b"\n")
        at = self.rng.randrange(len(lines))
        del lines[at]
        self.write(path, b"\n".join(lines))
        return f"{path.relative_to(self.root)}: line {at} removed"

    def text_only(self) -> str:
        """An edit of a title or a text, which changes nothing other records' checks read."""
        path = self.pick(self.records())
        if path is None:
            return "no file"
        text = path.read_bytes().decode("utf-8", "replace")
        new = re.sub(r"^(title|term|summary|definition): (\w)", lambda m: f"{m.group(1)}: Revised {m.group(2)}", text,
                     count=1, flags=re.MULTILINE)
        self.write(path, new.encode())
        return f"{path.relative_to(self.root)}: text revised"

    def go_back(self) -> str:
        """A file back to bytes it held before (or the fixture's), recreated if it was removed."""
        known = sorted(self.versions)
        if not known:
            return "nothing to go back to"
        name = self.rng.choice(known)
        raw = self.rng.choice(self.versions[name])
        (self.root / name).parent.mkdir(exist_ok=True)
        self.write(self.root / name, raw)
        return f"{name}: back to an earlier version"

    def remove(self) -> str:
        path = self.pick(self.records() + list((self.root / "bibliography").glob("*.bib")))
        if path is None:
            return "no file"
        path.unlink()
        return f"{path.relative_to(self.root)} removed"

    def copy_or_rename(self) -> str:
        path = self.pick(self.records())
        if path is None:
            return "no file"
        folder = self.rng.choice([path.parent, path.parent, self.root / self.rng.choice(KIND_FOLDERS)])
        name = self.rng.choice([f"{path.stem}-copy.yaml", f"{path.stem[:1].upper()}{path.stem[1:]}.yaml",
                                f"a-{path.stem}.yaml", f"{path.stem}.yml", "index.yaml", path.name,
                                "x\x01.yaml", "x\\x01.yaml", "\udcff.yaml"])  # two shown alike; not UTF-8
        target = folder / name
        if target == path:
            return "same name"
        move = self.rng.random() < 0.4
        folder.mkdir(exist_ok=True)
        if move:
            path.rename(target)
        else:
            shutil.copyfile(path, target)
        self.versions.setdefault(target.relative_to(self.root).as_posix(), []).append(target.read_bytes())
        self.stamp(target)
        return f"{path.relative_to(self.root)} {'renamed' if move else 'copied'} to {target.relative_to(self.root)}"

    def unreadable(self) -> str:
        path = self.pick(self.records())
        if path is None:
            return "no file"
        raw = self.rng.choice([b"id: x\ntitle: [\n", b"\xff\xfe not UTF-8", b"", b"- a list\n",
                               path.read_bytes() + b"\nid: again\n"])
        self.write(path, raw)
        return f"{path.relative_to(self.root)} <- {raw[:20]!r}"

    def bibliography(self) -> str:
        bib = self.root / "bibliography"
        files = sorted(bib.glob("*.bib"))
        choice = self.rng.randrange(4)
        if choice == 0 and files:
            path = self.rng.choice(files)
            text = path.read_text(encoding="utf-8")
            keys = re.findall(r"@\w+\{([^,]+),", text)
            if keys:
                old, new = self.rng.choice(keys), self.rng.choice(["paper2019", "journal2017", "paper2018", "Paper2018"])
                self.write(path, text.replace(f"{{{old},", f"{{{new},", 1).encode())
                return f"{path.name}: key {old} -> {new}"
        if choice == 1:
            self.write(bib / "more.bib", b"@misc{journal2017,\n  title = {More},\n  year = {2017}\n}\n"
                       + self.rng.choice([b"", b"@misc{paper2018,\n  title = {Again},\n  year = {2018}\n}\n"]))
            return "more.bib written"
        if choice == 2 and files:
            path = self.rng.choice(files)
            self.write(path, b"\n\n" + path.read_bytes())  # every entry two lines lower
            return f"{path.name}: two lines lower"
        original = self.rng.choice(sorted((self.source / "bibliography").glob("*.bib")))
        self.write(bib / original.name, original.read_bytes())
        return f"{original.name} as in the fixture"

    def docs(self) -> str:
        docs = self.root / "docs"
        docs.mkdir(exist_ok=True)
        page = docs / self.rng.choice(["index.md", "more.md", "sub/deep.md"])
        page.parent.mkdir(exist_ok=True)
        if page.exists() and self.rng.random() < 0.3:
            page.unlink()
            return f"{page.relative_to(self.root)} removed"
        cite = self.rng.choice(["[@paper2018]", "[@journal2016]", "[@journal2017]", "[@paper2019]", "plain text"])
        old = page.read_bytes() if page.exists() else b"# A page\n"
        self.write(page, old + f"\nSee {cite}.\n".encode())
        return f"{page.relative_to(self.root)} cites {cite}"

    def another_day(self) -> str:
        day = self.rng.choice(DAYS)

        class Then(real.datetime):
            @classmethod
            def now(cls, tz=None):  # noqa: ANN001, ANN206
                return real.datetime.now(tz) if day is None else real.datetime(day.year, day.month, day.day, tzinfo=tz)

        self.monkeypatch.setattr("reskb.records.record_dates.datetime", Then)
        return f"the day is {day or 'today'}"

    def nothing(self) -> str:
        return "no edit"

    def swap_names(self) -> str:
        """Two files of a folder trade names (each keeps its inode, and the other's name's stat entry is stale)."""
        folder = self.root / self.rng.choice(KIND_FOLDERS)
        files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
        if len(files) < 2:
            return "nothing to swap"
        first, second = self.rng.sample(files, 2)
        spare = folder / ".swap"
        first.rename(spare)
        second.rename(first)
        spare.rename(second)
        return f"{first.relative_to(self.root)} and {second.name} trade names"

    def same_bytes(self) -> str:
        """A file written again as it was (a new mtime, the same key)."""
        path = self.pick(self.records())
        if path is None:
            return "no file"
        self.write(path, path.read_bytes())
        return f"{path.relative_to(self.root)} rewritten unchanged"

    EDITS = (("swap_token", 8), ("add_line", 4), ("drop_line", 2), ("text_only", 5), ("go_back", 4), ("remove", 1),
             ("copy_or_rename", 2), ("unreadable", 1), ("bibliography", 1), ("docs", 1), ("another_day", 1),
             ("nothing", 1), ("swap_names", 1), ("same_bytes", 1))

    def step(self) -> None:
        """One edit, or two or three before the next run."""
        names, weights = zip(*self.EDITS, strict=True)
        for _ in range(self.rng.choice((1, 1, 1, 2, 3))):
            self.history.append(getattr(self, self.rng.choices(names, weights)[0])())
        self.history.append("-- run")

    def check(self) -> bool:
        """Cached, fresh and load_catalogue agree; whether the memo answered."""
        with pytest.MonkeyPatch.context() as patch:
            answered = spy_on_quick(patch)
            if self.settled:  # every file settled (a clock ten seconds ahead): the stat shortcut is taken
                patch.setattr(validation_cache, "time", types.SimpleNamespace(time_ns=lambda: time.time_ns() + 10**10))
            checked, not_cached = validation_cache.validate(self.root)
        assert not_cached == ""
        cached = checked.problems
        fresh = validation_cache.validate(self.root, use_cache=False)[0].problems
        built = load_catalogue(self.root)[1]
        steps = "\n  ".join(self.history)
        assert cached == fresh, f"cached differs from fresh after:\n  {steps}\nonly cached: " \
            f"{set(cached) - set(fresh)}\nonly fresh: {set(fresh) - set(cached)}"
        assert fresh == built, f"fresh differs from load_catalogue after:\n  {steps}"
        return bool(answered and answered[0])


@pytest.mark.parametrize("settled", [False, True], ids=["read", "stat"])
@pytest.mark.parametrize("source", [STUDIES, FIXTURE], ids=["studies", "catalogue"])
def test_random_edits_report_what_a_fresh_run_does(tmp_path, monkeypatch, source, settled, seed=0, steps=20):
    root = tmp_path / "root"
    shutil.copytree(source, root)
    run = Run(root, source, random.Random(f"{seed}-{source.name}-{settled}"), monkeypatch, settled)
    for path in [*run.records(), *root.glob("bibliography/*.bib"), *root.glob("docs/*.md")]:
        run.versions[path.relative_to(root).as_posix()] = [path.read_bytes()]
        run.stamp(path)
    answers = [run.check(), run.check()]
    for _ in range(steps):
        run.step()
        answers.append(run.check())
    assert any(answers)  # the memo was put to the test, not only passed by


def _same_as_fresh(root: Path) -> list:
    checked, not_cached = validation_cache.validate(root)
    assert not_cached == ""
    assert checked.problems == validation_cache.validate(root, use_cache=False)[0].problems == load_catalogue(root)[1]
    return checked.problems


@pytest.mark.parametrize("same_bytes", [False, True], ids=["other bytes", "same bytes"])
def test_two_files_shown_by_one_name(studies, same_bytes):
    """`x<control character>.yaml` is shown as `x\\x01.yaml`, which is also the name of another file: the cache
    keeps each file's results apart all the same (in a run, by path; in the memo, never one entry for both)."""
    _same_as_fresh(studies)
    source = (studies / "practices/hessen-case-meetings.yaml").read_bytes()
    record = source.replace(b"id: hessen-case-meetings", b"id: x").replace(b"[family-support]", b"[family-suport]")
    (studies / "practices/x\x01.yaml").write_bytes(record)  # the record of id x: its links are checked
    (studies / "practices/x\\x01.yaml").write_bytes(record if same_bytes else b"id: x\ntitle: [\n")
    problems = _same_as_fresh(studies)
    assert any("differs from the file name 'x\x01.yaml'" in p.message for p in problems)
    assert any(p.message == "unknown topic id 'family-suport'" and p.path == "practices/x\\x01.yaml" for p in problems)
    (studies / "practices/hessen-case-meetings.yaml").write_bytes(source.replace(b"Hessen", b"Hesse"))
    _same_as_fresh(studies)  # an edit the memo could answer
    _same_as_fresh(studies)
    (studies / "practices/x\x01.yaml").unlink()
    _same_as_fresh(studies)


def test_two_files_shown_by_one_name_come_to_hold_the_same_bytes(studies):
    """The memo is written when the two files differ; then both are edited to the same new bytes without changing
    what others read of them: the memo answers that run, and must not keep one entry for both."""
    source = (studies / "practices/hessen-case-meetings.yaml").read_bytes()
    record = source.replace(b"id: hessen-case-meetings", b"id: x").replace(b"[family-support]", b"[family-suport]")
    (studies / "practices/x\x01.yaml").write_bytes(record)
    (studies / "practices/x\\x01.yaml").write_bytes(record.replace(b"Case meetings", b"Case conferences"))
    _same_as_fresh(studies)
    for name in ("x\x01.yaml", "x\\x01.yaml"):
        (studies / "practices" / name).write_bytes(record.replace(b"Case meetings", b"Case talks"))
    _same_as_fresh(studies)
    problems = _same_as_fresh(studies)
    assert any(p.message == "unknown topic id 'family-suport'" for p in problems)
