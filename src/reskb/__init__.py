"""Resocialisation Knowledge Base: validate YAML records and BibTeX, compile them into a site."""

__version__ = "0.1.0"
