"""Incremental rebuilds for `mkdocs serve --dirty`: after an edit, only the pages whose HTML can differ are
rendered again.

MkDocs' dirty build skips a page when `File.is_modified()` says so, but it always treats generated files as
modified, leaves pages of deleted records in the site folder, and Material's search plugin keeps only the
entries of one rebuilt page. So the plugin keeps this state between builds (a plugin with `on_startup`
lives as long as `mkdocs serve`), in memory only:

- every generated file's fingerprint: its content, and for a page also what the theme shows around it
  (the previous and next page of its list with their content, its breadcrumbs, its edit link) and the
  configuration file; a file whose fingerprint is unchanged is not rendered or written again;
- each rendered page's title, which its neighbours show in their footer (MkDocs leaves a skipped page
  without one), and its search entries, so that the search index always holds every page;
- the files of the last build, so that outputs of removed pages are deleted.

Hand-written pages (docs/) show catalogue data (the home page's newest practices, citations): they are
rendered on every build. State is committed only when a build finishes; a build that fails after it began
writing forgets it, so the next build renders everything.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from ..records.catalogue import Catalogue
from ..search import content_hash
from .recordnav import Place

log = logging.getLogger("mkdocs.plugins.reskb")


class GeneratedFile(File):
    """A generated file whose `is_modified()` (read by MkDocs only in dirty builds) answers from fingerprints."""

    changed: bool = True

    def is_modified(self) -> bool:
        return self.changed


def _always_modified() -> bool:
    return True


def _never_modified() -> bool:
    return False


def _digest(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


@dataclass
class _State:
    fingerprints: dict[str, str] = field(default_factory=dict)  # src_uri -> fingerprint of the last build
    titles: dict[str, Any] = field(default_factory=dict)  # src_uri -> the page's title (str or markupsafe.Markup)
    search: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # src_uri -> its search entries
    outputs: set[str] = field(default_factory=set)  # every file's abs_dest_path


class Incremental:
    """The state of `mkdocs serve --dirty` between builds; inactive (does nothing) in any other command."""

    def __init__(self) -> None:
        self.active = False
        self._done: _State | None = None  # what the site folder holds after the last finished build
        self._next = _State()
        self._writing = False
        #: src_uri of the pages rendered in the current build (for the report and the tests)
        self.rendered: list[str] = []
        #: src_uri -> (the content a generated file was given, its digest): a build that keeps the last one's
        #: Markdown (reskb.site.preview) hands over the same string objects, which need no hashing again
        self._digests: dict[str, tuple[object, str]] = {}
        #: src_uri -> (the content a neighbour's footer title was read from, that title)
        self._titles: dict[str, tuple[object, str]] = {}
        #: src_uri -> (the parts of a generated file's fingerprint, the fingerprint), of the last marked build
        self._parts: dict[str, tuple[tuple[str, ...], str]] = {}
        #: (dest_dir, dest_uri) -> abs_dest_path
        self._paths: dict[tuple[str, str], str] = {}

    @property
    def known(self) -> bool:
        """Whether the site folder holds a finished build whose every generated file is known."""
        return self._done is not None and bool(self._done.fingerprints)

    def start(self, command: str, dirty: bool) -> None:
        """A new command starts with nothing known (plugins with on_startup outlive one command in a process)."""
        self.active = command == "serve" and dirty
        self._done, self._next, self._writing, self.rendered = None, _State(), False, []
        self._digests, self._titles, self._parts, self._paths = {}, {}, {}, {}

    # --- one build -------------------------------------------------------------------------------

    def mark(self, files: Files, generated: Iterable[str], places: Mapping[str, Place], edit_urls: Mapping[str, str],
             config: MkDocsConfig, hand_written: bool = True) -> None:
        """Decide which files this build writes: a generated file whose fingerprint is unchanged is skipped;
        hand-written pages are always rendered, unless `hand_written` is false (a build that shows edited
        records first, while no hand-written page changed: a full build follows at once). Call when the
        navigation is known (on_nav)."""
        if not self.active:
            return
        self._next, self._writing, self.rendered = _State(), False, []
        self._next.outputs = self._outputs(files)  # what this build may write (finish sets it again)
        site = _digest(str(config.config_file_path), config.site_dir,
                       Path(config.config_file_path).read_bytes() if config.config_file_path else b"")
        previous = self._done.fingerprints if self._done is not None else {}
        own = set(generated)
        content = {f.src_uri: self._content_digest(f) for f in files if isinstance(f, GeneratedFile)}
        shown = {path: self._shown_title(files, path) for place in places.values()
                 for path in (place.previous, place.next) if path}
        known, self._parts = self._parts, {}
        for file in files:
            if isinstance(file, GeneratedFile):
                parts = [site, content[file.src_uri]]
                place = places.get(file.src_uri)
                if place is not None:  # what the theme shows around a record page: neighbours and breadcrumbs
                    parts += [json.dumps([place.home, place.crumbs, place.previous, place.next]),
                              shown.get(place.previous or "", ""), shown.get(place.next or "", "")]
                if file.src_uri in own:
                    parts.append(edit_urls.get(file.src_uri, ""))
                key = tuple(parts)
                last = known.get(file.src_uri)
                fingerprint = last[1] if last is not None and last[0] == key else _digest(*parts)
                self._parts[file.src_uri] = (key, fingerprint)
                self._next.fingerprints[file.src_uri] = fingerprint
                file.changed = previous.get(file.src_uri) != fingerprint
            elif file.is_documentation_page():
                file.is_modified = _always_modified if hand_written else _never_modified  # type: ignore[method-assign]

    def _outputs(self, files: Files) -> set[str]:
        """Every file's abs_dest_path: File joins dest_dir and dest_uri, remembered here between builds (a value
        already set on the file, by MkDocs or a plugin, is taken as it is)."""
        paths, found = self._paths, set()
        for file in files:
            path = file.__dict__.get("abs_dest_path")
            if path is None:
                key = (file.dest_dir, file.dest_uri)
                path = paths.get(key)
                if path is None:
                    path = paths[key] = file.abs_dest_path
            found.add(path)
        return found

    def _content_digest(self, file: File) -> str:
        content = file._content
        known = self._digests.get(file.src_uri)
        if known is not None and known[0] is content and isinstance(content, str):
            return known[1]
        digest = _digest(file.content_bytes)
        self._digests[file.src_uri] = (content, digest)
        return digest

    def _shown_title(self, files: Files, path: str) -> str:
        """_shown_title, remembered while the page's content is the same string object."""
        file = files.get_file_from_path(path)
        content = file._content if file is not None else None
        known = self._titles.get(path)
        if known is not None and known[0] is content and isinstance(content, str):
            return known[1]
        title = _shown_title(files, path)
        self._titles[path] = (content, title)
        return title

    def restore(self, files: Files) -> None:
        """Give each page that this build skipped the title it had (its neighbours show it); record the
        titles of the pages rendered. Call after every page was read (on_env)."""
        if not self.active:
            return
        self._writing = True
        known = self._done.titles if self._done is not None else {}
        for file in files.documentation_pages():
            page = file.page
            if page is None:
                continue
            if page.markdown is None and file.src_uri in known:
                page.title = known[file.src_uri]
            elif page.markdown is not None:
                self.rendered.append(file.src_uri)
            self._next.titles[file.src_uri] = page.title

    def finish(self, config: MkDocsConfig, files: Files) -> None:
        """After a successful build: complete the search index with the entries of the pages skipped, delete
        the outputs of files gone since the last build, and keep this build's state."""
        if not self.active:
            return
        self._complete_search_index(config, files)
        outputs = self._outputs(files)
        if self._done is not None:
            for path in sorted(self._done.outputs - outputs, reverse=True):
                _remove(Path(path), Path(config.site_dir))
        self._next.outputs = outputs
        self._done, self._next, self._writing = self._next, _State(), False
        log.info(f"rendered {len(self.rendered):,} of {len(files.documentation_pages()):,} pages (the others are unchanged)")

    def failed(self) -> None:
        """A build failed: when it had begun writing, the site folder no longer matches any state, so the next
        build renders everything; it still deletes the outputs gone since, so they are kept: the last finished
        build's and those this build may have written."""
        if self._writing:
            outputs = self._done.outputs if self._done is not None else set()
            self._done = _State(outputs=outputs | self._next.outputs)
        self._next, self._writing = _State(), False

    def _complete_search_index(self, config: MkDocsConfig, files: Files) -> None:
        search = _search_plugin(config)
        if search is None:
            return
        known = self._done.search if self._done is not None else {}
        fresh: dict[str, list[dict[str, Any]]] = {}
        for entry in search.search_index.entries:
            fresh.setdefault(str(entry["location"]).split("#", 1)[0], []).append(entry)
        entries = []
        for file in files.documentation_pages():
            if file.page is None:
                continue
            if file.page.markdown is not None:  # rendered in this build
                own = fresh.get(file.page.url, [])
            else:
                own = known.get(file.src_uri, [])
            self._next.search[file.src_uri] = own
            entries += own
        search.search_index.entries = entries
        data = search.search_index.generate_search_index(None)
        target = Path(config.site_dir) / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(data, encoding="utf-8")
        search.search_index_prev = None  # its own merge keeps one page's entries; ours replaced it


def _shown_title(files: Files, path: str) -> str:
    """What a neighbour's footer link shows of a page: its front matter title, or (without one) its whole content."""
    file = files.get_file_from_path(path)
    if file is None:
        return ""
    text = file.content_string
    if text.startswith("---\n"):
        for line in text[4:text.find("\n---", 4)].splitlines():
            if line.startswith("title: "):
                return "title " + line[7:]
    return "content " + _digest(text)


def _search_plugin(config: MkDocsConfig) -> Any:
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        if plugin is not None and hasattr(plugin, "search_index"):
            return plugin
    return None


def _remove(path: Path, site: Path) -> None:
    """Delete an output file and the folders it leaves empty (never anything outside the site folder)."""
    site = site.resolve()
    try:
        target = path.resolve()
    except OSError:
        return
    if site not in target.parents:
        return
    target.unlink(missing_ok=True)
    folder = target.parent
    while folder != site and site in folder.parents:
        try:
            os.rmdir(folder)
        except OSError:
            break
        folder = folder.parent


class BackgroundRelated:
    """The similar-practice lists in `mkdocs serve --dirty`. Finding them rebuilds the search index and asks it
    about every practice (most of a rebuild's time), so after the first build an edit is shown at once with
    the lists as they were, while a thread finds the new ones once the build is done; when they are ready the
    server rebuilds again (only the pages whose lists changed differ). The catalogue then settles where a
    clean build is."""

    def __init__(self, compute: Callable[[Catalogue], dict[str, list[str]]]) -> None:
        self._compute = compute
        self._lock = threading.Lock()
        self.lists: dict[str, list[str]] | None = None
        self._source = ""  # content hash of the catalogue the lists were found for
        self._wanted: tuple[Catalogue, str] | None = None  # the catalogue to find lists for, and its content hash
        self._thread: threading.Thread | None = None
        self.server: Any = None  # mkdocs' LiveReloadServer, to ask for a rebuild when new lists arrive

    def get(self, catalogue: Catalogue, source: str = "") -> dict[str, list[str]]:
        """The lists for this build: found now on the first build, else the last ones found (a newer
        catalogue is queued for `start`). `source` identifies the content the catalogue was read from."""
        source = source or catalogue.source_hash or content_hash(Path(catalogue.root))
        with self._lock:
            if self.lists is None:
                self.lists, self._source = self._compute(catalogue), source
            elif source != self._source:
                self._wanted = (catalogue, source)
            return self.lists

    def start(self) -> None:
        """After a build: find the lists for the queued catalogue in a thread (one at a time)."""
        with self._lock:
            if self._wanted is None or (self._thread is not None and self._thread.is_alive()):
                return
            self._thread = threading.Thread(target=self._run, name="reskb-related", daemon=True)
            self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                wanted, self._wanted = self._wanted, None
            if wanted is None:
                return
            catalogue, source = wanted
            try:
                lists = self._compute(catalogue)
            except Exception as exc:  # noqa: BLE001 - the next build reports what is wrong
                log.warning(f"similar practices not updated: {exc}")
                continue
            with self._lock:
                changed = lists != self.lists
                # the hash of the catalogue these lists were found for, not of the files now (an edit saved
                # meanwhile must still be queued by the next build)
                self.lists, self._source = lists, source
            if changed:
                request_rebuild(self.server)


def request_rebuild(server: Any) -> None:
    """Ask `mkdocs serve` for a rebuild as a watched file's change does (LiveReloadServer's own condition)."""
    condition = getattr(server, "_rebuild_cond", None)
    if condition is None:
        return
    with condition:
        server._want_rebuild = True
        condition.notify_all()
