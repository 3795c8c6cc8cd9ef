"""The house style on awkward real-world BibTeX, and every in-text citation syntax."""

import json
import re
from pathlib import Path

import pytest
from pybtex.database import parse_string

from conftest import REPO
from reskb.citations import Reference, cited_keys, finish_references, render_citations

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
  doi = {10.1515/mks-2017-0001}
}
@incollection{chapter,
  author = {Ward, Tony and others},
  editor = {Smith, Anna and Jones, Ben},
  title = {Good lives}, booktitle = {Offender rehabilitation}, pages = {12--30}, publisher = {Routledge},
  address = {London}, year = {2004}
}
@misc{webpage,
  title = {Prison and probation interventions},
  howpublished = {\url{https://ec.europa.eu/home-affairs/ran}},
  note = {No date given}
}
@book{sameyear1, author = {Williams, R. J.}, title = {First}, year = {2016}, publisher = {RAN}}
@book{sameyear2, author = {Williams, R. J.}, title = {Second}, year = {2016}, publisher = {RAN}}
@misc{bare, author = {Nobody, N.}}
"""


@pytest.fixture(scope="module")
def refs() -> dict[str, Reference]:
    data = parse_string(AWKWARD, "bibtex")
    found = {key: Reference(key, entry, "x.bib", 1) for key, entry in data.entries.items()}
    finish_references(found)
    return found


def test_corporate_author_is_kept_whole(refs):
    ref = refs["corporate"]
    assert ref.label == "Radicalisation Awareness Network"
    assert ref.text.startswith("Radicalisation Awareness Network. (2016). Working group meeting: Multi-agency "
                               "cooperation (Ex Post Paper). Stockholm, Sweden: RAN Centre of Excellence.")


def test_latex_accents_and_german_title_case(refs):
    ref = refs["accents"]
    assert ref.label == "Müller et al."
    assert ref.text.startswith("Müller, J., Barzanò, P., & François, R. (2017). Extremismus und Justizvollzug: "
                               "eine Übersicht. Monatsschrift für Kriminologie, 100(2), 425–446.")
    assert '<a href="https://doi.org/10.1515/mks-2017-0001">' in ref.html
    assert "</em>, <em>100</em>(2), 425–446." in ref.html


def test_and_others_becomes_et_al_and_editors_are_named(refs):
    ref = refs["chapter"]
    assert ref.label == "Ward et al."
    assert ref.text == ("Ward, T., et al. (2004). Good lives. In Smith, A., & Jones, B. (Eds.), Offender rehabilitation "
                        "(pp. 12–30). London: Routledge.")


def test_misc_with_url_and_no_author_or_year(refs):
    ref = refs["webpage"]
    assert ref.label == "Prison and probation interventions"
    assert ref.year == "n.d."
    assert ref.text == ("Prison and probation interventions. (n.d.). https://ec.europa.eu/home-affairs/ran "
                        "Note: No date given.")
    assert '<a href="https://ec.europa.eu/home-affairs/ran">' in ref.html
    assert [p.field for p in ref.problems] == ["year"] and ref.problems[0].severity == "warning"


def test_missing_fields_render_what_is_there(refs):
    ref = refs["bare"]
    assert ref.text == "Nobody, N. (n.d.)."
    assert {p.field for p in ref.problems} == {"year", "title"}


def test_same_author_and_year_get_letters(refs):
    assert (refs["sameyear1"].year, refs["sameyear2"].year) == ("2016a", "2016b")


def test_citation_syntaxes(refs):
    text = ("One [@corporate]. Two [@accents, p. 23]. Both [@corporate; @chapter, pp. 12-13]. "
            "As @accents argues. Year only [-@chapter]. Prefix [see @webpage]. Mail info@example.org. "
            "Link [text](https://example.org). Code `[@corporate]` stays.")
    out = render_citations(text, refs)
    assert "One ([Radicalisation Awareness Network, 2016](#ref-corporate))." in out
    assert "Two ([Müller et al., 2017, p. 23](#ref-accents))." in out
    assert "Both ([Radicalisation Awareness Network, 2016](#ref-corporate); [Ward et al., 2004, pp. 12-13](#ref-chapter))." in out
    assert "As Müller et al. ([2017](#ref-accents)) argues." in out
    assert "Year only ([2004](#ref-chapter))." in out
    assert "Prefix (see [Prison and probation interventions, n.d.](#ref-webpage))." in out
    assert "Mail info@example.org." in out
    assert "Link [text](https://example.org)." in out
    assert "Code `[@corporate]` stays." in out
    assert cited_keys(text) == ["corporate", "accents", "corporate", "chapter", "chapter", "webpage", "accents"]


def test_citation_links_can_target_another_page(refs):
    out = render_citations("[@corporate]", refs, "../bibliography.md#{key}")
    assert out == "([Radicalisation Awareness Network, 2016](../bibliography.md#corporate))"


def test_unknown_key_is_left_visible_not_dropped(refs):
    assert render_citations("Claim [@nobody2020].", refs) == "Claim [@nobody2020]."


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
    assert "Case conferences in Rotterdam. In Resocialisation Knowledge Base. " \
           "https://kb.example/practices/rotterdam-case-conferences/" in text
    assert main(["cite", "trust", "--format", "bibtex", "--path", str(REPO), "--site-url", "https://kb.example/"]) == 0
    bib = capsys.readouterr().out
    assert bib.startswith("@misc{reskb-challenge-trust,")
    assert main(["cite", "nosuch", "--path", str(REPO)]) == 1


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



def test_references_bib_reads_back_with_an_independent_parser(real_site):  # noqa: F811
    import bibtexparser

    library = bibtexparser.parse_string((real_site / "data/references.bib").read_text(encoding="utf-8"))
    assert library.failed_blocks == []
    keys_in_repo = set()
    for bib in (REPO / "bibliography").glob("*.bib"):
        keys_in_repo |= set(re.findall(r"^@\w+\{([^,\s]+),", bib.read_text(encoding="utf-8"), re.MULTILINE))
    assert {e.key for e in library.entries} == keys_in_repo
    assert len(library.entries) == len(keys_in_repo) >= 20


def test_practice_page_has_reference_list_and_citation_metadata(real_site):  # noqa: F811
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


def test_bibliography_links_back_to_citers(real_site):  # noqa: F811
    html = (real_site / "bibliography/index.html").read_text(encoding="utf-8")
    entry = html.split('id="baaken2018resocialisation"', 1)[1].split("</p>", 1)[0]
    assert 'href="../practices/rotterdam-case-conferences/"' in entry
    assert 'href="../cite/"' in entry  # a hand-written page that cites it


def test_hand_written_page_gets_citations_and_reference_list(real_site):  # noqa: F811
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
