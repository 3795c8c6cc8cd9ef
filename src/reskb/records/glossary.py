"""Glossary terms (`glossary/<id>.yaml`): their forms (term and aliases) and the cross-record checks
(their pages and the linking of terms in record text: site/glossary_pages.py)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ..problems import Problem
from .catalogue import Catalogue, Record


def forms(record: Record) -> list[str]:
    """The term and its aliases, as written."""
    aliases = record.data.get("aliases")
    return [record.data["term"], *(a for a in aliases if isinstance(a, str))] if isinstance(aliases, list) else [
        record.data["term"]]


# --- checks --------------------------------------------------------------------------------


def check(catalogue: Catalogue) -> Iterator[Problem]:
    """Unknown related topics; a term or alias used twice, in one record or across records."""
    seen: dict[str, Record] = {}
    for record in sorted(catalogue.glossary.values(), key=lambda r: r.path):
        topics = record.data.get("related_topics")
        for i, value in enumerate(topics if isinstance(topics, list) else []):
            if isinstance(value, str) and value not in catalogue.topics and value not in catalogue.unreadable["topic"]:
                close = difflib.get_close_matches(value, list(catalogue.topics), n=1, cutoff=0.6)
                yield Problem(record.path, record.doc.line_of(("related_topics", i)), f"related_topics[{i}]",
                              f"unknown topic id '{value}'",
                              f"did you mean '{close[0]}'?" if close else "the topic ids are the file names in topics/")
        pointers = [("term",)] + [("aliases", i) for i in range(len(forms(record)) - 1)]
        for pointer, form in zip(pointers, forms(record), strict=True):
            key = " ".join(form.split()).casefold()
            name = "term" if pointer == ("term",) else f"aliases[{pointer[1]}]"
            other = seen.get(key)
            if other is record:
                yield Problem(record.path, record.doc.line_of(pointer), name, f"'{form}' is listed twice in this term",
                              "remove the repeated form")
            elif other is not None:
                yield Problem(record.path, record.doc.line_of(pointer), name,
                              f"'{form}' is already a term or alias of {other.path}",
                              "a form can link to one definition only: remove it here or there")
            else:
                seen[key] = record
