"""`mkdocs serve` shows our validation message on every rebuild, not only the first time: MkDocs logs build
errors through a filter that drops a message it has logged before in the same process."""

from __future__ import annotations

import logging

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from mkdocs.utils import DuplicateFilter

from conftest import edit


def test_a_repeated_catalogue_error_is_printed_every_time(catalogue, tmp_path, caplog):
    edit(catalogue / "practices/norway-family-meetings.yaml", "countries: [NO]", "countries: [UK]")
    build_log = logging.getLogger("mkdocs.commands.build")
    duplicates = DuplicateFilter()  # as `mkdocs serve` installs it (mkdocs.__main__._enable_warnings)
    build_log.addFilter(duplicates)
    try:
        for _ in range(3):  # three rebuilds of the same broken catalogue, as serve does after each save
            with pytest.raises(Abort, match="Aborted with a BuildError"):
                build(load_config(str(catalogue / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
    finally:
        build_log.removeFilter(duplicates)
    shown = [r.getMessage() for r in caplog.records if "'UK' is not an ISO 3166-1 country code" in r.getMessage()]
    assert len(shown) == 3
