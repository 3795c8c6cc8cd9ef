"""Text citations whose section or pages are not among the record's `references:` are errors; and the
curation fields: `inferred` values are marked on pages, `editorial_note` stays out of the reader's text."""

import pytest

from conftest import edit
from reskb.records.locators import parse_locator
from reskb.records.validate import load_catalogue
from reskb.site.pages import build_pages

PRACTICE = "practices/norway-family-meetings.yaml"


@pytest.mark.parametrize(("locator", "parsed"), [
    ('section "Trust"', ("section", "Trust")), ("sec. Trust", ("section", "Trust")),
    ("p. 12", ("pages", "12")), ("pp. 12–14", ("pages", "12-14")), ("pp. 3, 5", ("pages", "3, 5")),
    ("chapter 2", None),
])
def test_locator_forms(locator, parsed):
    assert parse_locator(locator) == parsed


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("[@paper2018, p. 5; @journal2016]", "[@paper2018, p. 7; @journal2016]",
     f"{PRACTICE}:7: description: the text cites p. 7 of 'paper2018', which is not in this record's references "
     "(hint: add '- key: paper2018' with 'pages: \"7\"' under references:, or correct the locator)"),
    ("[@paper2018, p. 5; @journal2016]", '[@paper2018, p. 5; @journal2016, section "Networks"]',
     f"{PRACTICE}:7: description: the text cites section \"Networks\" of 'journal2016'"),
])
def test_missing_locator_is_an_error_with_line_and_hint(catalogue, validate, old, new, expected):
    edit(catalogue / PRACTICE, old, new)
    code, out, _ = validate(catalogue)
    assert code == 1
    assert any(expected in line for line in out), "\n".join(out)


def test_listed_locators_pass_and_page_ranges_cover_pages(catalogue, validate):
    edit(catalogue / PRACTICE, "[@paper2018, p. 5; @journal2016]", '[@paper2018, p. 5; @journal2016, pp. 50-52; '
         '@paper2018, section "families"]')
    edit(catalogue / PRACTICE, '    pages: "5"', '    pages: "5"\n  - key: journal2016\n    pages: "45-65"\n'
         '  - key: paper2018\n    section: Families')
    code, out, _ = validate(catalogue)
    assert code == 0, out


def test_inferred_values_are_marked_and_must_exist(catalogue, validate):
    edit(catalogue / PRACTICE, "status: pilot", 'status: pilot\ninferred: [lead_actor, "participants[1].kind"]')
    catalogue_, problems = load_catalogue(catalogue)
    assert not [p for p in problems if p.severity == "error"]
    page = build_pages(catalogue_)[PRACTICE.replace(".yaml", ".md")]
    assert "Lead actor\n:   NGO *(inferred)*\n" in page
    assert "Family members *(inferred: Family)*" in page
    assert "*(inferred)*: Inferred by the editors" in page
    edit(catalogue / PRACTICE, "inferred: [lead_actor,", 'inferred: ["participants[5].kind", lead_actor,')
    code, out, _ = validate(catalogue)
    assert code == 1
    assert any(f"{PRACTICE}:23: inferred[0]: 'participants[5].kind' names no field with a value in this record" in line
               for line in out), out


def test_editorial_note_only_in_a_marked_box(catalogue):
    edit(catalogue / PRACTICE, "status: pilot", "status: pilot\neditorial_note: Placed in Norway <b>only</b> by us.")
    catalogue_, problems = load_catalogue(catalogue)
    assert [p.message for p in problems if p.severity == "error"] == [
        "raw HTML is not allowed in text fields (found '<b>')"]
    edit(catalogue / PRACTICE, "<b>only</b>", "*only*")
    catalogue_, problems = load_catalogue(catalogue)
    page = build_pages(catalogue_)[PRACTICE.replace(".yaml", ".md")]
    box = '!!! info "Editorial note"\n\n    Placed in Norway \\*only\\* by us.\n'
    assert box in page
    assert page.index(box) > page.index("## How it works") if "## How it works" in page else True
    assert page.count("Placed in Norway") == 1
