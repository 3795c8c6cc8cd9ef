"""`reskb validate`'s memo against fresh runs under random edits: whatever sequence of edits a contributor makes
(ids changed, used twice and given back, files added, deleted, renamed or made unreadable, links, statuses,
citations, placeholders, dates, lines, the bibliography and the hand-written pages), a cached run reports
exactly what a fresh run and the build (load_catalogue) report. Seeded: a failure names its seed and steps."""

from __future__ import annotations

import copy
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import SEED, STUDIES
from reskb.records import validation_cache
from reskb.records.catalogue import FOLDERS
from reskb.records.validate import Checked, load_catalogue

STATUSES = ("unknown", "not-evaluated", "evaluation-planned", "reported-outcomes", "evaluated-findings-unavailable",
            "evaluated-effects-not-measured", "evaluated-positive", "evaluated-mixed", "evaluated-no-effect",
            "evaluated-negative")
#: the fields that link to records of a kind, by the kinds that have them
LINKS = {"practice": ("topics", "challenges", "related"), "challenge": ("topics", "challenges", "related"),
         "topic": ("topics", "challenges", "related"), "evaluation": ("practices",), "glossary": ("related_topics",)}
TARGET = {"topics": "topic", "challenges": "challenge", "related": "practice", "practices": "practice",
          "related_topics": "topic"}
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
TEXT = {"practice": "summary", "challenge": "summary", "topic": "summary", "evaluation": "summary",
        "glossary": "definition"}


class Editor:
    """Random edits of a catalogue copy; `log` says what each did."""

    def __init__(self, root: Path, rng: random.Random):
        self.root = root
        self.rng = rng
        self.log: list[str] = []
        self.broken: dict[Path, str] = {}  # the text of each file made unreadable, to repair it
        self.originals = {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
        self.count = 0
        self.parsed: dict[bytes, Any] = {}

    # --- what there is
    def files(self, kind: str | None = None) -> list[Path]:
        kinds = [kind] if kind else list(FOLDERS)
        return sorted(p for k in kinds for p in (self.root / FOLDERS[k]).glob("*.yaml"))

    def readable(self, kind: str | None = None) -> list[Path]:
        return [p for p in self.files(kind) if p not in self.broken and isinstance(self.load(p), dict)]

    def kind_of(self, path: Path) -> str:
        return next(k for k, folder in FOLDERS.items() if path.parent.name == folder)

    def ids(self, kind: str) -> list[str]:
        found = []
        for path in self.readable(kind):
            value = self.load(path).get("id")
            if isinstance(value, str):
                found.append(value)
        return found or [path.stem for path in self.files(kind)] or [f"no-{kind}"]

    def keys(self) -> list[str]:
        keys = []
        for path in sorted((self.root / "bibliography").glob("*.bib")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.startswith("@") and "{" in line:
                    keys.append(line.split("{", 1)[1].rstrip(","))
        return keys or ["none2000"]

    def load(self, path: Path):  # noqa: ANN201
        """The file's data (a fresh copy to edit); None when it is not YAML."""
        raw = path.read_bytes()
        if raw not in self.parsed:
            try:
                self.parsed[raw] = yaml.load(raw, Loader=LOADER)  # noqa: S506 (a safe loader)
            except yaml.YAMLError:
                self.parsed[raw] = None
        return copy.deepcopy(self.parsed[raw])

    def save(self, path: Path, data: dict) -> None:
        path.write_text(yaml.dump(data, Dumper=DUMPER, sort_keys=False, allow_unicode=True, width=1000),
                        encoding="utf-8")

    def new_stem(self, kind: str) -> str:
        self.count += 1
        return f"{kind}-new-{self.count}"

    def some_id(self, kind: str) -> str:
        """An id of the kind: existing, an unreadable file's stem, unknown but close to one (a hint), unknown and far,
        or a file's stem."""
        ids = self.ids(kind)
        unread = sorted(path.stem for path in self.broken if self.kind_of(path) == kind)
        choice = self.rng.random()
        if unread and choice < 0.2:  # a file that cannot be read: its name stands for its id
            return self.rng.choice(unread)
        if choice < 0.5:
            return self.rng.choice(ids)
        if choice < 0.75:
            close = self.rng.choice(ids)
            return self.rng.choice([close[:-1], close + "s", close.replace("-", "_", 1), "x" + close])
        if choice < 0.85:
            return self.rng.choice([p.stem for p in self.files(kind)] or ["nothing"])
        return f"unknown-{kind}-{self.rng.randrange(3)}"

    # --- the edits
    def change_id(self) -> str:
        path = self.rng.choice(self.readable())
        data = self.load(path)
        kind = self.kind_of(path)
        new = self.rng.choice([self.new_stem(kind), self.rng.choice(self.ids(kind)), path.stem, path.stem,
                               self.some_id(kind), "index", 5, None])
        data["id"] = new
        self.save(path, data)
        return f"id of {path.name} -> {new}"

    def add_copy(self) -> str:
        source = self.rng.choice(self.files())
        kind = self.kind_of(source)
        stem = self.new_stem(kind) if self.rng.random() < 0.7 else f"a-{self.new_stem(kind)}"  # first or last
        target = source.with_name(f"{stem}.yaml")
        shutil.copy(source, target)
        if source in self.broken:
            self.broken[target] = self.broken[source]
        elif self.rng.random() < 0.6 and isinstance(data := self.load(target), dict):
            data["id"] = stem
            self.save(target, data)
            return f"copy {source.name} -> {target.name} (id {stem})"
        return f"copy {source.name} -> {target.name} (same id)"

    def any_file(self) -> Path:
        """A record file; often an unreadable one (links to its name must notice when it goes)."""
        if self.broken and self.rng.random() < 0.3:
            return self.rng.choice(sorted(self.broken))
        return self.rng.choice(self.files())

    def delete(self) -> str:
        path = self.any_file()
        path.unlink()
        self.broken.pop(path, None)
        return f"delete {path.name}"

    def rename(self) -> str:
        path = self.any_file()
        kind = self.kind_of(path)
        if self.rng.random() < 0.15:  # into another folder
            kind = self.rng.choice([k for k in FOLDERS if k != kind])
        stem = self.rng.choice([self.new_stem(kind), *self.ids(kind)])
        target = self.root / FOLDERS[kind] / f"{stem}.yaml"
        if target.exists():
            return "rename: nothing"
        target.parent.mkdir(exist_ok=True)  # the seed catalogue has no evaluations/
        path.rename(target)
        if path in self.broken:
            self.broken[target] = self.broken.pop(path)
        return f"rename {path.parent.name}/{path.name} -> {FOLDERS[kind]}/{target.name}"

    def break_or_repair(self) -> str:
        if self.broken and self.rng.random() < 0.6:
            path = self.rng.choice(sorted(self.broken))
            path.write_text(self.broken.pop(path), encoding="utf-8")
            return f"repair {path.name}"
        path = self.rng.choice(self.readable())
        self.broken[path] = path.read_text(encoding="utf-8")
        how = self.rng.choice(["\nbroken: [\n", "\nid: again\n", "", "- a list\n", "\xff"])
        if how == "\xff":
            path.write_bytes(b"\xff" + self.broken[path].encode())
        else:
            path.write_text(self.broken[path] + how if how.startswith("\n") else how, encoding="utf-8")
        return f"break {path.name} ({how!r})"

    def link(self) -> str:
        path = self.rng.choice(self.readable())
        data = self.load(path)
        kind = self.kind_of(path)
        field = self.rng.choice(LINKS[kind])
        values = data.get(field)
        values = list(values) if isinstance(values, list) else []
        action = self.rng.choice(["add", "add", "remove", "replace", "clear"])
        if action == "add" or not values:
            values.append(self.some_id(TARGET[field]))
        elif action == "remove":
            values.pop(self.rng.randrange(len(values)))
        elif action == "replace":
            values[self.rng.randrange(len(values))] = self.some_id(TARGET[field])
        else:
            values = []
        if values or self.rng.random() < 0.5:
            data[field] = list(dict.fromkeys(values))
        else:
            data.pop(field, None)
        self.save(path, data)
        return f"{field} of {path.name} -> {data.get(field)}"

    def status(self) -> str:
        path = self.rng.choice(self.readable("practice") or self.readable())
        data = self.load(path)
        data["evidence"] = {**(data.get("evidence") if isinstance(data.get("evidence"), dict) else {}),
                            "status": self.rng.choice(STATUSES)}
        self.save(path, data)
        return f"evidence of {path.name} -> {data['evidence']}"

    def study(self) -> str:
        path = self.rng.choice(self.readable("evaluation") or self.readable())
        data = self.load(path)
        if self.rng.random() < 0.5:
            data["design"] = self.rng.choice(["randomised", "pre-post", "qualitative", "process", "none"])
        else:
            data["outcomes"] = [{"measure": self.rng.choice(["reoffending", "attitudes", "implementation"]),
                                 "description": "A finding.",
                                 "direction": self.rng.choice(["positive", "negative", "no-effect", "not-reported"])}
                                for _ in range(self.rng.randrange(3))]
        self.save(path, data)
        return f"study {path.name}: {data.get('design')}, {data.get('outcomes')}"

    def open_question(self) -> str:
        path = self.rng.choice(self.readable("topic") + self.readable("challenge") or self.readable())
        data = self.load(path)
        if data.get("open_question"):
            del data["open_question"]
        else:
            data["open_question"] = True
        self.save(path, data)
        return f"open_question of {path.name} -> {data.get('open_question')}"

    def aliases(self) -> str:
        path = self.rng.choice(self.readable("glossary") or self.readable())
        data = self.load(path)
        aliases = list(data.get("aliases") or [])
        terms = [d.get("term") for p in self.readable("glossary") if isinstance(d := self.load(p), dict)]
        choice = self.rng.random()
        if choice < 0.4 and terms:
            aliases.append(self.rng.choice([t for t in terms if isinstance(t, str)] or ["Term"]))
        elif choice < 0.7:
            aliases.append(f"form {self.rng.randrange(3)}")
        elif aliases:
            aliases.pop()
        data["aliases"] = aliases
        self.save(path, data)
        return f"aliases of {path.name} -> {aliases}"

    def cite(self) -> str:
        path = self.rng.choice(self.readable())
        data = self.load(path)
        field = TEXT[self.kind_of(path)]
        key = self.rng.choice([*self.keys(), self.rng.choice(self.keys()) + "x", "nosuchwork2020"])
        text = data.get(field) if isinstance(data.get(field), str) else "Text."
        if "[@" in text and self.rng.random() < 0.3:
            text = text.split("[@")[0] + "."
        else:
            text = f"{text} More [@{key}]."
        data[field] = text
        self.save(path, data)
        return f"{field} of {path.name} cites {key}"

    def placeholder(self) -> str:
        path = self.rng.choice(self.readable())
        data = self.load(path)
        kind = self.kind_of(path)
        field = self.rng.choice([TEXT[kind], *LINKS[kind], "lead_actor" if kind == "practice" else TEXT[kind]])
        if field in LINKS[kind]:
            data[field] = [*(data.get(field) or []), "TODO"]
        else:
            data[field] = "TODO"
        self.save(path, data)
        return f"{field} of {path.name} -> TODO"

    def future(self) -> str:
        path = self.rng.choice(self.readable())
        data = self.load(path)
        data["last_reviewed"] = self.rng.choice(["2099-01-01", "2026-01-15", "2020-02-30"])
        self.save(path, data)
        return f"last_reviewed of {path.name} -> {data['last_reviewed']}"

    def title(self) -> str:
        path = self.rng.choice(self.readable())
        data = self.load(path)
        name = "term" if self.kind_of(path) == "glossary" else "title"
        if name in data and self.rng.random() < 0.5:
            del data[name]
        else:
            data[name] = f"A title {self.rng.randrange(3)}"
        self.save(path, data)
        return f"{name} of {path.name} -> {data.get(name)}"

    def shift(self) -> str:
        path = self.rng.choice(self.files())
        raw = path.read_bytes()
        if raw.startswith(b"# a comment\n") and self.rng.random() < 0.5:
            raw = raw.removeprefix(b"# a comment\n")
        else:
            raw = b"# a comment\n" + raw
        path.write_bytes(raw)
        if path in self.broken:
            self.broken[path] = "# a comment\n" + self.broken[path]
        return f"line shift in {path.name}"

    def revert(self) -> str:
        name = self.rng.choice(sorted(n for n in self.originals if n.suffix == ".yaml"))
        path = self.root / name
        if path.exists() and path not in self.broken:
            path.write_bytes(self.originals[name])
            return f"revert {name}"
        return "revert: nothing"

    def touch(self) -> str:
        path = self.rng.choice(self.files())
        path.write_bytes(path.read_bytes())
        return f"touch {path.name}"

    def bibliography(self) -> str:
        path = self.rng.choice(sorted((self.root / "bibliography").glob("*.bib")))
        text = path.read_text(encoding="utf-8")
        if self.rng.random() < 0.5:
            key = f"added{self.rng.randrange(3)}"
            if f"{{{key}," in text:
                return "bibliography: nothing"
            text += f"\n@misc{{{key},\n  author = {{Someone, A.}},\n  title = {{A work}},\n  year = {{2019}}\n}}\n"
        else:
            text = "% a comment\n" + text
        path.write_text(text, encoding="utf-8")
        return f"bibliography {path.name} edited"

    def docs(self) -> str:
        path = self.root / "docs" / "page.md"
        path.parent.mkdir(exist_ok=True)
        key = self.rng.choice([*self.keys(), "nosuchwork2020"])
        if path.exists() and self.rng.random() < 0.4:
            path.unlink()
            return "docs page removed"
        path.write_text(f"# A page\n\nSee [@{key}].\n", encoding="utf-8")
        return f"docs page cites {key}"

    def step(self) -> str:
        edits: list[tuple[Callable[[], str], int]] = [
            (self.change_id, 6), (self.add_copy, 4), (self.delete, 2), (self.rename, 3), (self.break_or_repair, 3),
            (self.link, 10), (self.status, 3), (self.study, 2), (self.open_question, 2), (self.aliases, 2), (self.cite, 3),
            (self.placeholder, 2), (self.future, 2), (self.title, 2), (self.shift, 3), (self.revert, 2),
            (self.touch, 1), (self.bibliography, 1), (self.docs, 1)]
        action = self.rng.choices([e for e, _ in edits], [w for _, w in edits])[0]
        if not self.readable() and action not in (self.add_copy, self.break_or_repair, self.revert):
            action = self.break_or_repair if self.broken else self.add_copy
        if not self.files():
            return "nothing left"
        return action()


def summary(checked: Checked) -> tuple:
    """The ids of each kind's records in the catalogue, the unreadable files and the files of references."""
    catalogue = checked.catalogue
    return ({kind: list(records) for kind, records in catalogue.records.items()}, catalogue.unreadable,
            sorted({ref.path for ref in catalogue.references.values()}))


def run_random_edits(tmp_path: Path, source: Path, seed: int, steps: int) -> None:
    root = tmp_path / "catalogue"
    shutil.copytree(source, root)
    editor = Editor(root, random.Random(seed))
    assert validation_cache.validate(root)[0].problems == validation_cache.validate(root, use_cache=False)[0].problems
    for number in range(steps):
        done = [editor.step() for _ in range(editor.rng.choice([1, 1, 1, 2, 3]))]
        editor.log.append(f"{number}: " + "; ".join(done))
        checked, not_cached = validation_cache.validate(root)
        assert not_cached == ""
        checked_fresh = validation_cache.validate(root, use_cache=False)[0]
        after, expected = checked.problems, checked_fresh.problems
        trail = "\n".join(editor.log)
        assert after == expected, f"seed {seed}, steps:\n{trail}\nonly cached: {set(after) - set(expected)}\n" \
                                  f"only fresh: {set(expected) - set(after)}"
        if number % 5 == 4 or number == steps - 1:  # the build's loading: the same checks, assembled apart
            assert load_catalogue(root)[1] == expected, trail
        assert summary(checked) == summary(checked_fresh), trail  # what `reskb validate` counts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_report_what_fresh_runs_do(tmp_path, seed):
    run_random_edits(tmp_path, STUDIES, seed, 60)


def test_random_edits_on_the_seed_catalogue(tmp_path):
    """The same on the larger seed catalogue (more records, five .bib files, no studies)."""
    run_random_edits(tmp_path, SEED, 1, 30)


def test_random_edits_with_stat_keys(tmp_path, monkeypatch):
    """The same, every file settled at once: unchanged files are known by their stat, not their bytes."""
    monkeypatch.setattr(validation_cache, "SETTLED_NS", 0)
    run_random_edits(tmp_path, STUDIES, 4, 60)
