"""Glossary terms: checks, the glossary page, term pages, and the first use of a term linked on record pages."""

import json

import pytest

from conftest import edit, load_valid
from reskb.cli import main
from reskb.search import SearchIndex, ensure_index
from reskb.site.glossary_pages import DATA_JSON, TermLinker
from reskb.site.pages import build_downloads, build_pages

TERM = "glossary/desistance.yaml"



load = load_valid


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("related_topics: [family-support]", "related_topics: [family-suport]", f"{TERM}:5: related_topics[0]: unknown "
     "topic id 'family-suport' (hint: did you mean 'family-support'?)"),
    ("aliases: [desisting]", "aliases: [desisting, Desisting]", f"{TERM}:3: aliases[1]: 'Desisting' is listed twice "
     "in this term"),
    ("aliases: [desisting]", "aliases: [case  meetings]", "aliases[0]: 'case  meetings' is already a term or alias of "
     "glossary/case-meetings.yaml"),
    ("term: Desistance\n", "", f"{TERM}:1: term: this required field is missing"),
    ("[@paper2018, p. 2]", "[@paper2018, section \"Definitions\"]", f"{TERM}:4: definition: the text cites section "
     "\"Definitions\" of 'paper2018', which is not in this record's references (hint: add '- key: paper2018' with "
     "'section: \"Definitions\"' under references:"),
])
def test_each_rule_names_file_line_and_field(studies, validate, old, new, expected):
    edit(studies / TERM, old, new)
    code, out, _ = validate(studies)
    assert code == 1
    assert any(expected in line for line in out), "\n".join(out)


def test_first_use_linked_once_with_escaped_hover_text(studies):
    practice = build_pages(load(studies))["practices/norway-family-meetings.md"]
    link = '[desistance](../glossary/desistance.md "The process by which a person stops offending a fixture.")'
    assert practice.count(link) == 1  # quotes and brackets of the definition are gone from the title
    assert "Desistance\nagain" in practice  # the second use stays plain text
    assert "`desistance` in code" in practice  # never inside code
    # the first use is in the description; the later capitalised use stays plain
    assert practice.count("](../glossary/desistance.md") == 1


def test_linker_skips_headings_links_code_citations_and_references():
    class Term:
        id, kind, title = "desistance", "glossary", "Desistance"
        data = {"term": "Desistance", "aliases": ["desisting"], "definition": "Stopping [@k].", "references": []}

    class Cat:
        glossary = {"desistance": Term()}
        references: dict = {}

    linker = TermLinker(Cat())  # type: ignore[arg-type]
    page = "\n".join(["---", "title: desistance", "---", "# Desistance", "See [desistance](x.md) and `desisting`.",
                      "```", "desistance", "```", "[@desistance2020] and Desistance and Disengagement Programme,",
                      "then desisting here.", "## References", "desistance"])
    out = linker.link_page(page, "practices/p.md").splitlines()
    assert out[:9] == page.splitlines()[:9]
    assert out[9] == 'then [desisting](../glossary/desistance.md "Stopping.") here.'
    assert out[-1] == "desistance"


def test_linker_skips_underlined_headings():
    class Term:
        id, kind, title = "desistance", "glossary", "Desistance"
        data = {"term": "Desistance", "definition": "Stopping.", "references": []}

    class Cat:
        glossary = {"desistance": Term()}
        references: dict = {}

    page = "Paths to desistance\n===================\n\nA desistance heading\n---\n\nThen desistance in text."
    out = TermLinker(Cat()).link_page(page, "practices/p.md").splitlines()  # type: ignore[arg-type]
    assert out[:6] == page.splitlines()[:6]
    assert out[6] == 'Then [desistance](../glossary/desistance.md "Stopping.") in text.'


def test_glossary_page_term_pages_and_data(studies):
    catalogue = load(studies)
    pages = build_pages(catalogue)
    index = pages["glossary/index.md"]
    assert index.index("## Case meetings {: #case-meetings }") < index.index("## Desistance {: #desistance }")
    assert "(also written: desisting)" in index
    term = pages["glossary/desistance.md"]
    assert "# Desistance" in term and "[Family support](../topics/family-support.md)" in term
    assert "## References" in term
    assert "](../glossary/desistance.md" not in term and "](desistance.md" not in term  # never linked to itself
    data = json.loads(build_downloads(catalogue, "https://example.org/s/")[DATA_JSON])
    assert [t["id"] for t in data] == ["case-meetings", "desistance"]
    assert data[1]["aliases"] == ["desisting"] and data[1]["url"] == "https://example.org/s/glossary/desistance/"


def test_terms_are_searchable_by_alias(studies, tmp_path):
    ensure_index(studies, tmp_path / "cache")
    with SearchIndex.open(studies, tmp_path / "cache") as index:
        found = index.search("desisting", kind="glossary")
        assert [h.id for h in found.hits] == ["desistance"] and found.hits[0].path == "glossary/desistance/"


def test_new_glossary_term_writes_term_field(studies, capsys):
    assert main(["new", "glossary", "--title", "Exit work", "--path", str(studies), "--no-input",
                 "--date", "2026-02-01"]) == 0
    text = (studies / "glossary/exit-work.yaml").read_text()
    assert "term: Exit work" in text and "\ntitle:" not in text


def test_forms_with_regex_characters_are_literal(studies):
    edit(studies / TERM, "aliases: [desisting]", 'aliases: [desisting, "C++ (desist.)"]')
    edit(studies / "practices/hessen-case-meetings.yaml", "meet before release", "meet about C++ (desist.) and more")
    page = build_pages(load(studies))["practices/hessen-case-meetings.md"]
    assert page.count("](../glossary/desistance.md") == 1 and "[C++ (desist.)](../glossary/desistance.md" in page
