"""Convert world-atlas's Natural Earth TopoJSON into the small country shapes file the map is drawn from.

Run once, by hand, when the shapes should change (the result is committed; builds never fetch anything):

    npm pack world-atlas@2 && tar xzf world-atlas-2.*.tgz
    python scripts/make_world_shapes.py package/countries-50m.json src/reskb/site/data/world-countries.topo.json

Each shared border (TopoJSON arc) is simplified once, so neighbouring countries keep meeting without gaps;
countries are keyed by ISO 3166-1 alpha-2 code (from the numeric ids via pycountry) or, for the few
territories without a code (Kosovo, Northern Cyprus, ...), by their name.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pycountry

from reskb.site.worldmap import decode_arcs, simplify  # the same code the build uses

#: tolerance of the Douglas-Peucker simplification, in degrees (about 4 km): the map is drawn at
#: a few kilometres per pixel at most, and the file stays small
TOLERANCE = 0.04
#: quantisation of the output, in degrees per unit
QUANTUM = 0.01


def country_key(geometry: dict) -> tuple[str, str]:
    name = geometry["properties"]["name"]
    country = pycountry.countries.get(numeric=geometry["id"]) if geometry.get("id") else None
    return (country.alpha_2 if country else name), name


def convert(topology: dict) -> dict:
    arcs = [simplify(a, TOLERANCE) for a in decode_arcs(topology)]
    encoded = []
    for arc in arcs:
        qx = qy = 0
        out = []
        for lon, lat in arc:
            x, y = round((lon + 180) / QUANTUM), round((lat + 90) / QUANTUM)
            out.append([x - qx, y - qy])
            qx, qy = x, y
        encoded.append(out)
    geometries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        key, name = country_key(geometry)
        geometries.append({"type": geometry["type"], "id": key, "properties": {"name": name},
                           "arcs": geometry["arcs"]})
    return {
        "type": "Topology",
        "source": "Natural Earth 1:50m Admin 0 countries (public domain) via the npm package world-atlas@2 "
                  "(ISC licence); simplified by scripts/make_world_shapes.py",
        "transform": {"scale": [QUANTUM, QUANTUM], "translate": [-180, -90]},
        "objects": {"countries": {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": encoded,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="world-atlas countries-50m.json")
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    result = convert(json.loads(args.source.read_text(encoding="utf-8")))
    args.output.write_text(json.dumps(result, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.output}: {len(result['objects']['countries']['geometries'])} countries, "
          f"{sum(len(a) for a in result['arcs'])} points, {args.output.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
