"""A streamed BM25 build and a fast scorer, compatible with ``bm25s.BM25`` (Lucene variant).

``bm25s.BM25().index`` holds every chunk's token strings as Python lists while it
builds (~120 KB per 400-character chunk at peak), so the build stopped fitting in
24 GiB at ~210k chunks (docs/SCALING.md). ``build_bm25`` consumes token lists one
at a time, keeps only compact per-batch arrays (term id, term frequency) and then
scatters the scores into the CSC matrix bm25s uses: ~16 bytes per (chunk, distinct
token) pair at peak. The result is a ``bm25s.BM25`` with the same scores, so
``save``/``load`` and the on-disk format are bm25s's own.
"""
from __future__ import annotations

from collections.abc import Iterable

import bm25s
import numpy as np

BATCH_DOCS = 20_000


def build_bm25(token_lists: Iterable[list[str]], k1: float = 1.5, b: float = 0.75,
               batch_docs: int = BATCH_DOCS) -> bm25s.BM25:
    """BM25 over ``token_lists`` (one list per document, consumed once), as a ``bm25s.BM25``."""
    vocab: dict[str, int] = {"": 0}  # bm25s keeps an empty token; ours has no postings
    batches, doc_lens = _count_terms(token_lists, vocab, batch_docs)
    n_docs, n_vocab = len(doc_lens), len(vocab)
    df = np.zeros(n_vocab, dtype=np.int64)
    for terms, _, _ in batches:
        df += np.bincount(terms, minlength=n_vocab)
    idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5))
    avg_len = float(doc_lens.mean()) if n_docs else 1.0
    indptr = np.zeros(n_vocab + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    data = np.empty(int(indptr[-1]), dtype=np.float32)
    indices = np.empty(int(indptr[-1]), dtype=np.int32)
    cursor = indptr[:-1].copy()
    first_doc = 0
    while batches:  # popped so each batch's arrays are freed once scattered
        terms, tfs, nnz = batches.pop(0)
        docs = np.repeat(np.arange(first_doc, first_doc + len(nnz), dtype=np.int32), nnz)
        norm = k1 * ((1 - b) + b * doc_lens[docs] / avg_len)
        scores = idf[terms] * tfs / (norm + tfs)
        _scatter(terms, docs, scores, cursor, data, indices)
        first_doc += len(nnz)
    model = bm25s.BM25(k1=k1, b=b)
    model.scores = {"data": data, "indices": indices, "indptr": indptr, "num_docs": n_docs}
    model.vocab_dict = vocab
    model.unique_token_ids_set = set(vocab.values())
    model.nonoccurrence_array = None
    return model


def _count_terms(token_lists: Iterable[list[str]], vocab: dict[str, int],
                 batch_docs: int) -> tuple[list[tuple[np.ndarray, np.ndarray, np.ndarray]], np.ndarray]:
    """Per batch: distinct term ids and their counts per document, and each document's nnz; all lengths."""
    batches, lengths = [], []
    terms, tfs, nnz = [], [], []
    for tokens in token_lists:
        ids = np.fromiter((vocab.setdefault(t, len(vocab)) for t in tokens), dtype=np.int32, count=len(tokens))
        uniq, counts = np.unique(ids, return_counts=True)
        terms.append(uniq)
        tfs.append(counts.astype(np.float32))
        nnz.append(len(uniq))
        lengths.append(len(tokens))
        if len(nnz) == batch_docs:
            batches.append(_pack(terms, tfs, nnz))
            terms, tfs, nnz = [], [], []
    if nnz:
        batches.append(_pack(terms, tfs, nnz))
    return batches, np.asarray(lengths, dtype=np.float64)


def _pack(terms: list, tfs: list, nnz: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (np.concatenate(terms).astype(np.int32, copy=False), np.concatenate(tfs),
            np.asarray(nnz, dtype=np.int64))


def _scatter(terms: np.ndarray, docs: np.ndarray, scores: np.ndarray, cursor: np.ndarray,
             data: np.ndarray, indices: np.ndarray) -> None:
    """Write one batch into the CSC arrays; documents stay in increasing order within each term."""
    order = np.argsort(terms, kind="stable")
    sorted_terms = terms[order]
    uniq, first, counts = np.unique(sorted_terms, return_index=True, return_counts=True)
    rank = np.arange(len(sorted_terms)) - np.repeat(first, counts)
    pos = cursor[sorted_terms] + rank
    data[pos] = scores[order]
    indices[pos] = docs[order]
    cursor[uniq] += counts


def bm25_scores(model: bm25s.BM25, token_ids: list[int]) -> np.ndarray:
    """Every document's BM25 score for a query's token ids (repeats count again, as in bm25s).

    ``np.bincount`` over the query terms' postings instead of bm25s's ``np.add.at``
    loop, which dominated query time on large indexes.
    """
    s = model.scores
    if not token_ids:
        return np.zeros(s["num_docs"], dtype=np.float32)
    indptr, indices, data = s["indptr"], s["indices"], s["data"]
    rows = np.concatenate([indices[indptr[t]:indptr[t + 1]] for t in token_ids])
    weights = np.concatenate([data[indptr[t]:indptr[t + 1]] for t in token_ids])
    return np.bincount(rows, weights=weights, minlength=s["num_docs"]).astype(np.float32)


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Rows of the ``k`` best positive scores, best first, ties by row: a stable argsort's
    order without sorting every document."""
    rows = np.flatnonzero(scores > 0)
    if len(rows) > k > 0:
        kth = np.partition(scores[rows], len(rows) - k)[len(rows) - k]
        rows = rows[scores[rows] >= kth]
    return rows[np.lexsort((rows, -scores[rows]))][:max(k, 0)]
