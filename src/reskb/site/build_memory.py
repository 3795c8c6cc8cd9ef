"""Memory and garbage-collector housekeeping for a one-off `mkdocs build` of a large catalogue.

A full build holds every page's Markdown and HTML at once (MkDocs reads and renders all pages before it
writes any), so what the plugin keeps beside them decides the peak. Measured at 5,000 practices (issue 16):

- each generated page's Markdown was held twice, once by its File (the content the plugin gave it) and once
  by its Page after MkDocs read it; once read, the File's copy is dropped (`release_page_source`);
- the line of every YAML field, kept for error messages, is no use once the catalogue has validated
  (`drop_positions`);
- Python's cyclic garbage collector walks every live container in each full collection; the catalogue and
  MkDocs' files and navigation live to the end of the build, so they are moved out of its sight
  (`freeze_long_lived`) once they exist. Frozen objects are still freed by reference counting.

None of this applies to `mkdocs serve`, whose plugin lives across rebuilds and re-reads files.
"""

from __future__ import annotations

import gc

from mkdocs.structure.files import File

from ..records.catalogue import Catalogue


def drop_positions(catalogue: Catalogue) -> None:
    """Forget the line of every field of every record (the site never reports a line; `reskb validate` does)."""
    for record in catalogue.all_records():
        record.doc.lines = {}
        record.doc.text_starts = {}


def release_page_source(file: File) -> None:
    """Drop a generated page's Markdown from its File once its Page has read it (Page.markdown keeps it).

    Reading the File's content afterwards fails loudly (it has neither content nor a source path) rather
    than giving an empty page."""
    if file.abs_src_path is None:
        file._content = None  # noqa: SLF001 (MkDocs has no public way to forget generated content)


def freeze_long_lived() -> None:
    """Move every object alive now out of the cyclic collector's full collections (gc.freeze)."""
    gc.collect()
    gc.freeze()


def unfreeze() -> None:
    gc.unfreeze()
