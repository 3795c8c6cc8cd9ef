"""Temporary alias of `reskb.records.evaluations` for search.py and search_cli.py, which the search helper owns and
which still import `.evaluations`: remove this file once they import `reskb.records.evaluations`."""

import sys

from .records import evaluations

sys.modules[__name__] = evaluations
