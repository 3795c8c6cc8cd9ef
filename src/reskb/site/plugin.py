"""The MkDocs plugin: a thin adapter that loads and validates the catalogue once, adds the
generated pages and sanitises their HTML. Everything else lives in modules MkDocs does not know."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable
from datetime import datetime, timezone
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

import markupsafe
import nh3
from mkdocs.config import config_options
from mkdocs.config.base import Config, ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files, set_exclusions
from mkdocs.structure.pages import Page

from ..citations import STYLES, cited_keys, proper_nouns
from ..records.catalogue import FOLDERS, Catalogue, Record
from ..records.validate import has_errors, load_catalogue
from ..search import related_practices
from ..search.related import RelatedLists
from .build_memory import drop_positions, freeze_long_lived, release_page_source, unfreeze
from .comparison import groups
from .contributing import expand_field_reference, site_files
from .countries import trusted_blocks
from .home import expand_home
from .incremental import BackgroundRelated, GeneratedFile, Incremental, request_rebuild
from .offline import SHIM, build_zip, file_links, use_local_shim
from .page_stream import PageStream
from .pages import (
    CitationsInParts,
    PageBuilder,
    build_downloads,
    build_pages,
    download_paths,
    format_citations,
    page_plan,
    record_path,
)
from .preview import Preview
from .provenance import check_edit_base, edit_url, with_edit_link, with_edit_links
from .recordnav import Place, places
from .search_note import SCRIPT as SEARCH_NOTE
from .search_note import search_note_script
from .site_search import SlimSearch
from .untrusted import escape_snippets, is_theme_id, slugify

log = logging.getLogger("mkdocs.plugins.reskb")

_ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"details", "summary", "span", "div", "button", "figure", "figcaption",
                                    "input", "label"}  # input and label: Material's content tabs (radio buttons)
_ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir", "aria-label", "aria-hidden", "role", "tabindex",
          "data-search-exclude"},  # Material's search skips such sections (set by our generators, never by contributors)
    "a": {"href", "hreflang"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "details": {"open"},
    "input": {"type", "name", "checked"},
    "label": {"for"},
}


def sanitise(html: str, trusted: list[str] | None = None) -> str:
    """Strip anything executable from rendered contributor content (defence in depth behind the validator).

    `trusted` blocks are our own markup built without contributor text (the SVG map, which nh3 cannot
    express): each exact block is swapped for an unguessable token before cleaning and put back after."""
    held = {}
    for block in trusted or []:
        if block in html:
            token = f"reskb-trusted-{secrets.token_hex(16)}"
            html, held[token] = html.replace(block, token), block
    html = nh3.clean(html, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES, attribute_filter=_no_theme_ids,
                     url_schemes={"http", "https", "mailto"}, link_rel=None, strip_comments=True)
    for token, block in held.items():
        html = html.replace(token, block)
    return html


def _no_theme_ids(tag: str, attribute: str, value: str) -> str | None:
    """Drop an id the theme uses (Material reads its configuration from the first `#__config`). A title loses
    '<' and '>': Material's tooltips (content.tooltips) show it as HTML, so `&lt;img onerror=...&gt;` written
    in a link title or a glossary definition would otherwise run on hover."""
    if attribute == "title":
        return value.replace("<", "").replace(">", "")
    return None if attribute == "id" and is_theme_id(value) else value


def _forget_logged(message: str) -> None:
    """MkDocs logs each build error message once per process (`DuplicateFilter`): in `mkdocs serve` the
    same catalogue error a second time would print only "Aborted with a BuildError!"."""
    for log_filter in logging.getLogger("mkdocs.commands.build").filters:
        if isinstance(getattr(log_filter, "msgs", None), set):
            log_filter.msgs.discard(message)


#: files the plugin adds to every site: the compare page's script and our styles (from src/reskb/assets/)
_ASSETS = {"css": "assets/reskb/compare.css", "js": "assets/reskb/compare.js", "site_js": "assets/reskb/portal.js",
           "site_css": "assets/reskb/portal.css",
           "shim": SHIM}


class _EditBase(config_options.Type):
    """'' or an http(s) address ending in '/'; checked when the configuration loads."""

    def __init__(self) -> None:
        super().__init__(str, default="")

    def run_validation(self, value: object) -> str:
        try:
            return check_edit_base(super().run_validation(value))
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class CatalogueConfig(Config):
    root = config_options.Type(str, default=".")
    #: address that, followed by a record's path (practices/<id>.yaml), opens it in the repository's editor
    edit_url = _EditBase()
    #: similar practices found by search and listed on each practice page (0: only those records name)
    related_practices = config_options.Type(int, default=3)
    #: also build the offline edition (a zip that works from file://) into downloads/, linked from the home page
    offline_edition = config_options.Type(bool, default=False)


class CataloguePlugin(BasePlugin[CatalogueConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.catalogue: Catalogue | None = None
        self.generated: set[str] = set()
        self.edit_urls: dict[str, str] = {}
        self.trusted: dict[str, list[str]] = {}
        self.places: dict[str, Place] = {}
        self.files: Files | None = None
        self._dest_paths: set[str] | None = None
        self.slim_search: SlimSearch | None = None
        #: the site search's note in a large catalogue (search_note.py), or None
        self.search_note: str | None = None
        #: what `mkdocs serve --dirty` keeps between builds to render only the pages an edit changed
        self.incremental = Incremental()
        #: each record page's citations, formatted once per serve session (not across `mkdocs build`s)
        self.cite_memo: dict[str, str] = {}
        #: the similar-practice lists, found in the background between serve builds
        self.related = BackgroundRelated(lambda catalogue: related_practices(catalogue, limit=self.config.related_practices))
        #: a one-off `mkdocs build` (not serve): what no later step reads is let go (build_memory.py)
        self.one_off = False
        #: the edited records' pages first, the pages that list them in the next build (serve --dirty)
        self.preview = Preview()
        #: in `serve --dirty`: Preview.memo.source_key() of the catalogue loaded last
        self.source = ""
        #: a one-off build's pages, and its downloads, each made in a forked process (page_stream.py), or None
        self.stream: PageStream | None = None
        self.download_stream: PageStream | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Its presence keeps this plugin (and its state) alive across the rebuilds of `mkdocs serve`."""
        self.incremental.start(command, dirty)
        self.one_off = command == "build"
        self.cite_memo = {}
        self.related = BackgroundRelated(self.related._compute)
        self.preview = Preview()

    def _root(self, config: MkDocsConfig) -> Path:
        return (Path(config.config_file_path).parent / self.config.root).resolve()

    def _load(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.incremental.active:
            if self.incremental.known:  # this build may show the edited pages first (resumed when it is done)
                self.preview.collector.pause()
            memo = self.preview.memo  # files unchanged since the last build are not parsed or checked again
            memo.begin()
            catalogue, problems = load_catalogue(self._root(config), memo.check_file, memo.check_bibliography)
            memo.end()
            # what the background similar lists compare: the content read, so an edit saved meanwhile differs
            self.source = memo.source_key()
        else:
            catalogue, problems = load_catalogue(self._root(config))
        if has_errors(problems):
            errors = [p.format_text() for p in problems if p.severity == "error"]
            message = f"the catalogue has {len(errors)} error(s); run 'reskb validate' for details:\n" + "\n".join(errors)
            _forget_logged(message)
            raise PluginError(message)
        for problem in problems:
            log.info(problem.format_text())
        if self.incremental.active and self.incremental.known:  # pandoc formats edited records' citations meanwhile
            self.preview.citations.start(self.preview.reread(catalogue), config.site_url or "", self.cite_memo)
        self.catalogue = catalogue
        if self.one_off:
            drop_positions(catalogue)
        # heading ids never take one of the theme's ids (`## __config` would otherwise become id="__config")
        config.mdx_configs.setdefault("toc", {})["slugify"] = slugify
        # reproducible builds: MkDocs dates pages and the sitemap from SOURCE_DATE_EPOCH when it is set,
        # so take the date from the data rather than the clock (unless the caller chose one)
        if "SOURCE_DATE_EPOCH" not in os.environ:
            day = datetime.fromisoformat(catalogue.version_date()).replace(tzinfo=timezone.utc)
            os.environ["SOURCE_DATE_EPOCH"] = str(int(day.timestamp()))
        # our template adds citation metadata; a site's own custom_dir still takes precedence
        theme_dir = str(Path(__file__).parent / "theme")
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, theme_dir)
        # the styles of maps and comparison tables ship with the package (the compare page's script too: that
        # page alone loads it, comparison.py)
        config.extra_css.append(_ASSETS["css"])
        # the portal: site-wide script (card rows on phones) and the "At a glance" definition lists
        config.extra_css.append(_ASSETS["site_css"])
        config.extra_javascript.append(config_options.ExtraScriptValue(_ASSETS["site_js"]))
        config.extra_javascript[-1].defer = True
        # a large catalogue: the site search says what it leaves out (search_note.py)
        self.search_note = search_note_script(len(catalogue.practices), config.use_directory_urls)
        if self.search_note:
            config.extra_javascript.append(config_options.ExtraScriptValue(SEARCH_NOTE))
            config.extra_javascript[-1].defer = True
        # what generated pages are written in: definition lists ("At a glance"), and content tabs with code
        # blocks inside ("Cite this page" in several styles)
        for extension, options in (("def_list", {}), ("pymdownx.superfences", {}),
                                   ("pymdownx.tabbed", {"alternate_style": True})):
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
                config.mdx_configs.setdefault(extension, options)
        return config

    @event_priority(-100)  # after Material's offline plugin has added its shim
    def _local_shim(self, config: MkDocsConfig) -> None:
        if config.extra.get("polyfills"):
            config.extra["polyfills"] = use_local_shim(config.extra["polyfills"])

    on_config = CombinedEvent(_load, _local_shim)

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.catalogue is not None
        self.preview.citations.wait()  # the citation memo is complete before any page is made
        if proper_nouns.lexicon() is None:
            log.warning(proper_nouns.missing_lists_warning())
        titles = {f.src_uri: _title_of(f.content_string, f.src_uri) for f in files.documentation_pages()}
        catalogue, site_url = self.catalogue, config.site_url or ""
        self._close_stream()  # one left by a build stopped with Ctrl-C, in a program that builds again
        if self.one_off and PageStream.available():  # pages made in a child while MkDocs renders (page_stream.py)
            format_citations(catalogue)  # once, before forking: every process reads the formatted citations
            self.stream = self._page_stream(catalogue, site_url, titles)
            self.download_stream = self._download_stream(catalogue, site_url) if self.stream is not None else None
            for stream in (self.stream, self.download_stream):  # every child forked: now the threads may start
                if stream is not None:
                    stream.read_ahead()
        if self.stream is None:
            pages, downloads = self._made_here(config, files, titles)
        else:
            pages = dict.fromkeys(self.stream.paths, "")
            if self.download_stream is None:
                downloads = build_downloads(catalogue, site_url)
            else:  # the rest of the downloads are added once made (on_env)
                downloads = dict.fromkeys(self.download_stream.paths, "")
        generated = {**pages, **downloads, **site_files()}
        for path, content in generated.items():
            _check_free(files, path)
            if self.stream is not None and path in pages:
                files.append(self.stream.file(config, path))
            elif self.download_stream is not None and path in downloads:
                files.append(self.download_stream.file(config, path))
            else:
                files.append(GeneratedFile.generated(config, path, content=content))
        for path in _ASSETS.values():
            content = resources.files("reskb.site").joinpath(path.replace("assets/reskb/", "assets/")).read_text(encoding="utf-8")
            files.append(GeneratedFile.generated(config, path, content=content))
        if self.search_note:
            files.append(GeneratedFile.generated(config, SEARCH_NOTE, content=self.search_note))
        self.generated = set(pages)
        base = self.config.edit_url
        self.edit_urls = {record_path(r): edit_url(r, base) for r in self.catalogue.all_records()} if base else {}
        self.trusted = trusted_blocks(self.catalogue)
        # record pages go into the site search by title and summary (site_search.py)
        self.slim_search = SlimSearch(config.plugins, self.catalogue,
                                      {record_path(r): r for r in self.catalogue.all_records()}, self.generated)
        self.files = files
        self._dest_paths = None
        return files

    def _related(self) -> dict[str, list[str]]:
        assert self.catalogue is not None
        if self.config.related_practices <= 0:
            return {}
        return related_practices(self.catalogue, limit=self.config.related_practices)

    def _page_stream(self, catalogue: Catalogue, site_url: str, titles: dict[str, str]) -> PageStream | None:
        """The pages, with their edit links, made by a forked child (page_stream.py); None if it could not start.

        The child starts on the pages at once: pandoc formats the page citations on threads, in parts, while the
        pages are made (a record page waits only for its own part), and each similar-practice list is found when
        its page is made (RelatedLists)."""
        made: dict[str, Any] = {}

        def prepare() -> None:  # in the child
            made["citations"] = CitationsInParts(catalogue.all_records(), site_url, self.cite_memo)
            made["related"] = (RelatedLists(catalogue, limit=self.config.related_practices)
                               if self.config.related_practices > 0 else {})

        def builder() -> PageBuilder:
            texts = {style: made["citations"].texts(style) for style in STYLES}
            return PageBuilder(catalogue, site_url, titles, made["related"], self.cite_memo, cite_texts=texts)

        plan = page_plan(catalogue, builder)
        base = self.config.edit_url
        if base:
            records = {record_path(r): r for r in catalogue.all_records()}
            plan = [(path, partial(_edited, make, records[path], base) if path in records else make)
                    for path, make in plan]

        def finish() -> None:  # the parts of the page citations not begun, when a page failed
            if "citations" in made:
                made["citations"].close()

        return PageStream.start(plan, prepare, finish)

    def _download_stream(self, catalogue: Catalogue, site_url: str) -> PageStream | None:
        """The downloads, made by a second child at a lower priority: MkDocs copies them only after reading every
        page, so they are made while it renders rather than before. Those a page may link to are known first."""
        return PageStream.start_made(download_paths(catalogue), lambda: build_downloads(catalogue, site_url).items(),
                                     lambda: os.nice(10), "downloads")

    def _made_here(self, config: MkDocsConfig, files: Files,
                   titles: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
        """The pages and downloads made in this process: `mkdocs serve` (only what an edit changed), or a build
        without a child to make them."""
        catalogue, site_url = self.catalogue, config.site_url or ""
        assert catalogue is not None
        if self.incremental.active:
            related = self.related.get(catalogue, self.source) if self.config.related_practices > 0 else {}
        else:  # from the catalogue in memory: no cache is read or written
            related = self._related()

        def everything() -> tuple[dict[str, str], dict[str, str]]:
            pages = with_edit_links(build_pages(catalogue, site_url, titles, related, self.cite_memo), catalogue,
                                    self.config.edit_url)
            return pages, build_downloads(catalogue, site_url)

        if not self.incremental.active:
            return everything()
        pages, downloads = self.preview.generate(
            catalogue, self._context(config, files, related),
            lambda: PageBuilder(catalogue, site_url, titles, related, self.cite_memo), everything,
            self.config.edit_url, self.incremental.known)
        if not self.preview.partial:
            self.preview.collector.resume()
        return pages, downloads

    def _context(self, config: MkDocsConfig, files: Files, related: dict[str, list[str]]) -> tuple[object, ...]:
        """What the generated files depend on besides the record files' content (Preview compares it)."""
        assert self.catalogue is not None
        settings = Path(config.config_file_path).read_bytes() if config.config_file_path else b""
        hand_written = {f.src_uri: f.content_string for f in files.documentation_pages()}
        return (settings, config.site_url, dict(self.config), hand_written, related, self.preview.memo.bib_key,
                sorted((r.path, r.kind, r.id) for r in self.catalogue.all_records()),
                sorted((key, sorted(pages)) for key, pages in self.catalogue.docs_citations.items()))

    def on_nav(self, nav, config: MkDocsConfig, files: Files):  # type: ignore[no-untyped-def]
        """Record pages stay out of the navigation, but each gets the tab of the list it belongs to: its page's
        parent is that list's place in the navigation (MkDocs marks a page's parents active while it renders)."""
        assert self.catalogue is not None
        self.places = places(self.catalogue, [(g.page, g.title) for g in groups(self.catalogue)])
        in_nav = {page.file.src_uri: page for page in nav.pages}
        for path, place in self.places.items():
            file, home = files.get_file_from_path(path), in_nav.get(place.home)
            if file is not None and file.page is not None and home is not None and file.page not in nav.pages:
                file.page.parent = home.parent or home
        self.incremental.mark(files, self.generated, self.places, self.edit_urls, config, not self.preview.partial)
        if self.one_off:
            freeze_long_lived()
        return nav

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Hand-written pages cite like records do: author-date links and a reference list at the end."""
        if page.file.src_uri in self.generated:  # made of contributor text: no snippet may paste a file into it
            if self.one_off:
                release_page_source(page.file)
            return escape_snippets(markdown)
        if self.catalogue is None:
            return markdown
        markdown = expand_field_reference(markdown)
        markdown = expand_home(markdown, self.catalogue, config.use_directory_urls, self.config.offline_edition)
        keys = [k for k in cited_keys(markdown) if k in self.catalogue.references]
        if not keys:
            return markdown
        builder = PageBuilder(self.catalogue, config.site_url or "")
        references = escape_snippets(builder.references_section(page.file.src_uri, keys))
        return builder.formatter.render(markdown) + "\n\n" + references + "\n"

    def on_env(self, env, config: MkDocsConfig, files: Files):  # type: ignore[no-untyped-def]
        """Escape every page's title and description once, before any page is written: a record page's footer
        shows its neighbours' titles, which would otherwise be escaped or not depending on which was written
        first (and in a dirty rebuild, a neighbour is not read at all)."""
        for file in files.documentation_pages():
            if file.page is not None:
                _escape_meta(file.page)
        if self.download_stream is not None:  # the downloads that only scripts fetch, known once made
            late = []
            for path, content in self.download_stream.rest().items():
                _check_free(files, path)
                late.append(GeneratedFile.generated(config, path, content=content))
            set_exclusions(late, config)
            for file in late:
                files.append(file)
        self.incremental.restore(files)
        if self.incremental.active:  # the theme's templates are compiled once per serve session, not per build
            env.bytecode_cache = self.preview.templates
        return env

    def on_page_context(self, context, page: Page, config: MkDocsConfig, nav):  # type: ignore[no-untyped-def]
        """The theme's edit button on a record page opens its YAML file, not the generated Markdown."""
        if self.slim_search is not None:
            self.slim_search.after(page)
        if page.file.src_uri in self.edit_urls:
            page.edit_url = self.edit_urls[page.file.src_uri]
        place = self.places.get(page.file.src_uri)
        if place is not None and self.files is not None:
            def page_at(path: str | None) -> Page | None:
                file = self.files.get_file_from_path(path) if path else None
                return file.page if file is not None else None

            page.previous_page, page.next_page = page_at(place.previous), page_at(place.next)
            crumbs = [(title, page_at(path)) for title, path in place.crumbs]
            context["reskb_crumbs"] = [(title, target.url) for title, target in crumbs if target is not None]
        _escape_meta(page)
        return context

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.download_stream is not None:  # the downloads as they come: their child then ends long before on_env
            self.download_stream.drain()
        if self.slim_search is not None:  # record pages (and, in a large catalogue, lists) by title and summary
            self.slim_search.before(page)
        if page.file.src_uri in self.generated:
            return sanitise(html, self.trusted.get(page.file.src_uri, []))
        return html

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """Without directory URLs (the offline edition), folder links in our raw HTML point at .html files."""
        if config.use_directory_urls or self.files is None:
            return output
        if self._dest_paths is None:
            self._dest_paths = {f.dest_uri for f in self.files}
        return file_links(output, page.file.dest_uri, self._dest_paths)

    def on_post_build(self, config: MkDocsConfig) -> None:
        unfreeze()
        self._close_stream()
        if not self.preview.partial:  # after showing edited pages, the follow-up build resumes it (on_files)
            self.preview.collector.resume()
        if self.files is not None:
            self.incremental.finish(config, self.files)
            if self.incremental.active:
                log.info(self.preview.finished())
            if self.incremental.active and self.preview.pending:  # the pages that list the edited records:
                request_rebuild(self.related.server)  # at once, in a full build; the similar lists after it
            else:
                self.related.start()
        if self.config.offline_edition:
            try:
                path = build_zip(config.config_file_path, config.site_dir)
            except RuntimeError as exc:
                raise PluginError(str(exc)) from None
            log.info(f"offline edition: {path}")

    def on_shutdown(self) -> None:
        self._close_stream()

    def on_build_error(self, error: Exception) -> None:
        unfreeze()
        self._close_stream()
        self.preview.citations.wait()
        self.preview.collector.resume()
        self.incremental.failed()
        self.preview.failed()

    def _close_stream(self) -> None:
        for stream in (self.stream, self.download_stream):
            if stream is not None:
                stream.close()
        self.stream = self.download_stream = None

    def on_serve(self, server, config: MkDocsConfig, builder):  # type: ignore[no-untyped-def]
        self.related.server = server
        root = self._root(config)
        for folder in (*FOLDERS.values(), "bibliography"):
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        return server


def _check_free(files: Files, path: str) -> None:
    if files.get_file_from_path(path) is not None:
        what = "page" if path.endswith(".md") else "download"
        raise PluginError(f"docs/{path} clashes with a generated {what}; rename or remove it")


def _edited(make: Callable[[], str], record: Record, base: str) -> str:
    return with_edit_link(make(), record, base)


def _escape_meta(page: Page) -> None:
    """Material writes these into <meta content="..."> and <title> without escaping (autoescape is off);
    markupsafe's Markup is escaped once and never again, whichever hook sees it next."""
    for key in ("description", "title"):
        if isinstance(page.meta.get(key), str):
            page.meta[key] = markupsafe.escape(page.meta[key])


def _title_of(markdown: str, fallback: str) -> str:
    for line in markdown.splitlines():
        if line.startswith("title:"):
            return line[6:].strip().strip("'\"")
        if line.startswith("# "):
            return line[2:].strip()
    return fallback
