"""Which BibTeX/biblatex entry types and fields the citation style shows, which are bookkeeping, and
which are private (never republished). A field in none of these lists gets a warning: nothing a
contributor writes is dropped without a word."""

from __future__ import annotations

#: entry types pandoc's biblatex reader maps to a CSL type that APA formats
TYPES = frozenset("""
article book mvbook inbook bookinbook suppbook booklet collection mvcollection incollection suppcollection
manual misc online electronic www patent periodical suppperiodical proceedings mvproceedings inproceedings
conference reference mvreference inreference report techreport thesis phdthesis mastersthesis unpublished
dataset software artwork audio image jurisdiction legislation legal letter movie music performance review
standard video
""".split())

#: fields pandoc maps to CSL variables that APA uses
SHOWN = frozenset("""
author editor translator bookauthor editortype editora editoratype
title subtitle titleaddon shorttitle booktitle booksubtitle booktitleaddon maintitle mainsubtitle maintitleaddon
journal journaltitle journalsubtitle shortjournal issuetitle issuesubtitle series volume volumes number issue
pages chapter edition version type howpublished note addendum pubstate
publisher institution school organization address location venue eventtitle eventdate
date year month urldate origdate origyear origtitle
url doi eprint eprinttype eprintclass archiveprefix primaryclass
crossref language langid
""".split())

#: fields that APA 7 has no place for in one entry type, though pandoc would show them: an article's
#: series ("New Series", "3rd Series") would be appended to the journal's name; they are left out of
#: what pandoc reads, with a warning (the exports keep them)
UNSHOWN_IN_TYPE = {"article": frozenset({"series"})}

#: bookkeeping that no style prints and that exports keep (identifiers, sorting and indexing hints)
QUIET = frozenset("""
abstract keywords isbn issn isrn ismn isan iswc lccn pmid pmcid mrnumber zmnumber langidopts
indextitle indexsorttitle sorttitle sortname sortyear sortkey presort label shorthand shortauthor
shorteditor options ids entryset xref related relatedtype relatedstring relatedoptions pagetotal
copyright rights library callnumber archive archive_location extra
""".split())

#: fields about one person's copy of a work (local files, notes, reading dates): never republished
PRIVATE = frozenset("""
file pdf local-url owner timestamp annote annotation date-added date-modified mendeley-tags
mendeley-groups groups readstatus read priority qualityassured ranking __markedentry comment
""".split())


def is_private(name: str) -> bool:
    return name in PRIVATE or name.startswith(("bdsk-file-", "bdsk-"))
