"""The compare page's data for a large catalogue: small files fetched for what a reader types and chooses.

In a small catalogue the compare page loads data/compare.js, every practice with every value, and its pickers
list every practice. Beyond scale.LARGE_ABOVE a list of every practice outgrows the download budget (its titles
alone made data/compare.js 165 KB gzipped at 10,000 practices) and no one scrolls through it, so each picker
becomes a box that finds practices by the words of their titles and countries, and data/compare.js keeps only
the labels, the comparison tables and the names of these files (each a script calling
window.reskbCompareShard(name, data), so they load from file:// too):

- values-<n>.js: id, title, countries and compared values of PER_SHARD practices in title order (a practice's
  number is its place in that order); fetched for the practices listed as matches and those chosen.
- words-<key>.js: the words of titles and country names starting with <key> (their first two letters, as
  finder_shards.word_key), each with the numbers of its practices; fetched for the words typed. A word typed
  matches the beginning of any of them; a hyphenated word is also found by each of its parts.
- ids-<n>.js: IDS_PER_SHARD practice ids in code-point order, each with its number: the address (?p=id,...)
  names practices by id, and data/compare.js lists the first id of each file to find the one to fetch.

data/compare.json, the download, stays complete.
"""

from __future__ import annotations

import json
from typing import Any

from ..records.catalogue import Catalogue
from .comparison import COMPARE_SCRIPT_DATA, compare_script
from .finder import _WORD
from .finder_shards import _delta, word_key
from .scale import is_large

FOLDER = "data/compare"
#: practices per values file: a list of matches touches at most MATCHES_SHOWN of them, so they stay small
PER_SHARD = 20
#: practice ids per ids file
IDS_PER_SHARD = 250
#: matches the picker lists at once (the reader types more words to narrow them)
MATCHES_SHOWN = 10


def _script(name: str, data: Any) -> str:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"window.reskbCompareShard({json.dumps(name)},{body});\n".replace("<", "\\u003c")  # inert if inlined


def title_words(title: str, countries: list[str]) -> set[str]:
    """The words a practice is found by in the picker: those of its title and country names, lower case, and
    the parts of hyphenated or apostrophised ones ("EXIT-Germany" is found by "exit" and "germany" too)."""
    found = set()
    for text in [title, *countries]:
        for word in _WORD.findall(text):
            word = word.lower()  # as the search box lowers what is typed (toLowerCase keeps 'ß')
            found.add(word)
            found.update(part for part in _WORD.findall(word.replace("-", " ").replace("'", " ").replace("’", " ")))
    return found


def compare_files(catalogue: Catalogue, compare_json: str) -> dict[str, str]:
    """data/compare.js, and beyond the threshold the files of data/compare/."""
    if not is_large(len(catalogue.practices)):
        return {COMPARE_SCRIPT_DATA: compare_script(compare_json)}
    data = json.loads(compare_json)
    practices = data.pop("practices")  # in title order (comparison.compare_data)
    files = {}
    for start in range(0, len(practices), PER_SHARD):
        name = f"values-{start // PER_SHARD}"
        entries = [[p["id"], p["title"], p["countries"], p["values"]] for p in practices[start:start + PER_SHARD]]
        files[f"{FOLDER}/{name}.js"] = _script(name, entries)
    index: dict[str, list[int]] = {}
    for number, p in enumerate(practices):
        for word in title_words(p["title"], p["countries"]):
            index.setdefault(word, []).append(number)
    shards: dict[str, dict[str, str]] = {}
    for word in sorted(index):
        shards.setdefault(word_key(word), {})[word] = _delta(index[word])
    for key, entries in shards.items():
        files[f"{FOLDER}/words-{key}.js"] = _script(f"words-{key}", entries)
    by_id = sorted((p["id"], number) for number, p in enumerate(practices))
    firsts = []
    for start in range(0, len(by_id), IDS_PER_SHARD):
        chunk = by_id[start:start + IDS_PER_SHARD]
        firsts.append(chunk[0][0])
        name = f"ids-{start // IDS_PER_SHARD}"
        files[f"{FOLDER}/{name}.js"] = _script(name, dict(chunk))
    data.update({"count": len(practices), "perShard": PER_SHARD, "shown": MATCHES_SHOWN,
                 "words": sorted(shards), "ids": firsts})
    files[COMPARE_SCRIPT_DATA] = "window.reskbCompareData = " + json.dumps(
        data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c") + ";\n"
    return files
