"""`reskb validate` with a cache of each file's results, so that a run after editing one file checks that
file and takes the rest from the last run.

What a record file yields on its own (validate.FileResult: reading and schema problems, its own text's
problems, the fields and citations the cross-record checks read) depends only on its name, its bytes and
the code; the bibliography's results (pandoc included) only on the .bib files and the code. So entries are
keyed by a hash of those, in the user's cache folder (cache_dir.py: never in the checkout). A file is not
read again when its stat (size, mtime, inode, device, ctime) equals the one stored with its key and its last
change was settled before that stat was taken (see SETTLED_NS); any difference, an mtime set back included
(the ctime moves with every write), means its bytes are read and hashed as before. Files no entry covers are
checked in worker processes when there are many (parallel_checks), their results passing through the same
JSON entries.

The cross-record checks depend on the whole catalogue, so the last run's problems are kept too (_Memo): by file
(a file's own problems, and its record's links, citations and dates checked against the catalogue's ids,
references and day) and across records (ids used twice, evaluations, glossary, what nothing uses), with a
digest of everything they were found in: the day, the bibliography, the keys the hand-written pages cite,
and for each record file its name, id and what the checks of other records read of it (contribution()).
When that digest is unchanged, a file whose key the memo holds has the problems it holds, and only the
other files are checked (quick()); after a change of ids, the files it concerns too; after a change of the
day or the bibliography, every check runs, on the entries, exactly as in a fresh run. Two
files: RESULTS_FILE (stat keys, bibliography, memo: read by every run) and ENTRIES_FILE (each file's entry:
read and written only by the runs that check everything).

The cache is data, never code: JSON, read only when the file is this user's own regular file, checked
against a digest of its contents, the format and the code version, and every entry checked for shape
before use. Anything else (garbage, a truncated file, another version, an entry of the wrong shape) is a
cache miss and the file is checked afresh. The shapes are checked by msgspec's typed JSON decoder (C code:
a list of whole numbers holds no `true`, a problem is six values of the right types), each entry only when
its file is met; an entry kept from the last run is written back as the very bytes read, not re-encoded.
Only `reskb validate` reads it: the build checks every file itself, so even a forged entry could not let a
broken record into the site.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import stat
import sys
import time
from collections import deque
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import msgspec
import yaml

from ..cache_dir import UnsafeCache, catalogue_cache, check_cache_folder
from ..problems import Problem
from . import parallel_checks
from .catalogue import FOLDERS, KINDS, Catalogue, Record
from .checkout import Listing
from .loader import read_bytes
from .record_dates import today_utc
from .validate import (
    Bibliography,
    Checked,
    FileResult,
    _add_record,
    across_problems,
    check_catalogue,
    check_docs_citations,
    check_record_file,
    file_problems,
    final_problems,
    listing_problems,
    read_bibliography,
    record_files,
    standin_record,
)

FORMAT = 6
CACHE_NAME = "validate"
RESULTS_FILE = "results.json"  # the stat keys, the bibliography's results and the memo
ENTRIES_FILE = "entries.json"  # the entry of each file (large: read only when the memo cannot answer)
MAX_CACHE_BYTES = 512_000_000
#: libraries whose version changes what a check reports
_LIBRARIES = ("PyYAML", "jsonschema", "jsonschema-rs", "referencing", "pycountry", "pybtex", "pypandoc",
              "pypandoc-binary", "msgspec")


def validate(root: Path, use_cache: bool = True) -> tuple[Checked, str]:
    """Every check of the catalogue at root; the second value says why the cache was not used, if it was not."""
    root = Path(root)
    if not use_cache:
        return check_catalogue(root, check_record_file, read_bibliography), ""
    try:
        folder = check_cache_folder(catalogue_cache(root, CACHE_NAME), root)
    except (UnsafeCache, OSError) as exc:
        return check_catalogue(root, check_record_file, read_bibliography), str(exc)
    collecting = gc.isenabled()
    gc.disable()  # a run makes many objects and few cycles: the collector's passes would cost a sixth of it
    try:
        cache = ResultCache(folder / RESULTS_FILE)
        listing = Listing(root)  # the folders, listed once for both
        try:
            cache.prepare(root, listing)
            checked = cache.quick(root, listing)
            if checked is None:
                checked = check_catalogue(root, cache.check_file, cache.check_bibliography, listing)
                cache.all_files = True
                cache.remember(checked, listing)
        finally:
            cache.close()
        cache.save()
    finally:
        if collecting:  # the run's objects into the oldest generation (through the permanent one): else the
            gc.freeze()  # collector's first pass after this walks every one of them as young (a tenth of a run)
            gc.unfreeze()
            gc.enable()
    return checked, ""


def code_version() -> str:
    """A hash of what the checks' results depend on besides the files: this package's code and schemas, the
    libraries' versions, Python's, and the pandoc program that reads BibTeX."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version} {yaml.__with_libyaml__}".encode())
    versions = library_versions()
    for name in _LIBRARIES:
        digest.update(f"{name}={versions.get(_normal(name), 'none')};".encode())
    package = Path(__file__).resolve().parent.parent  # the whole reskb package
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.json")]):
        if "assets" not in path.relative_to(package).parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    pandoc = os.environ.get("PYPANDOC_PANDOC") or shutil.which("pandoc") or ""
    digest.update(pandoc.encode())
    if pandoc and os.path.exists(pandoc):
        info = os.stat(pandoc)
        digest.update(f"{info.st_size} {info.st_mtime_ns}".encode())
    return digest.hexdigest()


def _normal(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def library_versions() -> dict[str, str]:
    """The version of each library of _LIBRARIES that is installed, from the name of its metadata folder
    (`name-version.dist-info`, or the `.egg-info` of a Debian package; the first on sys.path, as
    importlib.metadata finds it: importing that would cost a warm run a twentieth of a second)."""
    wanted = {_normal(name) for name in _LIBRARIES}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in names:
            stem, dot, suffix = entry.rpartition(".")
            if dot and suffix in ("dist-info", "egg-info"):  # name-version.dist-info, name-version-py3.11.egg-info
                name, _, version = stem.partition("-")
                if _normal(name) in wanted:
                    found.setdefault(_normal(name), version.partition("-")[0])
    return found


#: a file's stat (kind, size, mtime_ns, inode, device, ctime_ns) stands for its bytes only when its last change
#: (mtime and ctime) lies this long before the moment it was taken: a file written again within the same
#: clock tick as the stat it was read with would otherwise keep a stale entry (git's "racily clean" files)
SETTLED_NS = 2_000_000_000


StatKey = tuple[str, int, int, int, int, int]


def stat_key(kind: str, path: Path, now: int | None = None) -> StatKey | None:
    """What a file's stat says of its bytes, when it is settled (see SETTLED_NS) at `now` (time.time_ns(), taken
    before the stat; by default just before it); None otherwise."""
    now = time.time_ns() if now is None else now
    info = os.stat(path, follow_symlinks=False)
    if max(info.st_mtime_ns, info.st_ctime_ns) > now - SETTLED_NS:
        return None
    return (kind, info.st_size, info.st_mtime_ns, info.st_ino, info.st_dev, info.st_ctime_ns)


@dataclass
class _Seen:
    """One record file as this run found it: the key of its name and bytes, its stat key, its bytes when read."""

    key: str | None  # None until the bytes are read (by a worker, when nothing is cached)
    stat: StatKey | None
    raw: bytes | None = None
    queued: bool = False  # given to the worker processes
    entry: bytes | None = None  # their entry for it (JSON; b"" when they could not encode it)


class ResultCache:
    """The entries of one catalogue's cache file; check_file and check_bibliography use or add them.

    A file whose stat key equals the one stored with its entry is not read again: the entry's key stands for its
    bytes. Its ctime changes with every write to the file (and cannot be set back), so an edit that forces the
    mtime back still changes the key; a differing stat key only means the bytes are read and hashed, as always."""

    def __init__(self, path: Path):
        self.path = path
        self.code = code_version()
        self.old_bibliography, self.old_stats, self.old_memo = _read_index(path, self.code)
        self._old_files: dict[str, msgspec.Raw] | None = None  # read when first needed (entries())
        self.all_files = False  # whether every file went through check_file: then `files` replaces the entries
        self.memo: _Memo | None = None  # this run's, to be saved
        self.keys: dict[Path, str] = {}  # a file -> the key of its entry (by path: two names can show alike)
        self.files: dict[str, msgspec.Raw] = {}  # the entries this run used or made (JSON): the next file's
        self.stats: dict[str, tuple[Any, ...]] = {}  # shown name -> (*stat key, entry key), for settled files
        self.bibliography: dict[str, Any] = {}
        self.seen: dict[Path, _Seen] = {}  # a file, as prepare() found it
        self.fresh: Generator[Any, None, None] | None = None  # the workers' entries, in the order of `pending`
        self.pending: deque[_Seen] = deque()
        self.changed = False  # anything RESULTS_FILE holds
        self.new_entries = False  # an entry made in this run (checked here or by the workers)

    def prepare(self, root: Path, listing: Listing | None = None) -> None:
        """Find each record file's key (from its stat when that is unchanged), and check the files no entry
        covers in worker processes when there are many (parallel_checks). With no entries at all (the first
        run, another code version) every file is a miss whatever its bytes: the workers read and hash them,
        so that they start at once."""
        misses: list[tuple[str, Path, str, bytes | None]] = []
        unread = self.old_memo is None and not self.entries()
        now = time.time_ns()  # before any stat: a file settled then is settled when its stat is taken
        for kind in KINDS:
            for path, shown in (listing or Listing(root)).files(FOLDERS[kind], ".yaml")[0]:  # the problems: check_catalogue's
                try:
                    seen = self._identify(kind, path, shown, now, read=not unread)
                except OSError:
                    continue  # check_file meets it again and reads it as before
                self.seen[path] = seen
                if seen.key is None or (not self.holds(seen.key) and seen.raw is not None):
                    misses.append((kind, path, shown, seen.raw))
        self.fresh = parallel_checks.check_files(misses, entry_json)
        if self.fresh is None and unread:  # checked in this process after all: read and hashed here
            for kind, path, shown, _ in misses:
                seen = self.seen[path]
                try:
                    seen.raw = path.read_bytes()  # after its stat was taken, as in _identify
                except OSError:
                    del self.seen[path]
                    continue
                seen.key = file_key(kind, shown, seen.raw)
        if self.fresh is not None:
            self.pending = deque(self.seen[path] for _, path, _, _ in misses)
            for seen in self.pending:
                seen.queued = True

    def close(self) -> None:
        """Stop the worker processes, if any (they have finished when every file was checked)."""
        if self.fresh is not None:
            self.fresh.close()
            self.fresh = None

    def _from_workers(self, seen: _Seen) -> Any:
        """The workers' entry for the file (waiting for it), None when they were not given it or stopped."""
        try:
            while seen.queued and seen.entry is None and self.fresh is not None and self.pending:
                done = self.pending.popleft()
                key, done.entry = next(self.fresh)
                if done.key is None and key:  # the key of the bytes the worker read (after the stat was taken)
                    done.key = key
        except Exception:  # noqa: BLE001 (a worker died, BrokenProcessPool, or a job could not be sent: the files
            self.close()  # left are checked in this process, which gives the same results)
            self.pending = deque()
        return seen.entry

    def _identify(self, kind: str, path: Path, shown: str, now: int, read: bool = True) -> _Seen:
        stat_now = stat_key(kind, path, now)  # before the bytes are read: a later write changes it
        stored = self.old_stats.get(shown)
        if stat_now is not None and stored is not None and stored[:-1] == stat_now and self.holds(stored[-1]):
            return _Seen(stored[-1], stat_now)
        if not read:
            return _Seen(None, stat_now)
        raw = path.read_bytes()
        return _Seen(file_key(kind, shown, raw), stat_now, raw)

    def entries(self) -> dict[str, msgspec.Raw]:
        """The entries of the last run that read every file (ENTRIES_FILE), read on first use."""
        if self._old_files is None:
            self._old_files = _read_entries(self.path.with_name(ENTRIES_FILE), self.code)
        return self._old_files

    def holds(self, key: str) -> bool:
        """Whether the cache has the results of the file with this key: in the memo when there is one (so that
        a run the memo answers never reads the entries), else among the entries."""
        return key in self.old_memo.files if self.old_memo is not None else key in self.entries()

    def check_file(self, kind: str, path: Path, shown: str, entries: bool = True) -> FileResult:
        """The results of one file: from its entry (`entries`: among those of the cache file too), from the
        workers, or checked here."""
        seen = self.seen.get(path)
        if seen is None:  # not met by prepare(): read as it is now
            raw = path.read_bytes()
            seen = _Seen(file_key(kind, shown, raw), None, raw)
        entry: Any = (self.entries().get(seen.key) if entries else None) or self.files.get(seen.key)
        result = decode_file_result(entry, kind, path, shown) if entry is not None else None
        if result is None and self._from_workers(seen):
            entry = seen.entry
            result = decode_file_result(entry, kind, path, shown)
            self.new_entries = True
        if result is None:
            raw = seen.raw if seen.raw is not None else path.read_bytes()
            if seen.raw is None:  # its entry was unusable: the key must be of the bytes checked now
                seen = _Seen(file_key(kind, shown, raw), None, raw)
            result = check_record_file(kind, path, shown, raw)
            entry = _entry_bytes(result)
            self.new_entries = True
            if not entry:  # a value JSON cannot hold faithfully (NaN, a lone surrogate): not kept
                return result
        self._use(path, shown, seen, entry if isinstance(entry, msgspec.Raw) else msgspec.Raw(entry))
        return result

    def _use(self, path: Path, shown: str, seen: _Seen, entry: msgspec.Raw | None) -> None:
        """Keep the file's entry, if given, and its stat key (when settled) for the next run."""
        assert seen.key is not None
        if entry is not None:
            self.files[seen.key] = entry
        self.keys[path] = seen.key
        if seen.stat is not None:
            self.stats[shown] = (*seen.stat, seen.key)
            self.changed |= self.old_stats.get(shown) != self.stats[shown]

    def quick(self, root: Path, listing: Listing) -> Checked | None:
        """The run's report from the last run's memo (see _Memo) when the references and the day are the same: the
        files the memo holds are not decoded, the changed ones are checked, and their links, citations and dates
        against the catalogue's ids, references and day; when ids changed (a file added, removed or renamed, an id
        edited), so are the files whose links or place among the ids that concerns (_affected); the checks across
        records run again, on the memo's slim stand-ins, when what they read changed. None when the memo cannot
        answer (none kept, many files changed, another day or bibliography): then every check runs."""
        memo = self.old_memo
        if memo is None or self.fresh is not None or not any((root / FOLDERS[k]).is_dir() for k in KINDS):
            return None
        base, bib_paths = listing_problems(listing)
        try:
            if _bibliography_key(bib_paths, root) != self.old_bibliography.get("key"):
                return None
        except OSError:
            return None
        found: list[tuple[str, Path, str, _MemoFile, FileResult | None]] = []
        for kind, path, shown in record_files(listing):
            seen = self.seen.get(path)
            kept = memo.files.get(seen.key) if seen is not None and seen.key is not None else None
            if kept is not None:  # as the memo holds it
                assert seen is not None and seen.key is not None
                if not _plausible(kept, shown):
                    return None  # this memo lies
                self._use(path, shown, seen, None)
                found.append((kind, path, shown, kept, None))
                continue
            result = self.check_file(kind, path, shown, entries=False)  # changed since the memo was made
            if self.keys.get(path) is None:  # its results could not be kept: nor could the memo's
                return None
            found.append((kind, path, shown, _memo_file(kind, path, result, []), result))
        bib = self.check_bibliography(bib_paths, root)
        base += bib.problems
        today = today_utc()
        if today.isoformat() != memo.day or self.bibliography.get("key") != memo.bibliography:
            return None
        names = ids_digest([(k, p, s, m) for k, p, s, m, _ in found])
        if names != memo.ids:  # a file added, removed or renamed, an id changed: check the files it can concern
            affected = _affected(list(memo.files.values()), [m for *_, m, _ in found])
            if affected is None:
                return None
            for i, (kind, path, shown, kept, result) in enumerate(found):
                if result is None and id(kept) in affected:
                    result = self.check_file(kind, path, shown)  # from its entry, or checked afresh
                    found[i] = (kind, path, shown, _memo_file(kind, path, result, []), result)
        catalogue = Catalogue(root=root, references=bib.references, broken_references=bib.broken)
        base += list(check_docs_citations(catalogue, root / "docs"))
        reads = across_digest(names, catalogue.docs_citations, [m for _, _, _, m, _ in found])
        again = reads != memo.across_key  # the checks across records run again
        across: list[Problem] = []
        for kind, path, shown, kept, result in found:
            if kept.unreadable:
                catalogue.unreadable[kind].add(path.stem)
            elif result is not None and result.standin is not None:
                _add_record(catalogue, result.standin, path, across)
            elif kept.id is not None and again:
                record = _slim_record(kind, path, shown, kept)
                if record is None:
                    return None  # this memo lies
                _add_record(catalogue, record, path, across)
            elif kept.id is not None:  # ids only, as _add_record keeps them: what it reports is in the memo
                catalogue.records[kind].setdefault(kept.id, _id_only(kind, path, shown, kept.id))
        if not again:
            across = [Problem(*row) for row in memo.across]
        else:
            across += across_problems(catalogue)
        problems: list[Problem] = [*base, *across]
        placeholders: list[Problem] = []
        files: dict[str, _MemoFile] = {}
        changed: list[tuple[str, FileResult]] = []
        for kind, path, _, kept, result in found:
            if result is not None:  # checked in this run
                own = file_problems(catalogue, result, today)
                kept = _memo_file(kind, path, result, own)
                changed.append((kind, result))
            problems += [Problem(*row) for row in kept.problems]
            placeholders += [Problem(*row) for row in kept.placeholders]
            key = self.keys[path]
            if key in files:  # two files shown by one name, with the same bytes: each has problems of its own
                return None
            files[key] = kept
        self.memo = _Memo(memo.day, memo.bibliography, names, reads, files, [_problem_json(p) for p in across])
        self.changed |= bool(changed) or len(files) != len(memo.files) or again
        return Checked(final_problems(problems, placeholders), catalogue, changed, bib, today=today)

    def remember(self, checked: Checked, listing: Listing) -> None:
        """Keep the problems of a run of every check by file and across records, for quick()."""
        self.memo = None
        if checked.today is None or "key" not in self.bibliography or len(checked.by_file) != len(checked.files):
            return
        files: dict[str, _MemoFile] = {}
        described = []
        for (kind, path, shown), (_, result), own in zip(record_files(listing), checked.files, checked.by_file,
                                                         strict=True):
            key = self.keys.get(path)
            if key is None or key in files:  # not kept (a value JSON cannot hold: every run checks it afresh), or
                return  # two files shown by one name hold the same bytes: one entry, but problems of their own
            kept = _memo_file(kind, path, result, own)
            files[key] = kept
            described.append((kind, path, shown, kept))
        names = ids_digest(described)
        reads = across_digest(names, checked.catalogue.docs_citations, [kept for *_, kept in described])
        self.memo = _Memo(checked.today.isoformat(), self.bibliography["key"], names, reads, files,
                          [_problem_json(p) for p in checked.across])
        self.changed = True

    def check_bibliography(self, paths: list[Path], root: Path) -> Bibliography:
        key = _bibliography_key(paths, root)
        old = self.old_bibliography
        result = decode_bibliography(old.get("result")) if old.get("key") == key else None
        if result is None:
            result = read_bibliography(paths, root)
            self.changed = True
            if _bibliography_key(paths, root) != key:  # a file changed while it was read: keep nothing
                return result
        self.bibliography = {"key": key, "result": encode_bibliography(result)}
        return result

    def save(self) -> None:
        """Write what changed (atomically, each file; a failure leaves that file out): the entries when every
        file was checked in this run (the memo's runs check only the changed ones: theirs wait for the next
        such run), the stat keys, the bibliography and the memo when any changed."""
        if self.all_files and (self.new_entries or len(self.files) != len(self.entries())):
            # msgspec.Raw entries: their bytes are copied, not encoded again (each is UTF-8 JSON: _entry_bytes)
            _write(self.path.with_name(ENTRIES_FILE),
                   msgspec.json.encode({"format": FORMAT, "code": self.code, "files": self.files}))
        if not self.changed:
            return
        try:
            body = msgspec.json.encode({"format": FORMAT, "code": self.code, "stats": self.stats,
                                        "bibliography": self.bibliography, "memo": self.memo})
        except (msgspec.EncodeError, TypeError, ValueError, OverflowError):
            # a lone surrogate (a file name that is not UTF-8) cannot be written as JSON: leave out what holds one
            try:
                body = msgspec.json.encode({
                    "format": FORMAT, "code": self.code, "bibliography": {},
                    "stats": {k: v for k, v in self.stats.items() if _utf8(k) and all(_utf8(x) for x in v
                                                                                      if isinstance(x, str))}})
            except (msgspec.EncodeError, TypeError, ValueError, OverflowError):
                return
        _write(self.path, body)


def _write(path: Path, body: bytes) -> None:
    """The file's digest and body, written atomically (nothing when it fails)."""
    import tempfile  # here: importing it (and random with it) costs a run that writes nothing

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(hashlib.sha256(body).hexdigest().encode() + b"\n")
            out.write(body)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def file_key(kind: str, shown: str, raw: bytes) -> str:
    return hashlib.sha256(b"\0".join([kind.encode(), shown.encode("utf-8", "surrogateescape"), raw])).hexdigest()


def _bibliography_key(paths: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode("utf-8", "surrogateescape") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


#: a Problem as JSON: path, line, field, message, hint, severity
_ProblemRow = tuple[str, int, str, str, str, Literal["error", "warning"]]


class _Slim(msgspec.Struct, array_like=True):
    """A record's fields that the checks across records read (SLIM_FIELDS), with their lines and its citations."""

    data: dict[str, Any]
    pointers: list[tuple[str | int, ...]]
    lines: list[int]
    cited: list[str]


#: the fields that link to other records (validate._check_ids), by the kind they link to
LINK_FIELDS = {"topics": "topic", "challenges": "challenge", "related": "practice"}
#: the fields of each kind that the checks across records (validate.across_problems, _add_record) read; the
#: stand-ins of evaluations and glossary terms are read whole (None)
SLIM_FIELDS: dict[str, tuple[str, ...] | None] = {
    "practice": ("id", "evidence", *LINK_FIELDS), "challenge": ("id", "open_question", *LINK_FIELDS),
    "topic": ("id", "open_question", *LINK_FIELDS), "evaluation": None, "glossary": None}
_SLIM_SETS = {kind: frozenset(fields) for kind, fields in SLIM_FIELDS.items() if fields is not None}


class _MemoFile(msgspec.Struct, array_like=True):
    """What the last run found of one file (under its entry's key), true while _Memo.ids are."""

    kind: str
    stem: str  # of its file name, when it could not be read (its id, as far as links to it go); else ""
    unreadable: bool
    id: str | None  # its record's id; None when it has no stand-in
    contribution: str  # a digest of `slim`
    slim: msgspec.Raw  # the JSON of its _Slim (null without a stand-in): decoded only when the checks across
    problems: list[_ProblemRow]  # records run again; validate.file_problems
    placeholders: list[_ProblemRow]


def _memo_file(kind: str, path: Path, result: FileResult, own: list[Problem]) -> _MemoFile:
    record = result.standin
    slim = msgspec.json.encode(slim_of(record))
    return _MemoFile(kind, path.stem if result.unreadable else "", result.unreadable, None if record is None else record.id,
                     hashlib.sha256(kind.encode() + b"\0" + slim).hexdigest()[:32], msgspec.Raw(slim),
                     [_problem_json(p) for p in own], [_problem_json(p) for p in result.placeholders])


class _Memo(msgspec.Struct):
    """The problems of the last run by file and across records, and what they depend on.

    A file's own problems and those of its record's links, citations and dates depend on its bytes and on the
    catalogue's ids, references and day (`ids`: a digest of each file's name and id): while those are the same, a
    file whose key the memo holds has the problems it holds; when ids change, only the files whose links or
    place among the ids changed are checked again (quick(), _affected()). The checks across
    records (ids used twice, evaluations, glossary, what nothing uses) depend on what they read of each file
    (its slim stand-in) and on the keys the hand-written pages cite (`across_key`): while those are the same,
    `across` holds their problems; else they run again on the slim stand-ins (quick())."""

    day: str
    bibliography: str  # its key
    ids: str
    across_key: str
    files: dict[str, _MemoFile]  # in the order the checks read the files
    across: list[_ProblemRow]


def slim_of(record: Record | None) -> _Slim | None:
    """The record's stand-in reduced to what the checks across records read (SLIM_FIELDS)."""
    if record is None:
        return None
    fields = _SLIM_SETS.get(record.kind)
    data = record.data if fields is None else {name: value for name, value in record.data.items() if name in fields}
    lines = record.doc.lines if fields is None else {  # the lines they report at: the id's, the status's
        pointer: line for pointer, line in record.doc.lines.items() if pointer in _SLIM_LINES}
    return _Slim(data, list(lines), list(lines.values()), record.cited)


#: the lines the checks across records report at, of the kinds SLIM_FIELDS reduces (line_of falls back from a
#: missing field to its parent: ("evidence",), then ())
_SLIM_LINES = {(), ("id",), ("evidence",), ("evidence", "status")}


def _slim_record(kind: str, path: Path, shown: str, kept: _MemoFile) -> Record | None:
    """The memo's slim stand-in as a record; None when it is not of the shape slim_of() makes."""
    try:
        slim = _SLIM_DECODER.decode(kept.slim)
    except (msgspec.MsgspecError, RecursionError):
        return None
    if (slim is None or slim.data.get("id") != kept.id or len(slim.pointers) != len(slim.lines)
            or (SLIM_FIELDS[kind] is None and type(slim.data.get("term" if kind == "glossary" else "title")) is not str)):
        return None
    return standin_record(kind, path, shown, slim.data, dict(zip(slim.pointers, slim.lines, strict=True)), slim.cited)


def _id_only(kind: str, path: Path, shown: str, record_id: str) -> Record:
    """A stand-in with nothing but the id: what the checks of a file quick() checks read of the others."""
    return standin_record(kind, path, shown, {"id": record_id}, {}, [])


def _plausible(kept: _MemoFile, shown: str) -> bool:
    """A memo's file that could be what remember() wrote: its problems name it (its slim stand-in is checked when
    it is read: _slim_record)."""
    return all(row[0] == shown for row in (*kept.problems, *kept.placeholders))


def _affected(before: list[_MemoFile], after: list[_MemoFile]) -> set[int] | None:
    """id() of the files of `after` held by the memo (also in `before`, the last run's files in order) whose own
    cross-record problems can differ now that ids changed: those whose record is no longer, or is now, the one
    its id names (a second use of an id reports nothing else), and those that link to an id whose record
    appeared or went, or that link to an unknown id of a kind whose ids changed (its hint is the closest id).
    None when a memo's slim stand-in cannot be read."""
    old, new = _ids(before), _ids(after)
    held = {id(kept) for kept in before}
    affected: set[int] = set()
    for kept in after:
        if id(kept) not in held or kept.id is None:
            continue
        first_old, first_new = old[0][kept.kind].get(kept.id), new[0][kept.kind].get(kept.id)
        if (first_old is kept) != (first_new is kept):
            affected.add(id(kept))
            continue
        if first_new is not kept:  # a second use of its id: nothing but its own problems
            continue
        try:
            slim = _SLIM_DECODER.decode(kept.slim)
        except (msgspec.MsgspecError, RecursionError):
            return None
        if slim is None:
            return None
        for field, kind in LINK_FIELDS.items():
            values = slim.data.get(field)
            for value in values if isinstance(values, list) else []:
                if not isinstance(value, str):
                    continue
                known_old = value in old[0][kind] or value in old[1][kind]
                known_new = value in new[0][kind] or value in new[1][kind]
                if known_old != known_new or (not known_new and list(old[0][kind]) != list(new[0][kind])):
                    affected.add(id(kept))
    return affected


def _ids(files: list[_MemoFile]) -> tuple[dict[str, dict[str, _MemoFile]], dict[str, set[str]]]:
    """The record that each id of each kind names (the first file that has it, as _add_record keeps them), and
    the stems of the files of each kind that could not be read."""
    first: dict[str, dict[str, _MemoFile]] = {kind: {} for kind in KINDS}
    unread: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for kept in files:
        if kept.unreadable:
            unread[kept.kind].add(kept.stem)
        elif kept.id is not None:
            first[kept.kind].setdefault(kept.id, kept)
    return first, unread


def ids_digest(files: list[tuple[str, Path, str, _MemoFile]]) -> str:
    """A digest of each record file's name, whether it was read and its record's id, in order: what a file's own
    cross-record problems depend on besides itself, the day and the references."""
    described = [(kind, path.name, shown, kept.unreadable, kept.id) for kind, path, shown, kept in files]
    text = repr(described)
    return hashlib.sha256(text.encode("utf-8", "backslashreplace")).hexdigest()


def across_digest(ids: str, docs_citations: dict[str, set[str]], files: list[_MemoFile]) -> str:
    """A digest of what the checks across records read: the ids digest, the keys the hand-written pages cite and
    each file's slim stand-in."""
    text = repr((ids, sorted(docs_citations), [kept.contribution for kept in files]))
    return hashlib.sha256(text.encode("utf-8", "backslashreplace")).hexdigest()


class _IndexFile(msgspec.Struct):
    """RESULTS_FILE's shape."""

    format: int
    code: str
    stats: dict[str, tuple[str, int, int, int, int, int, str]]
    bibliography: dict[str, Any]
    memo: _Memo | None = None


class _EntriesFile(msgspec.Struct):
    """ENTRIES_FILE's shape; each file's entry is checked (decoded) only when its file is met."""

    format: int
    code: str
    files: dict[str, msgspec.Raw]


_INDEX_DECODER = msgspec.json.Decoder(_IndexFile)
_SLIM_DECODER = msgspec.json.Decoder(_Slim | None)
_ENTRIES_DECODER = msgspec.json.Decoder(_EntriesFile)


def _read_index(path: Path, code: str) -> tuple[dict[str, Any], dict[str, tuple[Any, ...]], _Memo | None]:
    """(bibliography entry, stat keys, memo) of RESULTS_FILE; empty when unusable (see _read_body)."""
    data = _read_body(path, code, _INDEX_DECODER)
    return ({}, {}, None) if data is None else (data.bibliography, data.stats, data.memo)


def _read_entries(path: Path, code: str) -> dict[str, msgspec.Raw]:
    """The file entries of ENTRIES_FILE; empty when unusable (see _read_body)."""
    data = _read_body(path, code, _ENTRIES_DECODER)
    return {} if data is None else data.files


def _read_body(path: Path, code: str, decoder: msgspec.json.Decoder) -> Any:
    """A cache file, decoded; None when it is missing, not this user's own regular file, too large, corrupt, or
    from another format or code version."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        with os.fdopen(handle, "rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_BYTES or (
                    hasattr(os, "getuid") and info.st_uid != os.getuid()):
                return None
            raw = stream.read(MAX_CACHE_BYTES + 1)
        split = raw.find(b"\n")
        body = memoryview(raw)[split + 1:]  # not a copy of megabytes
        if split < 0 or raw[:split] != hashlib.sha256(body).hexdigest().encode():
            return None
        data = decoder.decode(body)  # the shape of the whole; each entry's when its file is met
    except (OSError, ValueError, RecursionError, msgspec.MsgspecError):
        return None
    if data.format != FORMAT or data.code != code:
        return None
    return data


# --- entries as JSON -----------------------------------------------------------------------


class _Malformed(Exception):
    pass


def _problem_json(problem: Problem) -> list[Any]:
    return [problem.path, problem.line, problem.field, problem.message, problem.hint, problem.severity]


def _problem(value: Any) -> Problem:
    if not (isinstance(value, list) and len(value) == 6 and isinstance(value[1], int)
            and all(isinstance(v, str) for i, v in enumerate(value) if i != 1) and value[5] in ("error", "warning")):
        raise _Malformed
    return Problem(*value)


def _problems(value: Any, path: str | None = None) -> list[Problem]:
    if value == []:  # most files: nothing to report
        return []
    problems = [_problem(v) for v in _typed(value, list)]
    if path is not None and any(p.path != path for p in problems):
        raise _Malformed  # a file's own problems name that file
    return problems


def _typed(value: Any, kind: type) -> list[Any]:
    """value, when it is a list of `kind` only (checked at C speed: these lists are long and many)."""
    if type(value) is not list or not set(map(type, value)) <= {kind}:
        raise _Malformed
    return value



class _StandIn(msgspec.Struct):
    data: dict[str, Any]
    pointers: list[tuple[str | int, ...]]
    lines: list[int]
    cited: list[str]


class _Entry(msgspec.Struct):
    """A file's entry as encode_file_result writes it (the parts after `standin` only with a stand-in)."""

    unreadable: bool
    problems: list[_ProblemRow]
    placeholders: list[_ProblemRow]
    standin: _StandIn | None = None
    own_problems: list[_ProblemRow] | None = None
    citations: tuple[list[str], list[int], list[str]] | None = None
    locators: list[tuple[str, _ProblemRow]] | None = None


_ENTRY_DECODER = msgspec.json.Decoder(_Entry)


def _own(rows: list[Any], path: str) -> list[Problem]:
    """Problems of a decoded entry (their shape already checked), which must all name the file."""
    if not rows:
        return []
    problems = [Problem(*row) for row in rows]
    if any(p.path != path for p in problems):
        raise _Malformed  # a file's own problems name that file
    return problems


def encode_file_result(result: FileResult) -> dict[str, Any]:
    entry: dict[str, Any] = {"unreadable": result.unreadable, "problems": [_problem_json(p) for p in result.problems],
                             "placeholders": [_problem_json(p) for p in result.placeholders]}
    if result.standin is not None:
        record = result.standin
        entry["standin"] = {"data": record.data, "pointers": [list(k) for k in record.doc.lines],
                            "lines": list(record.doc.lines.values()), "cited": record.cited}
        entry["own_problems"] = [_problem_json(p) for p in result.own_problems]
        entry["citations"] = [[c[i] for c in result.citations] for i in range(3)]  # keys, lines, fields
        entry["locators"] = [[key, _problem_json(p)] for key, p in result.locators]
    return entry


def _entry_bytes(result: FileResult) -> bytes:
    """The entry of a file's results as JSON (UTF-8); b"" when JSON cannot hold a value faithfully (NaN or
    infinity, a lone surrogate): the file is then checked afresh in every run."""
    entry = encode_file_result(result)
    try:
        encoded = msgspec.json.encode(entry)  # C speed; but it writes NaN and infinity as null
    except (msgspec.EncodeError, TypeError, ValueError, OverflowError):
        encoded = b"null"
    if b"null" not in encoded:  # no null anywhere, so no NaN or infinity either: json.dumps's values, in other digits
        return encoded
    try:
        return json.dumps(entry, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        return b""


def entry_json(job: parallel_checks.Job) -> tuple[str, bytes]:
    """(key, entry as JSON) of a file's fresh results (what a worker of parallel_checks sends back); the file is
    read here when the job has no bytes; ("", b"") when it cannot be read (the parent then reads it itself)."""
    kind, name, shown, raw = job
    path = Path(name)
    if raw is None:
        try:
            raw = read_bytes(path)
        except OSError:
            return "", b""
    return file_key(kind, shown, raw), _entry_bytes(check_record_file(kind, path, shown, raw))


def decode_file_result(entry: Any, kind: str, path: Path, shown: str) -> FileResult | None:
    """The FileResult an entry (JSON bytes) holds; None when any part of it is not of the shape
    encode_file_result writes."""
    try:
        decoded = _ENTRY_DECODER.decode(entry)
        result = FileResult(unreadable=decoded.unreadable, problems=_own(decoded.problems, shown),
                            placeholders=_own(decoded.placeholders, shown))
        standin = decoded.standin
        if standin is None:
            return result
        own, citations, locators = decoded.own_problems, decoded.citations, decoded.locators
        if result.unreadable or own is None or citations is None or locators is None:
            raise _Malformed
        data = standin.data
        if not (type(data.get("id")) is str and type(data.get("term" if kind == "glossary" else "title")) is str):
            raise _Malformed
        if len(standin.pointers) != len(standin.lines):
            raise _Malformed
        result.standin = standin_record(kind, path, shown, data, dict(zip(standin.pointers, standin.lines, strict=True)),
                                        standin.cited)
        result.own_problems = _own(own, shown)
        keys, at, fields = citations
        if not len(keys) == len(at) == len(fields):
            raise _Malformed
        result.citations = list(zip(keys, at, fields, strict=True))
        located = _own([problem for _, problem in locators], shown)
        result.locators = [(key, problem) for (key, _), problem in zip(locators, located, strict=True)]
        return result
    except (_Malformed, msgspec.MsgspecError, TypeError, ValueError, RecursionError):
        return None


def encode_bibliography(result: Bibliography) -> dict[str, Any]:
    return {"problems": [_problem_json(p) for p in result.problems],
            "references": [[ref.key, ref.path, ref.line] for ref in result.references.values()],
            "broken": sorted(result.broken)}


@dataclass
class CachedReference:
    """What the cross-record checks read of a reference (citations.Reference without its entry: the cached
    results need no BibTeX reader)."""

    key: str
    path: str
    line: int


def decode_bibliography(entry: Any) -> Bibliography | None:
    """The bibliography's results, its references reduced to key, file and line (what the cross-record checks
    read); None when the entry is not of the shape encode_bibliography writes."""
    try:
        if not isinstance(entry, dict):
            raise _Malformed
        references = {}
        for item in _typed(entry.get("references"), list):
            if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str)
                    and isinstance(item[1], str) and isinstance(item[2], int)):
                raise _Malformed
            references[item[0]] = CachedReference(item[0], item[1], item[2])
        broken = _typed(entry.get("broken"), str)
        return Bibliography(_problems(entry.get("problems")), references, set(broken))
    except _Malformed:
        return None
