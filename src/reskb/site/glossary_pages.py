"""Glossary terms (`glossary/<id>.yaml`; their checks: records/glossary.py): the glossary page, and the
first use of each term on a record page linked to its definition, with the definition as hover text.

Linking works on the generated Markdown of a page, line by line: it leaves out the front matter,
headings, code, existing links and citations, HTML, attribute lists, and everything from the page's
reference list on. The hover text is the definition reduced to plain text and stripped of every
character that could end a Markdown link title; Python-Markdown escapes it into the `title` attribute.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from ..citations.plaintext import plain_text
from ..labels import GLOSSARY_LABELS as WORDS
from ..labels import HEADINGS
from ..records.catalogue import Catalogue, Record
from ..records.glossary import forms
from .markdown import front_matter, link, md_escape, record_path, rel

if TYPE_CHECKING:
    from .pages import PageBuilder

INDEX_PAGE = "glossary/index.md"
DATA_JSON = "data/glossary.json"
_TITLE_CHARS = 240
#: bracketed text as Markdown reads it: escaped characters (`\]` from a title) and one level of nested brackets
_BRACKETED = r"\[(?:\\.|[^\\\[\]]|\[(?:\\.|[^\\\[\]])*\])*\]"
#: a link target, with one level of parentheses inside (`https://example.org/a_(b)/c`)
_TARGET = r"\((?:[^()]|\([^()]*\))*\)"
#: spans of a Markdown line that are never linked: escaped characters (so that no span starts at an escaped
#: `[`), inline code, links and images (with their text), bracketed text such as citations, HTML tags and
#: autolinks, attribute lists, bare addresses
_PROTECTED = re.compile(r"\\.|`+[^`]*`+|!?" + _BRACKETED + _TARGET + "|" + _BRACKETED
                        + r"|<[^>]*>|\{:[^}]*\}|https?://\S+")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")  # the line under a heading written as "Title\n====="


# --- linking -------------------------------------------------------------------------------


def hover_text(record: Record, catalogue: Catalogue) -> str:
    """The definition as one line of plain text fit for a Markdown link title."""
    text = plain_text(record.data["definition"], catalogue.references)
    text = re.sub(r"[\"()\[\]\\<>`*_|{}]", "", " ".join(text.split()))
    return text if len(text) <= _TITLE_CHARS else text[:_TITLE_CHARS].rsplit(" ", 1)[0] + " …"


class TermLinker:
    """Links the first use of each term on a page; built once per catalogue."""

    def __init__(self, catalogue: Catalogue):
        self.targets: dict[str, Record] = {}
        for record in catalogue.glossary.values():
            for form in forms(record):
                self.targets.setdefault(" ".join(form.split()).casefold(), record)
        self.hover = {r.id: hover_text(r, catalogue) for r in catalogue.glossary.values()}
        alternatives = sorted(self.targets, key=len, reverse=True)  # longest first: "risk-need-responsivity model"
        self.pattern = re.compile(
            r"(?<![\w-])(" + "|".join(r"\s+".join(re.escape(w) for w in a.split()) for a in alternatives) + r")(?![\w-])",
            re.IGNORECASE) if alternatives else None

    def link_page(self, markdown: str, page: str, skip: str = "") -> str:
        """The page with the first use of each term linked (never the term `skip`, the page's own)."""
        if self.pattern is None:
            return markdown
        seen = {skip} if skip else set()
        lines = markdown.split("\n")
        in_front = bool(lines) and lines[0] == "---"
        fence = ""

        def replace(match: re.Match[str]) -> str:
            # the pattern ignores case more widely than casefold() ('İ', 'ı' match 'i'): such a match has no record
            record = self.targets.get(" ".join(match.group(1).split()).casefold())
            if record is None or record.id in seen or _in_proper_name(match):
                return match.group(0)
            seen.add(record.id)
            return f'[{match.group(1)}]({rel(page, f"glossary/{record.id}.md")} "{self.hover[record.id]}")'

        for i, line in enumerate(lines):
            if in_front:
                in_front = not (i > 0 and line == "---")
                continue
            if fence:
                fence = "" if line.strip().startswith(fence) else fence
                continue
            if match := _FENCE.match(line):
                fence = match.group(1)
                continue
            if line.startswith(f"## {HEADINGS['references']}") or line.startswith("## Cite this page"):
                break  # the reference list and the citation footer
            underlined = line.strip() and i + 1 < len(lines) and _SETEXT.match(lines[i + 1])
            if line.lstrip().startswith(("#", "<", "{:")) or underlined:
                continue  # headings (also those underlined with = or -), HTML, attribute lists
            out, last = [], 0
            for span in _PROTECTED.finditer(line):
                out += [self.pattern.sub(replace, line[last:span.start()]), span.group(0)]
                last = span.end()
            out.append(self.pattern.sub(replace, line[last:]))
            lines[i] = "".join(out)
        return "\n".join(lines)


def _in_proper_name(match: re.Match[str]) -> bool:
    """'Desistance and Disengagement Programme' names a programme: a capitalised match followed by more
    capitalised words (directly or after 'and', 'of', 'for') is part of a name, not a use of the term."""
    return match.group(1)[0].isupper() and bool(_NAME_GOES_ON.match(match.string, match.end()))


_NAME_GOES_ON = re.compile(r"\s+(?:(?:and|of|for|&)\s+)?[A-Z]")


# --- pages ---------------------------------------------------------------------------------


def term_page(builder: PageBuilder, record: Record) -> str:
    from .record_citation import highwire_tags, json_ld

    page, data, cat = record_path(record), record.data, builder.cat
    summary = plain_text(data["definition"], cat.references)
    refs = [cat.references[k].text for k in record.cited if k in cat.references]
    # in site search a term shows as such and ranks after the practices, challenges and topics (issue 15)
    out = [front_matter(record.title, summary, search={"boost": 1}, tags=["Glossary term"],
                        highwire=[list(t) for t in highwire_tags(record, builder.site_url)],
                        jsonld=json_ld(record, builder.site_url, summary, [], refs)),
           f"# {md_escape(record.title)}", "", builder.text(data["definition"]), ""]
    if data.get("aliases"):
        out += [f"{WORDS['aliases']}: " + ", ".join(md_escape(a) for a in data["aliases"]), ""]
    topics = [cat.topics[t] for t in data.get("related_topics", []) if t in cat.topics]
    if topics:
        out += [f"## {WORDS['related_topics']}", "", *(f"- {link(page, t)}" for t in topics), ""]
    out += [f"[{WORDS['all_terms']}]({'index.md'})", "", builder.reference_list(page, record), builder.footer(record)]
    return "\n".join(out)


def index_page(builder: PageBuilder) -> str:
    cat = builder.cat
    title, intro = WORDS["title"], WORDS["intro"]
    out = [front_matter(title, intro), f"# {title}", "", intro, ""]
    terms = sorted(cat.glossary.values(), key=lambda r: r.title.casefold())
    if not terms:
        return "\n".join([*out, "_No terms yet._", ""])
    for record in terms:
        aliases = record.data.get("aliases") or []
        also = f" ({WORDS['aliases'].lower()}: {', '.join(md_escape(a) for a in aliases)})" if aliases else ""
        out += [f"## {md_escape(record.title)} {{: #{record.id} }}", "",
                builder.text(" ".join(record.data["definition"].split()), INDEX_PAGE) + also, "",
                f"[More on {md_escape(record.title)}]({record.id}.md)", ""]
    return "\n".join(out)


def glossary_json(catalogue: Catalogue, site_url: str = "/") -> str:
    terms: list[dict[str, Any]] = [{
        "id": r.id, "term": r.title, "aliases": list(r.data.get("aliases", [])),
        "definition": plain_text(r.data["definition"], catalogue.references),
        "related_topics": list(r.data.get("related_topics", [])), "references": r.cited,
        "url": urljoin(site_url or "/", f"glossary/{r.id}/"),
    } for r in sorted(catalogue.glossary.values(), key=lambda r: r.id)]
    return json.dumps(terms, ensure_ascii=False, indent=1) + "\n"
