"""Fast previews in `mkdocs serve --dirty`: after an edit to record files, the edited records' pages are shown
first, and the pages that only list them follow in a second build that the plugin asks for at once.

Two pieces, both in memory for one serve session only (nothing is written or read back from disk):

- `LoadMemo`: each record file's parse and own checks, and the bibliography, kept by content hash, so a
  rebuild re-reads only the files whose bytes changed; the cross-record checks still run on every build,
  over the whole catalogue.
- `Preview`: the generated Markdown of the last build. When the only change since then is to the content of
  existing record files (same ids, same references, same hand-written pages, same similar-practice lists and
  configuration), the build regenerates only those records' pages and keeps every other generated file as it
  was ("the edited page shown"); it then asks for a full build ("every page settled"), which regenerates
  everything as before. Any other change, and every build while no edit is waiting, is a full build.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..records.catalogue import Catalogue, Record
from ..records.validate import Bibliography, FileResult, check_record_file, read_bibliography
from . import evaluation_pages as evaluations
from . import glossary_pages as glossary
from .markdown import record_path
from .pages import PageBuilder
from .provenance import with_edit_links

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

    def begin(self) -> None:
        self.hashes = {}

    def end(self) -> None:
        """Forget the results of file versions the last load did not read (old versions of edited files)."""
        self._files = {key: result for key, result in self._files.items() if self.hashes.get(key[1]) == key[2]}

    def check_file(self, kind: str, path: Path, shown: str) -> FileResult:
        try:
            raw = path.read_bytes()
        except OSError:  # check_record_file reports it
            return check_record_file(kind, path, shown)
        key = (kind, shown, _sha(raw))
        self.hashes[shown] = key[2]
        result = self._files.get(key)
        if result is None:
            result = self._files[key] = check_record_file(kind, path, shown, raw)
        return result

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
        self._built: _Built | None = None
        #: a build showed edited pages and left others as they were: the next build must be a full one
        self.pending = False
        #: whether the current build regenerates only the edited records' pages
        self.partial = False

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
    """The pages of these records, as `PageBuilder.all_pages` makes them (glossary links included)."""
    makers = {"practice": builder.practice,
              "challenge": lambda r: builder.grouping(r, "challenge"),
              "topic": lambda r: builder.grouping(r, "topic"),
              "evaluation": lambda r: evaluations.evaluation_page(builder, r),
              "glossary": lambda r: glossary.term_page(builder, r)}
    linker = glossary.TermLinker(catalogue)
    pages = {}
    for record in records:
        path = record_path(record)
        pages[path] = linker.link_page(makers[record.kind](record), path, record.id if record.kind == "glossary" else "")
    return pages
