"""The home page's generated part: a search box, counts, entry tiles by topic, phase of custody and
challenge, the newest practices, the map and the offline edition. The hand-written docs/index.md keeps its
words; this block replaces its `<!-- reskb:home -->` line. Every value in the HTML is escaped here."""

from __future__ import annotations

from html import escape

from ..labels import label
from ..records.catalogue import Catalogue, country_name
from ..records.catalogue import title_key as by_title
from .badges import badges
from .markdown import md_escape
from .worldmap import MapEntry, render_map

MARKER = "<!-- reskb:home -->"
OFFLINE_ZIP = "downloads/reskb-offline.zip"
PHASES = ("pre-trial", "in-prison", "pre-release", "release", "post-release", "community")
NEWEST = 5


def page_url(path: str, directory_urls: bool) -> str:
    """The address of a generated page (docs-relative .md path) as linked from the home page."""
    if not directory_urls:
        return path[:-3] + ".html"
    if path.endswith("index.md"):
        return path[: -len("index.md")] or "./"
    return path[:-3] + "/"


def _tiles(items: list[tuple[str, str, int]]) -> str:
    lis = "".join(f'<li><a href="{escape(href)}">{escape(title)}<span class="reskb-tile__count">'
                  f"{count} practice{'' if count == 1 else 's'}</span></a></li>" for title, href, count in items)
    return f'<ul class="reskb-tiles">{lis}</ul>'


def home_block(cat: Catalogue, directory_urls: bool = True, offline_zip: bool = False) -> str:
    url = lambda path: page_url(path, directory_urls)  # noqa: E731
    practices = list(cat.practices.values())
    evaluations = cat.records.get("evaluation", {}) if isinstance(cat.records, dict) else {}
    counts = [(len(practices), "practices", url("practices/index.md")),
              (len(cat.countries), "countries", url("countries/index.md")),
              (len(cat.references), "sources", url("bibliography.md"))]
    if evaluations:
        counts.insert(2, (len(evaluations), "evaluation studies", url("evaluations/index.md")))
    out = [f'<form class="reskb-home-search" action="{escape(url("finder.md"))}" method="get" role="search" '
           'aria-label="Find practices">'
           '<label for="reskb-home-q" class="reskb-visually-hidden">Words to find in every practice</label>'
           '<input id="reskb-home-q" name="words" type="search" placeholder="Find practices: family, mentoring, weekly…" '
           'autocomplete="off"><button type="submit">Find practices</button></form>', "",
           '<ul class="reskb-counts">' + "".join(
               f'<li><a href="{escape(href)}"><strong>{n}</strong> {escape(what)}</a></li>' for n, what, href in counts)
           + "</ul>", ""]

    topics = sorted(((t, len(cat.practices_for("topic", t.id))) for t in cat.topics.values()),
                    key=lambda item: (-item[1], by_title(item[0])))
    out += ["## By topic", "", _tiles([(t.title, url(f"topics/{t.id}.md"), n) for t, n in topics if n]), ""]
    phases = {p: sum(1 for r in practices if p in r.data["phases"]) for p in PHASES}
    finder = url("finder.md")
    out += ["## By phase of custody", "",
            _tiles([(label(p), f"{finder}?phase={p}", n) for p, n in phases.items() if n]), ""]
    challenges = sorted(((c, len(cat.practices_for("challenge", c.id))) for c in cat.challenges.values()),
                        key=lambda item: (-item[1], by_title(item[0])))
    out += ["## By challenge", "", _tiles([(c.title, url(f"challenges/{c.id}.md"), n) for c, n in challenges if n]), ""]

    newest = sorted(practices, key=lambda r: (str(r.data.get("added") or r.data["last_reviewed"]), by_title(r)),
                    reverse=True)[:NEWEST]
    if newest:
        out += ["## Newest practices", ""]
        for r in newest:
            where = ", ".join(country_name(c) for c in r.data["countries"])
            out += [f'- [{_md(r.title)}](practices/{r.id}.md) · {escape(where)}  ', f"    {badges(cat, r)}"]
        out += ["", "[All practices](practices/index.md) · [Recently added and updated](recent.md)", ""]

    entries = [MapEntry(code, country_name(code), len(cat.practices_for("country", code)),
                        url(f"countries/{code.lower()}.md")) for code in cat.countries]
    description = "Countries coloured by the number of practices: " + "; ".join(
        f"{e.name} {e.count}" for e in sorted(entries, key=lambda e: (-e.count, e.name))) + "."
    out += ["## Where", "", f'<figure class="reskb-map" id="home-map">{render_map(entries, "Practices per country", description)}'
            f'<figcaption>Choose a country for its practices, or see <a href="{escape(url("countries/index.md"))}">'
            "all countries and topics</a>.</figcaption></figure>", ""]
    if offline_zip:
        out += ["## Offline edition", "",
                f'<p>For closed networks: <a href="{escape(OFFLINE_ZIP)}" download>download the whole site as a zip</a>, '
                "unpack it and open <code>index.html</code>. Search, the finder and every page work without a "
                "connection.</p>", ""]
    return "\n".join(out)


def _md(text: str) -> str:
    return md_escape(text)


def expand_home(markdown: str, cat: Catalogue, directory_urls: bool = True, offline_zip: bool = False) -> str:
    if MARKER not in markdown:
        return markdown
    block = home_block(cat, directory_urls, offline_zip)
    return markdown.replace(MARKER, block, 1)
