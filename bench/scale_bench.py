"""Retrieval latency and memory at 10k / 100k / 1M chunks, dense (Chroma) and lexical (rag/lexical.py).

    .venv/bin/python bench/scale_bench.py [--sizes 10000 100000] [--queries 50]
    .venv/bin/python bench/scale_bench.py --sizes 1000000 --sides dense   # 1M: hours on 2 cores (RELIABILITY.md)

Dense side: random unit vectors (384-d, float32) upserted in batches into a
Chroma ``PersistentClient`` in a temp dir (cosine space, the same collection
settings as ``rag/vectors.py``), then ``query`` with random unit vectors.
Lexical side: the real corpus text cut into ~400-character chunks (about the
320-token budget), repeated with fresh ids up to N, indexed with
``rag.lexical.LexicalIndex`` (the module we ship) and searched with the eval
questions. Each (side, N) runs in its own child process so its peak RSS
(``ru_maxrss``) is its own. Results go to bench/results/scale.json and
bench/results/scale.png; the lexical bytes/chunk figure gives the size at which
the lexical index no longer fits in the machine's memory.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
DIM = 384
CHUNK_CHARS = 400
INSERT_BATCH = 5000
MACHINE_GIB = 24


def percentiles(samples_ms: list[float]) -> dict:
    """p50/p95/mean of latency samples in milliseconds."""
    arr = np.asarray(samples_ms, dtype=float)
    return {"p50_ms": round(float(np.percentile(arr, 50)), 2), "p95_ms": round(float(np.percentile(arr, 95)), 2),
            "mean_ms": round(float(arr.mean()), 2), "n": int(arr.size)}


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / (1 << 20)


def dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / (1 << 20)


def unit_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.standard_normal((n, DIM), dtype=np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def run_dense(n: int, queries: int, k: int) -> dict:
    """Insert ``n`` random unit vectors into a fresh on-disk Chroma; time ``queries`` top-k searches."""
    import chromadb
    import chromadb.config

    rng = np.random.default_rng(0)
    base_rss = current_rss_mb()
    with tempfile.TemporaryDirectory(prefix="scale-chroma-") as tmp:
        client = chromadb.PersistentClient(path=tmp, settings=chromadb.config.Settings(anonymized_telemetry=False))
        col = client.get_or_create_collection("bench", metadata={"hnsw:space": "cosine", "hnsw:search_ef": 200},
                                              embedding_function=None)
        t0 = time.perf_counter()
        for start in range(0, n, INSERT_BATCH):
            size = min(INSERT_BATCH, n - start)
            col.add(ids=[f"c{start + i}" for i in range(size)], embeddings=unit_vectors(rng, size),
                    metadatas=[{"year": 2000 + (start + i) % 26} for i in range(size)])
        insert_s = time.perf_counter() - t0
        latencies = []
        for q in unit_vectors(rng, queries):
            t = time.perf_counter()
            res = col.query(query_embeddings=[q], n_results=k, include=["distances"])
            latencies.append((time.perf_counter() - t) * 1000)
            assert len(res["ids"][0]) == k
        result = {"side": "dense", "chunks": n, "insert_s": round(insert_s, 1),
                  "insert_per_s": round(n / insert_s), "latency": percentiles(latencies),
                  "rss_mb": round(current_rss_mb(), 1), "rss_growth_mb": round(current_rss_mb() - base_rss, 1),
                  "peak_rss_mb": round(peak_rss_mb(), 1), "disk_mb": round(dir_mb(Path(tmp)), 1)}
    return result


def corpus_chunks(corpus: Path) -> list[str]:
    """The corpus text normalised for search and packed into ~CHUNK_CHARS pieces at paragraph ends."""
    from rag.text.normalize import normalize_for_search

    chunks, current = [], ""
    for path in sorted(corpus.rglob("*.txt")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            line = line.strip()
            if not line:
                continue
            current = f"{current}\n{line}" if current else line
            if len(current) >= CHUNK_CHARS:
                chunks.append(current)
                current = ""
    if current:
        chunks.append(current)
    return [normalize_for_search(c) for c in chunks]


def eval_questions(limit: int) -> list[str]:
    rows = (REPO / "eval" / "sets" / "speeches.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(r)["question"] for r in rows if r.strip()][:limit]


def run_lexical(n: int, queries: int, k: int, corpus: Path, out_dir: Path) -> dict:
    """Build ``LexicalIndex`` over ``n`` chunks of repeated corpus text and save it to ``out_dir``."""
    from rag.lexical import LexicalIndex

    base = corpus_chunks(corpus)
    items = [(f"r{i // len(base)}/{i % len(base)}", base[i % len(base)]) for i in range(n)]
    LexicalIndex.build(items[:50], "bigram", 0).search("政府工作报告", 5)  # imports and JIT out of the figure
    base_rss = current_rss_mb()
    t0 = time.perf_counter()
    index = LexicalIndex.build(items, "bigram", 0)
    build_s = time.perf_counter() - t0
    t = time.perf_counter()
    index.save(out_dir)
    return {"side": "lexical", "chunks": n, "base_chunks": len(base), "build_s": round(build_s, 1),
            "save_s": round(time.perf_counter() - t, 1), "peak_rss_mb": round(peak_rss_mb(), 1),
            "peak_growth_mb": round(peak_rss_mb() - base_rss, 1), "disk_mb": round(dir_mb(out_dir), 1)}


def run_lexical_load(directory: Path, queries: int, k: int) -> dict:
    """What a serving replica pays: load the saved index in a fresh process, time searches."""
    from rag.lexical import LexicalIndex

    questions = eval_questions(queries)
    base_rss = current_rss_mb()
    t = time.perf_counter()
    index = LexicalIndex.load(directory)
    load_s = time.perf_counter() - t
    index.search(questions[0], k)
    latencies = []
    for q in questions:
        t = time.perf_counter()
        index.search(q, k)
        latencies.append((time.perf_counter() - t) * 1000)
    return {"load_s": round(load_s, 1), "latency": percentiles(latencies), "rss_mb": round(current_rss_mb(), 1),
            "rss_growth_mb": round(current_rss_mb() - base_rss, 1)}


def _child(args: argparse.Namespace, *one: str) -> dict:
    cmd = [sys.executable, __file__, "--one", *one, "--queries", str(args.queries), "--k", str(args.k),
           "--corpus", str(args.corpus)]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=args.timeout)
    if out.returncode != 0:
        raise RuntimeError((out.stderr.strip().splitlines() or ["child failed"])[-1])
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_child(side: str, n: int, args: argparse.Namespace) -> dict:
    """Run one measurement in fresh interpreters so each peak RSS belongs to it alone."""
    try:
        if side == "dense":
            return _child(args, "dense", str(n))
        with tempfile.TemporaryDirectory(prefix="scale-bm25-") as tmp:
            built = _child(args, "lexical", str(n), tmp)
            return {**built, **_child(args, "lexload", str(n), tmp)}
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        return {"side": side, "chunks": n, "error": str(exc)}


def too_big(side: str, n: int, done: list[dict], share: float = 0.6) -> str:
    """Why a lexical run would risk the shared machine's memory (scaled from a smaller run), or ''."""
    import psutil

    prior = [r for r in done if r["side"] == side and "peak_growth_mb" in r and r["chunks"] < n]
    if side != "lexical" or not prior:
        return ""
    last = max(prior, key=lambda r: r["chunks"])
    predicted = last["peak_growth_mb"] * n / last["chunks"]
    available = psutil.virtual_memory().available / (1 << 20)
    if predicted > share * available:
        return f"skipped: predicted build peak {predicted:.0f} MiB > {share:.0%} of {available:.0f} MiB available"
    return ""


def lexical_limit(results: list[dict]) -> dict:
    """Extrapolate the chunk count whose lexical build peak reaches the machine's memory.

    Uses the marginal cost between the two largest sizes (fixed overheads cancel),
    or the largest size alone when only one was measured.
    """
    rows = sorted((r for r in results if r["side"] == "lexical" and "error" not in r), key=lambda r: r["chunks"])
    if not rows:
        return {}
    big, small = rows[-1], (rows[-2] if len(rows) > 1 else {"chunks": 0, "peak_growth_mb": 0, "rss_growth_mb": 0})
    span = (big["chunks"] - small["chunks"]) / (1 << 20)
    peak_per_chunk = (big["peak_growth_mb"] - small["peak_growth_mb"]) / span
    steady_per_chunk = (big["rss_growth_mb"] - small["rss_growth_mb"]) / span
    budget = MACHINE_GIB * (1 << 30)
    return {"from_chunks": [small["chunks"], big["chunks"]], "build_peak_bytes_per_chunk": round(peak_per_chunk),
            "resident_bytes_per_chunk": round(steady_per_chunk),
            "max_chunks_build_fits": int(budget / max(peak_per_chunk, 1)),
            "max_chunks_resident_fits": int(budget / max(steady_per_chunk, 1)), "machine_gib": MACHINE_GIB}


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (lat, mem) = plt.subplots(1, 2, figsize=(11, 4.2))
    for side, colour in (("dense", "tab:blue"), ("lexical", "tab:orange")):
        rows = sorted((r for r in results if r["side"] == side and "error" not in r), key=lambda r: r["chunks"])
        if not rows:
            continue
        x = [r["chunks"] for r in rows]
        lat.plot(x, [r["latency"]["p50_ms"] for r in rows], "o-", color=colour, label=f"{side} p50")
        lat.plot(x, [r["latency"]["p95_ms"] for r in rows], "o--", color=colour, label=f"{side} p95")
        mem.plot(x, [r["peak_rss_mb"] for r in rows], "o-", color=colour, label=f"{side} peak RSS")
        mem.plot(x, [r["disk_mb"] for r in rows], "s:", color=colour, label=f"{side} on disk")
        if side == "lexical":  # a serving process only loads the saved arrays
            mem.plot(x, [r["rss_mb"] for r in rows], "^--", color=colour, label="lexical serving RSS")
    for ax, title, unit in ((lat, "query latency", "ms"), (mem, "memory / disk", "MiB")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("chunks")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("SpeechQA retrieval at scale (2 shared cores)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def run_one(args: argparse.Namespace) -> dict:
    """The child-process side: one (side, size) measurement."""
    side, n = args.one[0], int(args.one[1])
    if side == "dense":
        return run_dense(n, args.queries, args.k)
    if side == "lexical":
        return run_lexical(n, args.queries, args.k, args.corpus, Path(args.one[2]) / "lexical")
    return run_lexical_load(Path(args.one[2]) / "lexical", args.queries, args.k)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--sides", nargs="+", choices=("dense", "lexical"), default=["dense", "lexical"])
    p.add_argument("--queries", type=int, default=50)
    p.add_argument("--k", type=int, default=50, help="top-k per query (the retriever's candidates)")
    p.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    p.add_argument("--timeout", type=float, default=3600, help="seconds per (side, size) child")
    p.add_argument("--mem-share", type=float, default=0.6,
                   help="skip a lexical size whose predicted build peak exceeds this share of available memory")
    p.add_argument("--out", type=Path, default=RESULTS / "scale.json")
    p.add_argument("--replot", action="store_true", help="redraw the PNG from --out without measuring")
    p.add_argument("--one", nargs="+", metavar="ARG", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.replot:
        plot(json.loads(args.out.read_text())["results"], args.out.with_suffix(".png"))
        return 0
    if args.one:
        print(json.dumps(run_one(args)))
        return 0
    old = json.loads(args.out.read_text()) if args.out.is_file() else {}
    # Keep earlier measurements of sizes not re-run now (e.g. a separate 1M run).
    results = [r for r in old.get("results", []) if (r["side"], r["chunks"]) not in
               {(s, n) for s in args.sides for n in args.sizes}]
    for n in args.sizes:
        for side in args.sides:
            reason = too_big(side, n, results, args.mem_share)
            row = {"side": side, "chunks": n, "error": reason} if reason else run_child(side, n, args)
            print(json.dumps(row), flush=True)
            results.append(row)
    results.sort(key=lambda r: (r["side"], r["chunks"]))
    report = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "loadavg": os.getloadavg()},
              "dim": DIM, "k": args.k, "results": results, "lexical_memory_limit": lexical_limit(results)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    plot(results, args.out.with_suffix(".png"))
    print(json.dumps(report["lexical_memory_limit"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
