from conftest import REPO, all_fields
from reskb.records.fieldref import END, START, field_reference
from reskb.records.schema import schema


def test_reference_lists_every_schema_field():
    text = field_reference()
    for kind in ("practice", "challenge", "topic"):
        for name in all_fields(schema(kind)):
            assert f"| `{name}` |" in text, (kind, name)


def test_contributing_holds_the_current_reference():
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    block = text.split(START, 1)[1].split(END, 1)[0]
    assert block.strip() == field_reference().strip(), "run: reskb fields --write CONTRIBUTING.md"


def test_every_schema_property_is_documented():
    def walk(node, where):
        for name, sub in node.get("properties", {}).items():
            assert sub.get("description") or "$ref" in sub, f"{where}.{name} has no description"
            walk(sub, f"{where}.{name}")
            walk(sub.get("items", {}), f"{where}.{name}[]")

    for kind in ("practice", "challenge", "topic"):
        walk(schema(kind), kind)
