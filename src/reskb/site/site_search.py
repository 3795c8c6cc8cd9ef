"""What Material's site search indexes for a record page: its title and summary, one entry per page.

Every page of the site loads Material's search index (search/search_index.json), so its size is what every
reader downloads. Indexed in full, record pages made 1.7 MB gzipped at 1,000 practices; by title and summary
they make a small fraction of that, and the full text of every practice stays searchable in the finder (its
word search reads each practice's words). Record pages keep their tags (kind, countries) and boost, so a
record still ranks first for its title and shows what it is in the results.

The plugin marks each record page `search: exclude` before Material's search plugin reads it (so Material
never parses the page's HTML, which was most of its cost), and adds the entry below in the same place of the
index Material would have put the page's own entries, keeping the order of the index.

Beyond LISTS_IN_FULL_UP_TO practices, the generated list pages (all practices, the finder, countries, the
bibliography, ...) go in the same way, by title and description: their tables repeat every record and grew
with the catalogue (150 KB of the 232 KB gzipped index at 1,000 practices), while each record they list is
indexed on its own. Up to that size (the seed catalogue is far below it) they stay indexed in full.

Beyond scale.TITLES_ONLY_ABOVE practices, record pages go in by title and tags only: their summaries made
352 KB gzipped of index at 5,000 practices, more than a page may make a reader fetch in all. Beyond
scale.PRACTICES_OUT_OF_SEARCH_ABOVE, practice pages are left out (their titles alone grow the index by about
37 KB gzipped per 1,000 practices): the finder, linked from every page's navigation, searches their full text.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..citations.plaintext import plain_text
from ..records.catalogue import Catalogue, Record
from .scale import practices_out_of_search, titles_only


def summary_of(record: Record, catalogue: Catalogue) -> str:
    """The record's summary (a glossary term's definition) as plain text."""
    data = record.data
    return plain_text(data.get("summary") or data.get("definition") or "", catalogue.references)


#: up to this many practices, generated list pages stay in the site search in full (see above)
LISTS_IN_FULL_UP_TO = 500


def page_entry(title: str, text: str, location: str, meta: dict[str, Any]) -> dict[str, Any]:
    """One entry in the form Material's search plugin writes (text escaped as it escapes it)."""
    entry: dict[str, Any] = {"location": location, "title": escape(title, quote=False),
                             "text": f"<p>{escape(text, quote=False)}</p>" if text else ""}
    tags = meta.get("tags")
    if isinstance(tags, list):
        entry["tags"] = [str(t) for t in tags if t and isinstance(t, str | int | float | bool)]
    search = meta.get("search") or {}
    if isinstance(search, dict) and "boost" in search:
        entry["boost"] = search["boost"]
    return entry


def record_entry(record: Record, catalogue: Catalogue, location: str, meta: dict[str, Any]) -> dict[str, Any]:
    """A record page's one entry: its title and summary."""
    return page_entry(record.title, summary_of(record, catalogue), location, meta)


class SlimSearch:
    """Hands record pages' entries to Material's search plugin instead of letting it index their full text."""

    def __init__(self, plugins: Any, catalogue: Catalogue, records: dict[str, Record], generated: set[str]) -> None:
        search = None
        for name in ("material/search", "search"):
            plugin = plugins.get(name) if hasattr(plugins, "get") else None
            if plugin is not None and getattr(plugin, "search_index", None) is not None:
                search = plugin
                break
        #: Material's index (None when the site has no Material search: then nothing is done)
        self.index = search.search_index if search is not None and search.config.get("enabled", True) else None
        self.catalogue, self.records = catalogue, records
        #: generated pages that are not records: lists, indexed by title and description in a large catalogue
        self.lists = generated - set(records) if len(catalogue.practices) > LISTS_IN_FULL_UP_TO else set()
        self.pending: dict[str, dict[str, Any]] = {}
        #: record pages by title and tags only, and practice pages left out (a very large catalogue)
        self.titles_only = titles_only(len(catalogue.practices))
        self.practices_out = practices_out_of_search(len(catalogue.practices))

    def before(self, page: Any) -> None:
        """Before Material reads the page (on_page_content): keep it out of Material's parsing, remember its entry."""
        uri = page.file.src_uri
        if self.index is None or (uri not in self.records and uri not in self.lists):
            return
        meta = page.meta
        search = meta.get("search") if isinstance(meta.get("search"), dict) else {}
        if search.get("exclude"):
            return
        record = self.records.get(uri)
        if record is not None and self.practices_out and record.kind == "practice":
            pass  # left out of the site search: found in the finder
        elif record is not None and self.titles_only:
            self.pending[uri] = page_entry(record.title, "", page.url, meta)
        elif record is not None:
            self.pending[uri] = record_entry(record, self.catalogue, page.url, meta)
        else:
            title, description = meta.get("title") or page.title or "", meta.get("description") or ""
            self.pending[uri] = page_entry(str(title), str(description), page.url, meta)
        meta["search"] = {**search, "exclude": True}

    def after(self, page: Any) -> None:
        """After Material has indexed the page (it skipped it): add its entry where Material would have."""
        entry = self.pending.pop(page.file.src_uri, None)
        if entry is not None and self.index is not None:
            self.index.entries.append(entry)
