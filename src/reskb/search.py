"""Full-text search over every record: a whoosh index behind a small interface.

The index lives in a cache folder (default `<catalogue>/.cache/reskb-search/`) and is rebuilt only
when the records or the bibliography change (a content hash of those files). One `SearchIndex`
keeps one searcher open for all its queries, so a query never reopens the index.

    from reskb.search import search
    results = search("family", country="AT", root=".")
    for hit in results.hits:
        print(hit.title, hit.snippet)
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from whoosh import highlight, index, qparser, query
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .catalogue import FOLDERS, KINDS, Catalogue, Record, country_name, region_name
from .labels import label
from .plaintext import plain_text
from .problems import Problem

#: modules whose code decides what the index holds: a change to them rebuilds every cached index
_CODE = ("search.py", "plaintext.py", "labels.py", "catalogue.py")
DEFAULT_CACHE = Path(".cache") / "reskb-search"
_INDEX_NAME = "reskb"

_TEXT = StemmingAnalyzer()  # lowercase, stop words, Porter stemming: "reintegrate" finds "reintegration"


def _keyword() -> KEYWORD:
    return KEYWORD(lowercase=True, commas=True)


SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    kind=ID(stored=True),
    title=TEXT(analyzer=_TEXT, stored=True, field_boost=3.0),
    summary=TEXT(analyzer=_TEXT, stored=True, field_boost=2.0),
    content=TEXT(analyzer=_TEXT, stored=True),
    # what a query without field names searches: title, summary and body in one field, the title three times
    # and the summary twice (one field keeps queries fast: a field per part would triple the postings read)
    text=TEXT(analyzer=_TEXT),
    source=TEXT(analyzer=_TEXT),  # authors and titles of the cited works
    country=_keyword(), region=_keyword(), topic=_keyword(), challenge=_keyword(), phase=_keyword(),
    lead_actor=_keyword(), status=_keyword(), evidence=_keyword(), participant=_keyword(), format=_keyword(),
    frequency=_keyword(), reference=_keyword(),
    year=NUMERIC(int, stored=True),
    order=ID(sortable=True),  # the title in lower case: the order of a list without words to rank by
    facts=STORED(),  # the structured values shown with a hit and counted in facets
)

#: fields a query may name (`country:DK`, `title:"case conferences"`, `year:>2015`)
QUERY_FIELDS = tuple(name for name in SCHEMA.names() if name not in ("facts", "order", "text"))
#: text searched when a query names no field
DEFAULT_FIELD = "text"
#: filters of `SearchIndex.search`, with the facets counted for every query
FACETS = ("kind", "country", "topic", "challenge", "phase", "lead_actor", "status", "evidence")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


class QueryError(ValueError):
    """A query or filter that cannot be run; the message says what to change."""


class CatalogueInvalid(RuntimeError):
    """The catalogue has errors, so no index is built from it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"the catalogue has {len(errors)} error(s); run 'reskb validate' for details")


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


# --- documents -----------------------------------------------------------------------------------


def _titles(catalogue: Catalogue, kind: str, ids: Iterable[str]) -> list[str]:
    return [catalogue.records[kind][i].title for i in ids if i in catalogue.records[kind]]


def _document(record: Record, catalogue: Catalogue) -> dict[str, Any]:
    """What the index holds for one record: its words, and its structured values as keywords."""
    data, refs = record.data, catalogue.references
    words = [plain_text(text, refs) for name, text in record.markdown_texts() if name != "summary"]
    countries = data.get("countries", [])
    words += [country_name(c) for c in countries] + [region_name(r) for r in data.get("regions", [])]
    words += [data.get("city", "")] + data.get("lead_organisations", [])
    for person in data.get("participants", []):
        words += [person["name"], person.get("role", "")]
    fmt = data.get("format", {})
    words += [fmt.get("produces", ""), fmt.get("frequency_note", ""), data.get("target_group", {}).get("note", "")]
    words += [label(k) for k in fmt.get("kinds", [])] + [label(g) for g in data.get("target_group", {}).get("groups", [])]
    words += _titles(catalogue, "topic", data.get("topics", [])) + _titles(catalogue, "challenge", data.get("challenges", []))
    sources = [refs[k].text for k in record.cited if k in refs]
    facts = {
        "countries": countries, "phases": data.get("phases", []), "topics": data.get("topics", []),
        "challenges": data.get("challenges", []), "lead_actor": data.get("lead_actor"), "status": data.get("status"),
        "evidence": data.get("evidence", {}).get("status"), "start_year": data.get("start_year"),
        "participants": sorted({p["kind"] for p in data.get("participants", [])}), "formats": fmt.get("kinds", []),
    }
    doc: dict[str, Any] = {
        "id": record.id, "kind": record.kind, "title": record.title, "order": re.sub(r"^\W+", "", record.title).casefold(),
        "summary": plain_text(data["summary"], refs),
        "content": " ".join(w for w in words if w), "source": " ".join(sources), "facts": facts,
        "country": ",".join(countries), "region": ",".join(data.get("regions", [])),
        "topic": ",".join(data.get("topics", []) + ([record.id] if record.kind == "topic" else [])),
        "challenge": ",".join(data.get("challenges", []) + ([record.id] if record.kind == "challenge" else [])),
        "phase": ",".join(data.get("phases", [])), "lead_actor": data.get("lead_actor", ""),
        "status": data.get("status", ""), "evidence": facts["evidence"] or "",
        "participant": ",".join(facts["participants"]), "format": ",".join(fmt.get("kinds", [])),
        "frequency": fmt.get("frequency", ""), "reference": ",".join(record.cited),
    }
    doc["text"] = " \n ".join([doc["title"]] * 3 + [doc["summary"]] * 2 + [doc["content"]])
    if data.get("start_year"):
        doc["year"] = data["start_year"]
    return doc


# --- the cache -----------------------------------------------------------------------------------


def source_files(root: Path) -> list[Path]:
    """The files an index is built from: every record and every BibTeX file."""
    folders = [(root / FOLDERS[k], ".yaml") for k in KINDS] + [(root / "bibliography", ".bib")]
    return sorted(p for folder, suffix in folders if folder.is_dir()
                  for p in folder.iterdir() if p.suffix == suffix and not p.name.startswith("."))


def content_hash(root: Path) -> str:
    """A hash of what the index is built from; any edit to a record or reference changes it."""
    digest = hashlib.sha256(b"reskb-search\0")
    for name in _CODE:
        digest.update((Path(__file__).parent / name).read_bytes() + b"\0")
    for path in source_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Cheap change detection (names, sizes, times) that decides when the hash is worth computing."""
    return tuple((p.name, (s := p.stat()).st_size, s.st_mtime_ns) for p in source_files(root))


def cache_folder(root: Path, cache_dir: str | Path | None = None) -> Path:
    folder = Path(cache_dir) if cache_dir else DEFAULT_CACHE
    return folder if folder.is_absolute() else Path(root) / folder


def _read_stamp(cache: Path) -> dict[str, Any]:
    try:
        stamp = json.loads((cache / "stamp.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamp if isinstance(stamp, dict) else {}


def ensure_index(root: str | Path = ".", cache_dir: str | Path | None = None,
                 catalogue: Catalogue | None = None) -> bool:
    """Build the index unless the cache already holds one of the same content; True when it was built.
    The catalogue is loaded and validated only when a build is needed."""
    root = Path(root)
    cache = cache_folder(root, cache_dir)
    digest = content_hash(root)
    if _read_stamp(cache).get("hash") == digest and index.exists_in(cache / "index", indexname=_INDEX_NAME):
        return False
    if catalogue is None:
        from .validate import has_errors, load_catalogue

        catalogue, problems = load_catalogue(root)
        if has_errors(problems):
            raise CatalogueInvalid(problems)
    cache.mkdir(parents=True, exist_ok=True)
    # build beside the old index and swap, so that a reader never sees half an index
    building = Path(tempfile.mkdtemp(prefix="index-", dir=cache))
    ix = index.create_in(building, SCHEMA, indexname=_INDEX_NAME)
    words: Counter[str] = Counter()
    with ix.writer(limitmb=256) as writer:
        for record in catalogue.all_records():
            doc = _document(record, catalogue)
            writer.add_document(**doc)
            words.update(w.lower() for w in _WORD.findall(" ".join((doc["title"], doc["summary"], doc["content"]))))
    ix.close()
    # the words as written (the index holds stems), for "did you mean" when nothing matches
    (building / "words.txt").write_text("\n".join(w for w, _ in words.most_common()), encoding="utf-8")
    old = cache / f"old-{os.getpid()}"
    if (cache / "index").exists():
        (cache / "index").rename(old)
    building.rename(cache / "index")
    shutil.rmtree(old, ignore_errors=True)
    (cache / "related.json").unlink(missing_ok=True)
    (cache / "stamp.json").write_text(json.dumps({"hash": digest}), encoding="utf-8")
    return True


# --- queries -------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]{3,}")
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


class _Marks(highlight.Formatter):
    """Snippet text with matched words as **word**: readable in a terminal, a notebook or JSON."""

    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"**{highlight.get_text(text, token, replace)}**"


#: snippets come from the first 2,000 characters: re-reading whole long texts for every hit would dominate a query
_FRAGMENTER = highlight.ContextFragmenter(maxchars=160, surround=60, charlimit=2000)


def _values(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [str(v).strip() for v in items if str(v).strip()]


class SearchIndex:
    """An open index with one searcher reused by every query (open it once, query many times)."""

    def __init__(self, folder: Path, digest: str = ""):
        self.folder = folder
        self.digest = digest
        self._index = index.open_dir(str(folder), indexname=_INDEX_NAME)
        self._searcher = self._index.searcher()
        self._words: list[str] | None = None
        self._filter_cache: dict[str, frozenset[int]] = {}
        self._parsers = {group: self._parser(group) for group in ("all", "any")}
        # facet values of every document, read once: counting them per query is then a Counter over lists
        self._facts: dict[int, list[str]] = {}
        self._docnums: dict[str, int] = {}
        self._practices: dict[str, dict[str, Any]] = {}  # id -> structured values, for related practices
        for docnum, stored in self._searcher.iter_docs():
            facts = stored["facts"]
            self._docnums[stored["id"]] = docnum
            if stored["kind"] == "practice":
                self._practices[stored["id"]] = facts
            self._facts[docnum] = [f"kind\0{stored['kind']}"] + [
                f"{facet}\0{v}" for facet, key in (("country", "countries"), ("topic", "topics"),
                                                   ("challenge", "challenges"), ("phase", "phases"))
                for v in facts[key]] + [
                f"{facet}\0{facts[facet]}" for facet in ("lead_actor", "status", "evidence") if facts[facet]]
        self._known = {facet: {v.split("\0", 1)[1] for v in chain.from_iterable(self._facts.values())
                               if v.startswith(facet + "\0")} for facet in FACETS}

    @classmethod
    def open(cls, root: str | Path = ".", cache_dir: str | Path | None = None,
             catalogue: Catalogue | None = None) -> SearchIndex:
        """Open the catalogue's index, building it first when the content changed."""
        root = Path(root)
        ensure_index(root, cache_dir, catalogue)
        cache = cache_folder(root, cache_dir)
        return cls(cache / "index", _read_stamp(cache).get("hash", ""))

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
        self._searcher.close()
        self._index.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return self._searcher.doc_count()

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

    def search(self, text: str = "", *, country: str | Iterable[str] | None = None,
               topic: str | Iterable[str] | None = None, challenge: str | Iterable[str] | None = None,
               phase: str | Iterable[str] | None = None, lead_actor: str | Iterable[str] | None = None,
               status: str | Iterable[str] | None = None, evidence: str | Iterable[str] | None = None,
               kind: str | Iterable[str] | None = None, limit: int | None = 10) -> SearchResults:
        """Records matching `text` (whoosh query syntax), narrowed by filters; several values of one filter
        (a list, or "DK,NL") match any of them, different filters must all match."""
        text = " ".join((text or "").split())
        filters = {name: _values(value) for name, value in (
            ("kind", kind), ("country", country), ("topic", topic), ("challenge", challenge), ("phase", phase),
            ("lead_actor", lead_actor), ("status", status), ("evidence", evidence)) if _values(value)}
        if "country" in filters:
            filters["country"] = [c.upper() for c in filters["country"]]
        if limit is not None and limit < 1:
            raise QueryError("the limit must be 1 or more")
        check_syntax(text)
        narrowed = self._filter(filters)
        matched, results, ranked = "all", None, True
        if text:
            q = self._parse("all", text)
            errors = list(_errors(q))
            if errors:
                raise QueryError(f"cannot read the query: {errors[0]}")
            docs = self._matching(q, narrowed)
            if not docs and len(text.split()) > 1 and not (_OPERATORS & set(text.split())):
                q, matched = self._parse("any", text), "any"
                docs = self._matching(q, narrowed)
            # ranking may skip blocks of postings that cannot reach the top: fast, but it does not see every
            # match, so the total and the facets come from the unscored set of matching documents above
            results = self._searcher.search(q, filter=narrowed, limit=limit)
        if results is None or q is query.NullQuery:  # no words (or only stop words): every record, by title
            results = self._searcher.search(query.Every(), filter=narrowed, limit=limit, sortedby="order")
            docs, ranked = results.docs(), False
        words = self._query_words(q) if ranked else frozenset()
        hits = [self._hit(h, words) for h in results]
        counts = Counter(chain.from_iterable(self._facts[d] for d in docs))
        facets: dict[str, dict[str, int]] = {f: {} for f in FACETS}
        for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            facet, value = key.split("\0", 1)
            facets[facet][value] = n
        suggestion = self.suggest(text) if text and not docs else None
        return SearchResults(text, filters, len(docs), hits, facets, matched, suggestion)

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

    def _matching(self, q: query.Query, narrowed: query.Query | None) -> set[int]:
        docs = set(self._searcher.docs_for_query(q))
        if narrowed is not None:
            key = repr(narrowed)
            if key not in self._filter_cache:
                self._filter_cache[key] = frozenset(self._searcher.docs_for_query(narrowed))
            docs &= self._filter_cache[key]
        return docs

    def _query_words(self, q: query.Query) -> frozenset[str]:
        """The indexed forms (stems, and what prefixes and typos expand to) the query looks for in any text."""
        terms = q.existing_terms(self._searcher.reader(), expand=True)
        return frozenset(t.decode("utf-8") if isinstance(t, bytes) else t for f, t in terms
                         if f in ("text", "title", "summary", "content"))

    def _hit(self, hit: Any, words: frozenset[str]) -> Hit:
        stored, facts = hit.fields(), hit["facts"]
        snippet = ""
        for name in ("summary", "content") if words else ():
            snippet = highlight.highlight(stored[name], words, _TEXT, _FRAGMENTER, _Marks(), top=2)
            if snippet:
                break
        if not snippet:
            summary = stored["summary"]
            snippet = summary if len(summary) <= 240 else summary[:240].rsplit(" ", 1)[0] + " …"
        return Hit(
            id=stored["id"], kind=stored["kind"], title=stored["title"],
            path=f"{FOLDERS[stored['kind']]}/{stored['id']}/",
            score=round(hit.score, 4) if hit.score is not None and words else 0.0,
            snippet=" ".join(snippet.split()),
            countries=facts["countries"], phases=facts["phases"], topics=facts["topics"],
            challenges=facts["challenges"], lead_actor=facts["lead_actor"], status=facts["status"],
            evidence=facts["evidence"], start_year=facts["start_year"])

    # -- related practices --

    def related(self, practice_id: str, limit: int = 3) -> list[str]:
        """Practices most like this one: shared words (whoosh more-like-this over the text) and shared
        topics, challenges, formats and kinds of participants; nothing below a floor of likeness."""
        if practice_id not in self._docnums:
            raise QueryError(f"no record with id '{practice_id}'")
        mine = self._practices.get(practice_id)
        if mine is None:
            return []
        # the text decides the candidates (one query, however large the catalogue); shared values rerank them
        like = self._searcher.more_like(self._docnums[practice_id], "content", top=30, numterms=20,
                                        filter=query.Term("kind", "practice"))
        best = max((h.score for h in like), default=0.0) or 1.0
        scores = {}
        for hit in like:
            other = hit["id"]
            if other == practice_id:
                continue
            score = 0.5 * hit.score / best + 0.5 * _overlap(mine, self._practices[other])
            if score >= 0.25:
                scores[other] = score
        return [i for i, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


def _jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    a, b = set(a), set(b)
    return len(a & b) / len(a | b) if a | b else 0.0


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> float:
    """How much two practices share in their structured values, 0 to 1; topics and challenges weigh most."""
    weights = {"topics": 0.35, "challenges": 0.25, "formats": 0.2, "participants": 0.1, "phases": 0.1}
    return sum(w * _jaccard(a[k], b[k]) for k, w in weights.items())


def related_practices(catalogue: Catalogue, cache_dir: str | Path | None = None, limit: int = 3) -> dict[str, list[str]]:
    """practice id -> ids of similar practices, for the "Related practices" of each page. Cached beside the
    index, so an unchanged catalogue does not recompute them."""
    root = Path(catalogue.root)
    cache = cache_folder(root, cache_dir)
    with SearchIndex.open(root, cache_dir, catalogue) as ix:
        saved = cache / "related.json"
        try:
            stored = json.loads(saved.read_text(encoding="utf-8"))
            if stored.get("hash") == ix.digest and stored.get("limit") == limit:
                return stored["related"]
        except (OSError, ValueError, AttributeError):
            pass
        related = {pid: ix.related(pid, limit) for pid in sorted(catalogue.practices)}
    saved.write_text(json.dumps({"hash": ix.digest, "limit": limit, "related": related}), encoding="utf-8")
    return related


# --- the function for notebooks ------------------------------------------------------------------

_OPEN: dict[tuple[Path, Path], tuple[tuple[tuple[str, int, int], ...], SearchIndex]] = {}


def open_index(root: str | Path = ".", cache_dir: str | Path | None = None) -> SearchIndex:
    """The catalogue's index, kept open between calls and reopened only after its files changed."""
    root = Path(root).resolve()
    key = (root, cache_folder(root, cache_dir).resolve())
    signature = _signature(root)
    if key in _OPEN and _OPEN[key][0] == signature:
        return _OPEN[key][1]
    if key in _OPEN:
        _OPEN.pop(key)[1].close()
    opened = SearchIndex.open(root, cache_dir)
    _OPEN[key] = (signature, opened)
    return opened


def search(text: str = "", *, root: str | Path = ".", cache_dir: str | Path | None = None, limit: int | None = 10,
           **filters: str | Iterable[str] | None) -> SearchResults:
    """Search the catalogue at `root`: `search("family", country="AT")`. Filters: country, topic, challenge,
    phase, lead_actor, status, evidence, kind; each takes one value, a list, or comma-separated values."""
    unknown = set(filters) - set(FACETS)
    if unknown:
        raise TypeError(f"unknown filter(s) {', '.join(sorted(unknown))}; use {', '.join(FACETS)}")
    return open_index(root, cache_dir).search(text, limit=limit, **filters)  # type: ignore[arg-type]
