"""The JSON Schema of each record kind (src/reskb/schemas/*.json, the one source of truth for validation,
editor completion and the field reference), and its shared definitions resolved."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def schema(kind: str) -> dict[str, Any]:
    return json.loads(resources.files("reskb.schemas").joinpath(f"{kind}.schema.json").read_text("utf-8"))


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Merge a `$ref` into common.schema.json with the node's own keywords (which win)."""
    ref = node.get("$ref", "")
    if ref.startswith("common.schema.json#/$defs/"):
        base = dict(schema("common")["$defs"][ref.rsplit("/", 1)[1]])
        if base.get("items", {}).get("$ref"):
            base["items"] = resolve(base["items"])
        return {**base, **{k: v for k, v in node.items() if k != "$ref"}}
    return node
