"""CSV downloads: they parse back with the csv module to the same rows, and formulas are neutralised."""

import csv
import io

import pytest

from conftest import REPO, edit
from reskb.records.validate import load_catalogue
from reskb.site.comparison import comparison_rows, groups
from reskb.site.csv_export import PRACTICE_COLUMNS, csv_downloads, group_rows, practices_rows, safe_cell, to_csv
from reskb.site.pages import build_downloads


def parse(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")  # byte order mark, for Excel
    return list(csv.reader(io.StringIO(text[1:], newline="")))


@pytest.fixture(scope="module")
def real():
    catalogue, _ = load_catalogue(REPO)
    return catalogue


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\r=x"])
def test_formula_cells_get_an_apostrophe(value):
    assert safe_cell(value) == "'" + value
    assert parse(to_csv([[value]])) == [["'" + value]]


@pytest.mark.parametrize("value", ["Weekly", "", "a=b", "Case – 2", "'quoted"])
def test_other_cells_are_left_alone(value):
    assert safe_cell(value) == value


def test_practices_csv_has_one_row_per_practice_and_parses_back(real):
    files = build_downloads(real, "https://example.org/reskb/")
    rows = parse(files["data/practices.csv"])
    assert rows == practices_rows(real, "https://example.org/reskb/")
    assert rows[0] == [h for h, _ in PRACTICE_COLUMNS]
    assert len(rows) == len(real.practices) + 1
    by_id = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    rotterdam = by_id["rotterdam-case-conferences"]
    assert rotterdam["topics"] == "multi-agency-cooperation; risk-and-resilience-assessment; mental-health"
    assert rotterdam["frequency"] == "weekly" and rotterdam["city"] == "Rotterdam"
    assert rotterdam["url"] == "https://example.org/reskb/practices/rotterdam-case-conferences/"
    assert by_id["ran-train-the-trainer-approaches"]["countries"] == "DK; IT; AT; NO"


def test_comparison_csvs_parse_back_to_the_table(real):
    files = csv_downloads(real, groups(real), "https://example.org/reskb/")
    for group in groups(real):
        rows = parse(files[group.csv])
        assert rows == group_rows(group, "https://example.org/reskb/")
        assert rows[:-1] == comparison_rows(group)
        assert rows[-1][0] == "Page"
    assert "data/compare/multi-agency-cooperation.csv" in files
    assert "data/compare/formats/multi-agency-meetings.csv" in files


def test_contributor_formula_is_neutralised_in_the_download(catalogue):
    edit(catalogue / "practices/norway-family-meetings.yaml", "produces: A support plan.",
         'produces: "=HYPERLINK(\\"http://evil.example\\")"')
    cat, problems = load_catalogue(catalogue)
    assert not [p for p in problems if p.severity == "error"]
    rows = parse(build_downloads(cat)["data/practices.csv"])
    produces = rows[0].index("produces")
    row = next(r for r in rows if r[0] == "norway-family-meetings")
    assert row[produces] == "'=HYPERLINK(\"http://evil.example\")"
