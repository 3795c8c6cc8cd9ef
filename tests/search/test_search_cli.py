"""`reskb search`: hits, snippets and facets as text or JSON; errors as messages."""

import json
from pathlib import Path

from conftest import FIXTURE, SEED, edit
from reskb.cli import main
from reskb.search import search


def run(capsys, *args):
    code = main(["search", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_lists_hits_with_snippets_and_facets(capsys, seed_search_cache):
    code, out, err = run(capsys, "family", "--path", str(SEED), "--cache", str(seed_search_cache))
    assert code == 0, err
    assert "Social network meetings in Austria" in out and "practices/austria-social-network-meetings/" in out
    assert "**families**" in out  # highlighted where the output is not a terminal
    austrian = search("family", country="AT", root=SEED, cache_dir=seed_search_cache, limit=None).total
    assert f"AT Austria ({austrian})" in out.split("Countries:")[1]


def test_cli_country_filter(capsys, seed_search_cache):
    code, out, _ = run(capsys, "--country", "DK", "--path", str(SEED), "--cache", str(seed_search_cache))
    assert code == 0
    assert "Copenhagen Coordination Unit" in out and "Rotterdam" not in out
    # fixed numbers belong to the fixture catalogue: there, no German practice mentions Norway
    fixture = str(FIXTURE)
    code, out, _ = run(capsys, "Norway", "--country", "DE", "--path", fixture, "--cache", str(seed_search_cache / "fixture"))
    assert code == 0 and '0 record(s) match "Norway" with country DE' in out
    assert "1 record(s) match without the filters" in out


def test_cli_json(capsys, seed_search_cache):
    code, out, _ = run(capsys, "family", "--json", "--limit", "50", "--path", str(SEED), "--cache", str(seed_search_cache))
    assert code == 0
    data = json.loads(out)
    hit = next(h for h in data["hits"] if h["id"] == "austria-social-network-meetings")
    assert hit["url"] == "https://example.org/seed/practices/austria-social-network-meetings/"  # the seed's site_url
    assert hit["countries"] == ["AT"] and hit["kind"] == "practice"
    assert data["facets"]["country"]["AT"] == sum("AT" in h["countries"] for h in data["hits"])
    assert data["total"] == len(data["hits"])
    assert set(data["facets"]) == {"kind", "country", "topic", "challenge", "phase", "lead_actor", "status", "evidence",
                                   "design"}


def test_cli_query_error_is_a_message_not_a_traceback(capsys, seed_search_cache):
    code, out, err = run(capsys, '"family', "--path", str(SEED), "--cache", str(seed_search_cache))
    assert code == 1 and out == ""
    assert err.startswith('reskb search: a phrase is not closed') and "Traceback" not in err
    code, _, err = run(capsys, "x", "--lead-actor", "government", "--path", str(SEED), "--cache", str(seed_search_cache))
    assert code == 1 and "no record has lead_actor 'government'" in err


def test_cli_on_an_invalid_catalogue(capsys, catalogue, tmp_path):
    edit(catalogue / "practices/norway-family-meetings.yaml", "countries: [NO]", "countries: [UK]")
    code, _, err = run(capsys, "family", "--path", str(catalogue), "--cache", str(tmp_path))
    assert code == 1
    assert "practices/norway-family-meetings.yaml:8: countries[0]" in err and "reskb validate" in err



def test_the_search_package_never_imports_the_main_command_line():
    """The main CLI imports the search CLI (to add `reskb search`), never the other way round: no cycle. Read
    with ast, so imports inside functions count too."""
    import ast

    import reskb.search

    for path in Path(reskb.search.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                target = ("reskb." if node.level == 2 else "reskb.search." if node.level == 1 else "") + (node.module or "")
                assert target != "reskb.cli" and not (node.level == 2 and node.module is None and
                                                      any(a.name == "cli" for a in node.names)), path.name
            elif isinstance(node, ast.Import):
                assert all(a.name != "reskb.cli" for a in node.names), path.name
