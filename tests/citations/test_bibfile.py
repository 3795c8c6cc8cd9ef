"""Reading real .bib exports: key grammar, duplicates, one broken entry reported alone, comma hints."""

from pathlib import Path

import pytest

from conftest import edit
from reskb.citations import read_bib_file
from reskb.citations.bibfile import check_key


@pytest.mark.parametrize("key", ["smith2020", "a&b", "Smith:2020:crime", "doe.99", "x/y", "10.1000/abc", "_x", "ü2020",
                                 "a#b$c%d+e?f<g>h~i-j"])
def test_keys_pandoc_accepts(key):
    assert check_key(key) == ""


@pytest.mark.parametrize(("key", "message"), [
    ("smith 2020", "the character ' ' cannot be part of a citation key"),
    ("smith!", "the character '!' cannot be part of a citation key"),
    ("smith.", "'.' may only stand between letters or digits in a key"),
    ("-smith", "a key must start with a letter, a digit or '_', not '-'"),
    ("smith\"2020", "the character '\"' cannot be part of a citation key"),
])
def test_keys_pandoc_refuses_name_the_character(key, message):
    assert check_key(key) == message


def read(tmp_path: Path, text: str):
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    return read_bib_file(path, "bibliography/refs.bib")


def test_missing_comma_is_reported_alone_with_a_hint(tmp_path):
    bib = read(tmp_path, "@book{first, title = {One}, year = 2000}\n"
                         "@article{broken,\n  author = {X, Y},\n  title = {T}\n  year = {2000},\n}\n"
                         "@book{last, title = {Three}, year = 2002}\n")
    assert [r.key for r in bib.references] == ["first", "last"]
    assert len(bib.problems) == 1
    text = bib.problems[0].format_text()
    assert text.startswith("bibliography/refs.bib:5: broken: cannot read the entry 'broken'")
    assert "a comma is probably missing at the end of the field before this line" in text
    assert bib.broken_keys == {"broken"}


def test_unclosed_entry_does_not_swallow_the_next(tmp_path):
    bib = read(tmp_path, "@book{open,\n  title = {unclosed,\n  year = 2000,\n@book{next, title = {Next}, year = 2001}\n")
    assert [r.key for r in bib.references] == ["next"]
    assert bib.problems[0].format_text().startswith(
        "bibliography/refs.bib:1: open: the entry 'open' is not closed before the next entry starts")


def test_case_variant_duplicate_names_both_lines(tmp_path):
    bib = read(tmp_path, "@book{Smith2020, title = {A}, year = 2020}\n\n@book{smith2020, title = {B}, year = 2020}\n")
    assert [r.key for r in bib.references] == ["Smith2020"]
    assert bib.problems[0].format_text().startswith(
        "bibliography/refs.bib:3: smith2020: the key 'smith2020' differs only in letter case from 'Smith2020' in "
        "bibliography/refs.bib:1")


def test_bad_key_names_the_character(tmp_path):
    bib = read(tmp_path, "@book{good, title = {A}}\n@book{bad key, title = {B}}\n")
    assert [r.key for r in bib.references] == ["good"]
    assert bib.problems[0].format_text().startswith("bibliography/refs.bib:2: the key 'bad key' cannot be cited: "
                                                    "the character ' ' cannot be part of a citation key")


def test_strings_and_fields_with_lines(tmp_path):
    bib = read(tmp_path, "@string{pup = {Princeton University Press}}\n@book{b,\n  title = {T},\n  publisher = pup,\n}\n")
    ref = bib.references[0]
    assert ref.entry.fields["publisher"] == "Princeton University Press"
    assert [(f.name, f.line) for f in ref.fields] == [("title", 3), ("publisher", 4)]
    assert bib.strings == ["@string{pup = {Princeton University Press}}"]


# --- through the validator -----------------------------------------------------------------------

def test_duplicate_across_files_names_both(catalogue, validate):
    (catalogue / "bibliography/more.bib").write_text("@book{Paper2018, title = {Again}, year = 2018}\n")
    code, out, _ = validate(catalogue)
    assert code == 1
    errors = [line for line in out if ": warning:" not in line]
    assert errors == ["bibliography/refs.bib:1: paper2018: the key 'paper2018' differs only in letter case from "
                      "'Paper2018' in bibliography/more.bib:1; BibTeX and biblatex treat them as the same key "
                      "(hint: give each work its own key (one entry per work))"]


def test_broken_entry_does_not_cascade_into_unknown_keys(catalogue, validate):
    edit(catalogue / "bibliography/refs.bib", "  title       = {A fixture paper on reintegration},\n",
         "  title       = {A fixture paper on reintegration}\n")
    code, out, _ = validate(catalogue)
    assert code == 1
    errors = [line for line in out if ": warning:" not in line]
    assert len(errors) == 1, errors
    assert errors[0].startswith("bibliography/refs.bib:4: paper2018: cannot read the entry 'paper2018'")
    assert not any("unknown reference key" in line for line in out)


def test_field_the_style_cannot_show_is_a_warning_with_its_line(catalogue, validate):
    edit(catalogue / "bibliography/refs.bib", "  year        = {2018}\n", "  year        = {2018},\n  afterword = {Someone}\n")
    code, out, _ = validate(catalogue)
    assert code == 0
    assert any(line.startswith("bibliography/refs.bib:7: warning: afterword: the field 'afterword' of 'paper2018' is "
                               "not shown by the citation style") for line in out), out


def test_entry_type_the_style_cannot_show_is_a_warning(catalogue, validate):
    edit(catalogue / "bibliography/refs.bib", "@techreport{paper2018,", "@xdata{paper2018,")
    code, out, _ = validate(catalogue)
    assert code == 0
    assert any(line.startswith("bibliography/refs.bib:1: warning: paper2018: the entry type @xdata is not one the "
                               "citation style (APA 7) can show") for line in out), out
