"""Temporary alias of `reskb.records.catalogue` for search.py and search_cli.py, which the search helper owns and
which still import `.catalogue`: remove this file once they import `reskb.records.catalogue`."""

import sys

from .records import catalogue

sys.modules[__name__] = catalogue
