"""The SQLite catalog: replace/delete documents, embedded flags, filters, generation."""
from __future__ import annotations

from rag.catalog import Catalog
from rag.types import Chunk, Document, Filters, Paragraph


def doc(doc_id: str, year: int, region: str, n: int = 3, sha: str = "s1") -> Document:
    paras = [Paragraph(doc_id, i, ("一、总",), f"{doc_id}第{i}段。") for i in range(1, n + 1)]
    return Document(doc_id=doc_id, source=f"{doc_id}.txt", paragraphs=paras, title=doc_id, year=year,
                    region=region, doc_type="provincial_government_work_report", sha256=sha, meta={"x": 1})


def chunks_of(d: Document) -> list[Chunk]:
    return [Chunk(f"{d.doc_id}#{p.n}-{p.n}", d.doc_id, (p.n,), p.text, p.section_path, d.metadata())
            for p in d.paragraphs]


def store(cat: Catalog, d: Document) -> list[str]:
    chunks = chunks_of(d)
    return cat.replace_document(d, chunks, [c.text.lower() for c in chunks])


def test_replace_document_returns_old_ids_and_bumps_generation(tmp_path):
    cat = Catalog(tmp_path / "c.sqlite")
    a = doc("p/a", 2024, "广东")
    assert store(cat, a) == []
    g1 = cat.generation()
    a2 = doc("p/a", 2024, "广东", n=2, sha="s2")
    assert store(cat, a2) == ["p/a#1-1", "p/a#2-2", "p/a#3-3"]
    assert cat.generation() > g1
    assert cat.chunk_ids() == ["p/a#1-1", "p/a#2-2"] and cat.sha256_of("p/a") == "s2"
    assert cat.counts() == {"documents": 1, "paragraphs": 2, "chunks": 2, "embedded": 0}


def test_embedded_flags_and_pending(tmp_path):
    cat = Catalog(tmp_path / "c.sqlite")
    a = doc("p/a", 2024, "广东")
    store(cat, a)
    g = cat.generation()
    [(seq, first), *_] = cat.pending(10)
    cat.mark_embedded([seq])
    assert first.chunk_id == "p/a#1-1"
    assert cat.generation() == g  # embedding does not invalidate the lexical index
    assert [c.chunk_id for _, c in cat.pending(10)] == ["p/a#2-2", "p/a#3-3"]
    assert cat.count_pending() == (2, len("p/a第2段。") + len("p/a第3段。"))
    assert cat.chunk_ids(embedded=True) == ["p/a#1-1"]
    cat.requeue(["p/a#1-1"])
    assert cat.chunk_ids(embedded=True) == []
    assert cat.existing(["p/a#1-1", "zz"]) == {"p/a#1-1"} and cat.chunk_ids_of("p/a")[0] == "p/a#1-1"


def test_replaced_rows_get_new_seqs(tmp_path):
    cat = Catalog(tmp_path / "c.sqlite")
    a = doc("p/a", 2024, "广东")
    store(cat, a)
    old_seq = cat.pending(1)[0][0]
    store(cat, a)
    cat.mark_embedded([old_seq])  # a stale batch from before the replacement
    assert cat.chunk_ids(embedded=True) == []


def test_filters_and_reads(tmp_path):
    cat = Catalog(tmp_path / "c.sqlite")
    for d in (doc("p/a", 2024, "广东"), doc("p/b", 2020, "江苏"), doc("p/c", 2024, "江苏")):
        store(cat, d)
    ids = cat.allowed_chunk_ids(Filters(year_from=2021, regions=("江苏",)))
    assert ids == {"p/c#1-1", "p/c#2-2", "p/c#3-3"}
    assert cat.allowed_chunk_ids(Filters(doc_ids=("p/b",), year_to=2019)) == set()
    got = cat.get_chunks(["p/c#2-2", "nope", "p/a#1-1"])
    assert [c.chunk_id for c in got] == ["p/c#2-2", "p/a#1-1"]
    assert got[0].meta["region"] == "江苏" and got[0].section == "一、总"
    stored = cat.document("p/b")
    assert stored.year == 2020 and stored.meta == {"x": 1} and len(stored.paragraphs) == 3
    assert cat.paragraphs("p/b", 2, 2)[0].text == "p/b第2段。"
    assert [d["doc_id"] for d in cat.documents()] == ["p/a", "p/b", "p/c"]
    assert cat.documents()[0]["chunks"] == 3 and cat.document("zz") is None


def test_delete_document(tmp_path):
    cat = Catalog(tmp_path / "c.sqlite")
    a = doc("p/a", 2024, "广东")
    store(cat, a)
    assert len(cat.delete_document("p/a")) == 3
    assert cat.counts() == {"documents": 0, "paragraphs": 0, "chunks": 0, "embedded": 0}
    assert cat.delete_document("p/a") == []


def test_persists_across_connections(tmp_path):
    a = doc("p/a", 2024, "广东")
    store(Catalog(tmp_path / "c.sqlite"), a)
    again = Catalog(tmp_path / "c.sqlite")
    assert again.chunk_ids() == ["p/a#1-1", "p/a#2-2", "p/a#3-3"]
    assert again.search_texts()[0] == ("p/a#1-1", "p/a第1段。")


def test_find_phrase_scans_every_paragraph_earliest_year_first(tmp_path):
    cat = Catalog(tmp_path / "c.sqlite")
    store(cat, doc("p/late", 2025, "广东", n=3))
    store(cat, doc("p/early", 2020, "广东", n=2))
    assert cat.find_phrase("第2段") == [("p/early", 2), ("p/late", 2)]
    assert cat.find_phrase("不存在的提法") == []
