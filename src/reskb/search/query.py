"""Querying: one open index answers queries with ranked hits, snippets and facet counts.

One `SearchIndex` keeps one searcher open for all its queries, so a query never reopens the index.

    from reskb.search import search
    results = search("family", country="AT", root=".")
    for hit in results.hits:
        print(hit.title, hit.snippet)
"""

from __future__ import annotations

import difflib
import functools
import heapq
import os
import re
import time
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, field
from itertools import chain, repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

from whoosh import index, qparser, query
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.scoring import bm25

from ..records.catalogue import FOLDERS, KINDS, Catalogue
from .index import (
    _B,
    _INDEX_NAME,
    _K1,
    _TEXT,
    _WORD,
    DEFAULT_FIELD,
    QUERY_FIELDS,
    SCHEMA,
    _read_stamp,
    _signature,
    cache_folder,
    ensure_index,
)
from .related import RelatedPractices

#: filters of `SearchIndex.search`, with the facets counted for every query
FACETS = ("kind", "country", "topic", "challenge", "phase", "lead_actor", "status", "evidence", "design")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
#: who runs a parsed query: our executor over postings held in memory, or whoosh's own searcher
EXECUTORS = ("custom", "whoosh")


class QueryError(ValueError):
    """A query or filter that cannot be run; the message says what to change."""


@dataclass
class Hit:
    """One matching record, with the structured values a reader filters on."""

    id: str
    kind: str
    title: str
    path: str  # page address relative to the site root, e.g. "practices/<id>/"
    score: float
    snippet: str  # plain text; matched words are wrapped in ** **
    countries: list[str] = field(default_factory=list)
    phases: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    challenges: list[str] = field(default_factory=list)
    lead_actor: str | None = None
    status: str | None = None
    evidence: str | None = None
    start_year: int | None = None


@dataclass
class SearchResults:
    query: str
    filters: dict[str, list[str]]
    total: int  # every match, not only the hits returned
    hits: list[Hit]
    facets: dict[str, dict[str, int]]  # facet -> value -> number of matches, most frequent first
    matched: str = "all"  # "all" words, or "any" when no record had all of them
    suggestion: str | None = None  # a corrected query when nothing matched

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- queries -------------------------------------------------------------------------------------

_TOKEN = re.compile(r'"[^"]*"|[()]|[^\s()"]+')
_FIELD = re.compile(r"^(\w+):(.*)$")


def check_syntax(text: str) -> None:
    """Catch the mistakes whoosh would silently read as words, and say how to fix them."""
    if text.count('"') % 2:
        raise QueryError('a phrase is not closed: add the missing " (double quote)')
    depth = 0
    tokens = _TOKEN.findall(text)
    for i, token in enumerate(tokens):
        before = tokens[i - 1] if i else None
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
            if depth < 0:
                raise QueryError("a ')' closes nothing: remove it or add the '(' it belongs to")
        elif token in _OPERATORS - {"NOT"}:
            if before in (None, "(", *_OPERATORS) or after in (None, ")", *_OPERATORS - {"NOT"}):
                raise QueryError(f"'{token}' needs a word or phrase on each side, e.g. family {token} housing")
        elif token == "NOT" and after in (None, ")", *_OPERATORS):
            raise QueryError("'NOT' needs a word or phrase after it, e.g. family NOT housing")
        elif (match := _FIELD.match(token)) and not token.startswith("http"):
            name, value = match.groups()
            if name not in QUERY_FIELDS:
                close = difflib.get_close_matches(name, QUERY_FIELDS, n=1)
                hint = f"did you mean '{close[0]}:'? " if close else ""
                raise QueryError(f"unknown field '{name}:'; {hint}fields: {', '.join(QUERY_FIELDS)}")
            if not value and (after is None or not (after.startswith('"') or after == "(")):
                raise QueryError(f"'{name}:' needs a value, e.g. {name}:{_EXAMPLES.get(name, 'family')}")
    if depth > 0:
        raise QueryError("a '(' is not closed: add the missing ')'")


_EXAMPLES = {"country": "DK", "phase": "post-release", "year": ">2015", "lead_actor": "ngo", "kind": "practice",
             "topic": "family-and-social-networks", "status": "established", "evidence": "not-evaluated"}


def _errors(q: query.Query) -> Iterable[str]:
    if getattr(q, "error", None):
        yield str(q.error)
    if q.is_leaf():
        return
    for child in q.children():
        yield from _errors(child)


#: snippets come from the first 2,000 characters of a text: fragments of about 160 characters around the
#: matched words, the two with most matches, in text order
_SNIPPET_CHARS, _SNIPPET_SURROUND, _SNIPPET_SPAN = 2000, 80, 100
_TOKENS = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*")  # the analyser's own tokens


@functools.lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    """A word as the index holds it ("" for a stop word), through the same analyser as the index."""
    return next((token.text for token in _TEXT(word)), "")


def _snippet(text: str, words: frozenset[str]) -> str:
    """Plain text around the matched words, each wrapped in ** **; "" when no word matches. Cheaper than whoosh's
    highlighter (which tokenises with character positions and scores every fragment) at the same result."""
    text = text[:_SNIPPET_CHARS]
    matches = [m.span() for m in _TOKENS.finditer(text) if _stem(m.group().lower()) in words]
    groups: list[list[tuple[int, int]]] = []
    for span in matches:
        if groups and span[1] - groups[-1][0][0] <= _SNIPPET_SPAN:
            groups[-1].append(span)
        else:
            groups.append([span])
    best = sorted(sorted(groups, key=lambda g: (-len(g), g[0][0]))[:2], key=lambda g: g[0][0])
    fragments: list[tuple[int, int]] = []
    for group in best:
        start, end = max(0, group[0][0] - _SNIPPET_SURROUND), min(len(text), group[-1][1] + _SNIPPET_SURROUND)
        if start > 0 and " " in text[start:group[0][0]]:
            start = text.index(" ", start, group[0][0]) + 1
        if end < len(text) and " " in text[group[-1][1]:end]:
            end = text.rindex(" ", group[-1][1], end)
        if fragments and start <= fragments[-1][1]:  # overlapping context: one longer fragment
            fragments[-1] = (fragments[-1][0], end)
        else:
            fragments.append((start, end))
    out = []
    for start, end in fragments:
        marked, at = [], start
        for a, b in matches:
            if start <= a and b <= end:
                marked += [text[at:a], "**", text[a:b], "**"]
                at = b
        out.append("".join(marked) + text[at:end])
    return " … ".join(out)


def _values(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [str(v).strip() for v in items if str(v).strip()]


#: terms whose postings stay in memory; beyond this the cache starts afresh (a term costs ~50 KB at 5,000 records)
_CACHED_TERMS = 2000

Scores = dict[int, float]


class SearchIndex:
    """An open index with one searcher reused by every query (open it once, query many times).

    Queries are parsed by whoosh but run here, over postings read from the index once per term and kept in
    memory with their BM25F scores: whoosh's own searcher steps through every posting in Python, and at 5,000
    practices (where every common word is in most records) it was 3-4 times slower than this executor on the same
    queries, machine and index, missing the query targets (scripts/search_benchmark.py prints both).
    `executor="whoosh"` runs the same queries through whoosh's searcher: the benchmark's comparison, and the
    tests' proof that both give the same hits, scores, snippets and facets. Reading postings block by block
    relies on whoosh-reloaded's codec (hence the pinned version); that test fails if an upgrade changes it."""

    def __init__(self, folder: Path, digest: str = "", executor: str = "custom"):
        if executor not in EXECUTORS:
            raise ValueError(f"unknown executor {executor!r}; use one of {', '.join(EXECUTORS)}")
        self.folder = folder
        self.digest = digest
        self.executor = executor
        self._related: RelatedPractices | None = None
        self._index = index.open_dir(str(folder), indexname=_INDEX_NAME)
        self.searcher = self._index.searcher()
        self.reader = self.searcher.reader()
        self._words: list[str] | None = None
        self._filter_cache: dict[str, frozenset[int]] = {}
        self._postings: dict[tuple[str, bytes], Scores] = {}
        self._positions: dict[tuple[str, bytes], dict[int, int]] = {}
        self._lengths: dict[str, list[float]] = {}
        self._read_terms: set[tuple[str, bytes]] = set()  # the terms the current query looked up
        self._parsers = {group: self._parser(group) for group in ("all", "any")}
        # facet values of every document, read once: counting them per query is then a Counter over lists
        self._facts: dict[int, list[tuple[str, str]]] = {}
        self._years: dict[int, int] = {}
        self.docnums: dict[str, int] = {}
        self.ids: dict[int, str] = {}
        self.practices: dict[str, dict[str, Any]] = {}  # id -> structured values, for related practices
        titles: dict[int, str] = {}
        for docnum, stored in self.searcher.iter_docs():
            facts = stored["facts"]
            self.docnums[stored["id"]] = docnum
            self.ids[docnum] = stored["id"]
            titles[docnum] = re.sub(r"^\W+", "", stored["title"]).casefold()  # as the "order" field
            if stored["kind"] == "practice":
                self.practices[stored["id"]] = {k: frozenset(v) for k, v in facts.items() if isinstance(v, list)}
            if stored.get("year") is not None:
                self._years[docnum] = stored["year"]
            self._facts[docnum] = [("kind", stored["kind"])] + [
                (facet, v) for facet, key in (("country", "countries"), ("topic", "topics"),
                                              ("challenge", "challenges"), ("phase", "phases"))
                for v in facts[key]] + [
                (facet, facts[facet]) for facet in ("lead_actor", "status", "evidence") if facts[facet]] + [
                ("design", v) for v in facts.get("designs", [])]
        self._all = frozenset(self._facts)
        self._order = sorted(titles, key=lambda d: (titles[d], d))  # the list without words to rank by
        self._counts = Counter(chain.from_iterable(self._facts.values()))
        self._known = {facet: {v for f, v in self._counts if f == facet} for facet in FACETS}
        # each facet value's documents as the bits of one integer: counting a value among many matches is then one
        # AND and a bit count (see _facet_counts)
        holders: dict[tuple[str, str], list[int]] = {pair: [] for pair in self._counts}
        for docnum, pairs in self._facts.items():
            for pair in pairs:
                holders[pair].append(docnum)
        self._size = max(self._facts, default=-1) + 1
        self._masks = {pair: self._mask(docs) for pair, docs in holders.items()}
        # each document's values as numbers (counting numbers is twice as fast as counting (facet, value) pairs)
        self._pairs = list(self._masks)
        number = {pair: n for n, pair in enumerate(self._pairs)}
        self._fact_numbers = {d: tuple(number[pair] for pair in pairs) for d, pairs in self._facts.items()}
        #: matches beyond which bit counts are cheaper than counting the matches' values one by one: a value counted
        #: costs about as much as 12 words of a bit mask (timed at 5,000 and 10,000 practices: both ways cost the same
        #: at about 1,000 and 2,700 matches)
        self._bitset_from = len(self._masks) * (self._size // 64 + 1) * len(self._facts) // max(1, self._counts.total()) // 12

    @classmethod
    def open(cls, root: str | Path = ".", cache_dir: str | Path | None = None,
             catalogue: Catalogue | None = None, executor: str = "custom") -> SearchIndex:
        """Open the catalogue's index, building it first when the content changed."""
        root = Path(root)
        ensure_index(root, cache_dir, catalogue)
        cache = cache_folder(root, cache_dir)
        return cls(cache / "index", _read_stamp(cache).get("hash", ""), executor)

    def _parser(self, group: str) -> qparser.QueryParser:
        grouping = qparser.AndGroup if group == "all" else qparser.OrGroup.factory(0.9)
        parser = qparser.QueryParser(DEFAULT_FIELD, SCHEMA, group=grouping)
        for plugin in (qparser.FuzzyTermPlugin(), qparser.GtLtPlugin(), qparser.PlusMinusPlugin(r"(?<!\S)\+", r"(?<!\S)-")):
            parser.add_plugin(plugin)
        return parser

    def _parse(self, group: str, text: str) -> query.Query:
        try:
            return self._parsers[group].parse(text)
        except Exception as exc:  # whoosh fails on some odd combinations of operators
            raise QueryError(f"cannot read the query ({type(exc).__name__}); simplify it, e.g. use NOT instead of -") \
                from exc

    def close(self) -> None:
        self.searcher.close()
        self._index.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return self.searcher.doc_count()

    # -- postings --

    def postings(self, fieldname: str, btext: bytes) -> tuple[list[int], list[float]]:
        """Document numbers and weights of one term; whole blocks at a time where the codec allows."""
        ids: list[int] = []
        weights: list[float] = []
        if (fieldname, btext) not in self.reader:
            return ids, weights
        m = self.reader.postings(fieldname, btext)
        if isinstance(m, W3LeafMatcher):  # a block at a time: several times faster than a posting at a time
            while m.is_active():
                m._read_ids()
                m._read_weights()
                ids.extend(m._ids)
                weights.extend(m._weights)
                m._next_block()
        else:
            while m.is_active():
                ids.append(m.id())
                weights.append(m.weight())
                m.next()
        return ids, weights

    def field_lengths(self, fieldname: str) -> list[float]:
        if fieldname not in self._lengths:
            length = self.reader.doc_field_length
            self._lengths[fieldname] = [length(d, fieldname, 1) for d in range(self.reader.doc_count_all())]
        return self._lengths[fieldname]

    def _term(self, fieldname: str, btext: bytes) -> Scores:
        """Documents with the term and its BM25F score in each (the weight where the field is not scored)."""
        key = (fieldname, btext)
        self._read_terms.add(key)
        scores = self._postings.get(key)
        if scores is None:
            ids, weights = self.postings(fieldname, btext)
            if ids and SCHEMA[fieldname].scorable:
                idf = self.searcher.idf(fieldname, btext)
                avg = self.searcher.avg_field_length(fieldname) or 1
                lengths = self.field_lengths(fieldname)
                scores = {d: bm25(idf, w, lengths[d], avg, _B, _K1) for d, w in zip(ids, weights, strict=False)}
            else:
                scores = dict(zip(ids, weights, strict=False))
            if len(self._postings) >= _CACHED_TERMS:
                self._postings.clear()
            self._postings[key] = scores
        return scores

    def _term_positions(self, fieldname: str, btext: bytes) -> dict[int, int]:
        """Document -> the term's positions as the bits of one integer, for phrases."""
        key = (fieldname, btext)
        found = self._positions.get(key)
        if found is None:
            found = {}
            if (fieldname, btext) in self.reader:
                m = self.reader.postings(fieldname, btext)
                while m.is_active():
                    mask = 0
                    for p in m.value_as("positions"):
                        mask |= 1 << p
                    found[m.id()] = mask
                    m.next()
            if len(self._positions) >= _CACHED_TERMS:
                self._positions.clear()
            self._positions[key] = found
        return found

    # -- running a parsed query --

    @staticmethod
    def _bytes(fieldname: str, text: Any) -> bytes:
        return text if isinstance(text, bytes) else SCHEMA[fieldname].to_bytes(text)

    def _shared_run(self, q: query.Query) -> Scores:
        """As _run, but a plain term's cached scores themselves (not a copy): for callers that only read them."""
        if type(q) is query.Term and q.fieldname in SCHEMA and getattr(q, "boost", 1.0) == 1:
            return self._term(q.fieldname, self._bytes(q.fieldname, q.text))
        return self._run(q)

    def _run(self, q: query.Query) -> Scores:
        """Matching documents with their scores, as whoosh would score them; never a cached dict itself."""
        boost = getattr(q, "boost", 1.0)
        if isinstance(q, query.qcore._NullQuery):
            return {}
        if isinstance(q, query.terms.MultiTerm):  # prefix*, typo~, wildcards: the words they stand for
            found = [self._term(f, t) for f, t in q.existing_terms(self.reader, expand=True) if f == q.fieldname]
            return {d: s * boost for d, s in _sum_any(found).items()}
        if isinstance(q, query.Term) and q.fieldname in SCHEMA:
            scores = self._term(q.fieldname, self._bytes(q.fieldname, q.text))
            return {d: s * boost for d, s in scores.items()} if boost != 1 else dict(scores)
        if isinstance(q, query.Phrase) and q.slop == 1 and q.fieldname in SCHEMA:
            scores = self._phrase(q.fieldname, [self._bytes(q.fieldname, w) for w in q.words])
        elif isinstance(q, query.And):
            positive = [c for c in q.subqueries if not isinstance(c, query.Not)]
            scores = _sum_all([self._shared_run(c) for c in positive]) if positive else dict.fromkeys(self._all, 0.0)
            for c in q.subqueries:
                if isinstance(c, query.Not):  # whoosh scores a NOT clause as its boost in every record it keeps
                    for d in self._run(c.query):
                        scores.pop(d, None)
                    scores = {d: s + c.boost for d, s in scores.items()}
        elif isinstance(q, query.Or):
            runs = [self._shared_run(c) for c in q.subqueries]
            scores = _sum_any(runs)
            terms = [len(list(c.leaves())) if not c.is_leaf() else 1 for c in q.subqueries]
            total = sum(terms)
            if q.scale and len(runs) > 1 and total and total != q.scale:  # whoosh's coordination bonus
                for d, s in scores.items():
                    matching = sum(n for r, n in zip(runs, terms, strict=False) if d in r)
                    scores[d] = (s + (matching - 1) / (total - q.scale) ** 2) * ((total - 1) / total)
        elif isinstance(q, query.Not):
            scores = dict.fromkeys(self._all.difference(self._run(q.query)), 1.0)
        elif isinstance(q, query.AndNot):
            scores = self._run(q.a)
            for d in self._run(q.b):
                scores.pop(d, None)
        elif isinstance(q, query.AndMaybe):
            scores = self._run(q.a)
            for d, s in self._run(q.b).items():
                if d in scores:
                    scores[d] += s
        elif isinstance(q, query.Require):
            scores, required = self._run(q.a), self._run(q.b)
            scores = {d: s for d, s in scores.items() if d in required}
        elif isinstance(q, query.NumericRange) and q.fieldname == "year":  # constant score, as whoosh
            low, high = q.start, q.end
            return {d: float(boost) for d, y in self._years.items()
                    if (low is None or y > low or (y == low and not q.startexcl))
                    and (high is None or y < high or (y == high and not q.endexcl))}
        elif isinstance(q, query.Every):
            scores = dict.fromkeys(self._all, 1.0)
        else:  # ranges (year:>2015) and anything rarer: whoosh finds the documents, each scores the boost
            return dict.fromkeys(self.searcher.docs_for_query(q), float(boost))
        return {d: s * boost for d, s in scores.items()} if boost != 1 else scores

    def _phrase(self, fieldname: str, words: list[bytes]) -> Scores:
        """Documents with the words next to each other in this order, scored as the sum of the words."""
        if not words:
            return {}
        scores = _sum_all([self._term(fieldname, w) for w in words])
        if len(words) == 1 or not scores:
            return scores
        first, *rest = [self._term_positions(fieldname, w) for w in words]
        masks = {d: first[d] for d in scores}  # where the phrase so far ends, as bits
        for other in rest:
            masks = {d: shifted for d, mask in masks.items() if (shifted := (mask << 1) & other[d])}
        return {d: s for d, s in scores.items() if d in masks}

    # -- search --

    def _filter(self, filters: dict[str, list[str]]) -> query.Query | None:
        clauses = []
        for facet, values in filters.items():
            known = self._known[facet]
            for value in values:
                if value not in known:
                    close = difflib.get_close_matches(value, sorted(known), n=3)
                    hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(sorted(known))}"
                    raise QueryError(f"no record has {facet} '{value}'{hint}")
            clauses.append(query.Or([query.Term(facet, v.lower()) for v in values]))
        return query.And(clauses) if clauses else None

    def _allowed(self, narrowed: query.Query | None) -> frozenset[int] | None:
        if narrowed is None:
            return None
        key = repr(narrowed)
        if key not in self._filter_cache:
            found = self.searcher.docs_for_query(narrowed) if self.executor == "whoosh" else self._run(narrowed)
            self._filter_cache[key] = frozenset(found)
        return self._filter_cache[key]

    def _scores(self, q: query.Query, allowed: frozenset[int] | None) -> Scores:
        self._read_terms = set()
        scores = self._run(q)
        if allowed is not None:
            scores = {d: s for d, s in scores.items() if d in allowed}
        return scores

    def search(self, text: str = "", *, country: str | Iterable[str] | None = None,
               topic: str | Iterable[str] | None = None, challenge: str | Iterable[str] | None = None,
               phase: str | Iterable[str] | None = None, lead_actor: str | Iterable[str] | None = None,
               status: str | Iterable[str] | None = None, evidence: str | Iterable[str] | None = None,
               kind: str | Iterable[str] | None = None, design: str | Iterable[str] | None = None,
               limit: int | None = 10) -> SearchResults:
        """Records matching `text` (whoosh query syntax), narrowed by filters; several values of one filter
        (a list, or "DK,NL") match any of them, different filters must all match."""
        text = " ".join((text or "").split())
        filters = {name: _values(value) for name, value in (
            ("kind", kind), ("country", country), ("topic", topic), ("challenge", challenge), ("phase", phase),
            ("lead_actor", lead_actor), ("status", status), ("evidence", evidence), ("design", design))
            if _values(value)}
        if "country" in filters:
            filters["country"] = [c.upper() for c in filters["country"]]
        if limit is not None and limit < 1:
            raise QueryError("the limit must be 1 or more")
        check_syntax(text)
        allowed = self._allowed(self._filter(filters))
        matched, found, q = "all", None, query.NullQuery
        if text:
            q = self._parse("all", text)
            errors = list(_errors(q))
            if errors:
                raise QueryError(f"cannot read the query: {errors[0]}")
            found = self._execute(q, allowed, limit)
            if not found[1] and len(text.split()) > 1 and not (_OPERATORS & set(text.split())):
                q, matched = self._parse("any", text), "any"
                found = self._execute(q, allowed, limit)
        if found is None or q is query.NullQuery:  # no words (or only stop words): every record, by title
            docs: Collection[int] = self._all if allowed is None else allowed
            listed = [d for d in self._order if d in docs]
            total = len(listed)
            hits = [self._hit(d, None, frozenset()) for d in (listed[:limit] if limit else listed)]
        else:
            top, docs, words = found
            total = len(docs)
            hits = [self._hit(d, score, words) for d, score in top]
        suggestion = self.suggest(text) if text and not total else None
        return SearchResults(text, filters, total, hits, self._facet_counts(docs, total), matched, suggestion)

    def _execute(self, q: query.Query, allowed: frozenset[int] | None,
                 limit: int | None) -> tuple[list[tuple[int, float]], Collection[int], frozenset[str]]:
        """The best `limit` matches with their scores (best first, then by document number), every match, and
        the indexed words to mark in snippets; by the executor this index was opened with."""
        if self.executor == "whoosh":
            return self._execute_whoosh(q, allowed, limit)
        scores = self._scores(q, allowed)
        if limit and len(scores) > limit:
            # above the limit-th best score, sorted; then those tied at it by document number (ties are common: a
            # field query scores every match alike, and sorting thousands of them by score was a query's main cost)
            floor = heapq.nlargest(limit, scores.values())[-1]
            above = sorted([d for d, s in scores.items() if s > floor], key=lambda d: (-scores[d], d))
            top = above + heapq.nsmallest(limit - len(above), [d for d, s in scores.items() if s == floor])
        else:
            top = sorted(scores, key=lambda d: (-scores[d], d))
        return [(d, scores[d]) for d in top], scores.keys(), self._query_words(q)

    def _execute_whoosh(self, q: query.Query, allowed: frozenset[int] | None,
                        limit: int | None) -> tuple[list[tuple[int, float]], Collection[int], frozenset[str]]:
        """The same through whoosh's own searcher (BM25F, B=0.75, K1=1.2: the same scores), for comparison."""
        if allowed is not None and not allowed:  # whoosh reads an empty filter as no filter
            return [], (), frozenset()
        # one pass that scores every match (faster than the top-N collector plus a second pass for the match set,
        # which the facets and the total need); best first, ties by document number as whoosh's top-N orders them
        results = self.searcher.search(q, limit=None, filter=None if allowed is None else set(allowed))
        scored = sorted(results.top_n, key=lambda item: (-item[0], item[1]))
        docs = {d for _, d in scored}
        excluded = {(t.fieldname, self._bytes(t.fieldname, t.text)) for n in _negated(q) for t in n.leaves()
                    if isinstance(t, query.Term)}
        words = frozenset(t.decode("utf-8") for f, t in set(q.existing_terms(self.reader, expand=True)) - excluded
                          if f in ("text", "title", "summary", "content"))
        return [(d, score) for score, d in scored[:limit]], docs, words

    def related(self, practice_id: str, limit: int = 3) -> list[str]:
        """Ids of the practices most like this one (see related.py); [] for a record that is not a practice."""
        if practice_id not in self.docnums:
            raise QueryError(f"no record with id '{practice_id}'")
        if self._related is None:
            self._related = RelatedPractices.of_index(self)
        return self._related.of(practice_id, limit)

    def _mask(self, docs: Iterable[int]) -> int:
        """The documents as the bits of one integer: a string of 0s with a 1 at each document's place, read in base 2
        (bit size-1-d stands for document d; every mask is made here, so they all agree)."""
        bits = bytearray(b"0" * self._size)
        for d in docs:
            bits[d] = 49  # "1"
        return int(bits, 2)

    def _facet_counts(self, docs: Iterable[int], total: int) -> dict[str, dict[str, int]]:
        """Facet -> value -> matches. Few matches: their values counted one by one; many (where counting every
        value's tuple took 13 ms at 5,000 practices): one AND and a bit count per facet value."""
        counts: dict[tuple[str, str], int]
        if total >= len(self._all):
            counts = self._counts
        elif total >= self._bitset_from:
            matched = self._mask(docs)
            counts = {pair: (matched & mask).bit_count() for pair, mask in self._masks.items()}
        else:
            pairs = self._pairs
            numbers = Counter(chain.from_iterable(map(self._fact_numbers.__getitem__, docs)))
            counts = {pairs[n]: count for n, count in numbers.items()}
        facets: dict[str, dict[str, int]] = {f: {} for f in FACETS}
        found = sorted([kv for kv in counts.items() if kv[1] > 0], key=itemgetter(0))
        found.sort(key=itemgetter(1), reverse=True)  # most matches first; a stable sort keeps ties by value
        for (facet, value), n in found:
            facets[facet][value] = n
        return facets

    def suggest(self, text: str) -> str | None:
        """The query with each unknown word replaced by the closest word in the catalogue, if any differs."""
        if self._words is None:
            try:
                self._words = (self.folder / "words.txt").read_text(encoding="utf-8").split()
            except OSError:
                self._words = []
        known = set(self._words)

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            if word.lower() in known or word in _OPERATORS:
                return word
            close = difflib.get_close_matches(word.lower(), self._words, n=1, cutoff=0.8)
            return close[0] if close else word

        fixed = _WORD.sub(fix, text)
        return fixed if fixed != text else None

    def _query_words(self, q: query.Query) -> frozenset[str]:
        """The indexed forms (stems, and what prefixes and typos expand to) the query looks for in any text: the
        terms the query just read, except those it excludes."""
        excluded = {(t.fieldname, self._bytes(t.fieldname, t.text)) for n in _negated(q) for t in n.leaves()
                    if isinstance(t, query.Term)}
        return frozenset(t.decode("utf-8") for f, t in self._read_terms - excluded
                         if f in ("text", "title", "summary", "content"))

    def _hit(self, docnum: int, score: float | None, words: frozenset[str]) -> Hit:
        stored = self.searcher.stored_fields(docnum)
        facts = stored["facts"]
        snippet = ""
        for name in ("summary", "content") if words else ():
            snippet = _snippet(stored[name], words)
            if snippet:
                break
        if not snippet:
            summary = stored["summary"]
            snippet = summary if len(summary) <= 240 else summary[:240].rsplit(" ", 1)[0] + " …"
        return Hit(
            id=stored["id"], kind=stored["kind"], title=stored["title"],
            path=f"{FOLDERS[stored['kind']]}/{stored['id']}/",
            score=round(score, 4) if score is not None and words else 0.0,
            snippet=" ".join(snippet.split()),
            countries=facts["countries"], phases=facts["phases"], topics=facts["topics"],
            challenges=facts["challenges"], lead_actor=facts["lead_actor"], status=facts["status"],
            evidence=facts["evidence"], start_year=facts["start_year"])



def _negated(q: query.Query) -> Iterable[query.Query]:
    if isinstance(q, query.Not):
        yield q.query
    elif isinstance(q, query.AndNot):
        yield q.b
        yield from _negated(q.a)
    elif not q.is_leaf():
        for child in q.children():
            yield from _negated(child)


def _sum_all(runs: list[Scores]) -> Scores:
    """Documents in every run, with the sum of their scores."""
    if not runs:
        return {}
    if len(runs) == 1:
        return dict(runs[0])
    # from the shortest run, kept while in each other: cost of the shortest, not of the longest (set.intersection
    # with a dict's keys steps through the whole dict)
    shortest, *others = sorted(runs, key=len)
    keys = list(shortest)
    for run in others:
        keys = [d for d in keys if d in run]
    return dict(zip(keys, map(sum, zip(*(map(r.__getitem__, keys) for r in runs), strict=False)), strict=False))


def _sum_any(runs: list[Scores]) -> Scores:
    """Documents in any run, with the sum of their scores."""
    if len(runs) == 1:
        return dict(runs[0])
    keys = set().union(*runs)
    return dict(zip(keys, map(sum, zip(*(map(r.get, keys, repeat(0.0)) for r in runs), strict=False)), strict=False))



# --- the function for notebooks ------------------------------------------------------------------

#: root, cache -> (signature of the source files, the open index, when checked, how long the check took)
_OPEN: dict[tuple[Path, Path], tuple[tuple[tuple[str, int, int], ...], SearchIndex, float, float]] = {}
#: where the full check is slow (stat'ing 6,000 files takes ~35 ms on a slow disk), at most one a second, and at most
#: one per 20 times its own duration (stat'ing 12,000 files on a busy machine took 70-200 ms: checked every second,
#: it fell on several percent of the queries); a quick check of the folders' times still runs every call and sees
#: records added, removed or saved by renaming
_CHECK_EVERY, _CHECK_SHARE, _SLOW_CHECK = 1.0, 20, 0.005


def _folders_signature(root: Path) -> tuple[int, ...]:
    times = []
    for folder in [FOLDERS[k] for k in KINDS] + ["bibliography"]:
        try:
            times.append(os.stat(root / folder).st_mtime_ns)
        except OSError:
            times.append(0)
    return tuple(times)


def open_index(root: str | Path = ".", cache_dir: str | Path | None = None) -> SearchIndex:
    """The catalogue's index, kept open between calls and reopened only after its files changed."""
    root = Path(root).resolve()
    key = (root, cache_folder(root, cache_dir).resolve())
    entry = _OPEN.get(key)
    now = time.monotonic()
    folders = _folders_signature(root)
    if (entry and entry[3] > _SLOW_CHECK and now - entry[2] < max(_CHECK_EVERY, _CHECK_SHARE * entry[3])
            and entry[0][0] == folders):
        return entry[1]
    signature = (folders, *_signature(root))
    took = time.monotonic() - now
    if entry and entry[0] == signature:
        _OPEN[key] = (signature, entry[1], now, took)
        return entry[1]
    if entry:
        _OPEN.pop(key)[1].close()
    opened = SearchIndex.open(root, cache_dir)
    _OPEN[key] = (signature, opened, now, took)
    return opened


def search(text: str = "", *, root: str | Path = ".", cache_dir: str | Path | None = None, limit: int | None = 10,
           **filters: str | Iterable[str] | None) -> SearchResults:
    """Search the catalogue at `root`: `search("family", country="AT")`. Filters: country, topic, challenge,
    phase, lead_actor, status, evidence, kind, design; each takes one value, a list, or comma-separated values."""
    unknown = set(filters) - set(FACETS)
    if unknown:
        raise TypeError(f"unknown filter(s) {', '.join(sorted(unknown))}; use {', '.join(FACETS)}")
    return open_index(root, cache_dir).search(text, limit=limit, **filters)  # type: ignore[arg-type]
