"""Index building: what the index holds for each record, and the cache it lives in.

The index lives in a cache folder (default: this user's cache folder, one per catalogue; never inside
the checkout, see cache_dir.py) and is rebuilt only when the records or the bibliography change (a
content hash of those files, and of the code that decides what the index holds).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from ..cache_dir import catalogue_cache, check_cache_folder
from ..citations.plaintext import plain_text
from ..labels import label
from ..problems import Problem
from ..records import evaluations
from ..records.catalogue import FOLDERS, KINDS, Catalogue, Record, country_name, region_name
from .writer import LinearWriter

#: modules whose code decides what the index holds: a change to them rebuilds every cached index; paths relative
#: to the reskb package
_CODE = ("search/index.py", "search/writer.py", "citations/plaintext.py", "labels.py", "records/catalogue.py",
         "records/evaluations.py")
_INDEX_NAME = "reskb"
#: whoosh's default BM25F parameters: scores computed from the postings equal those whoosh's own searcher gives
_B, _K1 = 0.75, 1.2

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
    frequency=_keyword(), reference=_keyword(), design=_keyword(),
    year=NUMERIC(int, stored=True),
    order=ID(sortable=True),  # the title in lower case: the order of a list without words to rank by
    facts=STORED(),  # the structured values shown with a hit and counted in facets
)

#: fields a query may name (`country:DK`, `title:"case conferences"`, `year:>2015`)
QUERY_FIELDS = tuple(name for name in SCHEMA.names() if name not in ("facts", "order", "text"))
#: text searched when a query names no field
DEFAULT_FIELD = "text"

#: words as written, for "did you mean" (the index holds stems)
_WORD = re.compile(r"[^\W\d_]{3,}")


class CatalogueInvalid(RuntimeError):
    """The catalogue has errors, so no index is built from it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"the catalogue has {len(errors)} error(s); run 'reskb validate' for details")



# --- documents -----------------------------------------------------------------------------------


def _titles(catalogue: Catalogue, kind: str, ids: Iterable[str]) -> list[str]:
    return [catalogue.records[kind][i].title for i in ids if i in catalogue.records[kind]]


def _content(record: Record, catalogue: Catalogue) -> str:
    """The record's words beyond its title and summary: the "content" field (related practices score on it).
    Narrative citations are read as the entries give them (rough): the same words before and after a site build
    formats the citations, so that the similar practices do not depend on when they are found."""
    data, refs = record.data, catalogue.references
    words = [plain_text(text, refs, rough=True) for name, text in record.markdown_texts() if name != "summary"]
    words += [country_name(c) for c in data.get("countries", [])] + [region_name(r) for r in data.get("regions", [])]
    words += [data.get("city", "")] + data.get("lead_organisations", [])
    for person in data.get("participants", []):
        words += [person["name"], person.get("role", "")]
    fmt = data.get("format", {})
    words += [fmt.get("produces", ""), fmt.get("frequency_note", ""), data.get("target_group", {}).get("note", "")]
    words += [label(k) for k in fmt.get("kinds", [])] + [label(g) for g in data.get("target_group", {}).get("groups", [])]
    words += _titles(catalogue, "topic", data.get("topics", [])) + _titles(catalogue, "challenge", data.get("challenges", []))
    words += _study_words(record, catalogue)
    return " ".join(w for w in words if w)


def _facts(record: Record, catalogue: Catalogue) -> dict[str, Any]:
    """The structured values shown with a hit, counted in facets and compared by related practices."""
    data = record.data
    fmt = data.get("format", {})
    return {
        "countries": data.get("countries", []), "phases": data.get("phases", []), "topics": data.get("topics", []),
        "challenges": data.get("challenges", []), "lead_actor": data.get("lead_actor"), "status": data.get("status"),
        "evidence": data.get("evidence", {}).get("status"), "start_year": data.get("start_year"),
        "participants": sorted({p["kind"] for p in data.get("participants", [])}), "formats": fmt.get("kinds", []),
        "designs": _designs(record, catalogue),
    }


def _document(record: Record, catalogue: Catalogue) -> dict[str, Any]:
    """What the index holds for one record: its words, and its structured values as keywords."""
    data, refs = record.data, catalogue.references
    countries, fmt, facts = data.get("countries", []), data.get("format", {}), _facts(record, catalogue)
    sources = [refs[k].text for k in record.cited if k in refs]
    doc: dict[str, Any] = {
        "id": record.id, "kind": record.kind, "title": record.title, "order": re.sub(r"^\W+", "", record.title).casefold(),
        "summary": plain_text(data.get("summary") or data.get("definition", ""), refs),
        "content": _content(record, catalogue), "source": " ".join(sources), "facts": facts,
        "country": ",".join(countries), "region": ",".join(data.get("regions", [])),
        "topic": ",".join(data.get("topics", []) + ([record.id] if record.kind == "topic" else [])),
        "challenge": ",".join(data.get("challenges", []) + ([record.id] if record.kind == "challenge" else [])),
        "phase": ",".join(data.get("phases", [])), "lead_actor": data.get("lead_actor", ""),
        "status": data.get("status", ""), "evidence": facts["evidence"] or "",
        "participant": ",".join(facts["participants"]), "format": ",".join(fmt.get("kinds", [])),
        "frequency": fmt.get("frequency", ""), "reference": ",".join(record.cited), "design": ",".join(facts["designs"]),
    }
    doc["text"] = " \n ".join([doc["title"]] * 3 + [doc["summary"]] * 2 + [doc["content"]])
    if data.get("start_year"):
        doc["year"] = data["start_year"]
    return doc


def _designs(record: Record, catalogue: Catalogue) -> list[str]:
    """Evidence designs: an evaluation's own; for a practice, those of its studies (or "no-study")."""
    if record.kind == "evaluation":
        return [record.data["design"]]
    return evaluations.designs_of(catalogue, record.id) if record.kind == "practice" else []


def _study_words(record: Record, catalogue: Catalogue) -> list[str]:
    """Words of evaluations and glossary terms beyond their Markdown: what was evaluated, by whom, where;
    a term's other forms."""
    data = record.data
    if record.kind == "glossary":
        return list(data.get("aliases", []))
    if record.kind != "evaluation":
        return []
    return [*_titles(catalogue, "practice", data.get("practices", [])), data.get("evaluator", ""),
            data.get("sample", ""), data.get("setting", ""), evaluations.word(data["design"]),
            *(evaluations.word(o["measure"]) for o in data.get("outcomes", []))]


# --- the cache -----------------------------------------------------------------------------------


def source_files(root: Path) -> list[Path]:
    """The files an index is built from: every record and every BibTeX file."""
    folders = [(root / FOLDERS[k], ".yaml") for k in KINDS] + [(root / "bibliography", ".bib")]
    return sorted(p for folder, suffix in folders if folder.is_dir()
                  for p in folder.iterdir() if p.suffix == suffix and not p.name.startswith(".") and p.is_file())


def content_hash(root: Path) -> str:
    """A hash of what the index is built from; any edit to a record or reference changes it."""
    digest = hashlib.sha256(b"reskb-search\0")
    for name in _CODE:
        digest.update((Path(__file__).parent.parent / name).read_bytes() + b"\0")
    for path in source_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Cheap change detection (names, sizes, times) that decides when the hash is worth computing."""
    found = []
    for folder, suffix in [(FOLDERS[k], ".yaml") for k in KINDS] + [("bibliography", ".bib")]:
        try:
            entries = os.scandir(root / folder)
        except OSError:
            continue
        with entries:
            for entry in entries:
                if entry.name.endswith(suffix) and not entry.name.startswith("."):
                    stat = entry.stat()
                    found.append((f"{folder}/{entry.name}", stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))


def cache_folder(root: Path, cache_dir: str | Path | None = None) -> Path:
    """The index folder: `cache_dir` (relative to root) when given, else this user's cache for the catalogue."""
    if not cache_dir:
        return catalogue_cache(root, "search")
    folder = Path(cache_dir)
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
    cache = check_cache_folder(cache_folder(root, cache_dir), root)  # before anything in it is read
    digest = content_hash(root)
    if _read_stamp(cache).get("hash") == digest and index.exists_in(cache / "index", indexname=_INDEX_NAME):
        return False
    if catalogue is None:
        from ..records.validate import has_errors, load_catalogue

        catalogue, problems = load_catalogue(root)
        if has_errors(problems):
            raise CatalogueInvalid(problems)
    elif catalogue.source_hash:
        digest = catalogue.source_hash  # the files it was read from, not those of now (an edit may be newer)
    cache.mkdir(parents=True, exist_ok=True)
    # build beside the old index and swap, so that a reader never sees half an index
    building = Path(tempfile.mkdtemp(prefix="index-", dir=cache))
    ix = index.create_in(building, SCHEMA, indexname=_INDEX_NAME)
    words: Counter[str] = Counter()
    with LinearWriter(ix) as writer:  # postings grouped in memory: whoosh's own pool spills and merges past limitmb
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
    (cache / "stamp.json").write_text(json.dumps({"hash": digest}), encoding="utf-8")
    return True

