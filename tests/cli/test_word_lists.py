"""Without the English word lists the strict build stops on its warning; `reskb validate` says so first."""

from pathlib import Path

from conftest import STUDIES
from reskb.citations import proper_nouns
from reskb.cli import main


def test_validate_warns_when_the_word_lists_the_build_needs_are_missing(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(proper_nouns, "WORD_LIST", Path(tmp_path / "no-such-list"))
    proper_nouns.lexicon.cache_clear()
    try:
        code = main(["validate", "--no-cache", str(STUDIES)])
    finally:
        proper_nouns.lexicon.cache_clear()
    err = capsys.readouterr().err
    assert code == 0  # not an error of the catalogue
    assert "scripts/install-wordlists.sh" in err and "mkdocs build --strict" in err


def test_no_word_list_warning_when_they_are_there(tmp_path, monkeypatch, capsys):
    for name in ("WORD_LIST", "LARGE_WORD_LIST"):
        words = tmp_path / name
        words.write_text("family\nmeeting\nNorway\n", encoding="utf-8")
        monkeypatch.setattr(proper_nouns, name, words)
    proper_nouns.lexicon.cache_clear()
    try:
        main(["validate", "--no-cache", str(STUDIES)])
    finally:
        proper_nouns.lexicon.cache_clear()
    assert "install-wordlists" not in capsys.readouterr().err
