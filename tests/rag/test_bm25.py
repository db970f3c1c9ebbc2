"""The streamed BM25 build must score exactly like bm25s's own build."""
from __future__ import annotations

import random

import bm25s
import numpy as np
import pytest

from rag.bm25 import bm25_scores, build_bm25, top_k
from rag.lexical import tokenize

CHARS = "发展经济改革开放创新就业民生教育医疗生态环境稳定增长目标预期生产总值亿元"


def random_docs(n: int, seed: int = 0) -> list[list[str]]:
    rng = random.Random(seed)
    docs = ["".join(rng.choice(CHARS) for _ in range(rng.randint(0, 60))) for _ in range(n)]
    docs[3] = "增" * 500  # one repeated character: large term frequencies
    return [tokenize(d) for d in docs]


@pytest.mark.parametrize("batch_docs", [1, 7, 1000])
def test_streamed_build_scores_like_bm25s(batch_docs):
    docs = random_docs(120)
    reference = bm25s.BM25()
    reference.index(docs, show_progress=False)
    streamed = build_bm25(iter(docs), batch_docs=batch_docs)
    assert streamed.scores["num_docs"] == 120
    for query in ["经济增长", "生产总值预期目标", "增", "民生就业教育"]:
        tokens = [t for t in tokenize(query) if t in reference.vocab_dict]
        want = reference.get_scores(tokens)
        got = bm25_scores(streamed, streamed.get_tokens_ids(tokens))
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
        assert got.max() > 0


def test_postings_are_in_document_order_per_term():
    model = build_bm25(iter(random_docs(80, seed=1)), batch_docs=9)
    indptr, indices = model.scores["indptr"], model.scores["indices"]
    for t in range(len(indptr) - 1):
        col = indices[indptr[t]:indptr[t + 1]]
        assert np.all(np.diff(col) > 0), f"term {t} postings not strictly increasing"


def test_streamed_index_survives_bm25s_save_and_load(tmp_path):
    docs = random_docs(30)
    model = build_bm25(iter(docs))
    model.save(str(tmp_path / "bm25"), show_progress=False)
    loaded = bm25s.BM25.load(str(tmp_path / "bm25"), show_progress=False)
    ids = loaded.get_tokens_ids(tokenize("经济增长"))
    np.testing.assert_allclose(bm25_scores(loaded, ids), bm25_scores(model, model.get_tokens_ids(tokenize("经济增长"))))


def test_empty_documents_and_empty_query():
    model = build_bm25(iter([[], tokenize("改革开放"), []]))
    assert model.scores["num_docs"] == 3
    scores = bm25_scores(model, model.get_tokens_ids(tokenize("改革")))
    assert scores[1] > 0 and scores[0] == scores[2] == 0
    assert not bm25_scores(model, []).any()


def test_top_k_matches_stable_argsort_with_ties():
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 5, size=2000).astype(np.float32)  # many ties and zeros
    for k in (1, 10, 500, 5000):
        want = [i for i in np.argsort(-scores, kind="stable")[:k] if scores[i] > 0]
        assert top_k(scores, k).tolist() == want
    assert top_k(np.zeros(5, dtype=np.float32), 3).tolist() == []
