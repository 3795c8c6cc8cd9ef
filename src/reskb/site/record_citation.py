"""How to cite a record's page: formatted in several CSL styles, BibTeX, RIS, CSL-JSON, Highwire Press
meta tags and schema.org JSON-LD.

The version date is the record's `last_reviewed`, so a citation names the state of the record
it refers to and two builds of the same data cite alike.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path

from pybtex.database import BibliographyData, Entry, Person
from pybtex.plugin import find_plugin

from ..citations.exports import ris_record
from ..citations.formatter import style_without_disambiguation
from ..citations.pandoc import Writer, blocks_text, citeproc, divs
from ..records.catalogue import FOLDERS, Record, country_name

#: looked up once: `to_string("bibtex")` scans every installed package's entry points on each call
_BIBTEX_WRITER = find_plugin("pybtex.database.output", "bibtex")()
SITE_NAME = "Resocialisation Knowledge Base"
PUBLISHER = "Resocialisation Knowledge Base contributors"
KIND_NAMES = {"practice": "Practice", "challenge": "Challenge", "topic": "Topic", "evaluation": "Evaluation",
              "glossary": "Glossary"}


def record_url(record: Record, site_url: str) -> str:
    return f"{site_url.rstrip('/')}/{FOLDERS[record.kind]}/{record.id}/"


def citation_key(record: Record) -> str:
    return f"reskb-{record.kind}-{record.id}"


def _date(record: Record) -> date:
    return date.fromisoformat(record.data["last_reviewed"])


def csl_item(record: Record, site_url: str) -> dict:
    """The page as a CSL-JSON item (a web page by the contributors, dated by its last review)."""
    day = _date(record)
    return {"id": citation_key(record), "type": "webpage", "author": [{"literal": PUBLISHER}],
            "title": record.title, "container-title": SITE_NAME, "issued": {"date-parts": [[day.year, day.month, day.day]]},
            "URL": record_url(record, site_url), "note": f"{KIND_NAMES[record.kind]} record"}


#: records per pandoc run: citeproc's time per entry grows with the list (measured here: 500 entries
#: 0.9 s, 1,500 1.5 s, 6,000 20 s), so long lists go in parts
CHUNK = 1500


def citation_texts(records: Iterable[Record], site_url: str, style: str) -> dict[str, str]:
    """Record id -> the page's reference in one of STYLES, as plain text, in one pandoc run per 1,500
    records. Each page is cited alone, so the style's disambiguation (needless here, and costly) is off."""
    records = list(records)
    found: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory(prefix="reskb-cite-") as folder:
        workdir = Path(folder)
        style_path = style_without_disambiguation(style, workdir)
        for start in range(0, len(records), CHUNK):
            items = [csl_item(r, site_url) for r in records[start:start + CHUNK]]
            found.update(divs(citeproc("---\nnocite: '[@*]'\n---\n", items, style_path, workdir)))
    text = Writer("text")
    # numeric styles number the list; a page cited alone has no number
    return {r.id: re.sub(r"^\d+\.\s+", "", blocks_text(found.get(f"ref-{citation_key(r)}", []), text)).strip()
            for r in records}


def citation_texts_memo(records: Iterable[Record], site_url: str, style: str,
                        memo: dict[str, str] | None) -> dict[str, str]:
    """citation_texts, asking pandoc only about records whose CSL item is not in `memo` (kept in memory by
    `mkdocs serve` between builds; each record is cited alone, so its text depends on its item only)."""
    if memo is None:
        return citation_texts(records, site_url, style)
    records = list(records)
    keys = {r.id: json.dumps([style, csl_item(r, site_url)], sort_keys=True) for r in records}
    missing = [r for r in records if keys[r.id] not in memo]
    if missing:
        for record_id, text in citation_texts(missing, site_url, style).items():
            memo[keys[record_id]] = text
    return {r.id: memo[keys[r.id]] for r in records}


def citation_text(record: Record, site_url: str, style: str = "apa") -> str:
    return citation_texts([record], site_url, style)[record.id]


def citation_ris(record: Record, site_url: str) -> str:
    return ris_record(csl_item(record, site_url))


def citation_csl_json(record: Record, site_url: str) -> str:
    return json.dumps([csl_item(record, site_url)], ensure_ascii=False, indent=1) + "\n"


def citation_bibtex(record: Record, site_url: str) -> str:
    """The record's BibTeX entry, made once per record and address (its page and its download both need it)."""
    cache = record.__dict__.setdefault("_bibtex", {})
    if site_url not in cache:
        cache[site_url] = _bibtex(record, site_url)
    return cache[site_url]


def _bibtex(record: Record, site_url: str) -> str:
    return _bibtex_of(record.title, record.kind, citation_key(record), record_url(record, site_url),
                      record.data["last_reviewed"])


@lru_cache(maxsize=50_000)  # what it is made of, not the record: `mkdocs serve` reloads records on every change
def _bibtex_of(title: str, kind: str, key: str, url: str, last_reviewed: str) -> str:
    day = date.fromisoformat(last_reviewed)
    entry = Entry("misc", fields={
        "title": "{" + title.replace("{", "").replace("}", "") + "}",
        "howpublished": f"{SITE_NAME}, {KIND_NAMES[kind].lower()} record",
        "year": str(day.year),
        "month": day.strftime("%b").lower(),
        "url": url,
        "note": f"Version of {day.isoformat()}",
    }, persons={"author": [Person("{" + PUBLISHER + "}")]})
    return _BIBTEX_WRITER.to_string(BibliographyData({key: entry})).strip() + "\n"


def highwire_tags(record: Record, site_url: str) -> list[tuple[str, str]]:
    """Meta tags that Zotero's connector and Google Scholar read (Highwire Press conventions)."""
    day = _date(record).strftime("%Y/%m/%d")
    tags = [("citation_title", record.title), ("citation_author", PUBLISHER),
            ("citation_publication_date", day), ("citation_online_date", day),
            ("citation_publisher", PUBLISHER), ("citation_journal_title", SITE_NAME),
            ("citation_public_url", record_url(record, site_url)), ("citation_language", "en")]
    if record.data.get("added"):
        tags.append(("citation_date", record.data["added"].replace("-", "/")))
    tags += [("citation_keywords", country_name(c)) for c in record.data.get("countries", [])]
    return tags


def json_ld(record: Record, site_url: str, summary_text: str, topics: list[str], references: list[str]) -> dict:
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": record.title,
        "name": record.title,
        "description": summary_text,
        "url": record_url(record, site_url),
        "dateModified": record.data["last_reviewed"],
        "inLanguage": "en-GB",
        "author": {"@type": "Organization", "name": PUBLISHER},
        "publisher": {"@type": "Organization", "name": PUBLISHER},
        "isPartOf": {"@type": "WebSite", "name": SITE_NAME, "url": site_url},
        "citation": references,
    }
    if record.data.get("added"):
        data["datePublished"] = record.data["added"]
    if topics:
        data["keywords"] = topics
    if record.data.get("countries"):
        data["spatialCoverage"] = [{"@type": "Country", "name": country_name(c)} for c in record.data["countries"]]
    return data
