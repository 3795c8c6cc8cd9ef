"""Checks on the files of a checkout, before any of them is read.

A pull request controls file names and file types as well as contents: a symbolic link publishes
whatever it points to (`docs/leak.txt -> /etc/passwd`), a symlinked folder bypasses every per-file
check, a name with a newline writes workflow commands into CI logs, and names that differ only in
case or that Windows reserves (`con`, `aux`, `nul`) break checkouts on other systems.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

from ..problems import Problem, display_path, visible

#: folders whose files the build reads: records (evaluations/ and glossary/ are record folders to come),
#: the bibliography, and the hand-written pages that MkDocs publishes as they are
RECORD_FOLDERS = ("practices", "challenges", "topics", "evaluations", "glossary")
CHECKED_FOLDERS = (*RECORD_FOLDERS, "bibliography", "docs")
#: files a folder may hold besides its records (git keeps empty folders with one)
ALLOWED_HIDDEN = {".gitkeep"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$", re.IGNORECASE)


def shown_name(path: Path, root: Path) -> str:
    """The path relative to root, with control characters written as escapes (never printed raw)."""
    try:
        text = path.relative_to(root).as_posix()
    except ValueError:
        text = path.as_posix()
    return _CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    return match.group(0).encode("unicode_escape").decode("ascii")


class Listing:
    """The folders the build reads, each listed once a run (os.scandir: names and types without a stat per file),
    for checkout_problems, the record files of the checks and validation_cache alike."""

    def __init__(self, root: Path):
        self.root = root
        self._entries: dict[str, list[os.DirEntry[str]]] = {}
        self._files: dict[tuple[str, str], tuple[list[tuple[Path, str]], list[Problem]]] = {}

    def entries(self, name: str) -> list[os.DirEntry[str]]:
        """The entries of the top folder `name`, sorted by name; none when it is missing, a link or unreadable."""
        if name not in self._entries:
            folder = self.root / name
            found: list[os.DirEntry[str]] = []
            if folder.is_dir() and not folder.is_symlink():  # a symlinked folder is reported by checkout_problems
                try:
                    with os.scandir(folder) as scan:
                        found = sorted(scan, key=lambda entry: os.path.normcase(entry.name))
                except OSError:
                    pass
            self._entries[name] = found
        return self._entries[name]

    def files(self, name: str, suffix: str) -> tuple[list[tuple[Path, str]], list[Problem]]:
        """(path, name as shown) of the files with the suffix in the top folder `name`, and the problems of the
        others (links, other suffixes, stray files; subfolders are checkout_problems')."""
        if (name, suffix) not in self._files:
            found: list[tuple[Path, str]] = []
            problems: list[Problem] = []
            folder = self.root / name
            shown_folder = display_path(folder, self.root)  # resolved once: no file found here is a link
            for entry in self.entries(name):
                if entry.name.startswith(".") or entry.is_dir():
                    continue
                path = folder / entry.name
                if entry.is_symlink():
                    problems.append(Problem(display_path(path, self.root), 0, "", "symbolic links are not allowed "
                                            "here", "put the file itself in the folder"))
                elif not entry.is_file(follow_symlinks=False):  # reading a FIFO would wait for ever
                    problems.append(Problem(display_path(path, self.root), 0, "", "not a regular file (a pipe, "
                                            "socket or device)", "put a plain file in its place, or remove it"))
                elif path.suffix == suffix:
                    found.append((path, f"{shown_folder}/{visible(entry.name)}"))
                elif path.suffix in (".yml", ".YAML", ".bibtex"):
                    problems.append(Problem(display_path(path, self.root), 0, "", f"the file name must end in {suffix}",
                                            f"rename it to {path.stem}{suffix}"))
                elif name != "bibliography" or path.suffix != ".md":
                    problems.append(Problem(display_path(path, self.root), 0, "", f"unexpected file in {name}/",
                                            f"only *{suffix} files belong here"))
            self._files[(name, suffix)] = (found, problems)
        return self._files[(name, suffix)]


def checkout_problems(root: Path, listing: Listing | None = None) -> Iterator[Problem]:
    """Every symbolic link, control character, reserved or case-clashing name, hidden file and
    stray folder under the folders the build reads."""
    listing = listing or Listing(root)
    for name in CHECKED_FOLDERS:
        folder = root / name
        if folder.is_symlink():
            yield Problem(shown_name(folder, root), 0, "", "symbolic links are not allowed here",
                          f"make {name}/ a real folder in the repository")
            continue
        if not folder.is_dir():
            continue
        if name in RECORD_FOLDERS or name == "bibliography":  # one level, from the run's listing
            entries = listing.entries(name)
            yield from _names(folder, [entry.name for entry in entries], root,
                              {entry.name for entry in entries if entry.is_symlink()})
            for entry in entries:
                if entry.is_dir():
                    yield Problem(shown_name(folder / entry.name, root), 0, "", f"folders are not allowed in {name}/",
                                  f"put each record file directly in {name}/")
            continue
        for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
            here = Path(dirpath)
            yield from _names(here, dirnames + filenames, root)
            dirnames[:] = [d for d in dirnames if not (here / d).is_symlink()]


def _mode(path: str) -> int:
    """The file's type and mode bits, not following a link; a regular file's when it went meanwhile."""
    try:
        return os.lstat(path).st_mode
    except OSError:
        return stat.S_IFREG


def _names(folder: Path, names: list[str], root: Path, links: set[str] | None = None) -> Iterator[Problem]:
    """The problems of the names in one folder; `links`: those that are symbolic links (else each is looked up)."""
    seen: dict[str, str] = {}
    shown_folder = shown_name(folder, root)
    for entry in sorted(names):
        shown = f"{shown_folder}/{_CONTROL.sub(_escape, entry)}"  # shown_name(folder / entry, root), without pathlib
        if links is None:  # one lstat: a link, or neither a file nor a folder (a pipe MkDocs would wait on for ever)
            mode = _mode(os.path.join(folder, entry))
            if not (stat.S_ISLNK(mode) or stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                yield Problem(shown, 0, "", "not a regular file (a pipe, socket or device)",
                              "put a plain file in its place, or remove it")
        if entry in links if links is not None else stat.S_ISLNK(mode):
            yield Problem(shown, 0, "", "symbolic links are not allowed here", "put the file itself in the folder")
        if _CONTROL.search(entry):
            yield Problem(shown, 0, "", "the file name contains control characters", "rename the file")
        if entry.startswith(".") and entry not in ALLOWED_HIDDEN:
            yield Problem(shown, 0, "", "hidden files are not read (the name starts with '.')",
                          f"rename it to {entry.lstrip('.')} or remove it")
        if _WINDOWS_RESERVED.match(entry.split(".")[0]):
            yield Problem(shown, 0, "", f"'{entry.split('.')[0]}' is a name Windows reserves: the repository could "
                          "not be checked out there", "choose another name (and id)")
        folded = entry.casefold()
        if folded in seen:
            yield Problem(shown, 0, "", f"the name differs from {seen[folded]} only in upper and lower case, which "
                          "macOS and Windows treat as the same file", "rename one of them")
        seen.setdefault(folded, shown)
