"""pandoc, run as a program (the `pypandoc-binary` wheel ships it), and its document tree turned into
our Markdown, HTML or plain text.

We never insert pandoc's own HTML or Markdown: every piece of text is escaped here, links keep only
http(s) addresses (and our own `#ref-` anchors), so nothing from a .bib file can become markup.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pypandoc


class PandocError(RuntimeError):
    pass


@cache
def pandoc_path() -> str:
    return pypandoc.get_pandoc_path()


def run(args: list[str], stdin: str) -> str:
    result = subprocess.run([pandoc_path(), *args], input=stdin.encode("utf-8"), capture_output=True, check=False)
    if result.returncode != 0:
        raise PandocError(result.stderr.decode("utf-8", "replace").strip()[:2000])
    return result.stdout.decode("utf-8")


def bibtex_to_csl(bibtex: str) -> list[dict]:
    """CSL-JSON items of BibTeX/biblatex text, read by pandoc's biblatex reader (date=, crossref, LaTeX...)."""
    if not bibtex.strip():
        return []
    return json.loads(run(["-f", "biblatex", "-t", "csljson"], bibtex))


def citeproc(markdown: str, items: list[dict], style: Path, workdir: Path) -> dict:
    """Run citeproc over a Markdown document citing `items`; returns pandoc's document tree."""
    bibliography = workdir / "items.json"
    bibliography.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    args = ["-f", "markdown", "-t", "json", "--citeproc", f"--bibliography={bibliography}", f"--csl={style}"]
    return json.loads(run(args, markdown))


# --- the document tree -------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!{}])")
#: references are HTML placed in Markdown pages: characters Markdown would read as syntax become entities
_MD_IN_HTML = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_[]|#!{}~^"})
_QUOTES = {"DoubleQuote": ("“", "”"), "SingleQuote": ("‘", "’")}
_REF_LINK = re.compile(r"^#ref-(.+)$")


def safe_url(url: str) -> str:
    return url if re.match(r"^https?://[^\s<>\"']+$", url) else ""


class Writer:
    """Inlines of pandoc's tree as one output format. `link(key, inner)` writes a citation's link to
    reference `key`; other links are kept only for http(s) addresses."""

    def __init__(self, fmt: str, link: Callable[[str, str], str] | None = None):
        self.fmt = fmt
        self.link = link

    def text(self, value: str) -> str:
        if self.fmt == "html":
            return html.escape(value, quote=False).translate(_MD_IN_HTML)
        if self.fmt == "markdown":
            return _MD_SPECIAL.sub(r"\\\1", value)
        return value

    def wrap(self, tag: str, marker: str, inner: str) -> str:
        if self.fmt == "html":
            return f"<{tag}>{inner}</{tag}>"
        if self.fmt == "markdown" and inner.strip():
            return f"{marker}{inner}{marker}"
        return inner

    def inlines(self, items: list[dict]) -> str:
        return "".join(self.inline(item) for item in items)

    def inline(self, item: dict) -> str:  # noqa: PLR0911 (one branch per node type)
        kind, content = item["t"], item.get("c")
        if kind == "Str":
            return self.text(content)
        if kind in ("Space", "SoftBreak", "LineBreak"):
            return " "
        if kind == "Emph":
            return self.wrap("em", "*", self.inlines(content))
        if kind == "Strong":
            return self.wrap("strong", "**", self.inlines(content))
        if kind in ("Span", "SmallCaps", "Underline", "Strikeout", "Superscript", "Subscript"):
            return self.inlines(content[1] if kind == "Span" else content)
        if kind == "Quoted":
            left, right = _QUOTES[content[0]["t"]]
            return left + self.inlines(content[1]) + right
        if kind == "Cite":
            return self.inlines(content[1])
        if kind in ("Code", "Math"):
            return self.text(content[1])
        if kind == "Link":
            inner, target = self.inlines(content[1]), content[2][0]
            cited = _REF_LINK.match(target)
            if cited and self.link:
                return self.link(cited.group(1), inner)
            url = safe_url(target)
            if not url or self.fmt == "text":
                return inner
            if self.fmt == "html":
                return f'<a href="{html.escape(url, quote=True)}">{inner}</a>'
            return f"[{inner}]({url.replace('(', '%28').replace(')', '%29')})"
        return ""  # RawInline, Note, Image: nothing from them is shown


def blocks_text(blocks: list[dict], writer: Writer) -> str:
    """Paragraphs of a Div as one line of text."""
    parts = []
    for block in blocks:
        if block["t"] in ("Para", "Plain"):
            parts.append(writer.inlines(block["c"]))
        elif block["t"] == "Div":
            parts.append(blocks_text(block["c"][1], writer))
    return " ".join(p.strip() for p in parts if p.strip())


def divs(tree: dict) -> dict[str, list[dict]]:
    """Every Div of the tree by its id (nested ones included): our groups and citeproc's `ref-<key>`."""
    found: dict[str, list[dict]] = {}

    def walk(blocks: list[dict]) -> None:
        for block in blocks:
            if block["t"] == "Div":
                ident = block["c"][0][0]
                if ident:
                    found[ident] = block["c"][1]
                walk(block["c"][1])

    walk(tree["blocks"])
    return found
