"""Chroma wrapper: filters → where, metadata, distance → score, paging of ids."""
from __future__ import annotations

import chromadb
import chromadb.config

from rag.types import Chunk, Filters
from rag.vectors import VectorStore, chunk_metadata, collection_name, distance_to_score, where_clause


def test_distance_to_score_is_cosine_similarity():
    assert distance_to_score(0.0) == 1.0 and distance_to_score(1.0) == 0.0 and distance_to_score(2.0) == -1.0


def test_where_clause():
    assert where_clause(None) is None and where_clause(Filters()) is None
    assert where_clause(Filters(year_from=2020)) == {"year": {"$gte": 2020}}
    assert where_clause(Filters(year_from=2020, year_to=2022, regions=("广东",))) == {"$and": [
        {"year": {"$gte": 2020}}, {"year": {"$lte": 2022}}, {"region": {"$in": ["广东"]}}]}


def test_chunk_metadata_omits_none_and_has_paragraph_range():
    c = Chunk("d#3-5", "d", (3, 4, 5), "x", meta={"source": "d.txt", "title": "T", "year": 2024,
                                                  "doc_type": "other", "speaker": None})
    assert chunk_metadata(c) == {"doc_id": "d", "source": "d.txt", "title": "T", "year": 2024,
                                 "doc_type": "other", "p_first": 3, "p_last": 5}


def test_collection_name_is_valid_and_distinct(tmp_path):
    a, b = collection_name(tmp_path / "idx 一"), collection_name(tmp_path / "other")
    assert a != b and a.startswith("speechqa-") and all(ch.isalnum() or ch in "-_" for ch in a)


def test_store_roundtrip(tmp_path):
    client = chromadb.PersistentClient(str(tmp_path), settings=chromadb.config.Settings(anonymized_telemetry=False))
    store = VectorStore(client, "t-col", 50)
    chunks = [Chunk(f"d{i}#1-1", f"d{i}", (1,), "x", meta={"year": 2000 + i}) for i in range(3)]
    store.upsert(chunks, [[1.0, 0.0], [0.0, 1.0], [0.7, 0.7]])
    store.upsert(chunks[:1], [[1.0, 0.0]])  # upsert, no duplicate
    assert store.count() == 3 and store.ids() == {"d0#1-1", "d1#1-1", "d2#1-1"}
    hits = store.query([1.0, 0.0], 5, None)
    assert hits[0][0] == "d0#1-1" and abs(hits[0][1] - 1.0) < 1e-5
    assert [h[0] for h in store.query([1.0, 0.0], 5, Filters(year_from=2001))] == ["d2#1-1", "d1#1-1"]
    store.delete(["d0#1-1"])
    assert store.ids() == {"d1#1-1", "d2#1-1"}


def _store_whose_query_fails(tmp_path, failures):
    from chromadb.errors import InternalError

    client = chromadb.PersistentClient(str(tmp_path), settings=chromadb.config.Settings(anonymized_telemetry=False))
    store = VectorStore(client, "t-col", 50)
    store.upsert([Chunk("d0#1-1", "d0", (1,), "x")], [[1.0, 0.0]])
    real, calls = store._col.query, []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) <= failures:
            raise InternalError("Error executing plan: Internal error: Error finding id")
        return real(**kwargs)

    store._col.query = flaky
    return store, calls


def test_a_concurrent_writer_glitch_is_retried_once(tmp_path):
    store, calls = _store_whose_query_fails(tmp_path, failures=1)
    assert [cid for cid, _ in store.query([1.0, 0.0], 5, None)] == ["d0#1-1"]
    assert len(calls) == 2


def test_dense_side_degrades_to_nothing_rather_than_failing_the_answer(tmp_path, caplog):
    store, calls = _store_whose_query_fails(tmp_path, failures=2)
    assert store.query([1.0, 0.0], 5, None) == []
    assert len(calls) == 2 and "lexical results only" in caplog.text
