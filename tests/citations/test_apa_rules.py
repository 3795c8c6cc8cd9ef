"""The APA 7 rules applied before citeproc: proper nouns of Title Case titles (proper_nouns), an
article's series, report numbers, unpublished theses and republished works (apa_data)."""

from pathlib import Path

import pytest

from reskb.citations import finish_references, proper_nouns, read_bib_file
from reskb.citations.proper_nouns import protect_title_case


@pytest.fixture
def word_lists():
    assert proper_nouns.lexicon() is not None, "install Debian's wbritish and wbritish-huge: scripts/install-wordlists.sh"


def references_of(bibtex: str, tmp_path: Path):
    path = tmp_path / "refs.bib"
    path.write_text(bibtex, encoding="utf-8")
    bib = read_bib_file(path, "refs.bib")
    refs = {r.key: r for r in bib.references}
    finish_references(refs, bib.strings).prepare([])
    return refs


def test_title_case_titles_keep_their_proper_nouns(word_lists, tmp_path):
    refs = references_of(r"""
@book{place, author = {Piccato, Pablo}, title = {Policing the Streets of Mexico City}, publisher = {P}, year = 2001}
@book{ordinary, author = {Berg, Anne}, title = {Prison Programmes and Their Staff in Norway}, publisher = {P}, year = 2001}
@book{sentence, author = {Berg, Anne}, title = {Leaving the extremist movement behind: Why the Exit programme works so well},
  publisher = {P}, year = 2001}
@book{german, author = {Berg, Anne}, title = {Ausstieg Aus Der Szene}, publisher = {P}, year = 2001, langid = {german}}
@book{own, author = {Pitt, Anne}, title = {Reading the Pitt Papers}, publisher = {P}, year = 2001}
@book{derived, author = {Berg, Anne}, title = {Exit Work and Deradicalisation in Denmark}, publisher = {P}, year = 2001}
""", tmp_path)
    assert "*Policing the streets of Mexico City*" in refs["place"].html.replace("<em>", "*").replace("</em>", "*")
    assert "Prison programmes and their staff in Norway." in refs["ordinary"].text  # ordinary words lowercased
    # sentence case: every capital kept as written (pandoc_input.protect), the Title Case rule not applied
    assert "Leaving the extremist movement behind: Why the Exit programme works so well." in refs["sentence"].text
    assert "Ausstieg Aus Der Szene." in refs["german"].text  # not an English title: left as written
    assert "Reading the Pitt papers." in refs["own"].text  # the author's own name ("pitt" is a word too)
    assert "Exit work and deradicalisation in Denmark." in refs["derived"].text  # unknown, but "radicalisation" + de-


@pytest.mark.parametrize(("title", "braced"), [
    ("Crime in Mexico City", "Crime in {Mexico} {City}"),
    ("Archipelagoes of Melanesian New Guinea", "Archipelagoes of {Melanesian} {New} {Guinea}"),
    ("The Ghost of John Wayne", "The Ghost of {John} {Wayne}"),
    ("Young Muslims in European Prisons", "Young {Muslims} in {European} Prisons"),  # "Young" is a surname too
    ("Georgia in Anglo-Spanish Diplomacy", "{Georgia} in {Anglo}-{Spanish} Diplomacy"),
    ("Goethe's Idea of World Literature", "{Goethe}'s Idea of World Literature"),
    ("The B to X of BibTeX", "The {B} to {X} of BibTeX"),
    ("A Stochastic Model of TCP Reno", "A Stochastic Model of TCP {Reno}"),
    ("Exit Work in the Western Balkans", "Exit Work in the {Western} {Balkans}"),
    ("Rehabilitation Work in Prisons and the Community", "Rehabilitation Work in Prisons and the Community"),
    ("Studies in {Medieval} Jewish History", "Studies in {Medieval} {Jewish} History"),
    (r"Kurt G{\"o}del and the Limits of Proof", r"{Kurt} G{\"o}del and the Limits of Proof"),  # glued to LaTeX: left
])
def test_which_words_are_braced(word_lists, title, braced):
    assert protect_title_case(title) == braced


def test_without_the_word_list_titles_stay_as_written(monkeypatch, tmp_path):
    proper_nouns.lexicon.cache_clear()
    monkeypatch.setattr(proper_nouns, "WORD_LIST", tmp_path / "missing")
    try:
        assert protect_title_case("Crime in Mexico City") == "Crime in Mexico City"
    finally:
        proper_nouns.lexicon.cache_clear()


def test_an_articles_series_is_left_out_with_a_warning(tmp_path):
    refs = references_of(r"""
@article{gillies, author = {Gillies, Alexander}, title = {Herder},
  journaltitle = {Publications of the English Goethe Society},
  series = {newseries}, volume = 9, pages = {46--67}, date = 1933}
""", tmp_path)
    ref = refs["gillies"]
    assert "*Publications of the English Goethe Society*, *9*" in ref.html.replace("<em>", "*").replace("</em>", "*")
    assert "series = {newseries}" in ref.raw  # the exports keep what the file wrote
    warning = next(p for p in ref.problems if p.field == "series")
    assert warning.line == 4 and warning.severity == "warning" and "an article's series" in warning.message


def test_report_numbers_theses_and_republished_works(tmp_path):
    refs = references_of(r"""
@report{report, author = {Padhye, J.}, title = {Model}, type = {techreport}, number = {99-02},
  institution = {University of Massachusetts}, date = 1999}
@report{range, author = {Padhye, J.}, title = {Models}, number = {12}, institution = {U}, date = 1999}
@thesis{unpublished, author = {Loh, Nin C.}, title = {Accelerometer}, type = {mathesis},
  institution = {Massachusetts Institute of Technology}, date = 1992}
@thesis{online, author = {Loh, Nin C.}, title = {Accelerometer}, type = {phdthesis},
  institution = {MIT}, date = 1993, url = {https://example.org/thesis}}
@thesis{described, author = {Loh, Nin C.}, title = {Accelerometer}, type = {Bachelor's honours thesis},
  institution = {MIT}, date = 1994}
@book{reprint, author = {Kullback, Solomon}, title = {Information}, publisher = {Dover}, date = 1997,
  origdate = 1959, origpublisher = {John Wiley \& Sons}}
""", tmp_path)
    assert "(Technical Report 99-02). University of Massachusetts." in refs["report"].text  # one number, not "Nos."
    assert "(No. 12)" in refs["range"].text
    assert refs["unpublished"].text.endswith("[Unpublished master’s thesis]. Massachusetts Institute of Technology.")
    assert "[PhD thesis, MIT]" in refs["online"].text  # found online: the published form, no "Unpublished"
    assert "[Bachelor’s honours thesis]. MIT." in refs["described"].text  # the contributor's own words kept
    assert refs["reprint"].text.endswith("Dover. (Original work published 1959)")
    warning = next(p for p in refs["reprint"].problems if p.field == "origpublisher")
    assert warning.severity == "warning" and warning.line == 12
