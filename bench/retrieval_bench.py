"""Retrieval latency on an existing index: hybrid retrieve, BM25 alone, dense alone, and cold start.

    .venv/bin/python bench/retrieval_bench.py [--index var/index] [--set eval/sets/speeches.jsonl]
                                             [--repeat 1] [--limit N] [--out bench/results/retrieval.json]

Cold start (measured first, in this process): loading the embedder, ``Index.open``,
then the first ``retrieve`` (which loads BM25 from disk and Chroma's HNSW segment).
After a few warm-up queries, every question of the set is timed ``--repeat`` times
through ``rag.retrieve.retrieve`` end to end (query analysis + BM25 + dense + RRF),
then through ``lexical_search`` and ``dense_search`` alone (top ``settings.candidates``,
the raw question), and the query embedding alone. The index may still be embedding
in another process: its pending/embedded counts go into the JSON and a warning is
printed, because dense search then covers only the embedded part.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from _common import EVAL_SET, RESULTS, eval_items, machine_info, percentiles, since_ms, write_json

from rag.config import Settings, apply_process_environment, load_settings
from rag.embed import get_embedder
from rag.index import Index
from rag.retrieve import retrieve

WARMUP = 3


def cold_start(settings: Settings, question: str) -> tuple[Index, dict]:
    """Open the index from nothing and run one query; the open index and the stage times (ms)."""
    t0 = time.perf_counter()
    embedder = get_embedder(settings.embedder)
    t1 = time.perf_counter()
    index = Index.open(settings, embedder)
    t2 = time.perf_counter()
    hits = retrieve(question, index, settings)
    return index, {"embedder_load_ms": round((t1 - t0) * 1000, 1), "index_open_ms": round((t2 - t1) * 1000, 1),
                   "first_retrieve_ms": round(since_ms(t2), 1), "total_ms": round(since_ms(t0), 1),
                   "first_hits": len(hits)}


def time_calls(call, questions: list[str], repeat: int) -> dict:
    """Percentiles of ``call(question)`` over every question, ``repeat`` rounds, plus the calls that raised.

    A failed call (Chroma can fail to read an index another process is writing) is
    counted and its first message kept, not timed.
    """
    samples, errors = [], []
    for _ in range(repeat):
        for question in questions:
            start = time.perf_counter()
            try:
                call(question)
            except Exception as exc:  # noqa: BLE001 - recorded in the result, see the docstring
                errors.append(f"{type(exc).__name__}: {exc}")
                continue
            samples.append(since_ms(start))
    return {**(percentiles(samples) if samples else {"n": 0}), "failed": len(errors),
            "first_error": errors[0] if errors else None}


def measure(index: Index, settings: Settings, questions: list[str], repeat: int) -> dict:
    """Warm up, then p50/p95/mean per operation over ``questions`` x ``repeat``."""
    n = settings.candidates
    calls = {
        "retrieve": lambda q: retrieve(q, index, settings),
        "lexical_search": lambda q: index.lexical_search(q, n),
        "dense_search": lambda q: index.dense_search(q, n),
        "embed_query": lambda q: index.embedder.embed_query(q),
    }
    for question in questions[:WARMUP]:
        for call in calls.values():
            call(question)
    return {name: time_calls(call, questions, repeat) for name, call in calls.items()}


def embedding_state(stats: dict) -> dict:
    """The index counts that say whether dense search sees the whole corpus."""
    state = {k: stats.get(k) for k in ("documents", "chunks", "embedded", "pending", "embedder")}
    state["fully_embedded"] = not stats.get("pending")
    return state


def run(settings: Settings, set_path: Path, repeat: int = 1, limit: int | None = None) -> dict:
    """The whole benchmark on the index at ``settings.index_dir``; the result record."""
    questions = [row["question"] for row in eval_items(set_path, limit=limit)]
    before = machine_info()
    index, cold = cold_start(settings, questions[0])
    try:
        state = embedding_state(index.stats())
        if not state["fully_embedded"]:
            print(f"warning: {state['pending']} of {state['chunks']} chunks are not embedded yet; "
                  "dense figures cover the embedded part only", file=sys.stderr)
        latency = measure(index, settings, questions, repeat)
    finally:
        index.close()
    return {"index": state, "index_dir": str(settings.index_dir), "set": str(set_path),
            "questions": len(questions), "repeat": repeat, "warmup_queries": min(WARMUP, len(questions)),
            "settings": {"k": settings.k, "candidates": settings.candidates, "rrf_k": settings.rrf_k,
                         "hnsw_ef_search": settings.hnsw_ef_search},
            "cold_start": cold, "latency": latency, "machine_before": before, "machine_after": machine_info()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("var/index"), help="index directory (default var/index)")
    parser.add_argument("--set", type=Path, default=EVAL_SET, help="eval set (JSONL) whose questions are timed")
    parser.add_argument("--repeat", type=int, default=1, help="rounds over the questions")
    parser.add_argument("--limit", type=int, help="only the first N questions")
    parser.add_argument("--embedder", help="embedder the index was built with (default: settings)")
    parser.add_argument("--out", type=Path, default=RESULTS / "retrieval.json")
    args = parser.parse_args(argv)
    settings = load_settings(index_dir=args.index, embedder=args.embedder, llm="extractive")
    apply_process_environment(settings)
    record = run(settings, args.set, args.repeat, args.limit)
    write_json(args.out, record)
    print(f"{args.out}: retrieve p50 {record['latency']['retrieve']['p50_ms']} ms, "
          f"p95 {record['latency']['retrieve']['p95_ms']} ms; cold start {record['cold_start']['total_ms']} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
