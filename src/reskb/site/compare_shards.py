"""The compare page's data for a large catalogue: the list to pick from in one file, each practice's values in
small files fetched for the practices chosen.

In a small catalogue the compare page loads data/compare.js, every practice with every value (252 KB gzipped at
5,000 practices). Beyond scale.LARGE_ABOVE that file keeps what the pickers need (id, title, countries; the
address is practices/<id>/, as comparison.practice_url says) and each practice's values go, VALUES_PER_SHARD
practices in title order to a file, into data/compare/values-<n>.js, a script calling
window.reskbCompareShard (so it loads from file:// too). data/compare.json, the download, stays complete.
"""

from __future__ import annotations

import json

from ..records.catalogue import Catalogue
from .comparison import COMPARE_SCRIPT_DATA, compare_script
from .scale import is_large

FOLDER = "data/compare"
VALUES_PER_SHARD = 20


def _script(text: str) -> str:
    return text.replace("<", "\\u003c")  # inert if ever inlined into HTML


def compare_files(catalogue: Catalogue, compare_json: str) -> dict[str, str]:
    """data/compare.js, and beyond the threshold the files of data/compare/."""
    if not is_large(len(catalogue.practices)):
        return {COMPARE_SCRIPT_DATA: compare_script(compare_json)}
    data = json.loads(compare_json)
    practices = data["practices"]
    files = {}
    for start in range(0, len(practices), VALUES_PER_SHARD):
        n = start // VALUES_PER_SHARD
        values = [p["values"] for p in practices[start:start + VALUES_PER_SHARD]]
        files[f"{FOLDER}/values-{n}.js"] = _script(
            f"window.reskbCompareShard({n},{json.dumps(values, ensure_ascii=False, separators=(',', ':'))});\n")
    data["practices"] = [{"id": p["id"], "title": p["title"], "countries": p["countries"]} for p in practices]
    data["valuesPerShard"] = VALUES_PER_SHARD
    files[COMPARE_SCRIPT_DATA] = _script(
        "window.reskbCompareData = " + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + ";\n")
    return files
