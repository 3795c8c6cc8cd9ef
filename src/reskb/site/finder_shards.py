"""The finder's data for a large catalogue, split so a reader fetches only what a query needs.

In a small catalogue the finder page lists every practice and loads data/finder.js (every practice with its
words). Beyond scale.LARGE_ABOVE practices that file and the table grow past the download budget, so the page
lists its first rows and finder.js reads these files from data/finder/ instead (each a script calling
window.reskbFinderShard, so they load from file:// in the offline edition too):

- table.js: every practice's filter values, as numbers into one list of values per filter, and what the
  other files are called. Loaded with the page: the filters and their counts need every practice.
- rows-<n>.js: what a table row shows that the values do not (id, title, status, evidence badge) for
  ROWS_PER_SHARD practices in title order; fetched for the rows on screen.
- words-<key>.js: the word index for words starting with <key> (their first two letters): each word with the
  practices whose text has it; fetched for the words typed in the box.

A word matches as in the small finder: any word of a practice that begins with it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..labels import PORTAL_LABELS
from ..records.catalogue import Catalogue, Record
from ..records.catalogue import title_key as by_title
from .badges import NOT_RECORDED, _tone, evidence_code, evidence_text, status_text, strongest_design
from .finder import PAGE, SCRIPT_DATA, finder_script, practice_data, words
from .scale import is_large

FOLDER = "data/finder"
TABLE = f"{FOLDER}/table.js"
#: practices per rows file: a page of results touches at most PAGE of them, so they stay small (10, not 20:
#: scattered results fetch 24 KB gzipped rather than 35 at 10,000 practices, at the cost of 5 files, not 3,
#: for the first page)
ROWS_PER_SHARD = 10
#: the filters, in finder.js's order, and how each reads a practice's data (practice_data)
FACETS = ("country", "phase", "topic", "challenge", "lead_actor", "status", "evidence", "design")
_SAFE_KEY = re.compile(r"^[a-z0-9]{1,2}$")


def _values(facet: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    if facet == "country":
        return [(c["code"], c["name"]) for c in data["countries"]]
    if facet in ("topic", "challenge"):
        return [(t["id"], t["title"]) for t in data[f"{facet}s"]]
    if facet == "phase":
        return [(p["code"], p["label"]) for p in data["phases"] if p]
    if facet == "design":
        return [(d["code"], d["label"]) for d in data["designs"]]
    value = data[facet]
    return [(value["code"], value["label"])] if value else []


def word_key(word: str) -> str:
    """The file key of a word: its first two letters, or their code points when they are not a-z/0-9."""
    start = word[:2]
    return start if _SAFE_KEY.match(start) else "u" + "-".join(f"{ord(c):x}" for c in start)


def _script(name: str, data: Any) -> str:
    # JSON is a JavaScript literal; escaping "<" keeps the file inert if it is ever inlined into HTML
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    return f"window.reskbFinderShard({json.dumps(name)},{body});\n"


def _delta(numbers: list[int]) -> str:
    """Increasing numbers as base-36 gaps, joined by ','."""
    out, last = [], 0
    for n in numbers:
        out.append(_base36(n - last))
        last = n
    return ",".join(out)


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        n, r = divmod(n, 36)
        text = digits[r] + text
        if not n:
            return text


def _row(record: Record, catalogue: Catalogue) -> list[str]:
    evidence = evidence_text(record)
    design = strongest_design(catalogue, record)
    if design:
        from ..records.evaluations import word

        evidence += f" · {PORTAL_LABELS['design']}: {word(design)}"
    status = status_text(record)
    return [record.id, record.title, "" if status == NOT_RECORDED else status, _tone(evidence_code(record)), evidence]


def shard_files(catalogue: Catalogue, site_url: str = "/") -> dict[str, str]:
    """Every file of data/finder/, by site path."""
    practices = sorted(catalogue.practices.values(), key=by_title)
    values: dict[str, dict[str, int]] = {f: {} for f in FACETS}
    labels: dict[str, list[list[str]]] = {f: [] for f in FACETS}
    columns: dict[str, list[list[int]]] = {f: [] for f in FACETS}
    index: dict[str, list[int]] = {}
    for i, record in enumerate(practices):
        data = practice_data(record, catalogue, site_url)
        for facet in FACETS:
            numbers = []
            for code, text in _values(facet, data):
                if code not in values[facet]:
                    values[facet][code] = len(labels[facet])
                    labels[facet].append([code, text])
                numbers.append(values[facet][code])
            columns[facet].append(numbers)
        for word in words(record, catalogue).split():
            index.setdefault(word, []).append(i)
    shards: dict[str, dict[str, str]] = {}
    for word in sorted(index):
        shards.setdefault(word_key(word), {})[word] = _delta(index[word])
    files = {f"{FOLDER}/words-{key}.js": _script(f"words-{key}", entries) for key, entries in shards.items()}
    for start in range(0, len(practices), ROWS_PER_SHARD):
        n = start // ROWS_PER_SHARD
        rows = [_row(r, catalogue) for r in practices[start:start + ROWS_PER_SHARD]]
        files[f"{FOLDER}/rows-{n}.js"] = _script(f"rows-{n}", rows)
    files[TABLE] = _script("table", {
        "count": len(practices), "rowsPerShard": ROWS_PER_SHARD, "page": PAGE, "none": NOT_RECORDED,
        "values": labels, "facets": columns, "words": sorted(shards),
    })
    return files


def finder_data(catalogue: Catalogue, site_url: str = "/") -> dict[str, str]:
    """What the finder page reads: data/finder.js, or beyond scale.LARGE_ABOVE the files of data/finder/."""
    if is_large(len(catalogue.practices)):
        return shard_files(catalogue, site_url)
    return {SCRIPT_DATA: finder_script(catalogue, site_url)}
