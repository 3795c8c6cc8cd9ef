"""What changes beyond scale.LARGE_ABOVE practices, on the seed catalogue with the threshold lowered: the finder's
sharded data holds every practice's words and values, the list of practices is paged, and below the threshold
nothing changes. (The browser behaviour is in test_finder_sharded_browser.py.)"""

import json
import re

import pytest

from conftest import SEED
from reskb.records.validate import load_catalogue
from reskb.site import finder_shards, listing_pages
from reskb.site.finder import SCRIPT_DATA, practice_data, words
from reskb.site.pages import build_downloads, build_pages
from reskb.site.scale import ENV

#: the threshold in these tests: the seed catalogue is built the large way
SMALL = 5


@pytest.fixture(scope="module")
def seed():
    catalogue, problems = load_catalogue(SEED)
    assert not [p for p in problems if p.severity == "error"]
    return catalogue


def shard(text):
    name, data = re.fullmatch(r"window\.reskbFinderShard\((\"[^\"]+\"),(.*)\);\n", text, re.S).groups()
    return json.loads(name), json.loads(data)


def numbers(gaps):
    out, last = [], 0
    for gap in gaps.split(","):
        last += int(gap, 36)
        out.append(last)
    return out


def test_below_the_threshold_nothing_changes(seed, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    files = build_downloads(seed)
    assert SCRIPT_DATA in files and not any(p.startswith("data/finder/") for p in files)
    assert listing_pages.paged_practice_lists(seed, "Practices", "", lambda page, p: "") == {}
    pages = build_pages(seed)
    assert not any("page_" in p for p in pages) and "reskb-finder--sharded" not in pages["finder.md"]


def test_shards_hold_every_practices_words_and_values(seed, monkeypatch):
    monkeypatch.setenv(ENV, str(SMALL))
    files = finder_shards.finder_data(seed)
    assert SCRIPT_DATA not in files
    name, table = shard(files[finder_shards.TABLE])
    practices = sorted(seed.practices.values(), key=lambda r: finder_shards.by_title(r))
    assert name == "table" and table["count"] == len(practices)
    # every word of every practice, and nothing else, is in the file its key names
    index = {}
    for key in table["words"]:
        name, entries = shard(files[f"data/finder/words-{key}.js"])
        assert name == f"words-{key}"
        for word, gaps in entries.items():
            assert finder_shards.word_key(word) == key
            for i in numbers(gaps):
                index.setdefault(i, set()).add(word)
    for i, record in enumerate(practices):
        assert index[i] == set(words(record, seed).split()), record.id
        data = practice_data(record, seed)
        countries = [table["values"]["country"][n] for n in table["facets"]["country"][i]]
        assert countries == [[c["code"], c["name"]] for c in data["countries"]]
        _, rows = shard(files[f"data/finder/rows-{i // table['rowsPerShard']}.js"])
        assert rows[i % table["rowsPerShard"]][:2] == [record.id, record.title]


def test_word_keys_are_safe_file_names():
    assert finder_shards.word_key("weekly") == "we"
    assert finder_shards.word_key("a") == "a"
    assert finder_shards.word_key("mé") == "u6d-e9"
    assert finder_shards.word_key("d'") == "u64-27"


def test_the_list_of_practices_is_paged_with_links_between_pages(seed, monkeypatch):
    monkeypatch.setenv(ENV, str(SMALL))
    pages = build_pages(seed)
    paged = sorted((p for p in pages if p.startswith("practices/page_")), key=lambda p: int(p[15:-3]))
    assert len(paged) + 1 == -(-len(seed.practices) // SMALL)
    second = pages["practices/page_2.md"]
    assert "[← Previous](index.md)" in second and "[Next →](page_3.md)" in second and "**2**" in second
    last = pages[paged[-1]]
    assert "Next →" not in last
    listed = [m for p in ["practices/index.md", *paged] for m in re.findall(r"^\| \[[^\]]*\]\(([a-z0-9-]+)\.md\)",
                                                                               pages[p], re.M)]
    assert sorted(listed) == sorted(seed.practices)


@pytest.mark.parametrize("value", ["", "many", "-3", "²", "1.5"])
def test_a_threshold_that_is_not_a_whole_number_is_ignored(monkeypatch, value):
    from reskb.site import scale

    monkeypatch.setenv(ENV, value)
    assert scale.large_above() == scale.LARGE_ABOVE
