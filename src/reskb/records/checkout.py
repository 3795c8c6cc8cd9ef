"""Checks on the files of a checkout, before any of them is read.

A pull request controls file names and file types as well as contents: a symbolic link publishes
whatever it points to (`docs/leak.txt -> /etc/passwd`), a symlinked folder bypasses every per-file
check, a name with a newline writes workflow commands into CI logs, and names that differ only in
case or that Windows reserves (`con`, `aux`, `nul`) break checkouts on other systems.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from ..problems import Problem

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


def checkout_problems(root: Path) -> Iterator[Problem]:
    """Every symbolic link, control character, reserved or case-clashing name, hidden file and
    stray folder under the folders the build reads."""
    for name in CHECKED_FOLDERS:
        folder = root / name
        if folder.is_symlink():
            yield Problem(shown_name(folder, root), 0, "", "symbolic links are not allowed here",
                          f"make {name}/ a real folder in the repository")
            continue
        if not folder.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
            here = Path(dirpath)
            yield from _names(here, dirnames + filenames, root)
            if name in RECORD_FOLDERS or name == "bibliography":
                for sub in dirnames:
                    yield Problem(shown_name(here / sub, root), 0, "", f"folders are not allowed in {name}/",
                                  f"put each record file directly in {name}/")
                dirnames.clear()
            else:
                dirnames[:] = [d for d in dirnames if not (here / d).is_symlink()]


def _names(folder: Path, names: list[str], root: Path) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    shown_folder = shown_name(folder, root)
    for entry in sorted(names):
        shown = f"{shown_folder}/{_CONTROL.sub(_escape, entry)}"  # shown_name(folder / entry, root), without pathlib
        if os.path.islink(os.path.join(folder, entry)):
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
