"""Where a large catalogue changes what a reader downloads: the size thresholds, in one place.

Up to these sizes (the seed catalogue and the test fixtures are far below them) every page is built as it
always was. Beyond them, pages that repeat every practice would outgrow the budget of 300 KB gzipped a page
may make a reader fetch (issue 16), so:

- the practice finder lists its first rows and reads the rest from data split into small files
  (finder_shards.py), fetched only as a query needs them;
- the list of all practices is split into numbered pages (listing_pages.py);
- beyond TITLES_ONLY_ABOVE, record pages enter Material's site search by title (and tags) only, and beyond
  PRACTICES_OUT_OF_SEARCH_ABOVE practice pages leave it (the finder searches their full text): even by title
  alone, 5,000 practices made an index of about 190 KB gzipped, which every page loads.

RESKB_LARGE_CATALOGUE_ABOVE (an environment variable, a whole number) lowers or raises the first threshold:
tests use it to build a small fixture the large way.
"""

from __future__ import annotations

import os

#: beyond this many practices, the finder is sharded and the list of practices paginated
LARGE_ABOVE = 500
#: beyond this many practices, record pages enter the site search by title and tags only (no summary)
TITLES_ONLY_ABOVE = 1000
#: beyond this many practices, practice pages are left out of the site search (found in the finder)
PRACTICES_OUT_OF_SEARCH_ABOVE = 2000
ENV = "RESKB_LARGE_CATALOGUE_ABOVE"


def large_above() -> int:
    value = os.environ.get(ENV, "").strip()
    return int(value) if value.isdecimal() else LARGE_ABOVE  # not isdigit: int("²") fails


def is_large(practices: int) -> bool:
    """True when a catalogue of this many practices is built the large way."""
    return practices > large_above()


def titles_only(practices: int) -> bool:
    """True when record pages enter the site search by title and tags only."""
    return practices > max(TITLES_ONLY_ABOVE, large_above())


def practices_out_of_search(practices: int) -> bool:
    """True when practice pages are left out of Material's site search (the finder finds them)."""
    return practices > max(PRACTICES_OUT_OF_SEARCH_ABOVE, large_above())
