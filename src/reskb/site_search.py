"""What Material's site search indexes for a record page: its title and summary, one entry per page.

Every page of the site loads Material's search index (search/search_index.json), so its size is what every
reader downloads. Indexed in full, record pages made 1.7 MB gzipped at 1,000 practices; by title and summary
they make a small fraction of that, and the full text of every practice stays searchable in the finder (its
word search reads each practice's words). Record pages keep their tags (kind, countries) and boost, so a
record still ranks first for its title and shows what it is in the results.

The plugin marks each record page `search: exclude` before Material's search plugin reads it (so Material
never parses the page's HTML, which was most of its cost), and adds the entry below in the same place of the
index Material would have put the page's own entries, keeping the order of the index.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .catalogue import Catalogue, Record
from .plaintext import plain_text


def summary_of(record: Record, catalogue: Catalogue) -> str:
    """The record's summary (a glossary term's definition) as plain text."""
    data = record.data
    return plain_text(data.get("summary") or data.get("definition") or "", catalogue.references)


def record_entry(record: Record, catalogue: Catalogue, location: str, meta: dict[str, Any]) -> dict[str, Any]:
    """The page's one entry, in the form Material's search plugin writes (text escaped as it escapes it)."""
    entry: dict[str, Any] = {"location": location, "title": escape(record.title, quote=False),
                             "text": f"<p>{escape(summary_of(record, catalogue), quote=False)}</p>"}
    tags = meta.get("tags")
    if isinstance(tags, list):
        entry["tags"] = [str(t) for t in tags if t and isinstance(t, str | int | float | bool)]
    search = meta.get("search") or {}
    if isinstance(search, dict) and "boost" in search:
        entry["boost"] = search["boost"]
    return entry


class SlimSearch:
    """Hands record pages' entries to Material's search plugin instead of letting it index their full text."""

    def __init__(self, plugins: Any) -> None:
        search = None
        for name in ("material/search", "search"):
            plugin = plugins.get(name) if hasattr(plugins, "get") else None
            if plugin is not None and getattr(plugin, "search_index", None) is not None:
                search = plugin
                break
        #: Material's index (None when the site has no Material search: then nothing is done)
        self.index = search.search_index if search is not None and search.config.get("enabled", True) else None
        self.pending: dict[str, dict[str, Any]] = {}

    def exclude(self, page: Any, record: Record, catalogue: Catalogue) -> None:
        """Before Material reads the page: keep it out of Material's parsing, remember its entry."""
        if self.index is None:
            return
        meta = page.meta
        search = meta.get("search") if isinstance(meta.get("search"), dict) else {}
        if search.get("exclude"):
            return
        self.pending[page.file.src_uri] = record_entry(record, catalogue, page.url, meta)
        meta["search"] = {**search, "exclude": True}

    def add(self, page: Any) -> None:
        """After Material has indexed the page (it skipped it): add its entry where Material would have."""
        entry = self.pending.pop(page.file.src_uri, None)
        if entry is not None and self.index is not None:
            self.index.entries.append(entry)
