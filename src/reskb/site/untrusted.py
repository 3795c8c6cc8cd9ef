"""Contributor text made inert before it enters a page: whatever the validator missed stays text.

The site's Markdown extensions serve the hand-written pages (trusted, reviewed by a maintainer):
`attr_list` sets ids, classes and any attribute; `pymdownx.snippets` pastes files from the
checkout; fence headers and admonitions set classes. Record fields and BibTeX pass through the same
Markdown, so each such syntax is neutralised here, in a way that leaves the text as it reads:
an escaped `{` still shows `{`, an escaped snippet marker still shows `--8<--`.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from markdown.extensions.toc import slugify as _toc_slugify

from ..citations.syntax import _code_spans

#: a snippet marker at the start of a line (pymdownx.snippets reads it even inside code blocks);
#: snippets shows `;--8<--` as `--8<--`, so one more `;` keeps what the line shows
_SNIPPET_LINE = re.compile(r"^([ \t]*)(;*)(-+8<-+)", re.MULTILINE)
#: an opening code fence and its info string (language, then `{attributes}` or `key=value` options)
_FENCE_LINE = re.compile(r"^( {0,3})(`{3,}|~{3,})([^\n]*)$", re.MULTILINE)
#: admonitions and collapsible blocks (`!!! type "title"`, `??? type`): their type becomes a class
_ADMONITION = re.compile(r"^([ \t]*)(!!!|\?\?\?\+?)", re.MULTILINE)
#: a `{` after an even number of backslashes: `\\{` is already text, `\\\\{` is a backslash and a brace
_UNESCAPED_BRACE = re.compile(r"(?<!\\)((?:\\\\)*)\{")
_LANGUAGE = re.compile(r"[\w+#.-]*")


def escape_snippets(markdown: str) -> str:
    """Every snippet marker shown as text instead of pasting a file."""
    return _SNIPPET_LINE.sub(lambda m: f"{m.group(1)};{m.group(2)}{m.group(3)}", markdown)


def inert_markdown(markdown: str) -> str:
    """Contributor Markdown that can set no attribute and paste no file: `{` escaped outside code
    (attr_list), fence headers reduced to their language, admonition markers escaped."""

    def prose(part: str) -> str:
        part = _UNESCAPED_BRACE.sub(lambda m: m.group(1) + "\\{", part)
        return _ADMONITION.sub(lambda m: m.group(1) + "\\" + m.group(2), part)

    def fence_header(match: re.Match[str]) -> str:
        info = match.group(3).strip()
        language = _LANGUAGE.match(info.lstrip("{ .")).group(0) if info else ""
        return f"{match.group(1)}{match.group(2)}{language}"

    out, last = [], 0
    for start, end in _code_spans(markdown):
        out += [prose(markdown[last:start]), _FENCE_LINE.sub(fence_header, markdown[start:end], count=1)]
        last = end
    out.append(prose(markdown[last:]))
    return escape_snippets("".join(out))


def markdown_url(url: str) -> str:
    """A link target for Markdown `[text](url)`: characters that could end the target or start
    attribute syntax are percent-encoded (the validator already allows only http(s) addresses)."""
    return quote(url, safe="/:?#&=%+@,;!$*'~-._")


def attribute(value: str) -> str:
    """Text for an HTML attribute value in a template that does not escape."""
    return html.escape(value, quote=True)


_TABBED_ID = re.compile(r"__tabbed_\d+_\d+")


def is_theme_id(value: str) -> bool:
    """Material's own element ids (`__config`, `__search`, `__drawer`, `__nav_1`...) all start with '__';
    the theme reads its configuration from the first `#__config` on the page. The content tabs' own ids
    (`__tabbed_1_2`, numbered by pymdownx.tabbed, which "Cite this page" uses) tie each tab to its label."""
    return value.startswith("__") and not _TABBED_ID.fullmatch(value)


def slugify(value: str, separator: str) -> str:
    """Heading ids as Python-Markdown makes them, never one the theme uses (a heading '__config')."""
    return _toc_slugify(value, separator).lstrip("_") or "section"
