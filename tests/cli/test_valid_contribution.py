"""A valid contribution never fails CI: with one new practice, challenge, topic and reference added to a
clean copy of the repository, `reskb validate`, `mkdocs build --strict` and the tests that check the real
catalogue (search, finder, site, countries) all pass. Those tests compute their expectations from the data;
fixed numbers belong to the fixture catalogue."""

from __future__ import annotations

import os
import subprocess
import sys

from test_new_contributor import clean_copy

from conftest import REPO

#: the real-catalogue tests a new record could break if they counted records
CATALOGUE_TESTS = ["tests/search", "tests/site_pages/test_finder_browser.py", "tests/site_pages/test_site.py",
                   "tests/site_pages/test_finder.py",
                   "tests/site_pages/test_comparison.py", "tests/site_pages/test_csv_export.py",
                   "tests/site_pages/test_countries.py"]

NEW_BIB = """@misc{contribution2024example,
  author = {{Example Organisation}},
  title  = {A new source on family meetings},
  year   = {2024},
  url    = {https://example.org/report}
}
"""


def replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def add_contribution(root) -> None:
    """A practice in Austria and Denmark about families (the words and places the search tests use), citing a
    new reference, and a new challenge and topic that it lists."""
    practice = (REPO / "practices/austria-social-network-meetings.yaml").read_text(encoding="utf-8")
    practice = replace(practice, "id: austria-social-network-meetings", "id: contribution-family-meetings")
    practice = replace(practice, "title: ", "title: Contribution test, family meetings, ")
    practice = replace(practice, "countries: [AT]", "countries: [AT, DK]")
    practice = replace(practice, "topics: [", "topics: [contribution-topic, ")
    practice = replace(practice, "challenges: [", "challenges: [contribution-challenge, ")
    practice = replace(practice, "summary: >-\n", "summary: >-\n  Family meetings, also in Denmark [@contribution2024example].\n")
    (root / "practices/contribution-family-meetings.yaml").write_text(practice, encoding="utf-8")
    challenge = (REPO / "challenges/trust.yaml").read_text(encoding="utf-8")
    challenge = replace(replace(challenge, "id: trust", "id: contribution-challenge"), "title: ", "title: Contribution test, ")
    (root / "challenges/contribution-challenge.yaml").write_text(challenge, encoding="utf-8")
    topic = (REPO / "topics/staff-training.yaml").read_text(encoding="utf-8")
    topic = replace(replace(topic, "id: staff-training", "id: contribution-topic"), "title: ", "title: Contribution test, ")
    (root / "topics/contribution-topic.yaml").write_text(topic, encoding="utf-8")
    (root / "bibliography/contribution.bib").write_text(NEW_BIB, encoding="utf-8")


def test_a_new_valid_contribution_passes_every_catalogue_wide_check(tmp_path):
    root = clean_copy(tmp_path / "repo")
    add_contribution(root)
    bin_dir = os.path.dirname(sys.executable)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    validate = subprocess.run([f"{bin_dir}/reskb", "validate", "--errors-only"], cwd=root, capture_output=True,
                              text=True, env=env)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    # the copy's own tests, run against the copy's records (conftest's REPO is the folder the tests live in):
    # they build the real site, search it and open the finder in Chromium
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *CATALOGUE_TESTS],
                           cwd=root, capture_output=True, text=True, env=env, timeout=900)
    assert tests.returncode == 0, tests.stdout[-4000:]
    assert (root / "practices/contribution-family-meetings.yaml").exists()
