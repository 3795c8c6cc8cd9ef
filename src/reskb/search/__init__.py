"""Full-text search over every record: a whoosh index behind a small interface.

index.py builds the index (one document per record; writer.py writes it) into the user's cache folder;
query.py runs queries on it (ranked hits, snippets, facets); related.py finds each practice's related practices
(from the catalogue in memory: a site build needs no index); cli.py is `reskb search`.

    from reskb.search import search
    results = search("family", country="AT", root=".")
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .index import _INDEX_NAME, SCHEMA, CatalogueInvalid, cache_folder, content_hash, ensure_index
    from .query import FACETS, Hit, QueryError, SearchIndex, SearchResults, open_index, search
    from .related import RelatedPractices, related_practices

#: each name's module, loaded on first use: `reskb --help` and `reskb validate` import search.cli only, and
#: whoosh alone would cost them a tenth of a second
_HOMES = {**dict.fromkeys(("_INDEX_NAME", "SCHEMA", "CatalogueInvalid", "cache_folder", "content_hash", "ensure_index"),
                         "index"),
          **dict.fromkeys(("FACETS", "Hit", "QueryError", "SearchIndex", "SearchResults", "open_index", "search"), "query"),
          **dict.fromkeys(("RelatedPractices", "related_practices"), "related")}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value

#: what other modules, the tests and notebooks import (`_INDEX_NAME`: the hostile-cache tests write an index by that name)
__all__ = ["_INDEX_NAME", "FACETS", "SCHEMA", "CatalogueInvalid", "Hit", "QueryError", "RelatedPractices", "SearchIndex",
           "SearchResults", "cache_folder", "content_hash", "ensure_index", "open_index", "related_practices", "search"]
