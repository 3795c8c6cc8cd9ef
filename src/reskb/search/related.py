"""Related practices: for each practice, the practices most like it in words and in structured values."""

from __future__ import annotations

import heapq
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh.scoring import bm25

from .index import _B, _K1

if TYPE_CHECKING:
    from .query import SearchIndex

#: related practices, as whoosh's more-like-this: key terms per practice, candidates kept; and per key term only
#: the practices that use it most, so the work per practice stays the same however large the catalogue
_KEY_TERMS, _CANDIDATES, _TERM_DOCS, _VALUE_DOCS = 20, 30, 100, 50


class RelatedPractices:
    """Related practices over one open index (the key terms of every practice are computed once)."""

    def __init__(self, ix: SearchIndex):
        self.ix = ix
        self._neighbours: dict[int, list[tuple[int, float]]] | None = None
        self._by_value: dict[tuple[str, str], list[str]] | None = None

    def _text_neighbours(self) -> dict[int, list[tuple[int, float]]]:
        """For every practice, the practices whose content shares its key terms, with whoosh's more-like-this
        score (Bo1 key terms, BM25F), computed for all practices in one pass over the content postings."""
        if self._neighbours is not None:
            return self._neighbours
        practices = {self.ix.docnums[p] for p in self.ix.practices}
        count = self.ix.reader.doc_count_all()
        avg = self.ix.searcher.avg_field_length("content") or 1
        lengths = self.ix.field_lengths("content")
        vectors: dict[int, list[tuple[float, bytes]]] = {d: [] for d in practices}
        best: dict[bytes, list[tuple[float, int]]] = {}  # term -> the practices where it scores highest
        for btext in self.ix.reader.lexicon("content"):
            ids, weights = self.ix.postings("content", btext)
            idf = self.ix.searcher.idf("content", btext)
            f = sum(weights) / count  # Bo1: how common the term is in the collection
            bo1_factor, bo1_add = math.log2((1.0 + f) / f), math.log2(1.0 + f)
            scored = []
            for d, w in zip(ids, weights, strict=False):
                if d in practices:
                    vectors[d].append((w * bo1_factor + bo1_add, btext))
                    scored.append((bm25(idf, w, lengths[d], avg, _B, _K1), -d))
            best[btext] = heapq.nlargest(_TERM_DOCS, scored)
        neighbours = {}
        for d, vector in vectors.items():
            acc: dict[int, float] = {}
            for boost, btext in heapq.nsmallest(_KEY_TERMS, vector, key=lambda v: (-v[0], v[1])):
                for score, other in best[btext]:
                    acc[-other] = acc.get(-other, 0.0) + boost * score
            acc.pop(d, None)
            neighbours[d] = heapq.nsmallest(_CANDIDATES, acc.items(), key=lambda kv: (-kv[1], kv[0]))
        self._neighbours = neighbours
        return neighbours

    def of(self, practice_id: str, limit: int = 3) -> list[str]:
        """Practices most like this one (an id the index holds): shared words (more-like-this over the text) and shared topics,
        challenges, formats and kinds of participants; nothing below a floor of likeness."""
        mine = self.ix.practices.get(practice_id)
        if mine is None:
            return []
        # the text decides most candidates; practices sharing a topic or challenge join them; shared values rerank
        like = self._text_neighbours()[self.ix.docnums[practice_id]]
        best = max((s for _, s in like), default=0.0) or 1.0
        text = {self.ix.ids[d]: s / best for d, s in like}
        for key in ("topics", "challenges"):
            for value in mine[key]:
                text.update((p, 0.0) for p in self._sharing(key, value) if p not in text)
        scores = {}
        for other, likeness in text.items():
            if other == practice_id:
                continue
            score = 0.5 * likeness + 0.5 * _overlap(mine, self.ix.practices[other])
            if score >= 0.25:
                scores[other] = score
        return [i for i, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]

    def _sharing(self, key: str, value: str) -> list[str]:
        """Practices with this topic or challenge (the first few by id: enough for candidates)."""
        if self._by_value is None:
            by_value: dict[tuple[str, str], list[str]] = {}
            for pid in sorted(self.ix.practices):
                for k in ("topics", "challenges"):
                    for v in self.ix.practices[pid][k]:
                        by_value.setdefault((k, v), []).append(pid)
            self._by_value = by_value
        return self._by_value.get((key, value), [])[:_VALUE_DOCS]


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _overlap(a: dict[str, frozenset[str]], b: dict[str, frozenset[str]]) -> float:
    """How much two practices share in their structured values, 0 to 1; topics and challenges weigh most."""
    weights = {"topics": 0.35, "challenges": 0.25, "formats": 0.2, "participants": 0.1, "phases": 0.1}
    return sum(w * _jaccard(a[k], b[k]) for k, w in weights.items())


def cached_related(ix: SearchIndex, practice_ids: list[str], saved: Path, limit: int) -> dict[str, list[str]]:
    """practice id -> related practice ids, read from `saved` when it holds those of this index's content (a
    JSON file; anything else in it is a cache miss), else computed and saved there."""
    try:
        stored = json.loads(saved.read_text(encoding="utf-8"))
        if stored.get("hash") == ix.digest and stored.get("limit") == limit:
            return stored["related"]
    except (OSError, ValueError, AttributeError):
        pass
    finder = RelatedPractices(ix)
    related = {pid: finder.of(pid, limit) for pid in practice_ids}
    saved.write_text(json.dumps({"hash": ix.digest, "limit": limit, "related": related}), encoding="utf-8")
    return related
