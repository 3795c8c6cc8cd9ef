"""Each validator rule, on a copy of the fixture catalogue broken in one place."""

from pathlib import Path

import pytest

from conftest import edit

PRACTICE = "practices/norway-family-meetings.yaml"


def test_fixture_catalogue_is_valid(catalogue, validate):
    code, out, err = validate(catalogue)
    assert code == 0, out
    assert out == []
    assert "0 error(s), 0 warning(s)" in err


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # schema rules
        ("phases: [pre-release, post-release]\n", "",
         f"{PRACTICE}:1: phases: this required field is missing (hint: add 'phases:'."),
        ("status: pilot", "stauts: pilot", f"{PRACTICE}:22: stauts: unknown field 'stauts' (hint: did you mean 'status'?)"),
        ("status: pilot", "status: piolt", f"{PRACTICE}:22: status: 'piolt' is not an allowed value; expected one of: "
         "planned, pilot, established, ended (hint: did you mean 'pilot'?)"),
        ("start_year: 2017", "start_year: '2017'", f"{PRACTICE}:23: start_year: expected a whole number, found text"),
        ("countries: [NO]", "countries: NO", f"{PRACTICE}:8: countries: expected a list, found text (hint: write a list"),
        ("countries: [NO]", "countries: [no]", f"{PRACTICE}:8: countries[0]: 'no' is not in the expected form "
         "(hint: use the two-letter ISO 3166-1 code in capitals"),
        ("id: norway-family-meetings", "id: Norway Family", f"{PRACTICE}:1: id: 'Norway Family' is not in the expected form"),
        ("  - name: Probation service\n    kind: probation\n", "  - name: Probation service\n    kind: probaton\n",
         f"{PRACTICE}:15: participants[0].kind: 'probaton' is not an allowed value"),
        ("last_reviewed: 2026-01-15", "last_reviewed: 15/01/2026", f"{PRACTICE}:29: last_reviewed: '15/01/2026' is "
         "not in the expected form (hint: write the date as YYYY-MM-DD"),
        ("phases: [pre-release, post-release]", "phases: [pre-release, pre-release]",
         f"{PRACTICE}:11: phases: 'pre-release' is listed more than once"),
        ("title: Family meetings in Norway", "title: true", f"{PRACTICE}:2: title: expected text, found true/false "
         "(hint: YAML reads true/false as yes-or-no values: put the text in quotes)"),
        # cross-record rules
        ("id: norway-family-meetings", "id: norway-meetings", f"{PRACTICE}:1: id: the id 'norway-meetings' differs from "
         "the file name 'norway-family-meetings.yaml' (hint: rename the file to norway-meetings.yaml"),
        ("countries: [NO]", "countries: [NO, UK]", f"{PRACTICE}:8: countries[1]: 'UK' is not an ISO 3166-1 country "
         "code (hint: did you mean 'GB' (United Kingdom)?)"),
        ("countries: [NO]", "countries: [XX]", f"{PRACTICE}:8: countries[0]: 'XX' is not an ISO 3166-1 country code"),
        ("topics: [family-support]", "topics: [family-suport]", f"{PRACTICE}:9: topics[0]: unknown topic id "
         "'family-suport' (hint: did you mean 'family-support'?)"),
        ("challenges: [stigma]", "challenges: [trust]", f"{PRACTICE}:10: challenges[0]: unknown challenge id 'trust'"),
        ("  - key: paper2018\n    pages: \"5\"", "  - key: paper2019\n    pages: \"5\"",
         f"{PRACTICE}:27: references[0].key: unknown reference key 'paper2019' (hint: did you mean 'paper2018'?)"),
        ("[@paper2018, p. 5]", "[@nosuchwork2020, p. 5]", f"{PRACTICE}:3: summary: unknown reference key 'nosuchwork2020'"),
        ("as @journal2016 describes", "as @journal2061 describes", f"{PRACTICE}:3: summary: unknown reference key "
         "'journal2061'"),
        ("A fixture practice.", "A fixture <script>alert(1)</script> practice.", f"{PRACTICE}:6: description: raw HTML "
         "is not allowed in text fields (found '<script>')"),
        ("A fixture practice.", 'A <img src=x onerror="alert(1)"> practice.', "description: raw HTML is not allowed"),
        ("A fixture practice.", "A [click](javascript:alert(1)) practice.", "description: links to 'javascript:' "
         "addresses are not allowed"),
        ("A fixture practice.", "A [click](java&#115;cript:alert(1)) practice.", "links to 'javascript:' addresses"),
        ("A fixture practice.", "A [x](data:text/html;base64,PHNjcmlwdD4=) practice.", "links to 'data:' addresses"),
        ("  - name: Family members", "  - name: Family <b>members</b>", "participants[1].name: raw HTML is not allowed"),
        ("start_year: 2017", "start_year: 2017\nend_year: 2015", f"{PRACTICE}:24: end_year: the end year 2015 is "
         "before the start year 2017"),
    ],
)
def test_each_rule_names_file_line_and_field(catalogue, validate, old, new, expected):
    edit(catalogue / PRACTICE, old, new)
    code, out, _ = validate(catalogue)
    assert code == 1
    assert any(expected in line for line in out), "\n".join(out)


def test_duplicate_key_in_a_record(catalogue, validate):
    edit(catalogue / PRACTICE, "status: pilot", "status: pilot\nstatus: established")
    code, out, _ = validate(catalogue)
    assert code == 1
    assert out == [f"{PRACTICE}:23: status: the field 'status' appears twice in the same record (first on line 22) "
                   "(hint: keep one of them: YAML would otherwise silently drop the first)"]


def test_all_problems_reported_in_one_run(catalogue, validate):
    edit(catalogue / PRACTICE, "countries: [NO]", "countries: [UK]")
    edit(catalogue / PRACTICE, "topics: [family-support]", "topics: [nope]")
    edit(catalogue / "challenges/stigma.yaml", "title: Stigmatisation", "title: Stigmatisation\ntitle: again")
    (catalogue / "topics/broken.yaml").write_bytes(b"\xff\xfe")
    code, out, err = validate(catalogue)
    assert code == 1
    assert len([line for line in out if "warning" not in line]) == 4, out
    assert "4 error(s)" in err


def test_region_must_belong_to_a_listed_country(catalogue, validate):
    edit(catalogue / "practices/hessen-case-meetings.yaml", "regions: [DE-HE]", "regions: [AT-9, DE-XX]")
    code, out, _ = validate(catalogue)
    assert code == 1
    assert any("regions[0]: the region 'AT-9' lies in 'AT', which is not in countries" in line for line in out)
    assert any("regions[1]: 'DE-XX' is not an ISO 3166-2 region code" in line for line in out)


def test_record_cannot_relate_to_missing_or_itself(catalogue, validate):
    edit(catalogue / "practices/hessen-case-meetings.yaml", "related: [norway-family-meetings]",
         "related: [hessen-case-meetings, gone]")
    code, out, _ = validate(catalogue)
    assert any("related[0]: a record cannot be related to itself" in line for line in out)
    assert any("related[1]: unknown practice id 'gone'" in line for line in out)


def test_bibtex_key_repeated_across_files(catalogue, validate):
    (catalogue / "bibliography/zz.bib").write_text("\n@misc{paper2018,\n  title = {Again}\n}\n")
    code, out, _ = validate(catalogue)
    assert code == 1
    assert any(line.startswith("bibliography/zz.bib:2: paper2018: the key 'paper2018' is already used in "
                               "bibliography/refs.bib:1") for line in out), out


def test_bibtex_key_repeated_in_one_file(catalogue, validate):
    with (catalogue / "bibliography/refs.bib").open("a") as f:
        f.write("\n@misc{journal2016,\n  title = {Again}\n}\n")
    code, out, _ = validate(catalogue)
    assert code == 1
    errors = [line for line in out if ": warning:" not in line]
    assert errors == ["bibliography/refs.bib:20: journal2016: the key 'journal2016' is already used in "
                      "bibliography/refs.bib:9 (hint: give each work its own key (one entry per work))"]


def test_bibtex_with_unbalanced_braces(catalogue, validate):
    (catalogue / "bibliography/broken.bib").write_text("@misc{x,\n  title = {Open\n}\n")
    code, out, _ = validate(catalogue)
    assert code == 1
    assert any(line.startswith("bibliography/broken.bib:1: x: the entry 'x' is not closed") for line in out), out


def test_bad_doi_and_url_in_bibtex(catalogue, validate):
    edit(catalogue / "bibliography/refs.bib", "doi     = {10.1000/fixture.1}",
         "doi = {doi.org/x},\n  url = {javascript:alert(1)}")
    code, out, _ = validate(catalogue)
    assert any("doi: 'doi.org/x' is not a DOI" in line for line in out)
    assert any("url: 'javascript:alert(1)' is not an http(s) address" in line for line in out)


def test_warnings_do_not_fail(catalogue, validate):
    with (catalogue / "bibliography/refs.bib").open("a") as f:
        f.write("\n@misc{uncited2020,\n  title = {Nobody cites me},\n  year = {2020}\n}\n")
    code, out, err = validate(catalogue)
    assert code == 0
    assert out == ["bibliography/refs.bib:20: warning: uncited2020: no record cites 'uncited2020' "
                   "(hint: cite it from a record or remove it)"]
    assert "0 error(s), 1 warning(s)" in err
    code, out, _ = validate(catalogue, "--errors-only")
    assert (code, out) == (0, [])


def test_github_format_annotates_the_line(catalogue, validate):
    edit(catalogue / PRACTICE, "countries: [NO]", "countries: [UK]")
    code, out, _ = validate(catalogue, "--format", "github")
    assert code == 1
    assert out[0].startswith(f"::error file={PRACTICE},line=8::countries[0]: 'UK' is not an ISO 3166-1 country code")


def test_wrong_file_names_and_stray_files(catalogue, validate):
    (catalogue / PRACTICE).rename(catalogue / "practices/norway-family-meetings.yml")
    (catalogue / "topics/notes.txt").write_text("hello")
    code, out, _ = validate(catalogue)
    assert code == 1
    assert any("norway-family-meetings.yml: the file name must end in .yaml" in line for line in out)
    assert any("topics/notes.txt: unexpected file in topics/" in line for line in out)


def test_not_a_catalogue(tmp_path, validate):
    code, out, _ = validate(tmp_path)
    assert code == 1
    assert "no catalogue here" in out[0]


def test_real_catalogue_is_valid(validate):
    code, out, _ = validate(Path(__file__).resolve().parents[2])
    assert code == 0, "\n".join(out)


@pytest.mark.parametrize("folder", ["practices", "topics"])
def test_the_id_index_is_refused_it_is_the_list_pages_address(catalogue, validate, folder):
    """A record with id `index` would be generated at <folder>/index.md, silently taking the place of the list."""
    first = sorted((catalogue / folder).glob("*.yaml"))[0]
    text = first.read_text(encoding="utf-8").replace(f"id: {first.stem}\n", "id: index\n", 1)
    first.unlink()
    (catalogue / folder / "index.yaml").write_text(text, encoding="utf-8")
    code, out, _ = validate(catalogue)
    assert code == 1
    assert any(line.startswith(f"{folder}/index.yaml:1: id: the id 'index' is the address of the list of ")
               for line in out), out
