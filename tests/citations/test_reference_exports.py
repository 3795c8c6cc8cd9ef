"""/data/references.bib republishes each entry as written (minus private fields); CSL-JSON and RIS too."""

import json
from pathlib import Path

import bibtexparser
import jsonschema
import pytest

from reskb.citations import finish_references, read_bib_file
from reskb.citations.exports import csl_items, public_bibtex, references_bib, ris_record

FIXTURES = Path(__file__).parent.parent / "fixtures"

ZOTERO = r"""@string{jchph = {J.~Chem. Phys.}}

@article{kastenholz,
  author       = {Kastenholz, M. A. and H{\"u}nenberger, Philippe H.},
  title        = {Computation of methodology\hyphen independent ionic solvation free energies},
  journaltitle = jchph,
  date         = 2006,
  doi          = {10.1063/1.2172593},
}

@report{ranCoE2017_x,
	title = {Working with families \& communities: {RAN} {P\&P}~{Practitioners}},
	author = {{RAN Centre of Excellence}},
	date = {2017-03},
	institution = {Radicalisation Awareness Network},
	url = {https://example.org/files/ran_pp_2017~v1.pdf?a=1&b=2},
	doi = {10.1000/a_b_c},
	file = {Full Text PDF:/home/jdoe/Zotero/storage/ABCD1234/ran.pdf:application/pdf},
	timestamp = {2024-01-02T10:11:12Z},
	owner = {jdoe},
	annote = {my private reading notes},
	keywords = {prison, families},
}

@book{smith_2019,
  author = {Smith, Jane and {van der Berg}, Piet and Jones, Jr., Robert},
  title = {Second edition},
  edition = {2},
  publisher = {Routledge},
  address = {London},
  year = {2019},
  abstract = {Kept: abstracts are public.},
  mendeley-tags = {x}
}
"""


@pytest.fixture(scope="module")
def bib(tmp_path_factory):
    path = tmp_path_factory.mktemp("bib") / "zotero.bib"
    path.write_text(ZOTERO, encoding="utf-8")
    bib = read_bib_file(path, "zotero.bib")
    refs = {r.key: r for r in bib.references}
    formatter = finish_references(refs, bib.strings)
    return bib, refs, formatter


def _fields(text: str) -> dict[str, dict[str, str]]:
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    return {e.key: {f.key.lower(): f.value for f in e.fields} for e in library.entries}


def test_bib_export_reads_back_to_the_same_keys_and_values(bib):
    bib_file, refs, _ = bib
    exported = references_bib(sorted(refs.values(), key=lambda r: r.key), bib_file.strings)
    private = {"file", "timestamp", "owner", "annote", "mendeley-tags"}
    source = {key: {k: v for k, v in fields.items() if k not in private} for key, fields in _fields(ZOTERO).items()}
    assert _fields(exported) == source
    assert set(source) == {"kastenholz", "ranCoE2017_x", "smith_2019"}


def test_bib_export_changes_nothing_but_private_fields(bib):
    _, refs, _ = bib
    text = public_bibtex(refs["ranCoE2017_x"])
    assert r"{RAN} {P\&P}~{Practitioners}" in text and "ran_pp_2017~v1.pdf?a=1&b=2" in text and "10.1000/a_b_c" in text
    for private in ("file =", "timestamp", "owner", "annote", "/home/jdoe"):
        assert private not in text
    assert "\tkeywords = {prison, families},\n}" in text  # tabs and the trailing comma kept as written
    assert public_bibtex(refs["kastenholz"]) == refs["kastenholz"].raw  # nothing private: byte for byte


def test_csl_json_validates_against_the_csl_data_schema(bib):
    _, refs, formatter = bib
    items = csl_items(sorted(refs.values(), key=lambda r: r.key), formatter.items)
    schema = json.loads((FIXTURES / "csl/csl-data.json").read_text())
    jsonschema.Draft7Validator(schema).validate(items)
    by_id = {i["id"]: i for i in items}
    assert by_id["kastenholz"]["container-title"] == "J.\u00a0Chem. Phys."  # ~ is a no-break space
    assert by_id["ranCoE2017_x"]["author"] == [{"literal": "RAN Centre of Excellence"}]
    assert by_id["ranCoE2017_x"]["issued"] == {"date-parts": [[2017, 3]]}
    assert "annote" not in by_id["ranCoE2017_x"]


def test_ris_records(bib):
    _, _, formatter = bib
    ris = ris_record(formatter.items["smith_2019"])
    lines = ris.splitlines()
    assert lines[0] == "TY  - BOOK" and lines[-1] == "ER  -"
    assert "AU  - Smith, Jane" in lines and "AU  - van der Berg, Piet" in lines and "AU  - Jones, Robert, Jr." in lines
    assert "PY  - 2019" in lines and "PB  - Routledge" in lines and "CY  - London" in lines and "ID  - smith_2019" in lines
    report = ris_record(formatter.items["ranCoE2017_x"]).splitlines()
    assert "TY  - RPRT" in report and "DO  - 10.1000/a_b_c" in report and "DA  - 2017/3//" in report


def test_site_downloads(real_site):
    schema = json.loads((FIXTURES / "csl/csl-data.json").read_text())
    items = json.loads((real_site / "data/references.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(items)
    ris = (real_site / "data/references.ris").read_text(encoding="utf-8")
    assert ris.count("TY  - ") == ris.count("ER  -") == len(items) >= 20
    page = json.loads((real_site / "data/cite/practices/rotterdam-case-conferences.json").read_text())
    jsonschema.Draft7Validator(schema).validate(page)
    assert (real_site / "data/cite/practices/rotterdam-case-conferences.ris").read_text().startswith("TY  - ELEC\n")
