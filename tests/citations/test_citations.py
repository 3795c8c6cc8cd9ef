"""References formatted by CSL (APA 7) through pandoc's citeproc, and every in-text citation syntax."""

import json
import re
from pathlib import Path

import pytest

from conftest import REPO
from reskb.citations import Reference, cited_keys, finish_references, read_bib_file
from reskb.citations.pandoc import Writer

AWKWARD = r"""
@techreport{corporate,
  author = {{Radicalisation Awareness Network}},
  title = {Working group meeting: Multi-agency cooperation},
  institution = {RAN Centre of Excellence}, address = {Stockholm, Sweden}, type = {Ex Post Paper}, year = {2016}
}
@article{accents,
  author = {M{\"u}ller, J{\"o}rg and Barzan{\`o}, P. and Fran{\c{c}}ois, Ren{\'e}},
  title = {{Extremismus und Justizvollzug}: eine {\"U}bersicht},
  journal = {Monatsschrift f{\"u}r Kriminologie}, volume = {100}, number = {2}, pages = {425--446}, year = {2017},
  doi = {10.1515/mks-2017-0001}, langid = {german}
}
@incollection{chapter,
  author = {Ward, Tony and others},
  editor = {Smith, Anna and Jones, Ben},
  title = {Good lives}, booktitle = {Offender rehabilitation}, pages = {12--30}, publisher = {Routledge},
  address = {London}, year = {2004}
}
@misc{webpage,
  title = {Prison and probation interventions},
  url = {https://ec.europa.eu/home-affairs/ran}, urldate = {2026-01-05},
}
@book{sameyear1, author = {Williams, R. J.}, title = {First}, year = {2016}, publisher = {RAN}}
@book{sameyear2, author = {Williams, R. J.}, title = {Second}, year = {2016}, publisher = {RAN}}
@misc{nodate1, author = {Nobody, N.}, title = {One}}
@misc{nodate2, author = {Nobody, N.}, title = {Two}}
@article{moore1965, author = {Moore, Gordon E.}, title = {Cramming more components}, journaltitle = {Electronics},
  date = {1965}, volume = 38, number = 8, pages = {114-117}}
@article{moore1998, author = {Moore, Gordon E.}, title = {Cramming more components}, journaltitle = {Proceedings of the {IEEE}},
  date = {1998}, volume = 86, number = 1, pages = {82-85}}
@book{a&b, author = {Amp, Ann}, title = {A key with an ampersand}, date = {2001}, publisher = {P}}
"""


def formatter_of(bibtex: str, tmp_path: Path):
    path = tmp_path / "refs.bib"
    path.write_text(bibtex, encoding="utf-8")
    bib = read_bib_file(path, "refs.bib")
    refs = {r.key: r for r in bib.references}
    formatter = finish_references(refs, bib.strings)
    formatter.prepare([])
    return formatter, refs


@pytest.fixture(scope="module")
def awkward(tmp_path_factory):
    return formatter_of(AWKWARD, tmp_path_factory.mktemp("bib"))


@pytest.fixture(scope="module")
def refs(awkward) -> dict[str, Reference]:
    return awkward[1]


def test_corporate_author_is_kept_whole(refs):
    assert refs["corporate"].text == ("Radicalisation Awareness Network. (2016). Working group meeting: Multi-agency "
                                      "cooperation [Ex Post Paper]. RAN Centre of Excellence.")


def test_latex_accents_doi_link_and_journal(refs):
    ref = refs["accents"]
    assert ref.text == ("Müller, J., Barzanò, P., & François, R. (2017). Extremismus und Justizvollzug: eine Übersicht. "
                        "Monatsschrift für Kriminologie, 100(2), 425–446. https://doi.org/10.1515/mks-2017-0001")
    assert '<a href="https://doi.org/10.1515/mks-2017-0001">' in ref.html
    assert "<em>Monatsschrift für Kriminologie</em>, <em>100</em>(2), 425–446." in ref.html


def test_and_others_and_editors_of_a_chapter(refs):
    # "and others" hides the names APA 7 would list; citeproc writes "et al." after the last known name
    assert refs["chapter"].text == ("Ward, T. et al. (2004). Good lives. In A. Smith & B. Jones (Eds.), "
                                    "Offender rehabilitation (pp. 12–30). Routledge.")


def test_web_page_without_author_or_date(refs):
    ref = refs["webpage"]
    assert ref.text == ("Prison and probation interventions. (n.d.). Retrieved January 5, 2026, from "
                        "https://ec.europa.eu/home-affairs/ran")
    assert '<a href="https://ec.europa.eu/home-affairs/ran">' in ref.html
    assert [p.field for p in ref.problems] == ["date"] and ref.problems[0].severity == "warning"


def test_disambiguation_letters_in_the_list(refs):
    assert refs["sameyear1"].text.startswith("Williams, R. J. (2016a). First.")
    assert refs["sameyear2"].text.startswith("Williams, R. J. (2016b). Second.")
    assert refs["nodate1"].text.startswith("Nobody, N. (n.d.-a).")
    assert refs["nodate2"].text.startswith("Nobody, N. (n.d.-b).")


def test_bibliography_order_comes_from_the_style(refs):
    order = [r.key for r in sorted(refs.values(), key=lambda r: r.order)]
    assert order.index("a&b") < order.index("moore1965") < order.index("moore1998") < order.index("accents")
    assert order.index("nodate1") < order.index("nodate2")
    assert order.index("webpage") < order.index("corporate") < order.index("sameyear1") < order.index("sameyear2")


def test_citation_syntaxes(awkward):
    formatter, _ = awkward
    text = ("One [@corporate]. Two [@accents, p. 23]. Both [@corporate; @chapter, pp. 12-13]. "
            "As @accents argues. Year only [-@chapter]. Prefix [see @webpage]. Mail info@example.org. "
            "Link [text](https://example.org). Code `[@corporate]` stays. Chapter [@moore1965, chap. 3]. "
            "Section [@moore1998, sec. 2]. Suffix [see @sameyear1, p. 7, emphasis added]. Letters [@sameyear1; @sameyear2]. "
            "Merged [@moore1965; @moore1998]. No date [@nodate1; @nodate2]. Narrative @sameyear2 says.")
    out = formatter.render(text)
    assert "One ([Radicalisation Awareness Network, 2016](#ref-corporate))." in out
    assert "Two ([Müller et al., 2017, p. 23](#ref-accents))." in out
    assert "Both ([Radicalisation Awareness Network, 2016](#ref-corporate); [Ward et al., 2004, pp. 12–13](#ref-chapter))." in out
    assert "As Müller et al. ([2017](#ref-accents)) argues." in out
    assert "Year only ([2004](#ref-chapter))." in out
    assert "Prefix (see [*Prison and Probation Interventions*, n.d.](#ref-webpage))." in out
    assert "Mail info@example.org." in out
    assert "Link [text](https://example.org)." in out
    assert "Code `[@corporate]` stays." in out
    assert "Chapter ([Moore, 1965, Chapter 3](#ref-moore1965))." in out
    assert "Section ([Moore, 1998, Section 2](#ref-moore1998))." in out
    assert "Suffix (see [Williams, 2016a, p. 7](#ref-sameyear1), emphasis added)." in out
    assert "Letters ([Williams, 2016a](#ref-sameyear1), [2016b](#ref-sameyear2))." in out
    assert "Merged ([Moore, 1965](#ref-moore1965), [1998](#ref-moore1998))." in out
    assert "No date ([Nobody, n.d.-a](#ref-nodate1), [n.d.-b](#ref-nodate2))." in out
    assert "Narrative Williams ([2016b](#ref-sameyear2)) says." in out
    assert cited_keys("One [@corporate]. As @accents argues.") == ["corporate", "accents"]


def test_composed_groups_match_citeproc_rendering_them_whole(awkward):
    """A one-citation group is composed from the key's and the locator's renderings; it must read exactly
    as citeproc renders the group itself (here: rendered whole by giving it a prefix, then removing it)."""
    formatter, _ = awkward
    cases = [(key, tail) for key in ("corporate", "accents", "chapter", "webpage", "a&b")
             for tail in (", p. 7", ", pp. 3-9", ", chap. 2", ", sec. 4", ", p. 7, my emphasis")]
    formatter.prepare([f"[@{key}{tail}] [xx @{key}{tail}]" for key, tail in cases])  # one pandoc run
    for key, tail in cases:
            composed = formatter.render(f"[@{key}{tail}]")
            whole = formatter.render(f"[xx @{key}{tail}]")
            assert composed == whole.replace("(xx ", "("), (key, tail)


def test_keys_with_ampersands_cite_and_link(awkward):
    formatter, refs = awkward
    out = formatter.render("Claim [@a&b; @corporate].")
    assert out == ("Claim ([Amp, 2001](#ref-a_26_b); "
                   "[Radicalisation Awareness Network, 2016](#ref-corporate)).")


def test_citation_links_can_target_another_page(awkward):
    formatter, _ = awkward
    out = formatter.render("[@corporate]", "../bibliography.md#{key}")
    assert out == "([Radicalisation Awareness Network, 2016](../bibliography.md#corporate))"


def test_unknown_key_is_left_visible_not_dropped(awkward):
    assert awkward[0].render("Claim [@nobody2020].") == "Claim [@nobody2020]."


def test_links_and_text_are_escaped():
    writer = Writer("html")
    link = {"t": "Link", "c": [["", [], []], [{"t": "Str", "c": "<b>x</b>"}], ['https://e.org/?a=1&b=2"x', ""]]}
    assert writer.inline(link) == "&lt;b&gt;x&lt;/b&gt;"  # an address with a quote is not a link at all
    link["c"][2][0] = "https://e.org/?a=1&b=2"
    assert writer.inline(link) == '<a href="https://e.org/?a=1&amp;b=2">&lt;b&gt;x&lt;/b&gt;</a>'
    link["c"][2][0] = "javascript:alert(1)"
    assert writer.inline(link) == "&lt;b&gt;x&lt;/b&gt;"
    assert Writer("markdown").inline({"t": "Str", "c": "[x](y) *z*"}) == r"\[x\](y) \*z\*"
    # references are HTML inside Markdown pages: Markdown syntax in a title stays text
    assert writer.inline({"t": "Str", "c": "[x](https://e.org) *z* _w_"}) == \
        "&#91;x&#93;(https://e.org) &#42;z&#42; &#95;w&#95;"


def test_unknown_key_in_record_text_gives_exact_line(catalogue, validate):
    path = catalogue / "practices/norway-family-meetings.yaml"
    path.write_text(path.read_text().replace("  A fixture practice.", "  A fixture practice.\n  Second line [@nobody2020]."))
    code, out, _ = validate(catalogue)
    assert code == 1
    assert "practices/norway-family-meetings.yaml:8: description: unknown reference key 'nobody2020'" in out[0]


def test_unknown_key_in_hand_written_page(catalogue, validate):
    (catalogue / "docs/index.md").write_text("# Home\n\nText.\n\nA claim [@paper2019].\n")
    code, out, _ = validate(catalogue)
    assert code == 1
    assert out[0].startswith("docs/index.md:5: unknown reference key 'paper2019' (hint: did you mean 'paper2018'?)")


def test_cite_command(capsys):
    from reskb.cli import main

    assert main(["cite", "rotterdam-case-conferences", "--path", str(REPO), "--site-url", "https://kb.example/"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Resocialisation Knowledge Base contributors. (")
    assert "Case conferences in Rotterdam. Resocialisation Knowledge Base. " \
           "https://kb.example/practices/rotterdam-case-conferences/" in text
    assert main(["cite", "trust", "--format", "bibtex", "--path", str(REPO), "--site-url", "https://kb.example/"]) == 0
    bib = capsys.readouterr().out
    assert bib.startswith("@misc{reskb-challenge-trust,")
    assert main(["cite", "nosuch", "--path", str(REPO)]) == 1


CITE_THIS_PAGE = {
    "apa": "Resocialisation Knowledge Base contributors. (2026, January 15). Family meetings in Norway. "
           "Resocialisation Knowledge Base. https://example.org/fixture/practices/norway-family-meetings/",
    "chicago": "Resocialisation Knowledge Base contributors. 2026. “Family Meetings in Norway.” Resocialisation "
               "Knowledge Base, January 15. https://example.org/fixture/practices/norway-family-meetings/.",
    "harvard": "Resocialisation Knowledge Base contributors (2026) Family meetings in Norway, Resocialisation Knowledge "
               "Base. Available at: https://example.org/fixture/practices/norway-family-meetings/.",
    "vancouver": "Resocialisation Knowledge Base contributors. Resocialisation Knowledge Base [Internet]. 2026. Family "
                 "meetings in Norway. Available from: https://example.org/fixture/practices/norway-family-meetings/",
}


@pytest.mark.parametrize("style", sorted(CITE_THIS_PAGE))
def test_cite_this_page_in_each_style(style, capsys):
    from conftest import FIXTURE
    from reskb.cli import main

    assert main(["cite", "norway-family-meetings", "--style", style, "--path", str(FIXTURE)]) == 0
    assert capsys.readouterr().out == CITE_THIS_PAGE[style] + "\n"


def test_cite_this_page_other_formats(capsys):
    from conftest import FIXTURE
    from reskb.cli import main

    assert main(["cite", "norway-family-meetings", "--format", "ris", "--path", str(FIXTURE)]) == 0
    ris = capsys.readouterr().out.splitlines()
    assert ris[0] == "TY  - ELEC" and "TI  - Family meetings in Norway" in ris and "DA  - 2026/1/15/" in ris
    assert main(["cite", "norway-family-meetings", "--format", "csl-json", "--path", str(FIXTURE)]) == 0
    item = json.loads(capsys.readouterr().out)[0]
    assert item["URL"] == "https://example.org/fixture/practices/norway-family-meetings/"
    assert item["issued"] == {"date-parts": [[2026, 1, 15]]}


def test_cite_this_page_tabs_on_the_site(real_site):
    html = (real_site / "practices/rotterdam-case-conferences/index.html").read_text(encoding="utf-8")
    block = html.split('id="cite-this-page"', 1)[1]
    labels = re.findall(r'<label for="__tabbed_\d+_\d+">([^<]+)</label>', block)
    assert labels == ["APA 7", "Chicago (author-date)", "Harvard (Cite Them Right)", "Vancouver", "BibTeX"]
    assert block.count('type="radio"') == 5
    for ext in ("bib", "ris", "json"):
        assert f'href="../../data/cite/practices/rotterdam-case-conferences.{ext}"' in block


def test_citation_file_is_valid_cff():
    import yaml
    from check_jsonschema.builtin_schemas import get_builtin_schema

    schema = get_builtin_schema("vendor.citation-file-format")
    import jsonschema

    data = yaml.safe_load((REPO / "CITATION.cff").read_text())
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(data))
    assert errors == []
    assert data["title"].startswith("Resocialisation Knowledge Base")


# --- on the built site -------------------------------------------------------------------------



def test_references_bib_reads_back_with_an_independent_parser(real_site):
    import bibtexparser

    library = bibtexparser.parse_string((real_site / "data/references.bib").read_text(encoding="utf-8"))
    assert library.failed_blocks == []
    keys_in_repo = set()
    for bib in (REPO / "bibliography").glob("*.bib"):
        keys_in_repo |= set(re.findall(r"^@\w+\{([^,\s]+),", bib.read_text(encoding="utf-8"), re.MULTILINE))
    assert {e.key for e in library.entries} == keys_in_repo
    assert len(library.entries) == len(keys_in_repo) >= 20


def test_practice_page_has_reference_list_and_citation_metadata(real_site):
    html = (real_site / "practices/rotterdam-case-conferences/index.html").read_text(encoding="utf-8")
    assert 'href="#ref-baaken2018resocialisation"' in html
    assert 'id="ref-baaken2018resocialisation"' in html
    assert 'href="../../bibliography/#baaken2018resocialisation"' in html
    assert '<meta name="citation_title" content="Case conferences in Rotterdam">' in html
    assert '<meta name="citation_public_url" content="https://example.org/reskb/practices/rotterdam-case-conferences/">' in html
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL).group(1))
    assert ld["@type"] == "Article" and ld["headline"] == "Case conferences in Rotterdam"
    assert ld["url"].endswith("/practices/rotterdam-case-conferences/")
    assert "Cite this page" in html and "language-bibtex" in html
    assert (real_site / "data/cite/practices/rotterdam-case-conferences.bib").read_text().startswith(
        "@misc{reskb-practice-rotterdam-case-conferences,")


def test_bibliography_links_back_to_citers(real_site):
    html = (real_site / "bibliography/index.html").read_text(encoding="utf-8")
    entry = html.split('id="baaken2018resocialisation"', 1)[1].split("</p>", 1)[0]
    assert 'href="../practices/rotterdam-case-conferences/"' in entry
    assert 'href="../cite/"' in entry  # a hand-written page that cites it


def test_hand_written_page_gets_citations_and_reference_list(real_site):
    html = (real_site / "cite/index.html").read_text(encoding="utf-8")
    assert 'href="#ref-baaken2018resocialisation">Baaken et al., 2018</a>' in html
    assert 'id="ref-baaken2018resocialisation"' in html


def test_metadata_escapes_hostile_titles(catalogue, tmp_path):
    from sitecheck import build_site

    path = catalogue / "practices/norway-family-meetings.yaml"
    path.write_text(path.read_text().replace("title: Family meetings in Norway",
                                             "title: 'Family \"meetings\" & co. in Norway'"))
    assert build_site(catalogue / "mkdocs.yml", tmp_path / "site").returncode == 0
    html = (tmp_path / "site/practices/norway-family-meetings/index.html").read_text()
    assert '<meta name="citation_title" content="Family &#34;meetings&#34; &amp; co. in Norway">' in html
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL).group(1)
    assert json.loads(ld)["headline"] == 'Family "meetings" & co. in Norway'
    assert "&" not in ld.replace("\\u0026", "")


def test_paths_of_downloads():
    assert Path(REPO / "CITATION.cff").exists()


def test_what_pandoc_reads_keeps_proper_nouns_publishers_and_particles(tmp_path):
    _, refs = formatter_of(r"""
@article{sentence, author = {Bertram, Aaron}, title = {Gromov invariants for holomorphic maps on Riemann surfaces:
  Lessons from the literature}, journal = {J}, year = 1996}
@article{titlecase, author = {Shore, Bradd}, title = {Twice-Born, Once Conceived}, journal = {J}, year = 1991}
@book{bibtexpublisher, author = {Bryans, S.}, title = {Handbook}, publisher = {Office on Drugs and Crime}, year = 2016}
@book{biblatexpublishers, author = {Hammond, C.}, title = {Basics}, publisher = {Union and Press}, date = 1997}
@report{particle, author = {Dubrow, R. and van de Donk, M.}, title = {Cults}, institution = {RAN}, year = 2017}
""", tmp_path)
    assert "Gromov invariants for holomorphic maps on Riemann surfaces: Lessons from the literature." in refs["sentence"].text
    assert "Twice-born, once conceived." in refs["titlecase"].text
    assert refs["bibtexpublisher"].text.endswith("Office on Drugs and Crime.")
    assert refs["biblatexpublishers"].text.endswith("Union; Press.")  # a biblatex list: APA 7 joins with semicolons
    assert refs["particle"].text.startswith("Dubrow, R., & van de Donk, M. (2017).")
