"""`reskb validate` with a cache of each file's results, so that a run after editing one file re-checks
that file and the cross-record checks only.

What a record file yields on its own (validate.FileResult: reading and schema problems, its own text's
problems, the fields and citations the cross-record checks read) depends only on its name, its bytes and
the code; the bibliography's results (pandoc included) only on the .bib files and the code. So entries are
keyed by a hash of those, in one file per catalogue under the user's cache folder (cache_dir.py: never in
the checkout). The cross-record checks (ids, citations, unused references, evaluations, glossary, dates
measured against today) always run, on the stand-ins, exactly as in a fresh run.

The cache is data, never code: JSON, read only when the file is this user's own regular file, checked
against a digest of its contents, the format and the code version, and every entry checked for shape
before use. Anything else (garbage, a truncated file, another version, an entry of the wrong shape) is a
cache miss and the file is checked afresh. Only `reskb validate` reads it: the build checks every file
itself, so even a forged entry could not let a broken record into the site.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml
from pybtex.database import Entry

from ..cache_dir import UnsafeCache, catalogue_cache, check_cache_folder
from ..citations import Reference
from ..problems import Problem
from .validate import (
    Bibliography,
    Checked,
    FileResult,
    check_catalogue,
    check_record_file,
    read_bibliography,
    standin_record,
)

FORMAT = 2
CACHE_NAME = "validate"
RESULTS_FILE = "results.json"
MAX_CACHE_BYTES = 512_000_000
#: libraries whose version changes what a check reports
_LIBRARIES = ("PyYAML", "jsonschema", "jsonschema-rs", "referencing", "pycountry", "pybtex", "pypandoc",
              "pypandoc-binary")


def validate(root: Path, use_cache: bool = True) -> tuple[Checked, str]:
    """Every check of the catalogue at root; the second value says why the cache was not used, if it was not."""
    root = Path(root)
    if not use_cache:
        return check_catalogue(root, check_record_file, read_bibliography), ""
    try:
        folder = check_cache_folder(catalogue_cache(root, CACHE_NAME), root)
    except (UnsafeCache, OSError) as exc:
        return check_catalogue(root, check_record_file, read_bibliography), str(exc)
    cache = ResultCache(folder / RESULTS_FILE)
    checked = check_catalogue(root, cache.check_file, cache.check_bibliography)
    cache.save()
    return checked, ""


def code_version() -> str:
    """A hash of what the checks' results depend on besides the files: this package's code and schemas, the
    libraries' versions, Python's, and the pandoc program that reads BibTeX."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version} {yaml.__with_libyaml__}".encode())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=none;".encode())
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


class ResultCache:
    """The entries of one catalogue's cache file; check_file and check_bibliography use or add them."""

    def __init__(self, path: Path):
        self.path = path
        self.code = code_version()
        self.old_files, self.old_bibliography = _read(path, self.code)
        self.files: dict[str, Any] = {}  # the entries this run used or made: the next file holds only these
        self.bibliography: dict[str, Any] = {}
        self.changed = False

    def check_file(self, kind: str, path: Path, shown: str) -> FileResult:
        raw = path.read_bytes()
        key = hashlib.sha256(b"\0".join([kind.encode(), shown.encode("utf-8", "surrogateescape"), raw])).hexdigest()
        entry = self.old_files.get(key)
        result = decode_file_result(entry, kind, path, shown) if entry is not None else None
        if result is None:
            result = check_record_file(kind, path, shown, raw)
            entry = encode_file_result(result)
            self.changed = True
        self.files[key] = entry
        return result

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
        """Write the entries used in this run, when any changed (atomically; a failure leaves no cache)."""
        if not self.changed and len(self.files) == len(self.old_files):
            return
        body = json.dumps({"format": FORMAT, "code": self.code, "files": self.files,
                           "bibliography": self.bibliography}, ensure_ascii=True, separators=(",", ":")).encode()
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".results-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
            os.replace(temporary, self.path)
        except OSError:
            Path(temporary).unlink(missing_ok=True)


def _bibliography_key(paths: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode("utf-8", "surrogateescape") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _read(path: Path, code: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(file entries, bibliography entry) of the cache file; empty when it is missing, not this user's own
    regular file, too large, corrupt, or from another format or code version."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return {}, {}
    try:
        with os.fdopen(handle, "rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_BYTES or (
                    hasattr(os, "getuid") and info.st_uid != os.getuid()):
                return {}, {}
            raw = stream.read(MAX_CACHE_BYTES + 1)
        digest, _, body = raw.partition(b"\n")
        if digest != hashlib.sha256(body).hexdigest().encode():
            return {}, {}
        data = json.loads(body)
    except (OSError, ValueError, RecursionError):
        return {}, {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("code") != code:
        return {}, {}
    files, bibliography = data.get("files"), data.get("bibliography")
    return (files if isinstance(files, dict) else {}), (bibliography if isinstance(bibliography, dict) else {})


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


def decode_file_result(entry: Any, kind: str, path: Path, shown: str) -> FileResult | None:
    """The FileResult an entry holds; None when any part of it is not of the shape encode_file_result writes."""
    try:
        if type(entry) is not dict or type(entry.get("unreadable")) is not bool:
            raise _Malformed
        result = FileResult(unreadable=entry["unreadable"], problems=_problems(entry.get("problems"), shown),
                            placeholders=_problems(entry.get("placeholders"), shown))
        standin = entry.get("standin")
        if standin is None:
            return result
        if result.unreadable or type(standin) is not dict:
            raise _Malformed
        data, cited = standin.get("data"), _typed(standin.get("cited"), str)
        if not (type(data) is dict and type(data.get("id")) is str
                and type(data.get("term" if kind == "glossary" else "title")) is str):
            raise _Malformed
        pointers, numbers = _typed(standin.get("pointers"), list), _typed(standin.get("lines"), int)
        if len(pointers) != len(numbers):
            raise _Malformed
        try:  # a pointer holding a list or an object is not hashable; any other odd part matches no field
            lines = dict(zip(map(tuple, pointers), numbers, strict=True))
        except (TypeError, ValueError):
            raise _Malformed from None
        result.standin = standin_record(kind, path, shown, data, lines, cited)
        result.own_problems = _problems(entry.get("own_problems"), shown)
        citations = entry.get("citations")
        if type(citations) is not list or len(citations) != 3:
            raise _Malformed
        keys, at, fields = _typed(citations[0], str), _typed(citations[1], int), _typed(citations[2], str)
        if not len(keys) == len(at) == len(fields):
            raise _Malformed
        result.citations = list(zip(keys, at, fields, strict=True))
        for item in _typed(entry.get("locators"), list):
            if not (len(item) == 2 and type(item[0]) is str):
                raise _Malformed
            result.locators.append((item[0], _problems([item[1]], shown)[0]))
        return result
    except _Malformed:
        return None


def encode_bibliography(result: Bibliography) -> dict[str, Any]:
    return {"problems": [_problem_json(p) for p in result.problems],
            "references": [[ref.key, ref.path, ref.line] for ref in result.references.values()],
            "broken": sorted(result.broken)}


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
            references[item[0]] = Reference(item[0], Entry("misc"), item[1], item[2])
        broken = _typed(entry.get("broken"), str)
        return Bibliography(_problems(entry.get("problems")), references, set(broken))
    except _Malformed:
        return None
