"""The SVG map: valid XML, one link per country with practices, an accessible name for each, a legend
whose colours work, and a small size."""

import re
import xml.etree.ElementTree as ET

from conftest import REPO
from reskb.records.validate import load_catalogue
from reskb.site.countries import map_figure
from reskb.site.worldmap import CLASSES, EMPTY_FILL, MapEntry, fill_for, label_point, render_map, shape_codes, text_colour

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"

ENTRIES = [MapEntry("NL", "Netherlands", 1, "nl/"), MapEntry("DE", "Germany", 4, "de/"),
           MapEntry("US", "United States", 1, "us/"), MapEntry("NO", "Norway", 2, "no/"),
           MapEntry("EU", "European Union", 3, "eu/")]


def svgs(html: str) -> list[ET.Element]:
    found = re.findall(r"<svg .*?</svg>", html)
    return [ET.fromstring(svg) for svg in found]  # raises on anything that is not well-formed XML


def contrast(a: str, b: str) -> float:
    def lum(c: str) -> float:
        ch = [int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in ch]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_map_is_valid_xml_with_one_linked_shape_per_country():
    html = render_map(ENTRIES, "Map", "Countries & practices <test>")
    europe, world = svgs(html)
    links = {}
    for svg in (europe, world):
        assert svg.find(f"{SVG}title").text.startswith("Map: ")
        assert "Countries & practices <test>" in svg.find(f"{SVG}desc").text
        for a in svg.iter(f"{SVG}a"):
            assert a.get("href") == a.get(XLINK)  # SVG 2 href and the older xlink:href
            assert a.find(f"{SVG}title").text == a.get("aria-label")
            assert a.find(f"{SVG}path") is not None
            assert a.get("id") not in links, "a country is linked twice"
            links[a.get("id")] = (svg is europe, a.get("href"), a.get("aria-label"))
    assert links == {
        "map-nl": (True, "nl/", "Netherlands: 1 practice"),
        "map-de": (True, "de/", "Germany: 4 practices"),
        "map-no": (True, "no/", "Norway: 2 practices"),
        "map-us": (False, "us/", "United States: 1 practice"),  # outside Europe: linked on the world panel
    }
    # the EU has no shape: linked from the legend instead
    assert '<a href="eu/" id="map-eu">European Union</a>: 3 practices' in html


def test_fills_follow_the_number_of_practices():
    europe, _ = svgs(render_map(ENTRIES, "Map", ""))
    fills = {a.get("id"): a.find(f"{SVG}path").get("fill") for a in europe.iter(f"{SVG}a")}
    assert fills == {"map-nl": fill_for(1), "map-de": fill_for(4), "map-no": fill_for(2)}
    assert [fill_for(n) for n in (1, 2, 3, 4, 6, 7, 40)] == [CLASSES[0][2], CLASSES[1][2], CLASSES[1][2],
                                                             CLASSES[2][2], CLASSES[2][2], CLASSES[3][2], CLASSES[3][2]]
    assert fill_for(0) == EMPTY_FILL


def test_numbers_on_the_map_and_legend_meet_wcag_contrast():
    for _, _, fill in CLASSES:
        assert contrast(text_colour(fill), fill) >= 4.5, fill
    html = render_map(ENTRIES, "Map", "")
    # the legend is HTML in the page's own text colour; every swatch has a dark outline (non-text contrast 3:1)
    assert "Practices per country" in html and "None recorded yet" in html and "4–6 practices" in html
    for swatch in re.findall(r'class="reskb-map__swatch"[^>]*style="([^"]*)"', html):
        assert "border:1px solid #1b1b1b" in swatch
    assert contrast("#1b1b1b", "#ffffff") >= 3


def test_label_point_falls_inside_a_concave_shape():
    # a "C" open to the right: its centroid lies in the gap, the label must not
    ring = [(0, 0), (10, 0), (10, 2), (2, 2), (2, 8), (10, 8), (10, 10), (0, 10)]
    x, y = label_point(ring)
    assert 0 < x < 2 and 0 < y < 10


def test_real_map_is_small_and_covers_every_country():
    cat, _ = load_catalogue(REPO)
    figure = map_figure(cat)
    assert len(figure.encode()) < 150_000, len(figure.encode())
    for code in cat.countries:
        assert f'id="map-{code.lower()}"' in figure
        assert code in shape_codes() or code == "EU"
    assert figure.count("\n\n") == 0  # one Markdown block


def test_a_code_with_several_shapes_keeps_the_country_and_tiny_countries_are_in_the_legend():
    """AU has two shapes in the data (Australia, Ashmore and Cartier Islands): Australia must still be drawn.
    Singapore is too small to draw in the world panel: it is linked from the legend instead of vanishing."""
    html = render_map([MapEntry("AU", "Australia", 2, "au/"), MapEntry("SG", "Singapore", 1, "sg/")], "Map", "")
    world = svgs(html)[1]
    linked = [a.get("href") for a in world.iter("{http://www.w3.org/2000/svg}a")]
    assert "au/" in linked and "sg/" not in linked
    legend = html.split("Not on the map", 1)[1]
    assert 'href="sg/"' in legend and 'href="au/"' not in legend
