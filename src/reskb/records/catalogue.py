"""The in-memory catalogue every output reads from: records of each kind, references and reverse indexes."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..citations import cited_keys
from .loader import Document

if TYPE_CHECKING:
    from ..citations import Formatter, Reference

KINDS = ("practice", "challenge", "topic", "evaluation", "glossary")
FOLDERS = {"practice": "practices", "challenge": "challenges", "topic": "topics", "evaluation": "evaluations",
           "glossary": "glossary"}

#: fields holding Markdown, where citations and links are read; dotted paths into a record
MARKDOWN_FIELDS = {
    "practice": ("summary", "description", "why_promising", "considerations", "evidence.summary"),
    "challenge": ("summary", "description", "responses"),
    "topic": ("summary", "description"),
    "evaluation": ("summary", "outcomes[].description", "limitations"),
    "glossary": ("definition",),
}


@dataclass(eq=False)  # a record is itself: identity comparison and hashing, never a deep compare of its data
class Record:
    kind: str
    doc: Document
    path: str  # as shown to contributors, relative to the catalogue root

    @property
    def data(self) -> dict[str, Any]:
        return self.doc.data

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def title(self) -> str:
        return self.data["term"] if self.kind == "glossary" else self.data["title"]

    def get(self, dotted: str, default: Any = None) -> Any:
        value: Any = self.data
        for part in dotted.split("."):
            if not isinstance(value, dict) or part not in value:
                return default
            value = value[part]
        return value

    def markdown_texts(self) -> list[tuple[str, str]]:
        """(dotted field, text) for every Markdown field present."""
        out = []
        for name in MARKDOWN_FIELDS[self.kind]:
            if "[]." in name:  # a field of each item of a list: outcomes[].description
                items, _, inner = name.partition("[].")
                values = self.get(items)
                for i, item in enumerate(values if isinstance(values, list) else []):
                    if isinstance(item, dict) and isinstance(item.get(inner), str):
                        out.append((f"{items}[{i}].{inner}", item[inner]))
                continue
            value = self.get(name)
            if isinstance(value, str):
                out.append((name, value))
        return out

    @cached_property
    def cited(self) -> list[str]:
        """Keys this record cites: its `references` then those cited in its text, without repeats."""
        refs = self.data.get("references")
        keys = [r["key"] for r in refs if isinstance(r, dict) and isinstance(r.get("key"), str)] if isinstance(
            refs, list) else []
        for _, text in self.markdown_texts():
            keys += cited_keys(text)
        return list(dict.fromkeys(keys))


def title_key(record: Record) -> str:
    """The one ordering rule of every list: the title as read, ignoring opening quotes and case."""
    return re.sub(r"^\W+", "", record.title).casefold()


#: ISO 3166-1 "exceptionally reserved" codes accepted beside the assigned ones, for EU-wide practices
RESERVED_COUNTRY_CODES = {"EU": "European Union"}


def country_name(code: str) -> str:
    if code in RESERVED_COUNTRY_CODES:
        return RESERVED_COUNTRY_CODES[code]
    import pycountry  # here: loading it costs commands that show no country a twentieth of a second

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def region_name(code: str) -> str:
    import pycountry

    region = pycountry.subdivisions.get(code=code)
    return region.name if region else code


@dataclass
class Catalogue:
    root: Path
    records: dict[str, dict[str, Record]] = field(default_factory=lambda: {k: {} for k in KINDS})
    references: dict[str, Reference] = field(default_factory=dict)
    #: ids (file names) of records that could not be read, so that links to them are not reported twice
    unreadable: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in KINDS})
    #: reference key -> hand-written pages (paths relative to docs/) that cite it
    docs_citations: dict[str, set[str]] = field(default_factory=dict)
    #: keys of BibTeX entries that could not be read (reported once, not again where they are cited)
    broken_references: set[str] = field(default_factory=set)
    #: formats references and citations (CSL through pandoc); set once the references are read
    formatter: Formatter | None = None
    #: search.content_hash of the files, taken before they were read (set by the site plugin): an index built
    #: from this catalogue is cached under it, so that an edit saved while it was read makes the next one rebuild
    source_hash: str = ""

    @property
    def practices(self) -> dict[str, Record]:
        return self.records["practice"]

    @property
    def challenges(self) -> dict[str, Record]:
        return self.records["challenge"]

    @property
    def topics(self) -> dict[str, Record]:
        return self.records["topic"]

    @property
    def evaluations(self) -> dict[str, Record]:
        return self.records["evaluation"]

    @property
    def glossary(self) -> dict[str, Record]:
        return self.records["glossary"]

    def all_records(self) -> list[Record]:
        return [r for kind in KINDS for r in self.records[kind].values()]

    @cached_property
    def indexes(self) -> dict[str, dict[str, list[Record]]]:
        """Reverse indexes, built in one pass: practices by topic, challenge, country and region;
        practices that name another as related; records citing each reference key; evaluations by practice."""
        index: dict[str, dict[str, list[Record]]] = {
            name: defaultdict(list)
            for name in ("topic", "challenge", "country", "region", "related", "cited_by", "evaluation")
        }
        for record in sorted(self.all_records(), key=title_key):
            for key in record.cited:
                index["cited_by"][key].append(record)
            if record.kind == "evaluation":  # practice id -> the studies that evaluated it
                practices = record.data.get("practices")
                for value in practices if isinstance(practices, list) else []:
                    if isinstance(value, str):
                        index["evaluation"][value].append(record)
            if record.kind != "practice":
                continue
            for name, fieldname in (("topic", "topics"), ("challenge", "challenges"), ("country", "countries"),
                                    ("region", "regions"), ("related", "related")):
                values = record.data.get(fieldname)
                for value in values if isinstance(values, list) else []:
                    if isinstance(value, str):
                        index[name][value].append(record)
        return index

    def practices_for(self, index: str, value: str) -> list[Record]:
        return self.indexes[index].get(value, [])

    def version_date(self) -> str:
        """The latest `last_reviewed` date: the catalogue's version, used instead of the clock."""
        return max((r.data.get("last_reviewed", "") for r in self.all_records()), default="") or "1970-01-01"

    @cached_property
    def countries(self) -> list[str]:
        """ISO codes of all countries with practices, sorted by country name."""
        return sorted(self.indexes["country"], key=country_name)
