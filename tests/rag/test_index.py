"""Index facade: create/open/mismatch, write side, read side, reconcile."""
from __future__ import annotations

import json

import pytest

from rag.embed import HashEmbedder
from rag.errors import IndexMismatch, IndexNotFound
from rag.index import Index
from rag.types import Chunk, Document, Filters, Paragraph


def doc(doc_id: str, year: int, texts: list[str], sha: str = "s1") -> Document:
    paras = [Paragraph(doc_id, i, (), t) for i, t in enumerate(texts, start=1)]
    return Document(doc_id=doc_id, source=f"{doc_id}.txt", paragraphs=paras, title=doc_id, year=year,
                    doc_type="national_government_work_report", region="全国", sha256=sha)


def chunks_of(d: Document) -> list[Chunk]:
    return [Chunk(f"{d.doc_id}#{p.n}-{p.n}", d.doc_id, (p.n,), p.text, "", d.metadata()) for p in d.paragraphs]


@pytest.fixture
def index(settings):
    idx = Index.open(settings, create=True)
    for d in (doc("g/2024", 2024, ["推动科技创新和产业创新融合发展。", "稳定就业，增加居民收入。"]),
              doc("g/2020", 2020, ["科技创新取得新进展。", "加强生态环境保护。"])):
        idx.upsert_document(d, chunks_of(d))
    idx.embed_pending()
    idx.rebuild_lexical()
    yield idx
    idx.close()


def test_missing_index_raises_not_found_with_hint(settings):
    with pytest.raises(IndexNotFound) as err:
        Index.open(settings)
    assert "speechqa ingest ../shared/corpus" in err.value.hint


def test_index_json_records_settings(index, settings):
    meta = json.loads((settings.index_dir / "index.json").read_text())
    assert meta["embedder"] == "hash/bigram-256" and meta["dim"] == 256
    assert meta["chunk_tokens"] == settings.chunk_tokens and meta["embed_section"] is True
    assert meta["lexical_tokenizer"] == "bigram" and meta["schema_version"] == 1


def test_mismatched_embedder_dim_is_refused(index, settings):
    with pytest.raises(IndexMismatch) as err:
        Index.open(settings, HashEmbedder(dim=128))
    assert "hash/bigram-256" in str(err.value) and "hash/bigram-128" in str(err.value)
    assert "--index" in err.value.hint


def test_mismatched_chunk_tokens_is_refused(index, settings):
    other = settings.chunk_tokens + 64
    with pytest.raises(IndexMismatch, match=f"chunk_tokens={settings.chunk_tokens}") as err:
        Index.open(settings.model_copy(update={"chunk_tokens": other}))
    assert str(other) in str(err.value)


def test_read_side(index):
    assert index.stats()["chunks"] == 4 and index.stats()["embedded"] == 4 and index.stats()["pending"] == 0
    assert [d["doc_id"] for d in index.documents()] == ["g/2020", "g/2024"]
    assert index.paragraph("g/2024", 2).text == "稳定就业，增加居民收入。"
    assert index.paragraph("g/2024", 9) is None
    assert [p.n for p in index.paragraphs("g/2020")] == [1, 2]
    assert index.document("g/2020").year == 2020
    assert [c.chunk_id for c in index.get_chunks(["g/2020#2-2", "g/2024#1-1"])] == ["g/2020#2-2", "g/2024#1-1"]


def test_source_lookups_go_through_the_facade(index):
    assert index.doc_id_for_source("g/2024.txt") == "g/2024" and index.doc_id_for_source("nope.txt") is None
    assert index.source_of("g/2020") == "g/2020.txt" and index.source_of("g/nope") is None


def test_searches_honour_filters(index):
    lex = index.lexical_search("科技创新", 5)
    assert {c for c, _ in lex} == {"g/2024#1-1", "g/2020#1-1"}
    assert [c for c, _ in index.lexical_search("科技创新", 5, Filters(year_from=2021))] == ["g/2024#1-1"]
    assert index.lexical_search("科技创新", 5, Filters(regions=("广东",))) == []
    dense = index.dense_search("科技创新", 2, Filters(year_to=2020))
    assert [c for c, _ in dense] == ["g/2020#1-1", "g/2020#2-2"] and dense[0][1] > dense[1][1]


def test_reopen_from_disk_in_new_object(index, settings):
    before = index.lexical_search("居民收入", 3)
    again = Index.open(settings)
    assert again.lexical_search("居民收入", 3) == before
    assert again.dense_search("居民收入", 1)[0][0] == "g/2024#2-2"


def test_replace_and_delete_keep_everything_consistent(index):
    new = doc("g/2024", 2024, ["只剩一段：发展海洋经济。"], sha="s2")
    index.upsert_document(new, chunks_of(new))
    assert index.stats()["pending"] == 1
    index.embed_pending()
    assert index.vectors.ids() == {"g/2024#1-1", "g/2020#1-1", "g/2020#2-2"}
    assert index.lexical_search("海洋经济", 3)[0][0] == "g/2024#1-1"  # stale BM25 is rebuilt
    assert index.delete_document("g/2020") and not index.delete_document("g/2020")
    assert index.vectors.ids() == {"g/2024#1-1"} == set(index.catalog.chunk_ids())
    assert index.lexical_search("科技", 5) == []


def test_reconcile_removes_orphans_and_requeues_missing(index):
    ghost = Chunk("ghost#1-1", "ghost", (1,), "x")
    index.vectors.upsert([ghost], [[1.0] + [0.0] * 255])
    index.vectors.delete(["g/2020#2-2"])
    assert index.reconcile() == {"orphans_removed": 1, "requeued": 1}
    assert index.catalog.chunk_ids(embedded=False) == ["g/2020#2-2"]
    assert index.embed_pending() == 1
    assert index.vectors.ids() == set(index.catalog.chunk_ids())


@pytest.mark.slow
def test_reopening_with_a_real_other_model_is_refused(index, settings):
    from rag.embed import get_embedder

    with pytest.raises(IndexMismatch) as err:
        Index.open(settings, get_embedder("st:all-MiniLM-L6-v2"))
    assert "st/all-MiniLM-L6-v2" in str(err.value) and "hash/bigram-256" in str(err.value)


class ReplacingEmbedder(HashEmbedder):
    """Replaces a document from inside its first embedding call, like an upload during phase 2."""

    def __init__(self, on_first_call) -> None:
        super().__init__()
        self._hook = on_first_call

    def embed_documents(self, texts):
        hook, self._hook = self._hook, None
        if hook:
            hook()
        return super().embed_documents(texts)


def test_document_replaced_during_embedding_gets_fresh_vectors(settings):
    old = doc("g/x", 2024, ["旧的第一段。", "旧的第二段。"])
    new = doc("g/x", 2024, ["新的第一段：发展海洋经济。"], sha="s2")
    holder = {}
    idx = Index.open(settings, ReplacingEmbedder(lambda: holder["idx"].upsert_document(new, chunks_of(new))),
                     create=True)
    holder["idx"] = idx
    idx.upsert_document(old, chunks_of(old))
    idx.embed_pending()
    assert idx.catalog.chunk_ids() == ["g/x#1-1"] and idx.stats()["pending"] == 0
    assert idx.vectors.ids() == {"g/x#1-1"}
    stored = idx.vectors._col.get(ids=["g/x#1-1"], include=["embeddings"])["embeddings"][0]
    fresh = HashEmbedder().embed_documents(["新的第一段：发展海洋经济。"])[0]
    assert max(abs(a - b) for a, b in zip(stored, fresh)) < 1e-5


def test_searching_never_writes_lexical_but_ingest_saves_it(index, settings):
    from rag.lexical import LexicalIndex

    saved = LexicalIndex.load(settings.index_dir / "lexical").generation
    new = doc("g/y", 2021, ["新增文件：发展海洋经济。"])
    index.upsert_document(new, chunks_of(new))
    assert index.lexical_search("海洋经济", 1)[0][0] == "g/y#1-1"  # rebuilt in memory
    assert LexicalIndex.load(settings.index_dir / "lexical").generation == saved
    index.ensure_lexical()  # what the pipeline does after phase 1
    assert LexicalIndex.load(settings.index_dir / "lexical").generation == index.catalog.generation() > saved


def test_switching_lexical_tokenizer_rebuilds_instead_of_refusing(index, settings):
    jieba_settings = settings.model_copy(update={"lexical_tokenizer": "jieba"})
    again = Index.open(jieba_settings)
    assert again.lexical_search("科技创新", 5, Filters(year_from=2021))[0][0] == "g/2024#1-1"
    assert again.ensure_lexical().tokenizer == "jieba"
    assert json.loads((settings.index_dir / "index.json").read_text())["lexical_tokenizer"] == "jieba"


def test_search_texts_made_by_another_normaliser_are_redone_before_bm25_is_read(index):
    old = doc("g/1978", 1978, ["一九七八年粮食产量要达到六千亿斤。"])
    index.upsert_document(old, chunks_of(old))
    # What an index built before years were read as digits holds:
    index.catalog._db.execute("UPDATE chunks SET search_text = text")
    index.catalog._db.execute("UPDATE meta SET value = '1' WHERE key = 'search_form'")
    assert "1978" not in dict(index.catalog.search_texts())["g/1978#1-1"]
    reopened = Index.open(index.settings)
    assert reopened.lexical_search("1978", 5)[0][0] == "g/1978#1-1"  # redone on first use
    assert reopened.ensure_search_form() == 0
    assert Index.open(index.settings).ensure_search_form() == 0  # recorded in the catalog
    reopened.close()


# ---- the indicator ledger: stored with its document, rebuilt when its rules change ----

TARGETS = "今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上。"


def test_statements_are_stored_with_their_document_and_deleted_with_it(index):
    d = doc("g/2025", 2025, ["过去一年，城镇新增就业1256万人。", TARGETS])
    index.upsert_document(d, chunks_of(d))
    found = index.statements(doc_id="g/2025")
    assert [(s.indicator, s.year, s.kind, s.n) for s in found] == [
        ("gdp_growth", 2025, "target", 2), ("urban_jobs", 2024, "actual", 1), ("urban_jobs", 2025, "target", 2)]
    assert [s.span for s in index.statements(indicator="urban_jobs", kind="target")] == ["城镇新增就业1200万人以上"]
    assert index.statements(indicator=("gdp_growth", "cpi"), year_from=2026) == []
    index.delete_document("g/2025")
    assert index.statements(doc_id="g/2025") == []


def test_a_ledger_built_by_other_rules_is_rebuilt_from_the_stored_paragraphs(index):
    d = doc("g/2025", 2025, [TARGETS])
    index.upsert_document(d, chunks_of(d))
    assert index.ensure_ledger() == 0  # current: nothing to do
    index.catalog.replace_statements({"g/2025": []})
    index.catalog._db.execute("UPDATE meta SET value = 'old-rules' WHERE key = 'ledger_version'")
    assert index.catalog.statements({"doc_id": "g/2025"}) == []
    assert len(index.statements(doc_id="g/2025")) == 2  # re-extracted on first use
    assert index.ensure_ledger() == 0
