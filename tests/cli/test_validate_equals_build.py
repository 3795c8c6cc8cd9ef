"""Property: whatever `reskb validate` accepts, the site builds (strict), and neither ever shows a traceback.

Hypothesis mutates the records and the BibTeX of the small fixture catalogue: values replaced by hostile
text (brackets, braces, quotes, markers, control characters, impossible dates), lines dropped, repeated or
added. Derandomised with a bounded number of examples, so CI sees the same cases on every run.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import FIXTURE
from reskb.cli import main

FILES = sorted(p.relative_to(FIXTURE).as_posix() for p in FIXTURE.rglob("*") if p.suffix in (".yaml", ".bib"))
PIECES = ["[", "]", "(", ")", "{", "}", "{: #__config }", "@paper2018", "[@paper2018, p. 5]", "@", "<", ">", '"', "'",
          "--8<-- \"secret.txt\"", "`", "```", "*", "_", "#", "!!! note", "\\", "&amp;", "&#x3C;", ":", "- ", "  ",
          "\n", "\t", "\x85", "\x9b", "\u202e", "é", "2026-02-30", "9999-12-31", "2026-01-15", "\\url{", "@string{a=",
          "# ", "##", "|", "x", "family", "https://example.org/", "javascript:", "\r"]
TEXT = st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join)


@st.composite
def mutation(draw) -> tuple[str, str]:
    """(file, its new text): one line of one file replaced, dropped, repeated, or given new text."""
    name = draw(st.sampled_from(FILES))
    lines = (FIXTURE / name).read_text(encoding="utf-8").splitlines(keepends=True)
    i = draw(st.integers(0, len(lines) - 1))
    kind = draw(st.sampled_from(["value", "value", "insert", "drop", "repeat"]))
    line = lines[i]
    if kind == "value":
        head, sep, _ = line.partition(": " if ": " in line else "= ")
        lines[i] = (head + sep if sep else "") + draw(TEXT) + ("\n" if line.endswith("\n") else "")
    elif kind == "insert":
        lines.insert(i, draw(TEXT) + "\n")
    elif kind == "drop":
        del lines[i]
    else:
        lines.insert(i, line)
    return name, "".join(lines)


def build(config: Path, out: Path) -> None:
    """The build as `mkdocs build --strict` runs it, in this process (a second per build, not four)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    mkdocs_build(load_config(str(config), site_dir=str(out), strict=True))


@settings(max_examples=60, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(change=mutation())
def test_what_validates_builds_and_nothing_raises(tmp_path_factory, capsys, change):
    name, text = change
    root = tmp_path_factory.mktemp("mutated") / "catalogue"
    shutil.copytree(FIXTURE, root)
    (root / "secret.txt").write_text("secret", encoding="utf-8")
    (root / name).write_text(text, encoding="utf-8", newline="")
    code = main(["validate", str(root)])  # an exception here fails the test: never a traceback
    out = capsys.readouterr()
    assert code in (0, 1) and "Traceback" not in out.err
    event(f"validate exit {code}")
    if code == 0:
        logging.getLogger("mkdocs").setLevel(logging.ERROR)
        try:
            build(root / "mkdocs.yml", root.parent / "site")
        except BaseException as exc:  # noqa: BLE001 (SystemExit, Abort: any failure is the finding)
            pytest.fail(f"validate passed but the build failed after changing {name}:\n{text}\n{exc!r}")
        assert (root.parent / "site/index.html").exists()
