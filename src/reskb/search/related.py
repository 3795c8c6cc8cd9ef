"""Related practices: for each practice, the practices most like it in words and in structured values.

The words are scored as whoosh's more-like-this over the "content" field (Bo1 key terms, BM25F). Its term
statistics come either from the catalogue in memory (`related_practices`: what a site build uses, with no index
written) or from the postings of an open index (`SearchIndex.related`, for `reskb search` users and notebooks);
both feed the same scoring code, and a test proves the two give the same lists and scores.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from whoosh.scoring import bm25
from whoosh.util.numeric import byte_to_length, length_to_byte

from ..records.catalogue import Catalogue
from .index import _B, _K1, _TEXT, _content, _facts

if TYPE_CHECKING:
    from .query import SearchIndex

#: related practices, as whoosh's more-like-this: key terms per practice, candidates kept; and per key term only
#: the practices that use it most, so the work per practice stays the same however large the catalogue
_KEY_TERMS, _CANDIDATES, _TERM_DOCS, _VALUE_DOCS = 20, 30, 100, 50
#: a practice's terms are cut back to its best _KEY_TERMS whenever it has more than this (memory: a few thousand
#: practices with hundreds of terms each)
_PRUNE_AT = 4 * _KEY_TERMS

#: id -> structured values compared between practices (topics, challenges, formats, participants, phases, ...)
Values = dict[str, frozenset[str]]


@dataclass
class ContentTerms:
    """What the scoring reads of the "content" field: every record by document number (the order records are
    indexed in), the field's length in each as the index stores it, its average, and each term's postings."""

    ids: list[str]  # document number -> record id
    practices: dict[str, Values]  # practice id -> structured values
    lengths: list[float | None]  # document number -> field length (whoosh keeps it in one byte: approximate)
    average: float
    postings: Iterable[tuple[bytes, Sequence[int], Sequence[float], float]]  # term, documents, weights, idf


def catalogue_terms(catalogue: Catalogue) -> ContentTerms:
    """The statistics an index of this catalogue would hold, computed in memory through the index's own text
    (index._content), analyser and length encoding: no index is written."""
    records = catalogue.all_records()  # the order ensure_index adds them in: document numbers
    postings: dict[str, tuple[list[int], list[float]]] = {}
    lengths: list[float | None] = []
    total = 0
    for docnum, record in enumerate(records):
        counts = _analysed(_content(record, catalogue))
        for term, freq in counts.items():
            ids, weights = postings.setdefault(term, ([], []))
            ids.append(docnum)
            weights.append(float(freq))  # a token weighs 1 and the field has no boost: weight = frequency
        length = sum(counts.values())
        total += length
        lengths.append(byte_to_length(length_to_byte(length)) if length else None)
    count = len(records)
    average = total / (count or 1) or 1

    def terms() -> Iterator[tuple[bytes, Sequence[int], Sequence[float], float]]:
        for btext, term in sorted((term.encode("utf-8"), term) for term in postings):
            ids, weights = postings[term]
            yield btext, ids, weights, math.log(count / (len(ids) + 1)) + 1  # whoosh's idf

    practices = {r.id: _values(_facts(r, catalogue)) for r in records if r.kind == "practice"}
    return ContentTerms([r.id for r in records], practices, lengths, average, terms())


#: the pieces of the index's analyser (index._TEXT: tokenizer, lower case, stop words, stemmer), run without
#: whoosh's token objects: a third of the time a build spends on similar practices; a test compares the result
#: with the index's own postings
_TOKENIZER, _LOWER, _STOPS, _STEMMER = _TEXT.items
_stem = cache(_STEMMER.stemfn)


def _analysed(text: str) -> Counter[str]:
    """How often each term occurs in `text`, as the index's analyser counts them (mode "index": stop words go)."""
    words = (match.group(0).lower() for match in _TOKENIZER.expression.finditer(text))
    return Counter(_stem(word) for word in words if len(word) >= _STOPS.min and word not in _STOPS.stops)


def index_terms(ix: SearchIndex) -> ContentTerms:
    """The same statistics read from an open index's postings."""
    count = ix.reader.doc_count_all()
    ids = [ix.ids[d] for d in range(count)]

    def terms() -> Iterator[tuple[bytes, Sequence[int], Sequence[float], float]]:
        for btext in ix.reader.lexicon("content"):
            docs, weights = ix.postings("content", btext)
            yield btext, docs, weights, ix.searcher.idf("content", btext)

    return ContentTerms(ids, ix.practices, list(ix.field_lengths("content")),
                        ix.searcher.avg_field_length("content") or 1, terms())


def _values(facts: dict[str, object]) -> Values:
    return {k: frozenset(v) for k, v in facts.items() if isinstance(v, list)}


#: practice -> (negated Bo1 boost, term) of its key terms, best first; key term -> (BM25 score, negated practice)
#: of the practices where it scores highest
KeyTerms = tuple[dict[int, list[tuple[float, bytes]]], dict[bytes, list[tuple[float, int]]]]


def _key_terms(terms: ContentTerms) -> KeyTerms:
    """What whoosh's more-like-this (Bo1 key terms, BM25F) reads, for all practices in one pass over the content
    postings."""
    docnum = {pid: d for d, pid in enumerate(terms.ids)}
    practices = {docnum[p] for p in terms.practices}
    count, avg, lengths = len(terms.ids), terms.average, terms.lengths
    vectors: dict[int, list[tuple[float, bytes]]] = {d: [] for d in practices}
    best: dict[bytes, list[tuple[float, int]]] = {}  # term -> the practices where it scores highest
    for btext, ids, weights, idf in terms.postings:
        f = sum(weights) / count  # Bo1: how common the term is in the collection
        bo1_factor, bo1_add = math.log2((1.0 + f) / f), math.log2(1.0 + f)
        scored = []
        for d, w in zip(ids, weights, strict=False):
            if d in practices:
                vector = vectors[d]
                vector.append((-(w * bo1_factor + bo1_add), btext))  # negated: the smallest are the best
                if len(vector) > _PRUNE_AT:  # the best so far hold the best of all: each term comes once
                    vector[:] = heapq.nsmallest(_KEY_TERMS, vector)
                scored.append((bm25(idf, w, lengths[d], avg, _B, _K1), -d))
        best[btext] = heapq.nlargest(_TERM_DOCS, scored)
    for d, vector in vectors.items():
        vectors[d] = heapq.nsmallest(_KEY_TERMS, vector)  # by boost, best first; ties by term
    return vectors, {btext: best[btext] for vector in vectors.values() for _, btext in vector}


def _neighbours_of(d: int, key_terms: KeyTerms) -> list[tuple[int, float]]:
    """The practices whose content shares the key terms of practice d, with their more-like-this score."""
    vectors, best = key_terms
    acc: dict[int, float] = {}
    for negated, btext in vectors[d]:
        boost = -negated
        for score, other in best[btext]:
            acc[-other] = acc.get(-other, 0.0) + boost * score
    acc.pop(d, None)
    # by score, best first; ties by document number (tuples compare faster than a key function)
    return [(o, -n) for n, o in heapq.nsmallest(_CANDIDATES, [(-score, o) for o, score in acc.items()])]


class RelatedPractices:
    """Related practices over one set of term statistics (the key terms of every practice are computed once)."""

    def __init__(self, terms: ContentTerms):
        self.terms = terms
        self.practices = terms.practices
        self.docnums = {pid: d for d, pid in enumerate(terms.ids)}
        self._key_terms: KeyTerms | None = None  # read from the postings on first use
        self._neighbours: dict[int, list[tuple[int, float]]] = {}  # practice -> its text candidates, once found
        self._by_value: dict[tuple[str, str], list[str]] | None = None

    @classmethod
    def of_catalogue(cls, catalogue: Catalogue) -> RelatedPractices:
        return cls(catalogue_terms(catalogue))

    @classmethod
    def of_index(cls, ix: SearchIndex) -> RelatedPractices:
        return cls(index_terms(ix))

    def text_neighbours(self) -> dict[str, list[tuple[str, float]]]:
        """practice id -> (practice id, more-like-this score) of its text candidates, best first."""
        ids = self.terms.ids
        return {ids[d]: [(ids[o], s) for o, s in self._like(d)] for d in sorted(self._keys()[0])}

    def _keys(self) -> KeyTerms:
        if self._key_terms is None:
            self._key_terms = _key_terms(self.terms)
        return self._key_terms

    def _like(self, d: int) -> list[tuple[int, float]]:
        """The text candidates of practice d (document number), found on first use: each costs about as much as
        another, so a build that needs them page by page spreads the work over its pages."""
        if d not in self._neighbours:
            self._neighbours[d] = _neighbours_of(d, self._keys())
        return self._neighbours[d]

    def of(self, practice_id: str, limit: int = 3) -> list[str]:
        """Practices most like this one (an id the index holds): shared words (more-like-this over the text) and shared topics,
        challenges, formats and kinds of participants; nothing below a floor of likeness."""
        mine = self.practices.get(practice_id)
        if mine is None:
            return []
        # the text decides most candidates; practices sharing a topic or challenge join them; shared values rerank
        like = self._like(self.docnums[practice_id])
        best = max((s for _, s in like), default=0.0) or 1.0
        text = {self.terms.ids[d]: s / best for d, s in like}
        for key in ("topics", "challenges"):
            for value in mine[key]:
                text.update((p, 0.0) for p in self._sharing(key, value) if p not in text)
        scores = {}
        for other, likeness in text.items():
            if other == practice_id:
                continue
            score = 0.5 * likeness + 0.5 * _overlap(mine, self.practices[other])
            if score >= 0.25:
                scores[other] = score
        return [i for i, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]

    def _sharing(self, key: str, value: str) -> list[str]:
        """Practices with this topic or challenge (the first few by id: enough for candidates)."""
        if self._by_value is None:
            by_value: dict[tuple[str, str], list[str]] = {}
            for pid in sorted(self.practices):
                for k in ("topics", "challenges"):
                    for v in self.practices[pid][k]:
                        by_value.setdefault((k, v), []).append(pid)
            self._by_value = by_value
        return self._by_value.get((key, value), [])[:_VALUE_DOCS]


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _overlap(a: Values, b: Values) -> float:
    """How much two practices share in their structured values, 0 to 1; topics and challenges weigh most."""
    weights = {"topics": 0.35, "challenges": 0.25, "formats": 0.2, "participants": 0.1, "phases": 0.1}
    return sum(w * _jaccard(a[k], b[k]) for k, w in weights.items())


def related_practices(catalogue: Catalogue, limit: int = 3) -> dict[str, list[str]]:
    """practice id -> ids of similar practices, for the "Related practices" of each page; from the catalogue in
    memory (no index is built)."""
    return dict(RelatedLists(catalogue, limit))


class RelatedLists(Mapping[str, list[str]]):
    """related_practices(catalogue, limit), each list found when first asked for, and the catalogue's words read
    on the first: a build that makes its pages one by one starts on them at once and spreads the work over the
    practice pages. The words do not depend on whether the citations have been formatted (index._content)."""

    def __init__(self, catalogue: Catalogue, limit: int = 3):
        self._catalogue = catalogue
        self._finder: RelatedPractices | None = None
        self._ids = sorted(catalogue.practices)
        self._limit = limit
        self._lists: dict[str, list[str]] = {}

    def __getitem__(self, practice_id: str) -> list[str]:
        if practice_id not in self._lists:
            if practice_id not in self._catalogue.practices:
                raise KeyError(practice_id)
            if self._finder is None:
                self._finder = RelatedPractices.of_catalogue(self._catalogue)
            self._lists[practice_id] = self._finder.of(practice_id, self._limit)
            self._finder._neighbours.pop(self._finder.docnums[practice_id], None)  # noqa: SLF001 (asked once)
            if len(self._lists) == len(self._ids):
                self._finder = None  # every list found: the terms' statistics can go
        return self._lists[practice_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)
