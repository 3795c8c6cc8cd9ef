"""The list of all practices in numbered pages, for a large catalogue.

Up to scale.LARGE_ABOVE practices, practices/index.md lists every practice in one table (pages.py). Beyond it
that table alone outgrew the download budget (about 40 KB gzipped per 1,000 practices), so the list is split
in title order into pages of PER_PAGE practices (fewer if the threshold is set lower):
practices/index.md is the first, practices/page_2.md,
page_3.md, ... the others ("_" cannot occur in a record id, so no page can clash with a practice's), each with
links to every page of the list, the previous and the next. Every practice is still reached from the list.
"""

from __future__ import annotations

from collections.abc import Callable

from ..records.catalogue import Catalogue, Record
from ..records.catalogue import title_key as by_title
from .markdown import front_matter, md_escape
from .scale import is_large, large_above

INDEX = "practices/index.md"
#: practices on one page of the list (fewer when the threshold is set lower, so a small test catalogue splits)
PER_PAGE = 500


def per_page() -> int:
    return max(1, min(PER_PAGE, large_above()))


def page_path(number: int) -> str:
    return INDEX if number == 1 else f"practices/page_{number}.md"


def _link(here: str, number: int) -> str:
    target = page_path(number)
    name = "index.md" if target == INDEX else target.rsplit("/", 1)[1]
    return f"[{number}]({name})" if target != here else f"**{number}**"


def pager(here: int, pages: int) -> str:
    """Links to every page of the list, with the previous and the next."""
    path = page_path(here)
    parts = []
    if here > 1:
        parts.append(f"[← Previous]({page_path(here - 1).rsplit('/', 1)[1]})")
    parts += [_link(path, n) for n in range(1, pages + 1)]
    if here < pages:
        parts.append(f"[Next →]({page_path(here + 1).rsplit('/', 1)[1]})")
    return "Pages: " + " · ".join(parts)


def paged_paths(cat: Catalogue) -> list[str]:
    """The paths paged_practice_lists makes, without making them."""
    count = len(cat.practices)
    return [page_path(n) for n in range(1, -(-count // per_page()) + 1)] if is_large(count) else []


def paged_practice_lists(cat: Catalogue, title: str, intro: str,
                         table: Callable[[str, list[Record]], str]) -> dict[str, str]:
    """practices/index.md and its further pages, or nothing when the catalogue lists all practices on one page."""
    practices = sorted(cat.practices.values(), key=by_title)
    if not is_large(len(practices)):
        return {}
    size = per_page()
    chunks = [practices[i:i + size] for i in range(0, len(practices), size)]
    out = {}
    for number, chunk in enumerate(chunks, 1):
        path = page_path(number)
        span = (f"Practices {(number - 1) * size + 1:,}–{(number - 1) * size + len(chunk):,} of "
                f"{len(practices):,}, by title: from {md_escape(chunk[0].title)} to {md_escape(chunk[-1].title)}. "
                "The [finder](../finder.md) filters all of them.")
        page_title = title if number == 1 else f"{title} (page {number} of {len(chunks)})"
        # the first page ranks below records in site search, as the one-page list did; the others stay out of it
        search = {"boost": 0.3} if number == 1 else {"exclude": True}
        out[path] = "\n".join([
            front_matter(page_title, intro, search=search), f"# {page_title}", "", intro, "", span, "",
            pager(number, len(chunks)), "", table(path, chunk), "", pager(number, len(chunks)), ""])
    return out
