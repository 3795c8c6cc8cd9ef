"""`mkdocs serve --dirty` renders only the pages an edit changed (reskb.site.incremental); after every edit the site it
serves must equal, file for file and byte for byte, a clean build of the same catalogue in a fresh process."""

from __future__ import annotations

import filecmp
import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from conftest import REPO, SEED, edit

SERVE_URL = "http://127.0.0.1:8000/reskb/"
CLEAN_BUILD = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(sys.argv[1], site_dir=sys.argv[2])
config.site_url = sys.argv[3]
build(config, serve_url=sys.argv[3])
"""


class Session:
    """What `mkdocs serve --dirty` does, in this process: one startup, then a dirty build after each change."""

    def __init__(self, root: Path, site: Path):
        self.root, self.site = root, site
        self.config_file = str(root / "mkdocs.yml")
        config = load_config(self.config_file, site_dir=str(site))
        config.plugins.on_startup(command="serve", dirty=True)
        self.plugin = config.plugins["reskb"]

    def rebuild(self) -> list[str]:
        """Build as serve does after a change; the pages rendered."""
        config = load_config(self.config_file, site_dir=str(self.site))
        config.site_url = SERVE_URL
        build(config, serve_url=SERVE_URL, dirty=True)
        return list(self.plugin.incremental.rendered)

    def settle(self) -> list[str]:
        """Rebuild, then build again as serve would: while the plugin asks for it (after a build that showed the
        edited pages first), and when the similar-practice lists found in the background arrive."""
        rendered = self.rebuild()
        rendered += self.follow_up()
        self.plugin.related.wait()
        rendered += self.rebuild()
        return rendered + self.follow_up()

    def follow_up(self) -> list[str]:
        """The builds the plugin asks for itself (each full, so at most one)."""
        rendered = []
        for _ in range(3):
            if not self.plugin.preview.pending:
                return rendered
            rendered += self.rebuild()
        raise AssertionError("the plugin keeps asking for builds")

    def close(self) -> None:
        self.plugin.related.wait(120)  # no thread of this test keeps working on a catalogue it has left
        # plugins with on_startup live as long as the process: leave them as `mkdocs build` starts them
        load_config(self.config_file, site_dir=str(self.site)).plugins.on_startup(command="build", dirty=False)


def clean_build(root: Path, site: Path) -> None:
    shutil.rmtree(site, ignore_errors=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-c", CLEAN_BUILD, str(root / "mkdocs.yml"), str(site), SERVE_URL],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr[-3000:]


def differences(served: Path, clean: Path) -> list[str]:
    """Every output that is missing, left over or different in the served site."""
    mine = {p.relative_to(served).as_posix() for p in served.rglob("*") if p.is_file()}
    theirs = {p.relative_to(clean).as_posix() for p in clean.rglob("*") if p.is_file()}
    found = [f"stale file left over: {p}" for p in sorted(mine - theirs)]
    found += [f"missing: {p}" for p in sorted(theirs - mine)]
    found += [f"stale page (differs from a clean build): {p}" for p in sorted(mine & theirs)
              if not filecmp.cmp(served / p, clean / p, shallow=False)]
    return found


@pytest.fixture
def seed(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # both builds date the sitemap alike
    root = tmp_path / "seed"
    shutil.copytree(SEED, root)
    # the repository's site around it: every kind of generated page, the home page's newest list, citations
    shutil.copytree(REPO / "docs", root / "docs")
    for name in ("mkdocs.yml", "CONTRIBUTING.md"):
        shutil.copy(REPO / name, root / name)
    return root


def test_every_edit_reaches_every_page_and_no_stale_page_survives(seed, tmp_path):
    served, clean = tmp_path / "served", tmp_path / "clean"
    session = Session(seed, served)
    practice = seed / "practices/uk-mappa.yaml"
    try:
        first = session.rebuild()
        clean_build(seed, clean)
        assert differences(served, clean) == []
        assert "practices/uk-mappa.md" in first

        assert not set(session.rebuild()) & session.plugin.generated  # nothing changed: no generated page rendered

        steps = [
            ("a practice's title", lambda: edit(practice, "title: ", "title: Renamed MAPPA, ")),
            ("a new practice", lambda: (seed / "practices/zz-new-practice.yaml").write_text(
                practice.read_text(encoding="utf-8").replace("id: uk-mappa", "id: zz-new-practice")
                .replace("title: Renamed MAPPA, ", "title: A brand new practice, "), encoding="utf-8")),
            ("a deleted practice", lambda: (seed / "practices/zz-new-practice.yaml").unlink()),
            ("a reference's title", lambda: _edit_first_title(seed / "bibliography")),
            ("a topic's title", lambda: edit(next((seed / "topics").glob("*.yaml")), "title: ", "title: Retitled ")),
        ]
        for name, change in steps:
            change()
            rendered = session.settle()
            clean_build(seed, clean)
            assert differences(served, clean) == [], f"after {name}"
            assert rendered, name
        assert not (served / "practices/zz-new-practice").exists()

        # an invalid edit fails the build with the catalogue's error; fixing it brings the site back in step
        good = practice.read_text(encoding="utf-8")
        edit(practice, "countries: [", "countries: [UK, ")
        with pytest.raises(Abort):
            session.rebuild()
        practice.write_text(good.replace("title: Renamed MAPPA, ", "title: Fixed MAPPA, "), encoding="utf-8")
        session.settle()
        clean_build(seed, clean)
        assert differences(served, clean) == [], "after fixing an invalid edit"
    finally:
        session.close()


def test_a_one_record_edit_renders_only_the_pages_that_show_it(seed, tmp_path):
    session = Session(seed, tmp_path / "served")
    try:
        everything = session.rebuild()
        edit(seed / "practices/uk-mappa.yaml", "title: ", "title: Renamed MAPPA, ")
        shown = session.rebuild()
        assert session.plugin.preview.pending  # the lists that show the title follow in the next build
        rendered = shown + session.follow_up()
    finally:
        session.close()
    assert "practices/uk-mappa.md" in shown and "practices/index.md" not in shown
    assert len(shown) <= 5, shown  # the page and its neighbours, whose footers show its title
    assert "practices/uk-mappa.md" in rendered and "practices/index.md" in rendered
    assert len(rendered) < len(everything) / 2, rendered
    untouched = [p for p in everything if p.startswith("practices/") and p not in rendered]
    assert untouched, "some practice pages neither show nor neighbour the renamed one"


def _edit_first_title(folder: Path) -> None:
    bib = sorted(folder.glob("*.bib"))[0]
    text = bib.read_text(encoding="utf-8")
    start = text.index("title")
    brace = text.index("{", start)
    bib.write_text(text[:brace + 1] + "Retitled: " + text[brace + 1:], encoding="utf-8")


def test_edits_to_glossary_challenges_and_hand_written_pages_leave_no_stale_page(seed, tmp_path):
    """The kinds of edit the test above does not make: each must reach every page that shows it."""
    served, clean = tmp_path / "served", tmp_path / "clean"
    session = Session(seed, served)
    extra = seed / "docs/extra-page.md"
    try:
        session.rebuild()
        steps = [
            ("a glossary term's definition", lambda: edit(seed / "glossary/desistance.yaml", "definition: >-\n",
                                                            "definition: >-\n  Newly defined.")),
            ("a glossary term's name", lambda: edit(seed / "glossary/desistance.yaml", "term: Desistance",
                                                    "term: Desistance from crime")),
            ("a challenge's title", lambda: edit(next((seed / "challenges").glob("*.yaml")), "title: ",
                                                 "title: Retitled ")),
            ("a hand-written page's text", lambda: edit(seed / "docs/about.md", "# About the catalogue",
                                                        "# About this catalogue")),
            ("a new hand-written page", lambda: extra.write_text("# Extra\n\nA page.\n", encoding="utf-8")),
            ("a deleted hand-written page", lambda: extra.unlink()),
        ]
        for name, change in steps:
            change()
            session.settle()
            clean_build(seed, clean)
            assert differences(served, clean) == [], f"after {name}"
    finally:
        session.close()


@pytest.fixture
def studies(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    root = tmp_path / "studies"
    shutil.copytree(REPO / "tests/fixtures/studies", root)
    return root


def test_an_edit_to_an_evaluation_reaches_the_practice_pages_that_show_it(studies, tmp_path):
    served, clean = tmp_path / "served", tmp_path / "clean"
    session = Session(studies, served)
    try:
        session.rebuild()
        for name, change in [
            ("an evaluation's design", lambda: edit(studies / "evaluations/norway-interviews.yaml",
                                                    "design: qualitative", "design: quasi-experimental")),
            ("an evaluation's title", lambda: edit(studies / "evaluations/norway-interviews.yaml",
                                                   "title: Interviews", "title: Talks")),
        ]:
            change()
            session.settle()
            clean_build(studies, clean)
            assert differences(served, clean) == [], f"after {name}"
    finally:
        session.close()


def test_a_build_that_fails_while_writing_still_lets_the_next_one_delete_the_pages_of_removed_records(seed, tmp_path):
    served, clean = tmp_path / "served", tmp_path / "clean"
    session = Session(seed, served)
    practice = seed / "practices/uk-mappa.yaml"
    removed = seed / "practices/zz-new-practice.yaml"
    removed.write_text(practice.read_text(encoding="utf-8").replace("id: uk-mappa", "id: zz-new-practice"),
                       encoding="utf-8")
    try:
        session.rebuild()
        assert (served / "practices/zz-new-practice/index.html").is_file()
        removed.unlink()

        def fail_while_writing(output, page, config):  # noqa: ANN001, ANN202 - a page that cannot be written
            raise RuntimeError("disk full")

        session.plugin.on_post_page = fail_while_writing  # the plugin object outlives the build's config
        with pytest.raises(RuntimeError):
            session.rebuild()
        del session.plugin.on_post_page
        session.settle()
        clean_build(seed, clean)
        assert differences(served, clean) == []
    finally:
        session.close()


def _same_page(served: Path, clean: Path, page: str) -> bool:
    return filecmp.cmp(served / page, clean / page, shallow=False)


def test_edited_pages_are_current_after_the_first_build_and_every_page_after_the_one_that_follows(seed, tmp_path):
    """reskb.site.preview: after edits to record files only, the first build regenerates the edited records'
    pages (each equal to a clean build's) and asks for a full build, after which the whole site is."""
    served, clean = tmp_path / "served", tmp_path / "clean"
    session = Session(seed, served)
    mappa, prepare = seed / "practices/uk-mappa.yaml", seed / "practices/efus-prepare-project.yaml"
    mappa_page, prepare_page = "practices/uk-mappa/index.html", "practices/efus-prepare-project/index.html"
    try:
        session.rebuild()
        steps = [
            ("a practice's title", [mappa_page], lambda: edit(mappa, "title: ", "title: Renamed MAPPA, ")),
            # it leaves one topic's list for another's
            ("a practice's topic", [mappa_page], lambda: edit(mappa, "topics: [multi-agency-cooperation,",
                                                               "topics: [staff-training,")),
            ("a topic's summary", ["topics/staff-training/index.html"],
             lambda: edit(seed / "topics/staff-training.yaml", "summary: ", "summary: Changed. ")),
        ]
        for name, pages, change in steps:
            change()
            shown = session.rebuild()
            assert session.plugin.preview.pending, name  # only the edited pages so far
            assert not any(p.endswith("index.md") and p.count("/") <= 1 for p in shown), (name, shown)  # no list
            clean_build(seed, clean)
            assert [p for p in pages if not _same_page(served, clean, p)] == [], f"first build after {name}"
            session.settle()
            assert not session.plugin.preview.pending
            assert differences(served, clean) == [], f"after {name}"

        # two edits in a row, the second saved before the build that follows the first: each shown at once
        # (the first page also lists the second record, now in the same topic: it follows with the lists)
        edit(mappa, "title: ", "title: Again ")
        session.rebuild()
        clean_build(seed, clean)
        assert _same_page(served, clean, mappa_page)
        edit(prepare, "title: ", "title: Also renamed ")
        session.rebuild()
        assert session.plugin.preview.pending
        clean_build(seed, clean)
        assert _same_page(served, clean, prepare_page)
        session.settle()
        assert differences(served, clean) == [], "after two edits in a row"

        # an invalid edit fails the build; its fix is shown first, then every page follows
        good = mappa.read_text(encoding="utf-8")
        edit(mappa, "countries: [", "countries: [UK, ")
        with pytest.raises(Abort):
            session.rebuild()
        mappa.write_text(good.replace("title: Again ", "title: Fixed "), encoding="utf-8")
        session.rebuild()
        assert session.plugin.preview.pending
        clean_build(seed, clean)
        assert _same_page(served, clean, mappa_page), "first build after fixing an invalid edit"
        session.settle()
        assert differences(served, clean) == [], "after fixing an invalid edit"

        # a reference's entry, cited by records: no page is shown early, the one build is a full one
        _edit_first_title(seed / "bibliography")
        session.rebuild()
        assert not session.plugin.preview.pending
        session.settle()
        clean_build(seed, clean)
        assert differences(served, clean) == [], "after a reference's edit"
    finally:
        session.close()


def test_the_collector_paused_while_edited_pages_are_shown_runs_again_after_every_build_that_follows(seed, tmp_path):
    """reskb.site.preview.CollectorPause: the build that shows edited pages runs without the cyclic collector, which
    must be back on after the full build that follows, and after a build that fails."""
    session = Session(seed, tmp_path / "served")
    mappa = seed / "practices/uk-mappa.yaml"
    try:
        session.rebuild()
        assert gc.isenabled()
        edit(mappa, "title: ", "title: Renamed MAPPA, ")
        session.rebuild()
        assert session.plugin.preview.pending and not gc.isenabled()  # until the follow-up build
        session.follow_up()
        assert gc.isenabled()
        edit(mappa, "title: ", "title: Again ")
        session.rebuild()
        edit(mappa, "countries: [", "countries: [UK, ")
        with pytest.raises(Abort):
            session.rebuild()
        assert gc.isenabled()
    finally:
        gc.enable()
        session.close()
