"""`reskb new`: the template generated from the schemas, its placeholders, and the refusals."""

import re

import pytest
import yaml

from conftest import edit
from reskb.cli import main
from reskb.records import scaffold
from reskb.records.scaffold import slugify, template
from reskb.records.schema import schema


def _all_fields(node, prefix=""):
    for name, sub in node.get("properties", {}).items():
        yield f"{prefix}{name}", name
        if "properties" in sub:
            yield from _all_fields(sub, f"{prefix}{name}.")
        if "properties" in sub.get("items", {}):
            yield from _all_fields(sub["items"], f"{prefix}{name}[].")


def uncomment(text: str) -> str:
    """Every optional field of a template switched on, as a contributor would by removing '# '."""
    field = re.compile(r"^(\s*)# ((\s*# )?\s*(- )?[a-z_]+:( .*)?|\s+(# )?TODO)$")
    for _ in range(2):  # a field inside an optional group is commented out twice
        lines = []
        for line in text.splitlines():
            match = field.match(line)
            lines.append(match.group(1) + match.group(2) if match else line)
        text = "\n".join(lines) + "\n"
    return text


def new(catalogue, *args):
    return main(["new", *args, "--path", str(catalogue)])


@pytest.mark.parametrize(("title", "expected"), [
    ("Case conferences in Rotterdam", "case-conferences-in-rotterdam"),
    ("Réseau d'accompagnement à Besançon", "reseau-daccompagnement-a-besancon"),
    ("Straße & Ørestad: Łódź — Æbeltoft", "strasse-and-orestad-lodz-aebeltoft"),
    ("  The UK's 'MAPPA' (2009)!  ", "the-uks-mappa-2009"),
    ("Программа", ""),
])
def test_slugify_folds_accents_to_ascii(title, expected):
    assert slugify(title) == expected


def test_slugify_cuts_long_titles_at_a_word():
    full = slugify("Multi agency " * 20, max_length=1000)
    slug = slugify("Multi agency " * 20)
    assert len(slug) <= 60 and full.startswith(slug + "-")


@pytest.mark.parametrize("kind", ["practice", "challenge", "topic"])
def test_template_lists_every_schema_field_marked_required_or_optional(kind):
    text = template(kind)
    doc = schema(kind)
    for dotted, name in _all_fields(doc):
        assert re.search(rf"^\s*#(\s*#)?\s*{re.escape(name)} \((required|optional)\):", text, re.MULTILINE), dotted
    for name in doc["required"]:
        assert re.search(rf"^{name}:", text, re.MULTILINE), f"required {name} must be active"
    assert text.startswith(f"# yaml-language-server: $schema=../src/reskb/schemas/{kind}.schema.json\n")


def test_template_lists_allowed_values_from_the_schema():
    text = template("practice")
    phases = schema("practice")["properties"]["phases"]["items"]["enum"]
    assert "one or more of: " + ", ".join(phases) in text
    assert "one of: state, ngo, hybrid, community, multi-agency, international" in text


@pytest.mark.parametrize("kind", ["practice", "challenge", "topic"])
def test_template_is_valid_yaml_even_with_every_optional_field_switched_on(kind):
    assert isinstance(yaml.safe_load(template(kind)), dict)
    data = yaml.safe_load(uncomment(template(kind)))
    for dotted, _ in _all_fields(schema(kind)):
        value = data
        for part in dotted.split("."):
            part = part.removesuffix("[]")
            value = value[0] if isinstance(value, list) else value
            assert part in value, dotted
            value = value[part]


def test_new_practice_with_flags_writes_the_template(catalogue, capsys):
    assert new(catalogue, "practice", "--title", "Mentoring in Łódź", "--country", "pl,DE", "--topic",
               "family-support", "--challenge", "stigma", "--date", "2026-11-01") == 0
    path = catalogue / "practices" / "mentoring-in-lodz.yaml"
    data = yaml.safe_load(path.read_text())
    assert data["id"] == "mentoring-in-lodz" and data["title"] == "Mentoring in Łódź"
    assert data["countries"] == ["PL", "DE"] and data["topics"] == ["family-support"]
    assert data["challenges"] == ["stigma"]
    assert str(data["last_reviewed"]) == str(data["added"]) == "2026-11-01"
    assert "created practices/mentoring-in-lodz.yaml" in capsys.readouterr().out


def test_placeholders_fail_validation_with_one_clear_message_each(catalogue, validate):
    new(catalogue, "practice", "--title", "Mentoring in Lodz", "--country", "PL", "--topic", "family-support",
        "--date", "2026-11-01")
    code, out, err = validate(catalogue)
    assert code == 1
    mine = [line for line in out if line.startswith("practices/mentoring-in-lodz.yaml")]
    assert len(mine) == 4, mine
    assert all("still holds the placeholder TODO from the template" in line for line in mine)
    assert any(" phases[0]: " in line and "one of: pre-trial, in-prison" in line for line in mine)
    assert any(" evidence.status: " in line and "not-evaluated" in line for line in mine)
    assert any(" references[0].key: " in line and "BibTeX key" in line for line in mine)
    assert any(" summary: " in line for line in mine)
    # the marker does not also trigger the schema's or the cross-checks' own messages
    assert not [line for line in mine if "expected form" in line or "unknown reference" in line or "allowed" in line]


def test_a_todo_left_in_an_uncommented_optional_field_is_reported(catalogue, validate):
    edit(catalogue / "practices/norway-family-meetings.yaml", "status: pilot", "status: TODO")
    code, out, _ = validate(catalogue)
    assert code == 1
    assert any("norway-family-meetings.yaml:" in line and "status: still holds the placeholder TODO" in line
               and "replace it with one of: planned, pilot, established, ended" in line for line in out), out
    assert not any("'TODO' is not an allowed value" in line for line in out)


def test_filled_template_validates(catalogue, validate):
    new(catalogue, "practice", "--title", "Mentoring in Lodz", "--country", "PL", "--topic", "family-support",
        "--date", "2026-11-01")
    path = catalogue / "practices" / "mentoring-in-lodz.yaml"
    text = path.read_text()
    text = text.replace("summary: |\n  TODO", "summary: |\n  Mentors meet released offenders every week [@paper2018, p. 5].")
    text = text.replace("phases: [TODO]", "phases: [post-release]")
    text = text.replace("  status: TODO", "  status: not-evaluated")
    text = text.replace("  - key: TODO", "  - key: paper2018\n    pages: \"5\"")  # the page the summary cites
    path.write_text(text)
    code, out, _ = validate(catalogue)
    assert code == 0, out


def test_refuses_an_id_already_taken_and_never_overwrites(catalogue, capsys):
    path = catalogue / "practices" / "norway-family-meetings.yaml"
    before = path.read_text()
    assert new(catalogue, "practice", "--title", "Family meetings", "--id", "norway-family-meetings") == 1
    err = capsys.readouterr().err
    assert "the id 'norway-family-meetings' is already taken by practices/norway-family-meetings.yaml" in err
    assert path.read_text() == before


def test_refuses_an_id_used_inside_another_file(catalogue, capsys):
    (catalogue / "practices" / "norway-family-meetings.yaml").rename(catalogue / "practices" / "renamed.yaml")
    assert new(catalogue, "practice", "--title", "Family meetings", "--id", "norway-family-meetings") == 1
    assert "already taken by practices/renamed.yaml" in capsys.readouterr().err


def test_create_never_overwrites_even_when_the_file_appears_late(catalogue, monkeypatch):
    monkeypatch.setattr(scaffold, "check_id", lambda *a: None)
    (catalogue / "practices" / "late.yaml").write_text("keep me")
    with pytest.raises(scaffold.ScaffoldError, match="already exists"):
        scaffold.create(catalogue, "practice", {"id": "late", "title": "Late"})
    assert (catalogue / "practices" / "late.yaml").read_text() == "keep me"


@pytest.mark.parametrize(("args", "message"), [
    (["--title", "Ab"], "give the title"),
    ([], "give the title with --title"),
    (["--title", "Case meetings", "--id", "Case Meetings"], "cannot be an id"),
    (["--title", "Case meetings", "--country", "UK"], "'UK' is not an ISO 3166-1 country code (did you mean 'GB'"),
    (["--title", "Case meetings", "--topic", "family-suport"],
     "unknown topic id 'family-suport' (did you mean 'family-support'?)"),
    (["--title", "Программа"], "no id can be made from this title"),
    (["--title", "Case meetings", "--date", "1 May"], "is not a date"),
])
def test_bad_options_exit_1_with_a_clear_message(catalogue, capsys, args, message):
    assert new(catalogue, "practice", *args) == 1
    assert message in capsys.readouterr().err
    assert sorted(p.name for p in (catalogue / "practices").iterdir()) == [
        "hessen-case-meetings.yaml", "norway-family-meetings.yaml"]


def test_topic_takes_no_countries(catalogue, capsys):
    assert new(catalogue, "topic", "--title", "Staff training", "--country", "NL") == 1
    assert "a topic has no countries" in capsys.readouterr().err


def test_outside_a_catalogue_it_says_where_to_run_it(tmp_path, capsys):
    assert main(["new", "practice", "--title", "Case meetings", "--path", str(tmp_path)]) == 1
    assert "run the command from the repository's top folder" in capsys.readouterr().err


def test_without_a_terminal_it_never_waits_for_input(catalogue, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    monkeypatch.setattr("builtins.input", lambda *a: pytest.fail("asked for input without a terminal"))
    assert new(catalogue, "practice", "--title", "Case meetings in Oslo") == 0
    data = yaml.safe_load((catalogue / "practices" / "case-meetings-in-oslo.yaml").read_text())
    assert data["countries"] == ["TODO"]


def test_on_a_terminal_it_asks_and_asks_again_after_a_wrong_answer(catalogue, monkeypatch, capsys):
    answers = iter(["Case meetings in Oslo", "", "UK", "NO", "family-suport", "family-support"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert new(catalogue, "practice", "--date", "2026-11-01") == 0
    data = yaml.safe_load((catalogue / "practices" / "case-meetings-in-oslo.yaml").read_text())
    assert data["countries"] == ["NO"] and data["topics"] == ["family-support"]
    err = capsys.readouterr().err
    assert "did you mean 'GB'" in err and "did you mean 'family-support'" in err


def test_stdout_prints_without_writing(catalogue, capsys):
    assert new(catalogue, "challenge", "--title", "Lack of housing", "--topic", "family-support", "--stdout") == 0
    out = capsys.readouterr().out
    assert "id: lack-of-housing" in out and "topics: [family-support]" in out
    assert not (catalogue / "challenges" / "lack-of-housing.yaml").exists()
