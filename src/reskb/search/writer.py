"""whoosh's segment writer, made to grow linearly and do less work per word; it writes the same index.

whoosh's writer puts every posting, as a (field, term, document, weight, value) tuple, in a pool that it sorts
as a whole at the end; past `limitmb` it sorts and pickles the pool to temporary files and merges them back
(at 10,000 practices that round trip of 2.5 million postings was a third of the build). Documents arrive in
order, so postings grouped by term are already in document order: only the distinct terms need sorting.
And whoosh analyses each text field on its own, passing one token object through a generator per filter:
the default field repeats the title, summary and body, so every word was analysed twice. Here each text is
analysed once per document, by whoosh's StemmingAnalyzer's own settings in one loop.
The writer hands whoosh's codec the same postings in the same order, so it writes the same index
(whoosh-reloaded 2.7.5, pinned: query.py reads its posting format); tests/search/test_search_writer.py
compares the two."""

from __future__ import annotations

import copy
from array import array
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import CompositeAnalyzer, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.analysis.tokenizers import default_pattern
from whoosh.fields import TEXT, Schema
from whoosh.formats import Positions
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
    """Analyses each part of a text once per document (the default field repeats the title, summary and body that
    their own fields analyse) and gives the words with the positions the analyzer would give the whole text:
    its stop filter keeps the position of the first word it lets through and numbers the next ones on."""

    def __init__(self, chain: tuple):
        self.chain = chain
        self.parts: dict[str, tuple[list[str], int | None]] = {}  # text -> its words, the first word's position
        self._stems: dict[str, str] = {}

    def _analyse(self, part: str) -> tuple[list[str], int | None]:
        """What whoosh's chain gives, without a token object passed through four generators per word."""
        found = self.parts.get(part)
        if found is not None:
            return found
        expression, stops, minsize, maxsize, stem, ignore = self.chain
        stems, words, first = self._stems, [], None
        for pos, match in enumerate(expression.finditer(part)):
            text = match.group(0).lower()
            if len(text) >= minsize and (maxsize is None or len(text) <= maxsize) and text not in stops:
                if first is None:
                    first = pos
                if text in ignore:
                    words.append(text)
                    continue
                stemmed = stems.get(text)
                if stemmed is None:
                    stemmed = stems[text] = stem(text)
                words.append(stemmed)
        found = self.parts[part] = (words, first)
        return found

    def positions(self, value: str) -> Iterator[tuple[int, str]]:
        """(position, word) for each word of the text, as the analyzer numbers them."""
        before, pos = 0, -1
        for part in value.split(PART_SEPARATOR):
            words, first = self._analyse(part)
            if pos < 0:
                if first is None:  # stop words only: they count in the position of the first word
                    before += sum(1 for _ in self.chain[0].finditer(part))
                    continue
                pos = before + first - 1
            for word in words:
                pos += 1
                yield pos, word

    def forget(self) -> None:
        self.parts.clear()
        if len(self._stems) > 500_000:
            self._stems.clear()


def _plain_chain(analyzer: Any) -> tuple | None:
    """The settings of whoosh's StemmingAnalyzer (word tokenizer, lower case, stop words, stemming), when the
    analyzer is exactly that chain (its words never span a space); None otherwise."""
    items = analyzer.items if isinstance(analyzer, CompositeAnalyzer) else []
    if [type(item) for item in items] != [RegexTokenizer, LowercaseFilter, StopFilter, StemFilter]:
        return None
    tokenizer, _, stop, stem = items
    if tokenizer.gaps or tokenizer.expression.pattern != default_pattern.pattern or not stop.renumber or stem.lang:
        return None
    return tokenizer.expression, stop.stops, stop.min, stop.max, stem.stemfn, frozenset(stem.ignore or ())


def _positions_index(field: Any, remembering: _Remembering) -> Any:
    """The field's `index` (whoosh's Positions format: each word with its positions) from remembered words."""
    boost, encode, whooshs = field.format.field_boost, field.format.encode, field.index

    def index(value: Any, **kwargs: Any) -> Any:
        if kwargs or not isinstance(value, str):
            return whooshs(value, **kwargs)
        found: dict[str, list[int]] = {}
        for pos, word in remembering.positions(value):
            poslist = found.get(word)
            if poslist is None:
                found[word] = [pos]
            else:
                poslist.append(pos)
        return [(word.encode("utf-8"), len(poslist), float(len(poslist)) * boost, encode(poslist))
                for word, poslist in found.items()]

    return index


class LinearWriter(SegmentWriter):
    """A SegmentWriter for a new, empty index (one segment, no merging of older ones) with postings held in a
    TermPool (memory grows with the postings instead of spilling to disk), and text fields analysed by _Remembering."""

    def __init__(self, ix: Any, **kwargs: Any):
        super().__init__(ix, **kwargs)
        if self.segments:
            self.cancel()  # lets go of the write lock SegmentWriter took
            raise ValueError("LinearWriter writes a new index only")
        self.pool = TermPool()
        # text fields indexed from words analysed once per document: on copies of the fields, as the index's
        # schema (whoosh hands the writer the caller's own object) is pickled unchanged
        self._toc_schema = self.schema
        self._remembering: dict[int, _Remembering] = {}
        fields = dict(self.schema.items())
        for name, field in fields.items():
            analyzer = getattr(field, "analyzer", None)
            chain = _plain_chain(analyzer) if isinstance(field, TEXT) and type(field.format) is Positions else None
            if chain and not field.vector:
                fields[name] = copy.copy(field)
                fields[name].index = _positions_index(field, self._remembering.setdefault(id(analyzer),
                                                                                          _Remembering(chain)))
        self.schema = Schema(**fields)

    def add_document(self, **fields: Any) -> None:
        for remembering in self._remembering.values():
            remembering.forget()
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
