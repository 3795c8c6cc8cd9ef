"""Practices by country: the country pages, and the countries overview with its map and its
country × topic matrix. A practice that works in several countries belongs to each of them."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from ..labels import FIELD_LABELS, label
from ..records.catalogue import Catalogue, Record, country_name, region_name
from . import listing
from .comparison import MAX_COMPARE
from .markdown import country_link, country_path, link, md_escape, rel
from .worldmap import MapEntry, render_map, shape_codes

INDEX = "countries/index.md"


def by_country(cat: Catalogue) -> dict[str, list[Record]]:
    """Every country code with its practices (sorted by title), countries in name order."""
    return {code: list(cat.practices_for("country", code)) for code in cat.countries}


def topic_matrix(cat: Catalogue) -> list[tuple[Record, dict[str, list[Record]]]]:
    """Rows of the country × topic matrix: each topic that has practices, with its practices per country."""
    cached = cat.__dict__.get("_topic_matrix")  # every country page reads it: build it once
    if cached is not None:
        return cached
    rows = []
    order = {code: i for i, code in enumerate(cat.countries)}
    for topic in sorted(cat.topics.values(), key=lambda t: t.title.lower()):
        practices = cat.practices_for("topic", topic.id)
        if not practices:
            continue
        cells: dict[str, list[Record]] = {}
        for practice in practices:
            for code in practice.data["countries"]:
                cells.setdefault(code, []).append(practice)
        rows.append((topic, dict(sorted(cells.items(), key=lambda item: order[item[0]]))))
    cat.__dict__["_topic_matrix"] = rows
    return rows


def topic_anchor(topic_id: str) -> str:
    return f"topic-{topic_id}"


def _count(n: int) -> str:
    return f"{n} practice" + ("" if n == 1 else "s")


# --- the map ----------------------------------------------------------------------------------

def map_entries(cat: Catalogue) -> list[MapEntry]:
    return [MapEntry(code, country_name(code), len(ps), f"{code.lower()}/") for code, ps in by_country(cat).items()]


def map_figure(cat: Catalogue) -> str:
    """The map as one raw HTML block: a figure with the SVG and a caption pointing to the tables."""
    entries = map_entries(cat)
    on_map = [e for e in entries if e.code in shape_codes()]
    description = ("Countries coloured by the number of practices recorded there: "
                   + "; ".join(f"{e.name} {e.count}" for e in sorted(entries, key=lambda e: (-e.count, e.name))) + ".")
    body = _render_map(tuple(entries), "Map of practices per country", description)
    caption = (f"{len(on_map)} countries with practices are shaded on the map and link to their pages"
               + (f"; {len(entries) - len(on_map)} without a shape (such as the European Union) are listed in the legend"
                  if len(on_map) < len(entries) else "")
               + ". The same numbers are in the table below. Shapes: Natural Earth (public domain).")
    return f'<figure class="reskb-map" id="map">{body}<figcaption>{escape(caption)}</figcaption></figure>'


@lru_cache(maxsize=4)
def _render_map(entries: tuple[MapEntry, ...], title: str, description: str) -> str:
    """Drawing the map takes a few tenths of a second; the page and the plugin's sanitiser both need it."""
    return render_map(list(entries), title, description)


def trusted_blocks(cat: Catalogue) -> dict[str, list[str]]:
    """Generated HTML the plugin's sanitiser must leave intact, by page: the SVG map is built only from
    country codes and counts (names come from pycountry), never from contributor text."""
    return {INDEX: [map_figure(cat)]}


# --- pages ------------------------------------------------------------------------------------

def countries_index(cat: Catalogue, front_matter: str) -> str:
    from .scale import is_large

    countries = by_country(cat)
    # a large catalogue: the topics of each country as a number, and no country-by-topic table (scale.py): with
    # hundreds of topics they made this page alone heavier than the whole download budget
    large = is_large(len(cat.practices))
    out = [front_matter, "# Countries", "",
           f"The catalogue holds practices from {len(countries)} countries. Choose a country on the map or in the "
           "tables to see its practices side by side; a practice that works in several countries is listed under "
           "each of them.", "", map_figure(cat), "",
           "## Practices per country", "",
           "| Country | Practices | Topics |", "|---|---|---|"]
    for code, practices in countries.items():
        topics = sorted({t for p in practices for t in p.data.get("topics", []) if t in cat.topics},
                        key=lambda t: cat.topics[t].title.lower())
        out.append(f"| {country_link(INDEX, code)} | {len(practices)} | "
                   f"{len(topics) if large else ', '.join(_md(cat.topics[t].title) for t in topics)} |")
    if large:
        out += ["", f"_With {len(cat.topics):,} topics, the table of countries and topics is left out: each country's "
                "page lists its practices by topic._", ""]
        return "\n".join(out)
    out += ["", "## Countries and topics", "",
            "Which countries have which kinds of practice. Each number links to those practices on the country's "
            "page; a dash means none is recorded yet.", "", _matrix(cat), ""]
    return "\n".join(out)


def _matrix(cat: Catalogue) -> str:
    codes = cat.countries
    head = "".join(f'<th scope="col"><a href="{escape(code.lower())}/">{escape(country_name(code))}</a></th>'
                   for code in codes)
    out = ['<div class="reskb-matrix">', "<table>", "<caption>Number of practices per topic and country</caption>",
           f'<thead><tr><th scope="col">Topic</th>{head}</tr></thead><tbody>']
    for topic, cells in topic_matrix(cat):
        row = [f'<th scope="row"><a href="../topics/{escape(topic.id)}/">{escape(topic.title)}</a></th>']
        for code in codes:
            practices = cells.get(code, [])
            if not practices:
                row.append('<td class="reskb-matrix__none">–</td>')
                continue
            titles = ", ".join(p.title for p in practices)
            name = f"{topic.title} in {country_name(code)}: {_count(len(practices))} ({titles})"
            row.append(f'<td><a href="{escape(code.lower())}/#{escape(topic_anchor(topic.id))}" '
                       f'title="{escape(name)}" aria-label="{escape(name)}">{len(practices)}</a></td>')
        out.append("<tr>" + "".join(row) + "</tr>")
    out += ["</tbody></table>", "</div>"]
    return "\n".join(out)


def country_page(cat: Catalogue, code: str, front_matter: str) -> str:
    page = country_path(code)
    practices = cat.practices_for("country", code)
    name = country_name(code)
    out = [front_matter, f"# {_md(name)}", ""]
    intro = f"{_count(len(practices))} in the catalogue"
    if code == "EU":
        intro += ", placed by the sources at the level of the European Union rather than in named countries"
    out += [intro + ".", ""]
    ids = [p.id for p in practices]
    if 2 <= len(ids) <= MAX_COMPARE:
        out += [f"[Compare them side by side]({rel(page, 'compare/index.md')}?p={','.join(ids)})", ""]
    elif len(ids) > MAX_COMPARE:
        out += [f"To compare them, pick up to {MAX_COMPARE} on the [compare page]({rel(page, 'compare/index.md')}"
                f"?p={','.join(ids[:2])}), or use the [comparison tables]({rel(page, 'compare/index.md')}) by topic.", ""]

    columns: list[listing.Column] = [
        ("Practice", lambda p: link(page, p)),
        ("Region or city", lambda p: _md(", ".join(_places(p, code)))),
        (FIELD_LABELS["phases"], lambda p: ", ".join(label(x) for x in p.data["phases"])),
        (FIELD_LABELS["lead_actor"], lambda p: label(p.data["lead_actor"]) if p.data.get("lead_actor") else ""),
        (FIELD_LABELS["participants"], lambda p: _md("; ".join(x["name"] for x in p.data.get("participants", [])))),
        (FIELD_LABELS["frequency"], lambda p: label(p.get("format.frequency")) if p.get("format.frequency") else ""),
        listing.status_column(), listing.evidence_column(cat),
        ("Also in", lambda p: ", ".join(country_link(page, c) for c in p.data["countries"] if c != code)),
    ]
    out += ["## Practices", "", listing.table(practices, columns, not_fields=("Also in",))]

    regions: dict[str, list[Record]] = {}
    for p in practices:
        for place in _places(p, code):
            regions.setdefault(place, []).append(p)
    if regions:
        out += ["## Regions and cities", ""]
        out += [f"- **{_md(place)}**: " + ", ".join(link(page, p) for p in ps) for place, ps in sorted(regions.items())]
        out.append("")

    out += ["## By topic", ""]
    for topic, cells in topic_matrix(cat):
        if code in cells:
            # left out of site search: the topic's own page is the result to find
            out += [f"### {_md(topic.title)} {{ #{topic_anchor(topic.id)} data-search-exclude }}", "",
                    "\n".join(f"- {link(page, p)}" for p in cells[code]), ""]
    out += ["---", "", f"[All countries]({rel(page, INDEX)}) · [{_md(name)} on the map]({rel(page, INDEX)}#map-{code.lower()})",
            ""]
    return "\n".join(out)


def _places(record: Record, code: str) -> list[str]:
    """Regions (of this country only) and the city of a practice."""
    places = [region_name(r) for r in record.data.get("regions", []) if r.split("-")[0] == code]
    if record.data.get("city") and (len(record.data["countries"]) == 1 or record.data.get("regions") and places):
        places.append(record.data["city"])
    return places


def _md(text: str) -> str:
    return md_escape(text)
