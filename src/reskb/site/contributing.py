"""What the site publishes for contributors, generated so it never drifts from the schemas: the JSON
Schemas themselves (editors fetch them for autocompletion and checks), a template for each record kind
(for contributors who work in the browser, without Python), and the field reference on the contributor
page."""

from __future__ import annotations

import re
from importlib import resources

from ..records.catalogue import KINDS
from ..records.fieldref import END, START, field_reference
from ..records.scaffold import template

SCHEMA_FOLDER = "schemas"
TEMPLATE_FOLDER = "record-templates"  # not "templates/": MkDocs excludes that folder by default


def site_files() -> dict[str, str]:
    """{path in the site: content}: every schema file as it is (common.schema.json included, since the
    others refer to it by a relative address), and one template per kind."""
    files = {}
    for entry in sorted(resources.files("reskb.schemas").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".schema.json"):
            files[f"{SCHEMA_FOLDER}/{entry.name}"] = entry.read_text(encoding="utf-8")
    for kind in KINDS:
        files[f"{TEMPLATE_FOLDER}/{kind}.yaml"] = template(kind)
    return files


def expand_field_reference(markdown: str) -> str:
    """Fill the field-reference block of a hand-written page with the reference of the current schemas."""
    if START not in markdown:
        return markdown
    block = f"{START}\n\n{field_reference()}\n{END}"
    return re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: block, markdown, flags=re.DOTALL)
