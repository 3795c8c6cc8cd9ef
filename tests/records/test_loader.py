from pathlib import Path

import pytest

from reskb.records.loader import LoadError, load_yaml


def load(tmp_path: Path, content: str | bytes):
    path = tmp_path / "record.yaml"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return load_yaml(path, "practices/record.yaml")


def error(tmp_path: Path, content: str | bytes) -> str:
    with pytest.raises(LoadError) as info:
        load(tmp_path, content)
    return info.value.problem.format_text()


def test_yaml_11_booleans_and_dates_stay_as_written(tmp_path):
    doc = load(tmp_path, "countries: [NO, DK]\nflag: yes\nswitch: off\nok: true\nday: 2026-11-26\n")
    assert doc.data == {"countries": ["NO", "DK"], "flag": "yes", "switch": "off", "ok": True, "day": "2026-11-26"}


def test_every_field_and_list_item_keeps_its_line(tmp_path):
    doc = load(tmp_path, "# comment\nid: x\nparticipants:\n  - name: A\n    kind: police\n  - name: B\n")
    assert doc.lines[("id",)] == 2
    assert doc.lines[("participants", 0, "kind")] == 5
    assert doc.lines[("participants", 1)] == 6
    assert doc.line_of(("participants", 1, "missing")) == 6


def test_duplicate_key_is_an_error_with_both_lines(tmp_path):
    message = error(tmp_path, "id: a\ntitle: One\ntitle: Two\n")
    assert message.startswith("practices/record.yaml:3: title: the field 'title' appears twice")
    assert "first on line 2" in message


def test_duplicate_key_in_nested_mapping(tmp_path):
    assert "record.yaml:4: format.kinds:" in error(tmp_path, "format:\n  kinds: [a]\n  produces: x\n  kinds: [b]\n")


def test_anchors_and_aliases_are_refused(tmp_path):
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n'
    assert "anchors and aliases" in error(tmp_path, bomb)


def test_python_tags_are_refused_and_never_executed(tmp_path):
    message = error(tmp_path, "a: !!python/object/apply:os.system ['touch pwned']\n")
    assert "is not allowed" in message
    assert not Path("pwned").exists()


def test_custom_tag_is_refused(tmp_path):
    assert "tag" in error(tmp_path, "a: !secret value\n")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "record.yaml:1: the file is empty"),
        ("   \n\n", "the file is empty"),
        ("- a\n- b\n", "expected a record of 'field: value' lines, found a list"),
        ("just text\n", "found text"),
        ("a: 1\n---\nb: 2\n", "record.yaml:2: the file holds more than one YAML document"),
        ("a:\n\t- b\n", "record.yaml:2: this is not valid YAML"),
        ("a: [1, 2\n", "this is not valid YAML"),
        (b"id: caf\xe9\n", "record.yaml:1: the file is not valid UTF-8 text"),
        (b"\x00\x01\x02binary", "NUL character"),
        ("a: " + "[" * 200 + "]" * 200 + "\n", "nested too deeply"),
        ("<<: {a: 1}\n", "merge keys"),
        ("? [a, b]\n: c\n", "a field name must be plain text"),
    ],
)
def test_bad_files_get_a_message_not_a_traceback(tmp_path, content, expected):
    assert expected in error(tmp_path, content)


def test_byte_order_mark_is_accepted(tmp_path):
    assert load(tmp_path, b"\xef\xbb\xbfid: x\n").data == {"id": "x"}


def test_oversized_file_is_refused_before_parsing(tmp_path):
    assert "at most 1,000,000 are allowed" in error(tmp_path, "summary: " + "x" * 1_100_000 + "\n")


def test_the_values_gathered_while_reading_are_those_of_a_walk(tmp_path):
    """Document.values (gathered by load_yaml) stands in for leaves(data) in validation: same values, order."""
    from reskb.records.loader import leaves

    path = tmp_path / "record.yaml"
    path.write_text("id: x\ntitle: 'T'\nempty: {}\nnone: []\nn: 3\nflag: true\nnothing:\nnested:\n  - a\n"
                    "  - [1, {b: c, d: [e, {}]}]\n  - f: |\n      line one\n      line two\n"
                    "date: 2026-01-15\nno: NO\n", encoding="utf-8")
    doc = load_yaml(path, "record.yaml")
    assert doc.values == list(leaves(doc.data))
    assert [pointer for pointer, _ in doc.values][-3:] == [("nested", 2, "f"), ("date",), ("no",)]
