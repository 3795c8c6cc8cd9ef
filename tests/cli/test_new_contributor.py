"""A new contributor end to end, on a clean copy of the repository: the guide's own `reskb new` command,
the placeholders filled in, `reskb validate`, `mkdocs build --strict`, and the practice on the site."""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from sitecheck import broken_links
from test_repo_files import bash_lines, section

BIN = Path(sys.executable).parent
EDIT = "https://github.com/example/reskb/edit/main/"

#: what a contributor writes in place of each TODO that `reskb new` leaves in an active line
ANSWERS = {
    "summary": "Probation officers and a family counsellor meet each family before release to plan "
               "support together [@baaken2018resocialisation, p. 9].",
    "phases": "[pre-release, post-release]",
    "status": "not-evaluated",
    # the guide: list the work under references with a locator; the page cited in the summary is required
    "key": 'baaken2018resocialisation\n    pages: "9"',
}


def clean_copy(target: Path) -> Path:
    """What a fresh clone holds: the tracked files and new files not ignored (no .venv, no site/)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    for rel in filter(None, listed):
        source = REPO / rel
        if source.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)
    return target


def fill(text: str) -> str:
    """Replace every placeholder in active lines, as the contributor would; comments stay as they are."""
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines):
        if line.lstrip().startswith("#") or "TODO" not in line:
            out.append(line)
            continue
        if line.strip() == "TODO":  # the text of a block scalar: its field is the line above
            field = re.match(r"\s*([a-z_]+):", lines[i - 1]).group(1)
            out.append(line.replace("TODO", ANSWERS[field]))
            continue
        field = re.match(r"\s*(?:- )?([a-z_]+):", line).group(1)
        value = ANSWERS[field]
        out.append(re.sub(r"\[TODO\]|TODO", lambda _, v=value: v, line))
    return "\n".join(out) + "\n"


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "RESKB_EDIT_URL": EDIT}
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, timeout=600, stdin=subprocess.DEVNULL)


def guide_command(name: str) -> list[str]:
    """A command exactly as the guide's steps give it, with `.venv/bin/` pointing at this environment."""
    line = next(line for line in bash_lines(section(REPO / "CONTRIBUTING.md", "steps")) if f"bin/{name}" in line)
    words = shlex.split(line)
    words = [w for w in words if "=" not in w or w.startswith("--")]  # environment assignments go to run()
    return [str(BIN / w.removeprefix(".venv/bin/")) if w.startswith(".venv/bin/") else w for w in words]


@pytest.fixture(scope="module")
def contributed(tmp_path_factory):
    """The clean copy after following the guide, and the site built from it."""
    root = clean_copy(tmp_path_factory.mktemp("clone"))
    new = run(guide_command("reskb new"), root)
    assert new.returncode == 0, new.stderr
    created = re.search(r"created (practices/\S+\.yaml)", new.stdout).group(1)
    path = root / created

    before = run(guide_command("reskb validate"), root)
    assert before.returncode == 1
    assert f"{created}:" in before.stdout and "still holds the placeholder TODO" in before.stdout

    path.write_text(fill(path.read_text(encoding="utf-8")), encoding="utf-8")
    after = run(guide_command("reskb validate"), root)
    assert after.returncode == 0, after.stdout
    assert not [line for line in after.stdout.splitlines() if line.startswith(created)]

    site = root / "site"
    build = run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)], root)
    assert build.returncode == 0, build.stderr
    return root, path, site


def test_the_guide_command_creates_the_practice_with_the_flags(contributed):
    _, path, _ = contributed
    data = yaml.safe_load(path.read_text())
    assert path.name == "family-group-conferences-in-lyon.yaml"
    assert data["title"] == "Family group conferences in Lyon"
    assert data["countries"] == ["FR"] and data["topics"] == ["family-and-social-networks"]


def test_the_new_practice_has_its_page_and_appears_on_its_country_topic_and_index_pages(contributed):
    _, path, site = contributed
    record = yaml.safe_load(path.read_text())
    href = f"practices/{record['id']}/"
    page = (site / href / "index.html").read_text()
    assert "<h1" in page and record["title"] in page
    assert "Baaken" in page  # its citation is rendered and listed
    for listing in ("countries/fr", "topics/family-and-social-networks", "practices", "recent"):
        html = (site / listing / "index.html").read_text()
        assert record["title"] in html and f"{record['id']}/" in html, listing
    finder = site / "finder" / "index.html"
    if finder.exists():  # built by another part of the project; check it where it is there
        assert record["id"] in finder.read_text() or record["id"] in "".join(
            p.read_text() for p in (site / "data").glob("*.json"))
    assert broken_links(site, "/reskb/") == []


def test_the_new_page_links_to_its_yaml_for_editing(contributed):
    _, path, site = contributed
    record_id = path.stem
    page = (site / "practices" / record_id / "index.html").read_text()
    assert f'href="{EDIT}practices/{record_id}.yaml"' in page
    assert "Edit this record" in page
