"""Where caches live: in this user's cache folder, never in the catalogue's checkout.

A pull request can commit any file, a search index included, and whoosh unpickles the table of
contents of an index it opens: an index read from the checkout would run the contributor's code.
So caches live under the user's cache folder (`platformdirs`; `XDG_CACHE_HOME` on Linux), one
folder per catalogue, and a cache folder is used only when this user owns it and no one else can
write to it (which rules out a folder that arrived with the checkout's files as well).
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import platformdirs


class UnsafeCache(Exception):
    """A cache folder that another user, a checkout or a pull request could have written."""


def user_cache_root() -> Path:
    return Path(platformdirs.user_cache_dir("reskb", appauthor=False))


def catalogue_cache(root: Path, name: str) -> Path:
    """This user's cache folder `name` for the catalogue at root (one per catalogue folder)."""
    key = hashlib.sha256(str(Path(root).resolve()).encode("utf-8")).hexdigest()[:16]
    return user_cache_root() / name / key


def check_cache_folder(folder: Path, root: Path) -> Path:
    """The folder, created private if missing; UnsafeCache when it lies inside the catalogue or when
    it (or a folder in it) belongs to another user, is writable by others or is a symbolic link."""
    folder = Path(folder)
    resolved_root = Path(root).resolve()
    target = folder.resolve()
    if target == resolved_root or resolved_root in target.parents:
        raise UnsafeCache(f"the cache folder {folder} lies inside the catalogue folder {root}: a pull request could "
                          "have committed it; choose a folder outside the checkout (the default is "
                          f"{user_cache_root()})")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for path in [folder, *_subfolders(folder)]:
        _check_owned(path)
    return folder


def _subfolders(folder: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, _ in os.walk(folder, followlinks=False):
        found += [Path(dirpath) / d for d in dirnames]
    return found


def _check_owned(path: Path) -> None:
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise UnsafeCache(f"the cache folder {path} is a symbolic link; remove it")
    if not hasattr(os, "getuid"):  # Windows: folder permissions are ACLs; the checkout rule above still holds
        return
    if info.st_uid != os.getuid():
        raise UnsafeCache(f"the cache folder {path} belongs to another user; remove it or choose another folder")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UnsafeCache(f"others can write to the cache folder {path}; remove it, or run 'chmod go-w {path}'")
