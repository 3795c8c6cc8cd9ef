"""The countries map: an accessible static SVG drawn at build time from Natural Earth shapes.

Europe, where most practices are, gets the large panel; a small world panel beside it shows every other
country, so a practice in the United States or anywhere else stays reachable. Each country with practices is
drawn once, as a link, in the panel where it is easiest to see. Nothing is fetched: the shapes ship in
data/world-countries.topo.json (see the README there for source and licence).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from xml.sax.saxutils import escape, quoteattr

Point = tuple[float, float]
Ring = list[Point]

#: fills for 1, 2-3, 4-6 and 7+ practices (a light-to-dark blue scale) and for countries without any
CLASSES: tuple[tuple[int, int | None, str], ...] = ((1, 1, "#c6dbef"), (2, 3, "#6baed6"), (4, 6, "#2171b5"),
                                                    (7, None, "#08306b"))
EMPTY_FILL, BORDER, LINKED_BORDER, TEXT = "#e4e4e4", "#ffffff", "#1b1b1b", "#1b1b1b"

EUROPE_BOX = (0, 0, 690, 700)          # x, y, width, height of the Europe panel (its own SVG)
WORLD_BOX = (0, 0, 400, 200)           # the world panel (its own SVG)
#: geographic points the Europe panel must show (Iceland to the Urals' foot, North Cape to Crete)
EUROPE_EXTENT = [(-24.5, 64.0), (-10.0, 36.0), (44.0, 55.0), (33.0, 34.5), (25.0, 71.5), (36.0, 40.0), (14.0, 35.5)]
#: countries not drawn at all: Antarctica would take a third of the world panel for nothing
OMITTED = {"AQ"}


@dataclass(frozen=True)
class MapEntry:
    """One country to link: its ISO code, name, number of practices and page address."""

    code: str
    name: str
    count: int
    href: str


def fill_for(count: int) -> str:
    for low, high, colour in CLASSES:
        if count >= low and (high is None or count <= high):
            return colour
    return EMPTY_FILL


def legend_label(low: int, high: int | None) -> str:
    if high is None:
        return f"{low} or more practices"
    if low == high:
        return f"{low} practice" + ("" if low == 1 else "s")
    return f"{low}–{high} practices"


def text_colour(fill: str) -> str:
    """Black or white, whichever contrasts more with the fill (WCAG relative luminance)."""
    def lum(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#000000" if (lum(fill) + 0.05) / 0.05 >= 1.05 / (lum(fill) + 0.05) else "#ffffff"


# --- shapes -----------------------------------------------------------------------------------

def decode_arcs(topology: dict) -> list[list[Point]]:
    """TopoJSON's delta-encoded, quantised arcs as absolute (lon, lat) points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


@lru_cache(maxsize=1)
def _topology() -> tuple[list[list[Point]], dict[str, tuple[str, list[list[list[int]]]]]]:
    """Decoded arcs (lon, lat) and, per country key, its name and polygons as rings of arc indexes."""
    raw = json.loads(resources.files("reskb.site").joinpath("data/world-countries.topo.json").read_text(encoding="utf-8"))
    arcs = decode_arcs(raw)
    countries: dict[str, tuple[str, list[list[list[int]]]]] = {}
    for geometry in raw["objects"]["countries"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        # some codes have several shapes (AU: Australia, then Ashmore and Cartier Islands): keep them all,
        # named after the first (the country itself)
        name, earlier = countries.get(geometry["id"], (geometry["properties"]["name"], []))
        countries[geometry["id"]] = (name, earlier + polygons)
    return arcs, countries


def shape_codes() -> set[str]:
    """Country keys with a shape (ISO alpha-2 codes, or names for territories without one)."""
    return set(_topology()[1])


# --- projections ------------------------------------------------------------------------------

def laea(lon: float, lat: float, lon0: float = 10.0, lat0: float = 52.0) -> Point:
    """Lambert azimuthal equal-area centred on Europe (as the EU's own ETRS89-LAEA grid)."""
    lam, phi, lam0, phi0 = map(math.radians, (lon, lat, lon0, lat0))
    denom = 1 + math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(lam - lam0)
    k = math.sqrt(2 / max(denom, 1e-9))
    return (k * math.cos(phi) * math.sin(lam - lam0),
            -k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam - lam0)))


def equal_earth(lon: float, lat: float) -> Point:
    """Equal Earth (Šavrič, Patterson and Jenny 2018), for the world panel."""
    a1, a2, a3, a4, m = 1.340264, -0.081106, 0.000893, 0.003796, math.sqrt(3) / 2
    theta = math.asin(m * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = math.radians(lon) * math.cos(theta) / (m * (a1 + 3 * a2 * t2 + t6 * (7 * a3 + 9 * a4 * t2)))
    return x, -theta * (a1 + a2 * t2 + t6 * (a3 + a4 * t2))


@dataclass
class Panel:
    """A projection fitted into a box of the SVG, with the lon/lat window worth projecting."""

    project: Callable[[float, float], Point]
    box: tuple[float, float, float, float]
    window: tuple[float, float, float, float]  # lon min, lat min, lon max, lat max
    scale: float = 1.0
    dx: float = 0.0
    dy: float = 0.0

    def fit(self, points: Iterable[Point]) -> Panel:
        xs, ys = zip(*(self.project(lon, lat) for lon, lat in points), strict=False)
        x, y, w, h = self.box
        self.scale = min(w / (max(xs) - min(xs)), h / (max(ys) - min(ys)))
        self.dx = x + (w - (max(xs) - min(xs)) * self.scale) / 2 - min(xs) * self.scale
        self.dy = y + (h - (max(ys) - min(ys)) * self.scale) / 2 - min(ys) * self.scale
        return self

    def __call__(self, lon: float, lat: float) -> Point:
        px, py = self.project(lon, lat)
        return px * self.scale + self.dx, py * self.scale + self.dy

    def wants(self, ring: Ring) -> bool:
        lons, lats = [p[0] for p in ring], [p[1] for p in ring]
        w = self.window
        return max(lons) >= w[0] and min(lons) <= w[2] and max(lats) >= w[1] and min(lats) <= w[3]

    def inside(self, point: Point, margin: float = 0.0) -> bool:
        x, y, w, h = self.box
        return x - margin <= point[0] <= x + w + margin and y - margin <= point[1] <= y + h + margin


# --- geometry in pixels -----------------------------------------------------------------------

def simplify(points: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker with fixed end points, so borders shared by two countries stay shared."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            dist = abs(dy * (px - x1) - dx * (py - y1)) / norm if norm else math.hypot(px - x1, py - y1)
            if dist > worst:
                worst, index = dist, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=False) if k]


def clip(ring: Ring, box: tuple[float, float, float, float]) -> Ring:
    """Sutherland-Hodgman clipping of a ring to a rectangle (keeps the file small: Russia is large)."""
    x0, y0, w, h = box
    x1, y1 = x0 + w, y0 + h
    edges = [(lambda p: p[0] >= x0, lambda a, b: _cut_x(a, b, x0)), (lambda p: p[0] <= x1, lambda a, b: _cut_x(a, b, x1)),
             (lambda p: p[1] >= y0, lambda a, b: _cut_y(a, b, y0)), (lambda p: p[1] <= y1, lambda a, b: _cut_y(a, b, y1))]
    out = ring
    for inside, cut in edges:
        if not out:
            break
        points, out = out, []
        prev = points[-1]
        for point in points:
            if inside(point):
                if not inside(prev):
                    out.append(cut(prev, point))
                out.append(point)
            elif inside(prev):
                out.append(cut(prev, point))
            prev = point
    return out


def _cut_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return x, a[1] + t * (b[1] - a[1])


def _cut_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return a[0] + t * (b[0] - a[0]), y


def area(ring: Ring) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:] + ring[:1], strict=False))) / 2


def label_point(ring: Ring) -> Point:
    """A point inside the ring for a label: the middle of the widest stretch of the ring along the
    horizontal line through its centroid (a centroid alone can fall outside a concave country, such as Norway)."""
    cy = sum(p[1] for p in ring) / len(ring)
    xs = sorted(a[0] + (cy - a[1]) * (b[0] - a[0]) / (b[1] - a[1])
                for a, b in zip(ring, ring[1:] + ring[:1], strict=False) if (a[1] <= cy) != (b[1] <= cy))
    spans = [(xs[i + 1] - xs[i], (xs[i] + xs[i + 1]) / 2) for i in range(0, len(xs) - 1, 2)]
    if not spans:
        return sum(p[0] for p in ring) / len(ring), cy
    return max(spans)[1], cy


def path_data(rings: list[Ring]) -> str:
    parts = []
    for ring in rings:
        coords = [f"{x:.1f},{y:.1f}".replace(".0,", ",").removesuffix(".0") for x, y in ring]
        deduped = [c for i, c in enumerate(coords) if i == 0 or c != coords[i - 1]]
        if len(deduped) >= 3:
            parts.append("M" + "L".join(deduped) + "Z")
    return "".join(parts)


# --- drawing ----------------------------------------------------------------------------------

def _panels() -> tuple[Panel, Panel]:
    europe = Panel(laea, EUROPE_BOX, (-45.0, 25.0, 75.0, 85.0)).fit(EUROPE_EXTENT)
    world = Panel(equal_earth, WORLD_BOX, (-180.0, -90.0, 180.0, 90.0)).fit(
        [(-180, 0), (180, 0), (0, 84), (0, -58)])
    return europe, world


def _country_rings(panel: Panel, polygons: list[list[list[int]]], cache: dict[int, Ring], tolerance: float) -> list[Ring]:
    arcs = _topology()[0]
    rings: list[Ring] = []
    for polygon in polygons:
        for ring_arcs in polygon:
            geo: Ring = []
            for index in ring_arcs:
                part = arcs[index if index >= 0 else ~index]
                geo += (part if index >= 0 else part[::-1])[1 if geo else 0:]
            if not geo or not panel.wants(geo):
                continue
            ring: Ring = []
            for index in ring_arcs:
                key = index if index >= 0 else ~index
                if key not in cache:
                    cache[key] = simplify([panel(lon, lat) for lon, lat in arcs[key]], tolerance)
                part = cache[key] if index >= 0 else cache[key][::-1]
                ring += part[1 if ring else 0:]
            ring = clip(ring, _grow(panel.box, 4))
            if len(ring) >= 3 and area(ring) >= 0.3:
                rings.append(ring)
    return rings


def _grow(box: tuple[float, float, float, float], by: float) -> tuple[float, float, float, float]:
    return box[0] - by, box[1] - by, box[2] + 2 * by, box[3] + 2 * by


def render_map(entries: list[MapEntry], title: str, description: str) -> str:
    """The map as one line of HTML (no blank lines, so Markdown passes it through as a block): the Europe
    panel and the world panel as two SVGs, and a legend in HTML, whose text is as large as the page's.

    `entries` are the countries to link; those without a shape (the EU) are linked from the legend."""
    europe, world = _panels()
    by_code = {e.code: e for e in entries}
    _, countries = _topology()
    linked_in: dict[str, Panel] = {}
    for code, (_, polygons) in countries.items():
        if code in by_code:
            main = max((_geo_ring(p[0]) for p in polygons), key=_geo_area)
            centre = europe(*_geo_centre(main))
            linked_in[code] = europe if europe.wants(main) and europe.inside(centre) else world
    in_europe = sorted((by_code[c].name for c, p in linked_in.items() if p is europe))
    in_world = sorted((by_code[c].name for c, p in linked_in.items() if p is world))
    svgs, drawn = [], set()
    for name, panel, tolerance, what in (
            ("europe", europe, 0.9, f"Europe. Countries with practices: {', '.join(in_europe) or 'none'}."),
            ("world", world, 0.5, "The world, with a dashed box around the part shown enlarged as Europe. "
                                   f"Countries with practices outside that part: {', '.join(in_world) or 'none'}.")):
        x, y, w, h = panel.box
        out = [f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
               f'viewBox="{x} {y} {w} {h}" class="reskb-map__svg reskb-map__{name}" '
               f'aria-labelledby="reskb-map-{name}-title reskb-map-{name}-desc" font-family="sans-serif">',
               f'<title id="reskb-map-{name}-title">{escape(title)}: {name.capitalize()}</title>'
               f'<desc id="reskb-map-{name}-desc">{escape(what)} {escape(description)}</desc>',
               f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="#f3f7fb" stroke="#8a8a8a" aria-hidden="true"/>']
        cache: dict[int, Ring] = {}
        background, links = [], []
        for code, (_country_name, polygons) in sorted(countries.items()):
            if code in OMITTED:
                continue
            rings = _country_rings(panel, polygons, cache, tolerance)
            if not rings:
                continue
            entry = by_code.get(code)
            if entry is None or linked_in.get(code) is not panel:
                fill = fill_for(entry.count) if entry else EMPTY_FILL
                background.append(f'<path d="{path_data(rings)}" fill="{fill}"/>')
                continue
            links.append(_link(entry, rings, panel is world))
            drawn.add(code)
        out.append(f'<g stroke="{BORDER}" stroke-width="0.6" stroke-linejoin="round" aria-hidden="true">'
                   f'{"".join(background)}</g>')
        out.append(f'<g class="reskb-map__links">{"".join(links)}</g>')
        if panel is world:
            ex, ey, ew, eh = _europe_outline(europe, world)
            out.append(f'<rect x="{ex:.1f}" y="{ey:.1f}" width="{ew:.1f}" height="{eh:.1f}" fill="none" '
                       f'stroke="{TEXT}" stroke-width="1" stroke-dasharray="3 2" aria-hidden="true"/>')
        out.append("</svg>")
        svgs.append("".join(out))
    # countries without a shape (the EU) or too small to draw at this scale (Singapore) are linked from the legend
    shapeless = [e for e in entries if e.code not in drawn]
    return (f'<div class="reskb-map__europe">{svgs[0]}</div><div class="reskb-map__side">'
            f'<p class="reskb-map__world-label">The world (dashed box: the part enlarged beside it)</p>{svgs[1]}'
            f'{_legend(shapeless)}</div>')


def _link(entry: MapEntry, rings: list[Ring], small: bool) -> str:
    name = f"{entry.name}: {entry.count} practice" + ("" if entry.count == 1 else "s")
    biggest = max(rings, key=area)
    lx, ly = label_point(biggest)
    fill = fill_for(entry.count)
    marker = ""
    if area(biggest) < 40:  # too small to see or to click: add a dot
        marker = f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="5" fill="{fill}" stroke="{LINKED_BORDER}"/>'
    number = ""
    if area(biggest) >= (60 if small else 150):
        size = 9 if small else 13
        number = (f'<text x="{lx:.1f}" y="{ly + size / 3:.1f}" text-anchor="middle" font-size="{size}" font-weight="bold" '
                  f'fill="{text_colour(fill)}" aria-hidden="true">{entry.count}</text>')
    href = quoteattr(entry.href)
    return (f'<a href={href} xlink:href={href} aria-label={quoteattr(name)} id="map-{escape(entry.code.lower())}">'
            f'<title>{escape(name)}</title><path d="{path_data(rings)}" fill="{fill}" stroke="{LINKED_BORDER}" '
            f'stroke-width="0.8" stroke-linejoin="round"/>{marker}{number}</a>')


def _swatch(colour: str) -> str:
    return (f'<span class="reskb-map__swatch" aria-hidden="true" style="background:{colour};'
            f'border:1px solid {LINKED_BORDER}"></span>')


def _legend(shapeless: list[MapEntry]) -> str:
    """The legend in HTML: page text colours (WCAG AA on both schemes), swatches outlined for contrast."""
    items = "".join(f"<li>{_swatch(colour)}<span>{escape(legend_label(low, high))}</span></li>" for low, high, colour in CLASSES)
    items += f"<li>{_swatch(EMPTY_FILL)}<span>None recorded yet</span></li>"
    out = f'<p class="reskb-map__legend-title">Practices per country</p><ul class="reskb-map__legend">{items}</ul>'
    if shapeless:
        links = "".join(
            f'<li>{_swatch(fill_for(e.count))}<span><a href={quoteattr(e.href)} id="map-{escape(e.code.lower())}">'
            f'{escape(e.name)}</a>: {e.count} practice{"" if e.count == 1 else "s"}</span></li>' for e in shapeless)
        out += f'<p class="reskb-map__legend-title">Not on the map</p><ul class="reskb-map__legend">{links}</ul>'
    return out


def _europe_outline(europe: Panel, world: Panel) -> tuple[float, float, float, float]:
    """Where the Europe panel lies on the world panel, as a box (approximate: the projections differ)."""
    ex, ey, ew, eh = EUROPE_BOX
    corners = [_inverse_laea(europe, px, py) for px, py in ((ex, ey), (ex + ew, ey), (ex, ey + eh), (ex + ew, ey + eh),
                                                           (ex + ew / 2, ey), (ex + ew / 2, ey + eh))]
    pts = [world(lon, lat) for lon, lat in corners]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def _inverse_laea(panel: Panel, px: float, py: float, lon0: float = 10.0, lat0: float = 52.0) -> Point:
    x, y = (px - panel.dx) / panel.scale, -(py - panel.dy) / panel.scale
    rho = math.hypot(x, y)
    if rho == 0:
        return lon0, lat0
    c = 2 * math.asin(min(1.0, rho / 2))
    phi0 = math.radians(lat0)
    lat = math.asin(math.cos(c) * math.sin(phi0) + y * math.sin(c) * math.cos(phi0) / rho)
    lon = math.radians(lon0) + math.atan2(x * math.sin(c), rho * math.cos(phi0) * math.cos(c) - y * math.sin(phi0) * math.sin(c))
    return math.degrees(lon), math.degrees(lat)


def _geo_ring(ring_arcs: list[int]) -> Ring:
    arcs = _topology()[0]
    ring: Ring = []
    for index in ring_arcs:
        part = arcs[index if index >= 0 else ~index]
        ring += (part if index >= 0 else part[::-1])[1 if ring else 0:]
    return ring


def _geo_area(ring: Ring) -> float:
    return area(ring) * math.cos(math.radians(_geo_centre(ring)[1]))


def _geo_centre(ring: Ring) -> Point:
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    return (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
