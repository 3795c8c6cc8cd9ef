"""The index writer (search/writer.py): the same index as whoosh's own writer, postings grouped by term in memory."""

from pathlib import Path

import pytest
from whoosh import index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import TEXT, Schema

from conftest import SEED, STUDIES, load_valid
from reskb.search import _INDEX_NAME, SCHEMA, ensure_index
from reskb.search.index import _document
from reskb.search.writer import PART_SEPARATOR, LinearWriter, TermPool, _plain_chain, _Remembering


def dump(folder: Path) -> dict:
    """Everything query.py can read from an index: terms with their statistics and postings, stored fields,
    field lengths, the sortable column."""
    ix = index.open_dir(folder, indexname=_INDEX_NAME)
    # the writer's own analysers stay out of the table of contents
    assert [(n, type(getattr(f, "analyzer", None))) for n, f in ix.schema.items()] == \
        [(n, type(getattr(f, "analyzer", None))) for n, f in SCHEMA.items()]
    with ix.reader() as reader:
        terms = {}
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)
            matcher, postings = reader.postings(fieldname, text), []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            terms[fieldname, text] = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                                      info.max_weight(), postings)
        names = SCHEMA.scorable_names()
        return {"terms": terms, "stored": list(reader.all_stored_fields()), "doc_count": reader.doc_count(),
                "lengths": [[reader.doc_field_length(d, f) for f in names] for d in range(reader.doc_count())],
                "field_lengths": [reader.field_length(f) for f in names],
                "order": list(reader.column_reader("order")), "segments": len(ix._segments())}


def whoosh_built(root: Path, folder: Path, limitmb: int) -> Path:
    """The index built by whoosh's own writer from the same documents."""
    catalogue = load_valid(root)
    folder.mkdir()
    ix = index.create_in(folder, SCHEMA, indexname=_INDEX_NAME)
    with ix.writer(limitmb=limitmb) as writer:
        for record in catalogue.all_records():
            writer.add_document(**_document(record, catalogue))
    return folder


@pytest.mark.parametrize("root", [SEED, STUDIES], ids=["seed", "studies"])
def test_the_index_is_the_one_whoosh_writes(root, tmp_path):
    ensure_index(root, tmp_path / "ours")
    ours = dump(tmp_path / "ours" / "index")
    assert ours["segments"] == 1 and ours["doc_count"] == len(load_valid(root).all_records())
    assert ours["terms"][("kind", b"practice")][-1]  # the dump reads postings
    # limitmb=1: whoosh's pool spills sorted runs to disk and merges them, as at 10,000 practices with 256
    assert ours == dump(whoosh_built(root, tmp_path / "whoosh", limitmb=1))


def test_the_pool_gives_postings_in_whoosh_order():
    pool = TermPool()
    added = [("title", b"meet", 0, 3.0, b"a"), ("content", b"meet", 0, 1.0, b"b"), ("title", b"care", 0, 3.0, None),
             ("content", b"meet", 2, 2.0, b"c"), ("title", b"meet", 5, 6.0, b"d"), ("content", b"care", 7, 1.0, b"e")]
    for item in added:
        pool.add(item)
    assert list(pool.iter_postings()) == sorted(added, key=lambda item: item[:3])
    assert pool.fieldnames == {"title", "content"}


def test_the_pool_refuses_documents_out_of_order():
    pool = TermPool()
    pool.add(("title", b"meet", 4, 1.0, b""))
    with pytest.raises(ValueError, match="document 3 after document 4"):
        pool.add(("title", b"meet", 3, 1.0, b""))


def words(analyzer, text):
    return [(t.pos, t.text) for t in analyzer(text, positions=True, mode="index")]


@pytest.mark.parametrize("parts", [
    ["Family case conferences", "The families of prisoners meet.", "A body; with e.g. 3.5 words"],
    ["The", "", "of the a", "Release planning starts", "the end"],  # stop words only before the first word
    ["", "", ""], ["Mentors"], ["It is a", "mentor"], ["Exit \n work", "exit work", "Exit \n work"],
    ["İstanbul STRASSE Straße naïve café_bar x_1 3.5.1 don't *wild* ÆON Ωmega", "ﬁnancial Ⅻ ½ ２０１９ ǅemal"],
])
def test_each_part_is_analysed_once_with_the_positions_of_the_whole(parts):
    analyzer = SCHEMA["text"].analyzer
    remembering = _Remembering(_plain_chain(analyzer))
    for part in parts:  # the record's own fields first, as the writer adds them
        assert list(remembering.positions(part)) == words(analyzer, part)
    analysed = len(remembering.parts)
    whole = PART_SEPARATOR.join(parts * 2)
    assert list(remembering.positions(whole)) == words(analyzer, whole)
    assert len(remembering.parts) == analysed  # nothing analysed twice


def test_a_field_with_another_analyzer_is_left_to_whoosh(tmp_path):
    schema = Schema(plain=TEXT(analyzer=StemmingAnalyzer()), other=TEXT(analyzer=StemmingAnalyzer(stoplist=None)),
                    kept=TEXT(analyzer=StemmingAnalyzer(), vector=True))
    writer = LinearWriter(index.create_in(tmp_path, schema))
    assert writer.schema["plain"] is not schema["plain"]
    assert writer.schema["other"] is schema["other"] and writer.schema["kept"] is schema["kept"]
    writer.cancel()


def test_the_table_of_contents_names_whoosh_classes_only(tmp_path):
    ensure_index(STUDIES, tmp_path)
    toc = next((tmp_path / "index").glob(f"_{_INDEX_NAME}_*.toc")).read_bytes()
    assert b"whoosh.analysis" in toc and b"reskb.search" not in toc


def test_the_writer_refuses_an_index_with_segments(tmp_path):
    ix = index.create_in(tmp_path, SCHEMA, indexname=_INDEX_NAME)
    with ix.writer() as writer:
        writer.add_document(id="a", kind="topic", title="A topic")
    with pytest.raises(ValueError, match="new index only"):
        LinearWriter(ix)
    ix.writer().cancel()  # the refusal let go of the write lock


def test_a_cancelled_build_leaves_the_schema_alone(tmp_path):
    ix = index.create_in(tmp_path, SCHEMA, indexname=_INDEX_NAME)
    writer = LinearWriter(ix)
    assert writer.schema["text"] is not SCHEMA["text"]  # the writer indexes through copies of the fields
    writer.add_document(id="a", kind="topic", title="A topic", text="A topic")
    writer.cancel()
    assert not any("index" in vars(field) for _, field in SCHEMA.items())
