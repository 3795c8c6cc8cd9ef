"""Temporary alias of `reskb.records.validate` for search.py and search_cli.py, which the search helper owns and
which still import `.validate`: remove this file once they import `reskb.records.validate`."""

import sys

from .records import validate

sys.modules[__name__] = validate
