"""What changes beyond scale.LARGE_ABOVE practices, on the seed catalogue with the threshold lowered: the finder's
sharded data holds every practice's words and values, so does the compare page's, the list of practices is paged,
and below the threshold nothing changes. (The browser behaviour is in test_finder_sharded_browser.py.)"""

import json
import re

import pytest

from conftest import SEED
from reskb.records.validate import load_catalogue
from reskb.site import compare_shards, finder_shards, listing_pages
from reskb.site.comparison import compare_data, compare_script
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


def word_index(files, folder, keys, read) -> dict[int, set[str]]:
    """Practice number -> its words, from the word files `data/<folder>/words-<key>.js` (each checked to hold only
    words of its key)."""
    index: dict[int, set[str]] = {}
    for key in keys:
        name, entries = read(files[f"data/{folder}/words-{key}.js"])
        assert name == f"words-{key}"
        for word, gaps in entries.items():
            assert finder_shards.word_key(word) == key
            for n in numbers(gaps):
                index.setdefault(n, set()).add(word)
    return index


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
    index = word_index(files, "finder", table["words"], shard)
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


def compare_shard(text):
    name, data = re.fullmatch(r"window\.reskbCompareShard\((\"[^\"]+\"),(.*)\);\n", text, re.S).groups()
    return json.loads(name), json.loads(data)


def test_below_the_threshold_the_compare_page_lists_every_practice(seed, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    files = build_downloads(seed)
    assert files["data/compare.js"] == compare_script(files["data/compare.json"])
    assert not any(re.match(r"data/compare/(values|words|ids)-", p) for p in files)


def test_a_large_compare_page_finds_every_practice_by_id_and_by_the_words_of_its_title_and_countries(seed, monkeypatch):
    monkeypatch.setenv(ENV, str(SMALL))
    full = json.loads(compare_data(seed))
    files = compare_shards.compare_files(seed, compare_data(seed))
    data = json.loads(re.fullmatch(r"window\.reskbCompareData = (.*);\n", files["data/compare.js"], re.S).group(1))
    assert "practices" not in data and data["count"] == len(full["practices"])
    assert {k: data[k] for k in ("fields", "max", "not_recorded", "tables")} == \
        {k: full[k] for k in ("fields", "max", "not_recorded", "tables")}
    index = word_index(files, "compare", data["words"], compare_shard)
    firsts = data["ids"]
    for n, practice in enumerate(full["practices"]):  # in title order: a practice's number is its place
        # the address names it by id: the ids file whose range holds the id gives its number
        file = max(i for i, first in enumerate(firsts) if first <= practice["id"])
        assert compare_shard(files[f"data/compare/ids-{file}.js"])[1][practice["id"]] == n
        per = data["perShard"]
        entry = compare_shard(files[f"data/compare/values-{n // per}.js"])[1][n % per]
        assert entry == [practice["id"], practice["title"], practice["countries"], practice["values"]]
        assert index[n] == compare_shards.title_words(practice["title"], practice["countries"])
    assert sum(len(compare_shard(files[f"data/compare/ids-{i}.js"])[1]) for i in range(len(firsts))) == len(seed.practices)
    # files are inert if ever inlined into HTML: no "<" from a title or a value
    assert not any("<" in text for path, text in files.items())


def test_the_picker_finds_a_practice_by_each_part_of_a_hyphenated_word_and_by_country():
    words = compare_shards.title_words("EXIT-Deutschland’s mentors", ["Germany"])
    assert {"exit-deutschland’s", "exit", "deutschland", "mentors", "germany"} <= words
    assert all(w == w.casefold() for w in words)


def test_finder_and_compare_words_are_lowered_as_the_browser_lowers_what_is_typed(seed):
    """The scripts lower what is typed with toLowerCase(), which keeps 'ß': a casefolded index ('strasse') would
    never match 'straße' typed by a reader."""
    record = seed.practices[sorted(seed.practices)[0]]
    title, record.data["title"] = record.data["title"], "Beratung in der Straße"
    try:
        assert "straße" in words(record, seed).split()
    finally:  # the catalogue is shared by this module's tests
        record.data["title"] = title
    assert "straße" in compare_shards.title_words("Beratung in der Straße", ["Österreich"])
    assert "österreich" in compare_shards.title_words("Beratung", ["Österreich"])
