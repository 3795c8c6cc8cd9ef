"""Fast previews in `mkdocs serve --dirty`: after an edit to record files, the edited records' pages are shown
first, and the pages that only list them follow in a second build that the plugin asks for at once.

Two pieces, both in memory for one serve session only (nothing is written or read back from disk):

- `LoadMemo`: each record file's parse and own checks, and the bibliography, kept by content hash, so a
  rebuild parses only the files whose bytes changed; a file whose stat is the one it had when last read, and
  whose last change was settled by then (validation_cache.stat_key), is not even read again. The cross-record
  checks still run on every build, over the whole catalogue.
- `Preview`: the generated Markdown of the last build. When the only change since then is to the content of
  existing record files (same ids, same references, same hand-written pages, same similar-practice lists and
  configuration), the build regenerates only those records' pages and keeps every other generated file as it
  was ("the edited page shown"); it then asks for a full build ("every page settled"), which regenerates
  everything as before. Any other change, and every build while no edit is waiting, is a full build.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..citations import STYLES
from ..records.catalogue import Catalogue, Record
from ..records.validate import Bibliography, FileResult, check_record_file, read_bibliography
from ..records.validation_cache import stat_key
from . import evaluation_pages as evaluations
from . import glossary_pages as glossary
from .markdown import record_path
from .pages import PageBuilder
from .provenance import with_edit_links
from .record_citation import citation_texts_memo

log = logging.getLogger("mkdocs.plugins.reskb")

#: what the plugin logs when a build leaves every generated page current (scripts/bench.py waits for it)
SETTLED = "reskb: every generated page is current"
#: what it logs after a build that showed the edited records' pages and left the lists for the next build
SHOWN = "reskb: edited pages shown; the pages that list them follow in the next build"


def _sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class LoadMemo:
    """`check_file` and `check_bibliography` for `load_catalogue`, remembering results by content hash."""

    def __init__(self) -> None:
        self._files: dict[tuple[str, str, str], FileResult] = {}
        self._bibliography: tuple[tuple[tuple[str, str], ...], Bibliography] | None = None
        #: record file (as shown) -> content hash, of the files read by the last load
        self.hashes: dict[str, str] = {}
        self.bib_key: tuple[tuple[str, str], ...] = ()
        #: record file (as shown) -> (its settled stat key when it was last read, the hash of what was read)
        self._stats: dict[str, tuple[list[object], str]] = {}
        #: files whose bytes the last load read (the others were known by their stat)
        self.read: list[str] = []

    def begin(self) -> None:
        self.hashes, self.read = {}, []

    def end(self) -> None:
        """Forget the results of file versions the last load did not read (old versions of edited files)."""
        self._files = {key: result for key, result in self._files.items() if self.hashes.get(key[1]) == key[2]}
        self._stats = {shown: known for shown, known in self._stats.items() if self.hashes.get(shown) == known[1]}

    def check_file(self, kind: str, path: Path, shown: str) -> FileResult:
        try:
            stat = stat_key(kind, path)  # taken before reading: a write while the file is read changes it
        except OSError:  # check_record_file reports it
            return check_record_file(kind, path, shown)
        known = self._stats.get(shown)
        if stat is not None and known is not None and known[0] == stat:
            result = self._files.get((kind, shown, known[1]))
            if result is not None:
                self.hashes[shown] = known[1]
                return result
        try:
            raw = path.read_bytes()
        except OSError:
            return check_record_file(kind, path, shown)
        self.read.append(shown)
        key = (kind, shown, _sha(raw))
        self.hashes[shown] = key[2]
        if stat is not None:
            self._stats[shown] = (stat, key[2])
        else:  # changed too recently for its stat to stand for its bytes: read again next time
            self._stats.pop(shown, None)
        result = self._files.get(key)
        if result is None:
            result = self._files[key] = check_record_file(kind, path, shown, raw)
        return result

    def source_key(self) -> str:
        """A hash of every record and BibTeX file's content as the last load read it (the similar-practice lists
        are found again when it changes); not `search.content_hash`, which reads every file again."""
        digest = hashlib.sha256(b"reskb-preview\0")
        for shown, file_hash in sorted(self.hashes.items()):
            digest.update(f"{shown}\0{file_hash}\0".encode("utf-8", "surrogatepass"))
        for name, file_hash in self.bib_key:
            digest.update(f"bib\0{name}\0{file_hash}\0".encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def check_bibliography(self, paths: list[Path], root: Path) -> Bibliography:
        try:
            key = tuple((path.as_posix(), _sha(path.read_bytes())) for path in paths)
        except OSError:
            self.bib_key = ()
            return read_bibliography(paths, root)
        self.bib_key = key
        if self._bibliography is not None and self._bibliography[0] == key:
            return self._bibliography[1]  # its formatter keeps the citation groups already rendered
        bibliography = read_bibliography(paths, root)
        self._bibliography = (key, bibliography)
        return bibliography


class CollectorPause:
    """The cyclic garbage collector, paused while a build may show edited pages first: with a large catalogue in
    memory each of its full passes walks every object of it (up to about 0.5 s at 5,000 practices on this
    machine), while a build that makes a few pages leaves little cyclic garbage. It runs again as soon as a build
    turns out to be a full one, after a full or failed build, and in the build that follows one that showed
    edited pages (resumed at its end, the first allocation would start a full pass before the page is served)."""

    def __init__(self) -> None:
        self._paused = False

    def pause(self) -> None:
        if gc.isenabled():
            gc.disable()
            self._paused = True

    def resume(self) -> None:
        if self._paused:
            self._paused = False
            gc.enable()


class CitationPrefetch:
    """The page citations of records whose files a build read again, asked of pandoc in threads as soon as the
    catalogue is loaded, so that pandoc works while MkDocs gathers its files; `wait` before the memo is read.
    Only when a build read a few files: the first build of a session formats every citation as before."""

    LIMIT = 20

    def __init__(self) -> None:
        self._pending: list[Future[dict[str, str]]] = []

    def start(self, records: list[Record], site_url: str, memo: dict[str, str]) -> None:
        self.wait()
        if not records or len(records) > self.LIMIT:
            return
        pool = ThreadPoolExecutor(max_workers=len(STYLES))
        self._pending = [pool.submit(citation_texts_memo, records, site_url, style, memo) for style in STYLES]
        pool.shutdown(wait=False)

    def wait(self) -> None:
        """Until the threads are done; what they failed on is asked again (and reported) by the build itself."""
        for future in self._pending:
            future.exception()
        self._pending = []


class TemplateCache(jinja2.BytecodeCache):
    """MkDocs makes a new Jinja environment, compiling every theme template again, on each build: this keeps
    the compiled templates in memory for the serve session (Jinja checks each against its source's checksum).
    Only code compiled in this process is kept; nothing is read from disk."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


@dataclass
class _Built:
    """What the last build generated, and from what."""

    context: tuple[object, ...]  # everything but the record files' content that the generated files depend on
    hashes: dict[str, str]  # record file (as shown) -> content hash
    pages: dict[str, str]
    downloads: dict[str, str]


class Preview:
    """Decides, build by build, whether only the edited records' pages are regenerated (see the module)."""

    def __init__(self) -> None:
        self.memo = LoadMemo()
        self.templates = TemplateCache()
        self.collector = CollectorPause()
        self.citations = CitationPrefetch()
        self._built: _Built | None = None
        #: a build showed edited pages and left others as they were: the next build must be a full one
        self.pending = False
        #: whether the current build regenerates only the edited records' pages
        self.partial = False

    def reread(self, catalogue: Catalogue) -> list[Record]:
        """The records whose files the last load read again (their bytes, or their stat, changed)."""
        read = set(self.memo.read)
        return [record for record in catalogue.all_records() if record.path in read]

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]

    def generate(self, catalogue: Catalogue, context: tuple[object, ...], builder: Callable[[], PageBuilder],
                 full: Callable[[], tuple[dict[str, str], dict[str, str]]], edit_base: str, site_known: bool
                 ) -> tuple[dict[str, str], dict[str, str]]:
        """This build's generated pages and downloads: the edited records' pages over the last build's files
        (only when the site folder holds a finished build, `site_known`), or `full()`."""
        hashes = dict(self.memo.hashes)
        edited = self._edited(catalogue, context, hashes) if site_known else []
        self.partial = bool(edited)
        if edited:
            assert self._built is not None
            fresh = record_pages(builder(), catalogue, edited)
            pages = {**self._built.pages, **with_edit_links(fresh, catalogue, edit_base)}
            downloads = self._built.downloads
            self.pending = True
            log.info(f"reskb: showing {', '.join(sorted(record_path(r) for r in edited))} first")
        else:
            pages, downloads = full()
        self._built = _Built(context, hashes, pages, downloads)
        return pages, downloads

    def _edited(self, catalogue: Catalogue, context: tuple[object, ...], hashes: Mapping[str, str]) -> list[Record]:
        """The records whose files alone changed since the last build, or [] when that build is not enough."""
        built = self._built
        if built is None or built.context != context or built.hashes.keys() != hashes.keys():
            return []
        changed = {shown for shown, digest in hashes.items() if built.hashes[shown] != digest}
        records = {record.path: record for record in catalogue.all_records()}
        if not changed or not changed <= records.keys() or any(records[s].kind not in _KINDS for s in changed):
            return []
        return [records[shown] for shown in sorted(changed)]

    def finished(self) -> str:
        """After a successful build: what to log; a full build leaves nothing pending."""
        if self.partial:
            return SHOWN
        self.pending = False
        return SETTLED

    def failed(self) -> None:
        """A failed build: what it generated still matches the files it read (Incremental decides what the
        next build writes again), and whatever was pending still is."""
        self.partial = False


_KINDS = ("practice", "challenge", "topic", "evaluation", "glossary")


def record_pages(builder: PageBuilder, catalogue: Catalogue, records: list[Record]) -> dict[str, str]:
    """The pages of these records, as `pages.page_plan` makes them (glossary links included)."""
    makers = {"practice": builder.practice,
              "challenge": lambda r: builder.grouping(r, "challenge"),
              "topic": lambda r: builder.grouping(r, "topic"),
              "evaluation": lambda r: evaluations.evaluation_page(builder, r),
              "glossary": lambda r: glossary.term_page(builder, r)}
    builder.cite_only(records)
    linker = glossary.TermLinker(catalogue)
    pages = {}
    for record in records:
        path = record_path(record)
        pages[path] = linker.link_page(makers[record.kind](record), path, record.id if record.kind == "glossary" else "")
    return pages
