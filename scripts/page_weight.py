#!/usr/bin/env python3
"""What a reader downloads for each page of a built site, gzipped: the page's HTML plus the same-origin
scripts and styles it loads and the data those scripts fetch (Material's search index included).

    .venv/bin/python scripts/page_weight.py site/            # the 15 heaviest pages
    .venv/bin/python scripts/page_weight.py site/ --top 40 --budget 300

Importable: `page_weights(site)` returns every page's weight, heaviest first; `heaviest(site, n)` the first n.
Read statically from the HTML (no browser): `<script src>`, `<link rel="stylesheet" href>`, Material's search
(its worker and search/search_index.json, fetched by every page whose configuration names the worker), and
the data files our scripts fetch (FETCHES). Each file is counted once per page, gzipped on its own as a
server sends it. A file another origin serves is not counted (our pages load none).

A large catalogue's finder (finder_shards.py) fetches data/finder/ files as a reader uses it; counted is the
worst a reader meets with one word typed and one page of results: table.js, the word files of the letter
whose files weigh most (a one-letter word fetches them all), and the heaviest row files one page of results
can touch (PAGE of them). Typing more words, or "Show more", fetches more of them: the whole of data/finder/
is printed under the table (`sharded_total`). Its compare page (compare_shards.py) counts the ids files of four
practices named in the address, and one one-letter word typed: the word files of the heaviest letter and the
values files of the COMPARE_SHOWN matches listed and of those four practices."""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

#: data our scripts fetch: script (site path) -> [(data file, the element id on the page that makes it fetch,
#: unless the page already loads this script with the same data)]
FETCHES: dict[str, list[tuple[str, str, str | None]]] = {
    "assets/reskb/compare.js": [("data/compare.json", "reskb-compare", "data/compare.js")],
    "assets/reskb/finder.js": [("data/practices.json", "reskb-finder", "data/finder.js")],
}
SEARCH_INDEX = "search/search_index.json"
SHARDS = "data/finder"
#: a large catalogue's compare data (compare_shards.py), and how many matches its pickers list at once
COMPARE_SHARDS = "data/compare"
COMPARE_SHOWN = 10
#: rows a large catalogue's finder lists at once (reskb.site.finder.PAGE)
SHARD_PAGE = 50


@dataclass
class PageWeight:
    page: str  # site path of the HTML file, e.g. "practices/practice-0/index.html"
    html_kb: float  # the HTML, gzipped
    total_kb: float  # the HTML and everything it loads, gzipped
    parts: dict[str, float] = field(default_factory=dict)  # site path -> KB gzipped (the HTML included)

    def heaviest_parts(self, n: int = 3) -> list[tuple[str, float]]:
        return sorted(self.parts.items(), key=lambda kv: -kv[1])[:n]


class _Loads(HTMLParser):
    """The addresses a page loads, its element ids, and Material's configuration."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.ids: set[str] = set()
        self.config = ""
        self._in_config = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "script":
            if values.get("src"):
                self.scripts.append(values["src"])
            self._in_config = values.get("id") == "__config"
        elif tag == "link" and "stylesheet" in values.get("rel", "").split() and values.get("href"):
            self.styles.append(values["href"])

    def handle_data(self, data: str) -> None:
        if self._in_config:
            self.config += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_config = False


def _site_path(site: Path, page: PurePosixPath, address: str) -> str | None:
    """The site path an address on `page` points at, or None when it is another origin's or not in the site."""
    parts = urlsplit(address)
    if parts.scheme or parts.netloc:
        return None
    target = PurePosixPath(parts.path) if parts.path.startswith("/") else page.parent / parts.path
    resolved: list[str] = []
    for part in target.parts:
        if part in ("", "/", "."):
            continue
        if part == "..":
            if resolved:
                resolved.pop()
            continue
        resolved.append(part)
    # an address from the server's root may carry site_url's path (/reskb/assets/...): drop leading folders
    # until it names a file of the site
    starts = range(len(resolved)) if parts.path.startswith("/") else range(1)
    for start in starts:
        path = "/".join(resolved[start:])
        if path and (site / path).is_dir():
            path += "/index.html"
        if path and (site / path).is_file():
            return path
    return None


class _Sizes:
    """Gzipped sizes, each file compressed once however many pages load it."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self._kb: dict[str, float] = {}

    def __call__(self, path: str) -> float:
        if path not in self._kb:
            self._kb[path] = len(gzip.compress((self.site / path).read_bytes(), 6)) / 1000
        return self._kb[path]


def page_weight(site: Path, page: str, sizes: _Sizes | None = None) -> PageWeight:
    """One page's weight; `page` is the site path of its HTML file."""
    sizes = sizes or _Sizes(site)
    html = (site / page).read_text(encoding="utf-8", errors="replace")
    loads = _Loads()
    loads.feed(html)
    here = PurePosixPath(page)
    files = [p for p in (_site_path(site, here, a) for a in loads.scripts + loads.styles) if p]
    try:
        config = json.loads(loads.config) if loads.config.strip() else {}
    except ValueError:
        config = {}
    if isinstance(config, dict) and config.get("search"):  # Material's search: its worker fetches the index
        worker = _site_path(site, here, str(config["search"]))
        base = str(config.get("base", "."))
        index = _site_path(site, here, f"{base.rstrip('/')}/{SEARCH_INDEX}")
        files += [p for p in (worker, index) if p]
    sharded = "assets/reskb/finder.js" in files and "reskb-finder" in loads.ids and "data/finder.js" not in files
    if sharded and (site / SHARDS / "table.js").is_file():
        files.append(f"{SHARDS}/table.js")
    else:
        sharded = False
    for script in list(files):
        for data, element, instead in FETCHES.get(script, []):
            if element in loads.ids and instead not in files and (site / data).is_file() and not sharded:
                files.append(data)
    parts = {page: sizes(page)}
    for path in dict.fromkeys(files):
        parts[path] = sizes(path)
    if sharded:
        parts.update(_worst_shards(site, sizes))
    if "reskb-compare" in loads.ids and "data/compare.js" in files and (site / COMPARE_SHARDS).is_dir():
        parts.update(_worst_compare(site, sizes))
    return PageWeight(page, parts[page], sum(parts.values()), parts)


def _worst_shards(site: Path, sizes: _Sizes) -> dict[str, float]:
    """A large finder's worst fetch for one word and one page of results (see the module's docstring)."""
    letters: dict[str, list[float]] = {}
    rows: list[float] = []
    for path in (site / SHARDS).glob("*.js"):
        name = path.stem
        if name.startswith("words-"):
            key = name[len("words-"):]
            first = key[0] if len(key) <= 2 else chr(int(key[1:].split("-")[0], 16))
            letters.setdefault(first, []).append(sizes(f"{SHARDS}/{path.name}"))
        elif name.startswith("rows-"):
            rows.append(sizes(f"{SHARDS}/{path.name}"))
    out = {}
    if letters:
        letter, kbs = max(letters.items(), key=lambda kv: sum(kv[1]))
        out[f"{SHARDS}/words-{letter}* ({len(kbs)} files)"] = sum(kbs)
    if rows:
        worst = sorted(rows)[-SHARD_PAGE:]
        out[f"{SHARDS}/rows-* ({len(worst)} heaviest files)"] = sum(worst)
    return out


def _worst_compare(site: Path, sizes: _Sizes) -> dict[str, float]:
    """A large compare page's worst fetch: the ids files of the four practices an address names, and one
    one-letter word typed (the word files of the heaviest letter and the values files of the matches listed)."""
    kinds: dict[str, list[float]] = {"ids": [], "values": []}
    letters: dict[str, list[float]] = {}
    for path in (site / COMPARE_SHARDS).glob("*.js"):
        kind, _, key = path.stem.partition("-")
        kb = sizes(f"{COMPARE_SHARDS}/{path.name}")
        if kind == "words":
            letters.setdefault(key[0] if len(key) <= 2 else chr(int(key[1:].split("-")[0], 16)), []).append(kb)
        elif kind in kinds:
            kinds[kind].append(kb)
    out = {}
    if letters:
        letter, kbs = max(letters.items(), key=lambda kv: sum(kv[1]))
        out[f"{COMPARE_SHARDS}/words-{letter}* ({len(kbs)} files)"] = sum(kbs)
    # values: the COMPARE_SHOWN matches listed and the (at most 4) practices an address names
    for kind, n in (("ids", 4), ("values", COMPARE_SHOWN + 4)):
        worst = sorted(kinds[kind])[-n:]
        if worst:
            out[f"{COMPARE_SHARDS}/{kind}-* ({len(worst)} heaviest files)"] = sum(worst)
    return out


def sharded_total(site: str | Path) -> float:
    """Every file of a large finder's data/finder/, gzipped (0 when the site has none)."""
    folder = Path(site) / SHARDS
    return sum(len(gzip.compress(p.read_bytes(), 6)) / 1000 for p in folder.glob("*.js")) if folder.is_dir() else 0.0


def page_weights(site: str | Path) -> list[PageWeight]:
    """Every HTML page of the built site, heaviest first."""
    site = Path(site)
    sizes = _Sizes(site)
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    return sorted((page_weight(site, p, sizes) for p in pages), key=lambda w: (-w.total_kb, w.page))


def heaviest(site: str | Path, n: int = 15) -> list[PageWeight]:
    return page_weights(site)[:n]


def report(weights: list[PageWeight], budget_kb: float = 300, top: int = 15) -> str:
    over = [w for w in weights if w.total_kb > budget_kb]
    lines = [f"{len(weights)} pages; {len(over)} over {budget_kb:.0f} KB gzipped (HTML + what it loads)"]
    for w in weights[:top]:
        parts = ", ".join(f"{p} {kb:.0f}" for p, kb in w.heaviest_parts())
        lines.append(f"{w.total_kb:8.1f} KB  {w.page}  (HTML {w.html_kb:.1f}; largest: {parts})")
    return "\n".join(lines)


def page_type(page: str) -> str:
    """A page's kind for --by-type: its folder (practices/*, countries/*, ...) or, at the top, its own name."""
    parts = page.split("/")
    if len(parts) <= 2:  # index.html, finder/index.html
        return parts[0] if len(parts) == 2 else "(home)"
    return f"{parts[0]}/*"


def by_type(weights: list[PageWeight], budget_kb: float = 300) -> str:
    """The heaviest page of each kind, and how many of that kind are over the budget."""
    kinds: dict[str, list[PageWeight]] = {}
    for w in weights:
        kinds.setdefault(page_type(w.page), []).append(w)
    lines = []
    for kind, pages in sorted(kinds.items(), key=lambda kv: -kv[1][0].total_kb):
        top = pages[0]
        over = sum(w.total_kb > budget_kb for w in pages)
        parts = ", ".join(f"{p} {kb:.0f}" for p, kb in top.heaviest_parts(4))
        lines.append(f"{top.total_kb:8.1f} KB  {kind:<22} {len(pages):>6} pages, {over:>6} over  "
                     f"(heaviest {top.page}: {parts})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a built site folder (mkdocs build's site_dir)")
    parser.add_argument("--top", type=int, default=15, help="how many of the heaviest pages to print")
    parser.add_argument("--budget", type=float, default=300, help="KB gzipped a page may make a reader fetch")
    parser.add_argument("--json", action="store_true", help="print every page's figures as JSON instead")
    parser.add_argument("--by-type", action="store_true", help="also print the heaviest page of each kind")
    args = parser.parse_args(argv)
    if not args.site.is_dir():
        parser.error(f"{args.site} is not a folder; build the site first (mkdocs build)")
    weights = page_weights(args.site)
    if args.json:
        print(json.dumps([w.__dict__ for w in weights], indent=1))
    else:
        print(report(weights, args.budget, args.top))
        if args.by_type:
            print(by_type(weights, args.budget))
        if sharded_total(args.site):
            print(f"data/finder/ in all (the finder's data, fetched as it is used): {sharded_total(args.site):.1f} KB")
    return 1 if any(w.total_kb > args.budget for w in weights) else 0


if __name__ == "__main__":
    sys.exit(main())
