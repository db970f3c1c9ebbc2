"""End-to-end answer latency per backend: time to first token, total, and the chain's stage timings.

    .venv/bin/python bench/answer_bench.py [--llm extractive local openai] [--limit 8]
                                          [--index var/index] [--out bench/results/answer.json]

The questions are the first ``--limit`` answerable questions of the eval set, the
same for every backend. Each is answered through ``rag.answer.answer_events``:
time to first token is the time until the first ``("token", ...)`` event for an
LLM backend, and the time to the final, verified answer for ``extractive`` (its
only token is the whole unverified draft). One untimed warm-up answer per backend
(a question outside the timed list) comes first, so the local model's load is reported as ``warmup_ms`` rather than
inflating the first question. A backend that cannot be used (e.g. openai without
SPEECHQA_OPENAI_BASE_URL) is recorded with its error; an LLM that fails mid-run
falls back to extractive, which ``Answer.llm`` of each question shows. A question
that raises (Chroma can fail to read an index another process is still writing)
is kept with its error and counted in ``failed``, not in the figures.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from _common import EVAL_SET, RESULTS, eval_items, machine_info, percentiles, since_ms, write_json

from rag.answer import answer_events
from rag.config import BACKENDS, Settings, apply_process_environment, load_settings
from rag.errors import SpeechQAError
from rag.index import Index

# Not one of the timed questions: llama.cpp reuses a cached prompt prefix, so warming up on
# the first timed question would make its time to first token look ~100x shorter.
WARMUP_QUESTION = "政府工作报告对城镇新增就业提出了什么目标？"


def time_answer(question: str, settings: Settings, index: Index, backend: str) -> dict:
    """Answer one question through the stream; TTFT, total and what came back."""
    start = time.perf_counter()
    first_token = None
    result = None
    for kind, payload in answer_events(question, settings, index, backend=backend):
        if kind == "token" and first_token is None:
            first_token = since_ms(start)
        elif kind == "answer":
            result = payload
    total = since_ms(start)
    ttft = total if backend == "extractive" or first_token is None else first_token
    return {"question": question, "ttft_ms": round(ttft, 1), "total_ms": round(total, 1),
            "refused": result.refused, "citations": len(result.citations), "llm": result.llm,
            "timings_ms": dict(result.timings_ms), "answer": result.answer}


def summarize(rows: list[dict]) -> dict:
    """Percentiles of TTFT, total and each chain stage, plus refusal and backend counts."""
    stages = sorted({stage for row in rows for stage in row["timings_ms"]})
    return {"ttft": percentiles([r["ttft_ms"] for r in rows]), "total": percentiles([r["total_ms"] for r in rows]),
            "stages": {s: percentiles([r["timings_ms"][s] for r in rows if s in r["timings_ms"]]) for s in stages},
            "refused": sum(r["refused"] for r in rows), "with_citations": sum(r["citations"] > 0 for r in rows),
            "answered_by": dict(Counter(r["llm"] for r in rows))}


def bench_backend(backend: str, questions: list[str], settings: Settings, index: Index) -> dict:
    """Warm up once, then time every question with ``backend``; its section of the result."""
    if backend == "openai" and not (settings.openai_base_url and settings.openai_model):
        # Unconfigured, ChatOpenAI would try api.openai.com; nothing is sent off the machine.
        return {"backend": backend, "error": "not configured: set SPEECHQA_OPENAI_BASE_URL and SPEECHQA_OPENAI_MODEL"}
    try:
        start = time.perf_counter()
        warm = timed_or_failed(WARMUP_QUESTION, settings, index, backend)
        warmup = since_ms(start)
        rows = [timed_or_failed(q, settings, index, backend) for q in questions]
    except SpeechQAError as exc:  # this script is an edge: record the failure, go on with the next backend
        return {"backend": backend, "error": str(exc)}
    ok = [r for r in rows if "error" not in r]
    return {"backend": backend, "warmup_ms": round(warmup, 1), "warmup_error": warm.get("error"),
            "failed": len(rows) - len(ok),
            **(summarize(ok) if ok else {}), "questions": rows, "machine": machine_info()}


def timed_or_failed(question: str, settings: Settings, index: Index, backend: str) -> dict:
    """``time_answer``, or the error that stopped it (kept in the record, left out of the figures)."""
    try:
        return time_answer(question, settings, index, backend)
    except SpeechQAError:
        raise  # a backend that cannot answer at all is reported once, by bench_backend
    except Exception as exc:  # noqa: BLE001 - e.g. Chroma failing while another process writes the index
        return {"question": question, "error": f"{type(exc).__name__}: {exc}"}


def run(settings: Settings, set_path: Path, backends: list[str], limit: int = 8) -> dict:
    """Benchmark ``backends`` on the first ``limit`` answerable questions; the result record."""
    questions = [row["question"] for row in eval_items(set_path, answerable_only=True, limit=limit)]
    before = machine_info()
    index = Index.open(settings)
    try:
        stats = index.stats()
        if stats.get("pending"):
            print(f"warning: {stats['pending']} of {stats['chunks']} chunks are not embedded yet",
                  file=sys.stderr)
        results = {}
        for backend in backends:
            results[backend] = bench_backend(backend, questions, settings, index)
            print(f"{backend}: {_line(results[backend])}", flush=True)
    finally:
        index.close()
    return {"index": {k: stats.get(k) for k in ("documents", "chunks", "embedded", "pending", "embedder")},
            "index_dir": str(settings.index_dir), "set": str(set_path), "questions": len(questions),
            "ttft_definition": "LLM: first token event; extractive: final verified answer",
            "settings": {"k": settings.k, "local_model": settings.local_model, "llm_threads": settings.llm_threads,
                         "llm_max_tokens": settings.llm_max_tokens},
            "backends": results, "machine_before": before, "machine_after": machine_info()}


def _line(section: dict) -> str:
    if "error" in section or "ttft" not in section:
        return f"error: {section.get('error') or 'every question failed'}"
    return (f"ttft p50 {section['ttft']['p50_ms']} ms, total p50 {section['total']['p50_ms']} ms, "
            f"p95 {section['total']['p95_ms']} ms, refused {section['refused']}, by {section['answered_by']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm", nargs="+", choices=BACKENDS, default=["extractive", "local"])
    parser.add_argument("--limit", type=int, default=8, help="first N answerable questions of the set")
    parser.add_argument("--index", type=Path, default=Path("var/index"))
    parser.add_argument("--set", type=Path, default=EVAL_SET)
    parser.add_argument("--embedder", help="embedder the index was built with (default: settings)")
    parser.add_argument("--out", type=Path, default=RESULTS / "answer.json")
    args = parser.parse_args(argv)
    settings = load_settings(index_dir=args.index, embedder=args.embedder)
    apply_process_environment(settings)  # OMP_WAIT_POLICY=PASSIVE before llama.cpp (libgomp) loads
    write_json(args.out, run(settings, args.set, args.llm, args.limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
