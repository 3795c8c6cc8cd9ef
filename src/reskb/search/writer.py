"""whoosh's segment writer with postings grouped by term in memory: an index build that grows linearly.

whoosh's writer puts every posting, as a (field, term, document, weight, value) tuple, in a pool that it sorts
as a whole at the end; past `limitmb` it sorts and pickles the pool to temporary files and merges them back
(at 10,000 practices that round trip of 2.5 million postings was a third of the build). Documents arrive in
order, so postings grouped by term are already in document order: only the distinct terms need sorting. The
writer hands whoosh's codec the same postings in the same order, so it writes the same index (whoosh-reloaded
2.7.5, pinned: query.py reads its posting format).
"""

from __future__ import annotations

import copy
from array import array
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import CompositeAnalyzer, RegexTokenizer, Token
from whoosh.analysis.tokenizers import default_pattern
from whoosh.fields import TEXT, Schema
from whoosh.writing import SegmentWriter

Posting = tuple[str, bytes, int, float, Any]


class TermPool:
    """Postings grouped by (field, term), each group in the order added: documents numbered in increasing order."""

    def __init__(self) -> None:
        #: (field, term) -> document numbers, weights, encoded values (arrays: a posting costs ~20 bytes + value)
        self._terms: dict[tuple[str, bytes], tuple[array, array, list]] = {}
        self.fieldnames: set[str] = set()

    def add(self, item: Posting) -> None:
        fieldname, text, docnum, weight, value = item
        group = self._terms.get((fieldname, text))
        if group is None:
            group = self._terms[fieldname, text] = (array("q"), array("d"), [])
            self.fieldnames.add(fieldname)
        elif docnum < group[0][-1]:  # whoosh's merge of old segments would add documents out of order
            raise ValueError(f"posting for document {docnum} after document {group[0][-1]}")
        group[0].append(docnum)
        group[1].append(weight)
        group[2].append(value)

    def iter_postings(self) -> Iterator[Posting]:
        """Every posting sorted as whoosh's pool sorts them: by field, term, then document (each group freed once read)."""
        for key in sorted(self._terms):
            docnums, weights, values = self._terms.pop(key)
            fieldname, text = key
            for docnum, weight, value in zip(docnums, weights, values, strict=True):
                yield fieldname, text, docnum, weight, value

    def cleanup(self) -> None:
        self._terms.clear()


class _Lengths:
    """The new segment's field lengths, read once per field: whoosh's reader decodes the length column at every
    posting, and looks for a length file (a stat call) at every posting of a field without lengths (keywords, id)."""

    def __init__(self, reader: Any, scorable: set[str]):
        self._reader, self._scorable = reader, scorable
        self._lengths: dict[str, list[Any]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> Any:
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            if fieldname not in self._scorable:
                return default
            lengths = self._lengths[fieldname] = [self._reader.doc_field_length(d, fieldname, default)
                                                  for d in range(self._reader.doc_count_all())]
        return lengths[docnum]

    def close(self) -> None:
        self._reader.close()


#: what index.py puts between the parts of the default field (title, summary, body): no word spans it
PART_SEPARATOR = " \n "


class _Remembering:
    """An analyzer that analyses each part of a text once per document: the default field repeats the title,
    summary and body that their own fields analyse. Yields the tokens the analyzer would yield for the whole
    text: a stop filter keeps the position of the first word it lets through and numbers the next ones on."""

    def __init__(self, analyzer: Any):
        self.analyzer = analyzer
        self.parts: dict[str, tuple[list[str], int | None]] = {}  # text -> its words, the first word's position

    def _analyse(self, part: str, mode: str) -> tuple[list[str], int | None]:
        found = self.parts.get(part)
        if found is None:
            words, first = [], None
            for token in self.analyzer(part, positions=True, mode=mode):
                if first is None:
                    first = token.pos
                words.append(token.text)
            found = self.parts[part] = (words, first)
        return found

    def __call__(self, value: str, positions: bool = False, chars: bool = False, mode: str = "", **kwargs: Any) -> Any:
        if chars or kwargs.get("removestops") is False or kwargs.get("start_pos"):  # not what indexing asks for
            yield from self.analyzer(value, positions=positions, chars=chars, mode=mode, **kwargs)
            return
        token = Token(positions=positions, chars=False, mode=mode, **kwargs)
        token.boost, token.stopped, before, pos = 1.0, False, 0, None
        for part in value.split(PART_SEPARATOR):
            words, first = self._analyse(part, mode)
            if pos is None:
                if first is None:  # stop words only: they count in the position of the first word
                    before += sum(1 for _ in self.analyzer.items[0](part))
                    continue
                pos = before + first - 1
            for word in words:
                pos += 1
                token.text, token.pos = word, pos
                yield token


def _splits_on_spaces(analyzer: Any) -> bool:
    """Whether the analyzer starts with whoosh's default word tokenizer, whose words never span a space."""
    tokenizer = analyzer.items[0] if isinstance(analyzer, CompositeAnalyzer) and analyzer.items else None
    return (isinstance(tokenizer, RegexTokenizer) and not tokenizer.gaps
            and tokenizer.expression.pattern == default_pattern.pattern)


class LinearWriter(SegmentWriter):
    """A SegmentWriter for a new, empty index (one segment, no merging of older ones) with postings held in a
    TermPool. Memory grows with the postings (~150 MB at 10,000 practices) instead of spilling to disk."""

    def __init__(self, ix: Any, **kwargs: Any):
        super().__init__(ix, **kwargs)
        if self.segments:
            raise ValueError("LinearWriter writes a new index only")
        self.pool = TermPool()
        # while documents are added, text fields use analysers that remember each document's texts: on copies of
        # the fields, as the index's schema (whoosh hands the writer the caller's own object) is pickled unchanged
        self._toc_schema = self.schema
        self._remembering: dict[int, _Remembering] = {}
        fields = dict(self.schema.items())
        for name, field in fields.items():
            analyzer = getattr(field, "analyzer", None)
            if isinstance(field, TEXT) and _splits_on_spaces(analyzer):
                fields[name] = copy.copy(field)
                fields[name].analyzer = self._remembering.setdefault(id(analyzer), _Remembering(analyzer))
        self.schema = Schema(**fields)

    def add_document(self, **fields: Any) -> None:
        for remembering in self._remembering.values():
            remembering.parts.clear()
        super().add_document(**fields)

    def _commit_toc(self, segments: Any) -> None:
        self.schema = self._toc_schema  # the table of contents pickles it
        super()._commit_toc(segments)

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = None
        if self.codec.length_stats:
            scorable = {name for name, field in self.schema.items() if field.scorable}
            lengths = _Lengths(self.per_document_reader(), scorable)
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if lengths:
            lengths.close()
