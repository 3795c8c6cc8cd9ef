"""The MkDocs plugin: a thin adapter that loads and validates the catalogue once, adds the
generated pages and sanitises their HTML. Everything else lives in modules MkDocs does not know."""

from __future__ import annotations

import logging
from pathlib import Path

import nh3
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from .catalogue import FOLDERS, Catalogue
from .citations import cited_keys
from .pages import PageBuilder, build_downloads, build_pages
from .search import related_practices
from .validate import has_errors, load_catalogue

log = logging.getLogger("mkdocs.plugins.reskb")

_ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"details", "summary", "span", "div", "button", "figure", "figcaption"}
_ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir", "aria-label", "aria-hidden", "role", "tabindex"},
    "a": {"href", "hreflang"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "details": {"open"},
}


def sanitise(html: str) -> str:
    """Strip anything executable from rendered contributor content (defence in depth behind the validator)."""
    return nh3.clean(html, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel=None, strip_comments=True)


class CatalogueConfig(Config):
    root = config_options.Type(str, default=".")
    #: similar practices found by search and listed on each practice page (0: only those records name)
    related_practices = config_options.Type(int, default=3)


class CataloguePlugin(BasePlugin[CatalogueConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.catalogue: Catalogue | None = None
        self.generated: set[str] = set()

    def _root(self, config: MkDocsConfig) -> Path:
        return (Path(config.config_file_path).parent / self.config.root).resolve()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        catalogue, problems = load_catalogue(self._root(config))
        if has_errors(problems):
            errors = [p.format_text() for p in problems if p.severity == "error"]
            raise PluginError(f"the catalogue has {len(errors)} error(s); run 'reskb validate' for details:\n"
                              + "\n".join(errors))
        for problem in problems:
            log.info(problem.format_text())
        self.catalogue = catalogue
        # our template adds citation metadata; a site's own custom_dir still takes precedence
        theme_dir = str(Path(__file__).parent / "theme")
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, theme_dir)
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.catalogue is not None
        titles = {f.src_uri: _title_of(f.content_string, f.src_uri) for f in files.documentation_pages()}
        related = related_practices(self.catalogue, limit=self.config.related_practices) \
            if self.config.related_practices > 0 else {}
        pages = build_pages(self.catalogue, config.site_url or "", titles, related)
        generated = {**pages, **build_downloads(self.catalogue, config.site_url or "")}
        for path, content in generated.items():
            if files.get_file_from_path(path) is not None:
                raise PluginError(f"docs/{path} clashes with a generated page; rename or remove it")
            files.append(File.generated(config, path, content=content))
        self.generated = set(pages)
        return files

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Hand-written pages cite like records do: author-date links and a reference list at the end."""
        if page.file.src_uri in self.generated or self.catalogue is None:
            return markdown
        keys = [k for k in cited_keys(markdown) if k in self.catalogue.references]
        if not keys:
            return markdown
        builder = PageBuilder(self.catalogue, config.site_url or "")
        return builder.text(markdown) + "\n\n" + builder.references_section(page.file.src_uri, keys) + "\n"

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        if page.file.src_uri in self.generated:
            return sanitise(html)
        return html

    def on_serve(self, server, config: MkDocsConfig, builder):  # type: ignore[no-untyped-def]
        root = self._root(config)
        for folder in (*FOLDERS.values(), "bibliography"):
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        return server


def _title_of(markdown: str, fallback: str) -> str:
    for line in markdown.splitlines():
        if line.startswith("title:"):
            return line[6:].strip().strip("'\"")
        if line.startswith("# "):
            return line[2:].strip()
    return fallback
