"""Temporary alias of `reskb.citations.plaintext` for search.py and search_cli.py, which the search helper owns and
which still import `.plaintext`: remove this file once they import `reskb.citations.plaintext`."""

import sys

from .citations import plaintext

sys.modules[__name__] = plaintext
