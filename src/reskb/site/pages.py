"""Generated pages as plain Markdown: catalogue -> {path: Markdown}, independent of MkDocs.

Writing these pages to a folder is all another site generator needs. Contributor text is
Markdown already checked by the validator; plain-text fields (titles, names) are escaped here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache, partial
from typing import TYPE_CHECKING

from ..citations import STYLE_NAMES, STYLES, Reference, anchor
from ..citations.exports import REFERENCE_FILES, reference_downloads
from ..labels import FIELD_LABELS, HEADINGS, label
from ..records.catalogue import Catalogue, Record, country_name, region_name
from . import comparison, countries, listing
from . import curation_marks as curation
from . import evaluation_pages as evaluations
from . import glossary_pages as glossary
from .badges import by_title, evidence_text, status_text, under_title
from .csv_export import PRACTICES_CSV, csv_downloads
from .markdown import (
    SECTION_KINDS,
    cell,
    cite_path,
    country_link,
    country_path,
    fence,
    front_matter,
    link,
    md_escape,
    plain_summary,
    record_path,
    rel,
)
from .provenance import RECENT_PATH, recent_page
from .record_citation import (
    CHUNK,
    citation_bibtex,
    citation_csl_json,
    citation_ris,
    citation_texts_memo,
    highwire_tags,
    json_ld,
)
from .untrusted import inert_markdown

if TYPE_CHECKING:
    from ..citations.formatter import Formatter


def format_citations(catalogue: Catalogue) -> Formatter:
    """The catalogue's formatter, with every reference and every citation group of every record formatted (in
    one pandoc run, the first time)."""
    assert catalogue.formatter is not None, "load the catalogue with validate.load_catalogue"
    if not catalogue.formatter.bibliography_done:
        catalogue.formatter.prepare(text for record in catalogue.all_records() for _, text in record.markdown_texts())
    return catalogue.formatter


def page_citations(records: list[Record], site_url: str, memo: dict[str, str] | None) -> dict[str, dict[str, str]]:
    """style -> record id -> the record page's citation, in each of STYLES (CitationsInParts, waited for)."""
    parts = CitationsInParts(records, site_url, memo)
    try:
        return {style: dict(parts.texts(style)) for style in STYLES}
    finally:
        parts.close()


#: records in the first part of CitationsInParts: few, so that the first record page waits little
FIRST_PART = 200


class CitationsInParts:
    """page_citations, made meanwhile: pandoc formats the records in parts, in their order (the first part
    small, the others of CHUNK records), every style of a part before the next part, two runs at a time.
    texts(style)[record id] waits only for that record's part. Each record is cited alone, so a part's texts
    are those one run over every record gives."""

    def __init__(self, records: list[Record], site_url: str, memo: dict[str, str] | None):
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="reskb-cite")
        self._parts: dict[str, dict[str, Future[dict[str, str]]]] = {style: {} for style in STYLES}
        starts = [0, *range(FIRST_PART, len(records), CHUNK)]
        for start, end in zip(starts, [*starts[1:], len(records)], strict=True):
            part = records[start:end]
            for style in STYLES:
                made = self._pool.submit(citation_texts_memo, part, site_url or "/", style, memo)
                self._parts[style].update((record.id, made) for record in part)

    def texts(self, style: str) -> Mapping[str, str]:
        return _PartTexts(self._parts[style])

    def close(self) -> None:
        """Drop the parts not begun (a build that stopped needs none of them)."""
        self._pool.shutdown(wait=False, cancel_futures=True)


class _PartTexts(Mapping[str, str]):
    def __init__(self, parts: dict[str, Future[dict[str, str]]]):
        self._parts = parts

    def __getitem__(self, record_id: str) -> str:
        return self._parts[record_id].result()[record_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._parts)

    def __len__(self) -> int:
        return len(self._parts)


class PageBuilder:
    def __init__(self, catalogue: Catalogue, site_url: str = "", docs_titles: dict[str, str] | None = None,
                 related: Mapping[str, list[str]] | None = None, cite_memo: dict[str, str] | None = None,
                 cite_texts: Mapping[str, Mapping[str, str]] | None = None):
        self.cat = catalogue
        if cite_texts is not None:  # page_citations, made already (page_stream.py makes them meanwhile)
            self.__dict__["_cite_texts"] = cite_texts
        #: page citations already formatted, kept by `mkdocs serve` between builds (None: no memory)
        self.cite_memo = cite_memo
        self.site_url = site_url or "/"
        self.docs_titles = docs_titles or {}
        #: practice id -> similar practices found by search, listed after those the records name
        self.related = related or {}
        self.formatter = format_citations(catalogue)

    # --- shared pieces ---------------------------------------------------------------------

    def text(self, markdown: str, elsewhere: str = "") -> str:
        """Contributor Markdown with citations as links to this page's reference list, or, for text
        shown on another page (`elsewhere` is that page), to the bibliography."""
        if not elsewhere:
            return inert_markdown(self.formatter.render(markdown))
        target = rel(elsewhere, "bibliography.md").replace("{", "{{").replace("}", "}}") + "#{key}"
        return inert_markdown(self.formatter.render(markdown, target))

    def reference_list(self, page: str, record: Record) -> str:
        locators: dict[str, list[str]] = {}
        for ref in record.data.get("references", []):
            where = [f"p. {ref['pages']}" if "pages" in ref else "", ref.get("section", "")]
            locators.setdefault(ref["key"], []).extend(w for w in where if w)
        return self.references_section(page, record.cited, locators)

    def references_section(self, page: str, keys: list[str], locators: dict[str, list[str]] | None = None) -> str:
        """The page's own reference list; in-text citations link to its `#ref-<key>` anchors."""
        locators = locators or {}
        refs: list[Reference] = sorted((self.cat.references[k] for k in dict.fromkeys(keys)), key=lambda r: r.order)
        lines = [f"## {HEADINGS['references']}", ""]
        for ref in refs:
            where = "; ".join(md_escape(w) for w in dict.fromkeys(locators.get(ref.key, [])))
            where = f" Cited for: {where}." if where else ""
            bib = rel(page, f"bibliography.md#{anchor(ref.key)}")
            lines += [f"{ref.html}{where} [In the bibliography]({bib})", f"{{: #ref-{anchor(ref.key)} .reskb-reference }}", ""]
        return "\n".join(lines)

    def record_list(self, page: str, records: list[Record], empty: str) -> str:
        if not records:
            return f"_{empty}_\n"
        return "\n".join(f"- {link(page, r)}: {self.text(cell(r.data['summary']), page)}"
                         + (f" {listing.badges(self.cat, r)}" if r.kind == "practice" else "")  # evidence in every list
                         for r in records) + "\n"

    def practice_table(self, page: str, practices: list[Record]) -> str:
        return listing.practice_table(self.cat, page, practices)

    def cite_texts(self, style: str) -> Mapping[str, str]:
        """Every record's page citation in one style: one pandoc run per style (run side by side) the
        first time any is asked for."""
        if "_cite_texts" not in self.__dict__:
            self.cite_only(self.cat.all_records())
        return self.__dict__["_cite_texts"][style]

    def cite_only(self, records: list[Record]) -> None:
        """Format the page citations of these records only (each is cited alone: a build that makes only
        their pages, reskb.site.preview, needs no other)."""
        self.__dict__["_cite_texts"] = page_citations(records, self.site_url, self.cite_memo)

    def footer(self, record: Record) -> str:
        page = record_path(record)
        tabs = []
        for style in STYLES:
            code = fence(self.cite_texts(style)[record.id], "text").replace("\n", "\n    ")
            tabs += [f'=== "{STYLE_NAMES[style]}"', "", f"    {code}", ""]
        code = fence(citation_bibtex(record, self.site_url), "bibtex").replace("\n", "\n    ")
        tabs += ['=== "BibTeX"', "", f"    {code}", ""]
        downloads = ", ".join(f"[{name}]({rel(page, cite_path(record, ext))})"
                              for name, ext in (("BibTeX", "bib"), ("RIS", "ris"), ("CSL-JSON", "json")))
        return "\n".join([
            "## Cite this page", "",
            f"Version of {record.data['last_reviewed']}. Copy a citation with the button at its top right, "
            f"or download it as {downloads}.", "",
            *tabs,
            "---", "", f"{FIELD_LABELS['last_reviewed']}: {record.data['last_reviewed']}", "",
        ])

    def record_front_matter(self, record: Record) -> str:
        topics = [self.cat.topics[t].title for t in record.data.get("topics", []) if t in self.cat.topics]
        refs = [self.cat.references[k].text for k in record.cited]
        summary = plain_summary(record.data["summary"])
        return front_matter(record.title, record.data["summary"],
                            search={"boost": 2},  # in site search, records rank above pages that mention them
                            tags=listing.search_tags(record),  # shown with each search result: kind and countries
                            highwire=[list(t) for t in highwire_tags(record, self.site_url)],
                            jsonld=json_ld(record, self.site_url, summary, topics, refs))

    # --- record pages ----------------------------------------------------------------------

    def practice(self, record: Record) -> str:
        page, data = record_path(record), record.data
        facts: list[tuple[str, str]] = [
            (FIELD_LABELS["countries"], ", ".join(country_link(page, c) for c in data["countries"])),
        ]
        if data.get("regions"):
            facts.append((FIELD_LABELS["regions"], ", ".join(md_escape(region_name(r)) for r in data["regions"])))
        if data.get("city"):
            facts.append((FIELD_LABELS["city"], md_escape(data["city"])))
        facts.append((FIELD_LABELS["phases"], ", ".join(label(x) for x in data["phases"])))
        lead = label(data["lead_actor"]) + curation.inferred_mark(record, "lead_actor") if data.get("lead_actor") else ""
        if data.get("lead_organisations"):
            lead += (": " if lead else "") + ", ".join(md_escape(o) for o in data["lead_organisations"])
        if lead:
            facts.append((FIELD_LABELS["lead_actor"], lead))
        if data.get("participants"):
            facts.append((FIELD_LABELS["participants"], "; ".join(
                md_escape(p["name"]) + (f" ({md_escape(p['role'])})" if p.get("role") else "")
                + curation.participant_kind_mark(record, i, p["kind"]) for i, p in enumerate(data["participants"]))))
        if data.get("target_group"):
            group = data["target_group"]
            text = ", ".join(label(g) for g in group["groups"])
            if group.get("note"):
                text += f" ({md_escape(group['note'])})"
            facts.append((FIELD_LABELS["target_group"], text))
        fmt = data.get("format")
        if fmt:
            facts.append((FIELD_LABELS["format"], ", ".join(label(k) for k in fmt["kinds"])))
            if fmt.get("frequency") or fmt.get("frequency_note"):
                how = label(fmt["frequency"]) if fmt.get("frequency") else ""
                if fmt.get("frequency_note"):
                    how = f"{how} ({md_escape(fmt['frequency_note'])})" if how else md_escape(fmt["frequency_note"])
                facts.append((FIELD_LABELS["frequency"], how))
            if fmt.get("produces"):
                facts.append((FIELD_LABELS["produces"], md_escape(fmt["produces"])))
        facts.append((FIELD_LABELS["status"], status_text(record)))
        facts.append((FIELD_LABELS["evidence"], evidence_text(record) + evaluations.evidence_fact(self.cat, record)))
        for field, kind in (("topics", self.cat.topics), ("challenges", self.cat.challenges)):
            if data.get(field):
                facts.append((FIELD_LABELS[field], ", ".join(link(page, kind[i]) for i in data[field])))

        out = [self.record_front_matter(record), f"# {md_escape(record.title)}", "",
               under_title(self.cat, record), "", listing.organisations_and_links(record),
               self.text(data["summary"]), "", f"## {HEADINGS['at_a_glance']}", "", listing.glance(facts), "",
               *curation.inferred_legend(record), comparison.compare_with(self.cat, record), ""]
        for field in ("description", "why_promising", "considerations"):
            if data.get(field):
                out += [f"## {HEADINGS[field]}", "", self.text(data[field]), ""]
        if data["evidence"].get("summary"):
            out += [f"## {HEADINGS['evidence']}", "", self.text(data["evidence"]["summary"]), ""]
        out += evaluations.practice_section(self, record)
        related = [self.cat.practices[i] for i in data.get("related", [])]
        related += [r for r in self.cat.practices_for("related", record.id) if r not in related]
        related += [self.cat.practices[i] for i in self.related.get(record.id, [])
                    if i in self.cat.practices and i != record.id and self.cat.practices[i] not in related]
        if related:
            out += [f"## {HEADINGS['related']}", "", self.record_list(page, related, ""), ""]
        out += [*curation.editorial_note(record), self.reference_list(page, record), self.footer(record)]
        return "\n".join(out)

    def grouping(self, record: Record, index: str) -> str:
        """A challenge or topic page: its summary, every practice that names it, then its text."""
        page, data = record_path(record), record.data
        out = [self.record_front_matter(record), f"# {md_escape(record.title)}", ""]
        if data.get("open_question"):
            out += ['!!! note "Open question"', "    The sources name this as a question for further discussion.", ""]
        practices = sorted(self.cat.practices_for(index, record.id), key=by_title)
        out += [self.text(data["summary"]), "", f"## {HEADINGS['practices']}", "",
                listing.practice_cards(self.cat, page, practices, self.text),
                comparison.topic_links(self.cat, record, page), ""]
        if data.get("description"):
            out += [f"## {HEADINGS['about']}", ""]
            out += [self.text(data["description"]), ""]
        if data.get("responses"):
            out += [f"## {HEADINGS['responses']}", "", self.text(data["responses"]), ""]
        if data.get("topics"):
            out += ["## Related topics", "", self.record_list(page, [self.cat.topics[t] for t in data["topics"]], "")]
        if record.kind == "topic":
            challenges = [c for c in self.cat.challenges.values() if record.id in c.data.get("topics", [])]
            if challenges:
                out += ["## Related challenges", "", self.record_list(page, challenges, ""), ""]
        out += [*curation.editorial_note(record), self.reference_list(page, record), self.footer(record)]
        return "\n".join(out)

    def country(self, code: str) -> str:
        name = country_name(code)
        description = f"Practices for reintegrating radicalised offenders in {name}."
        return countries.country_page(self.cat, code, front_matter(name, description, hide=["navigation"],
                                                                   search={"boost": 0.5}, tags=["Country"]))

    # --- index pages -----------------------------------------------------------------------

    def kind_index(self, kind: str, title: str, intro: str) -> str:
        page = f"{SECTION_KINDS[kind]}/index.md"
        records = sorted(self.cat.records[kind].values(), key=by_title)
        out = [front_matter(title, intro, search={"boost": 0.3}), f"# {title}", "", intro, ""]  # records rank first
        if kind == "practice":
            out.append(self.practice_table(page, records))
        else:
            index = "topic" if kind == "topic" else "challenge"
            out += ["| | Practices | Summary |", "|---|---|---|"]
            for r in records:
                count = len(self.cat.practices_for(index, r.id))
                out.append(f"| {link(page, r)} | {count} | {cell(self.text(r.data['summary'], page))} |")
        return "\n".join(out) + "\n"

    def countries_index(self) -> str:
        description = "Practices by country: a map, and which countries have which kinds of practice."
        return countries.countries_index(self.cat, front_matter("Countries", description, hide=["navigation", "toc"],
                                                                search={"boost": 0.3}))

    def bibliography(self) -> str:
        page = "bibliography.md"
        out = [front_matter("Bibliography", "Every work the catalogue cites.", search={"boost": 0.5}, tags=["Sources"]),
               "# Bibliography", "",
               "Every work cited in the catalogue, with the records and pages that cite it. "
               "Download them all as [BibTeX](data/references.bib), [CSL-JSON](data/references.json) "
               "or [RIS](data/references.ris).", ""]
        cited_by = self.cat.indexes["cited_by"]
        from .scale import is_large

        # a large catalogue: how many records cite a work, not each of them (its page alone outgrew the budget)
        large = is_large(len(self.cat.practices))
        for ref in sorted(self.cat.references.values(), key=lambda r: r.order):
            records = cited_by.get(ref.key, [])
            by_records = [link(page, r) for r in records] if not large else \
                [f"{len(records):,} record{'s' if len(records) > 1 else ''}"] if records else []
            citers = ", ".join(by_records + [
                f"[{md_escape(self.docs_titles.get(p, p))}]({p})" for p in sorted(self.cat.docs_citations.get(ref.key, ()))])
            out += [ref.html + (f" Cited by: {citers}." if citers else ""), f"{{: #{anchor(ref.key)} .reskb-reference }}", ""]
        return "\n".join(out)


#: a page's path and how to make its Markdown
Plan = list[tuple[str, Callable[[], str]]]


def page_plan(cat: Catalogue, make_builder: Callable[[], PageBuilder]) -> Plan:
    """Every generated page in order, each with how to make it. The paths come from the catalogue alone, and
    the builder (whose start formats every citation) is made on the first page made: a build lists the pages
    before any exists, and another process makes them (page_stream.py)."""
    from .finder import FINDER_PAGE, finder_page
    from .listing_pages import paged_paths, paged_practice_lists

    builder = cache(make_builder)
    linker = cache(lambda: glossary.TermLinker(cat))
    practices_intro = "Every practice in the catalogue, with where and when it works and who leads it."
    # beyond scale.LARGE_ABOVE practices, the list in numbered pages (listing_pages.py)
    paged = _made_together(paged_paths(cat),
                           lambda: paged_practice_lists(cat, "Practices", practices_intro, builder().practice_table))
    compared = _made_together(comparison.comparison_paths(cat),
                              lambda: comparison.comparison_pages(cat, front_matter))
    plan: Plan = [
        ("practices/index.md", (lambda: paged("practices/index.md")) if paged.paths else (
            lambda: builder().kind_index("practice", "Practices", practices_intro))),
        ("challenges/index.md", lambda: builder().kind_index(
            "challenge", "Challenges", "The barriers to reintegration that practices address.")),
        ("topics/index.md", lambda: builder().kind_index("topic", "Topics", "Themes under which practices are grouped.")),
        ("countries/index.md", lambda: builder().countries_index()),
        ("bibliography.md", lambda: builder().bibliography()),
        *((path, partial(paged, path)) for path in paged.paths if path != "practices/index.md"),
    ]
    makers: dict[str, Callable[[Record], str]] = {
        "practice": lambda r: builder().practice(r),
        "challenge": lambda r: builder().grouping(r, "challenge"),
        "topic": lambda r: builder().grouping(r, "topic"),
        "evaluation": lambda r: evaluations.evaluation_page(builder(), r),
        "glossary": lambda r: glossary.term_page(builder(), r),
    }

    def record_page(record: Record) -> str:  # glossary terms linked on every record page
        skip = record.id if record.kind == "glossary" else ""
        return linker().link_page(makers[record.kind](record), record_path(record), skip)

    plan += [(record_path(r), partial(record_page, r)) for r in cat.all_records()]
    plan += [(evaluations.INDEX_PAGE, lambda: evaluations.index_page(builder())),
             (glossary.INDEX_PAGE, lambda: glossary.index_page(builder()))]
    plan += [(country_path(code), partial(lambda c: builder().country(c), code)) for code in cat.countries]
    plan += [(path, partial(compared, path)) for path in compared.paths]
    plan += [(FINDER_PAGE, lambda: finder_page(cat)), (RECENT_PATH, lambda: recent_page(cat))]
    return plan


class _made_together:  # noqa: N801 (used as a function)
    """Pages made by one call (the numbered list, the comparison pages), each asked for by its path: the call
    runs once, and must make exactly the paths announced."""

    def __init__(self, paths: list[str], make: Callable[[], dict[str, str]]):
        self.paths, self._make = paths, make
        self._pages: dict[str, str] | None = None

    def __call__(self, path: str) -> str:
        if self._pages is None:
            self._pages = self._make()
            if list(self._pages) != self.paths:
                raise RuntimeError(f"made {sorted(self._pages)}, announced {self.paths}")
        return self._pages[path]


def build_pages(catalogue: Catalogue, site_url: str = "", docs_titles: dict[str, str] | None = None,
                related: dict[str, list[str]] | None = None, cite_memo: dict[str, str] | None = None) -> dict[str, str]:
    """Every generated page, keyed by its path relative to the docs folder."""
    return {path: make() for path, make in page_plan(
        catalogue, lambda: PageBuilder(catalogue, site_url, docs_titles, related, cite_memo))}


def download_paths(catalogue: Catalogue) -> list[str]:
    """The paths of the downloads a page may link to, from the catalogue alone: all but the data files that only
    scripts fetch (the finder's and the compare page's in a large catalogue), known once they are made."""
    paths = [*REFERENCE_FILES.values()]
    for record in catalogue.all_records():
        paths += [cite_path(record), cite_path(record, "ris"), cite_path(record, "json")]
    from .finder import DATA_FILE

    paths += ["data/compare.json", DATA_FILE, evaluations.DATA_JSON, evaluations.DATA_CSV, glossary.DATA_JSON,
              PRACTICES_CSV, *(group.csv for group in comparison.groups(catalogue))]
    return paths


def build_downloads(catalogue: Catalogue, site_url: str = "") -> dict[str, str]:
    """Files offered for download: all references as BibTeX, and each record's own citation."""
    files = reference_downloads(catalogue)
    for record in catalogue.all_records():
        files[cite_path(record)] = citation_bibtex(record, site_url or "/")
        files[cite_path(record, "ris")] = citation_ris(record, site_url or "/")
        files[cite_path(record, "json")] = citation_csl_json(record, site_url or "/")
    files["data/compare.json"] = comparison.compare_data(catalogue)
    from .compare_shards import compare_files  # beyond scale.LARGE_ABOVE, the values in data/compare/

    files.update(compare_files(catalogue, files["data/compare.json"]))
    files.update(evaluations.downloads(catalogue, site_url))
    files[glossary.DATA_JSON] = glossary.glossary_json(catalogue, site_url or "/")
    files.update(csv_downloads(catalogue, comparison.groups(catalogue), site_url))
    from .finder import DATA_FILE, practices_json
    from .finder_shards import finder_data

    files[DATA_FILE] = practices_json(catalogue, site_url or "/")
    files.update(finder_data(catalogue, site_url or "/"))
    return files
