"""Ledger benchmark: what extracting the indicator ledger adds to phase-1 ingest, and how
good the ledger is, on (a sample of) the corpus. Writes bench/results/ledger.json.

    .venv/bin/python bench/ledger_bench.py [CORPUS] [--limit N] [--repeat 3] [--out FILE]

Phase 1 (parse, chunk, catalog, BM25; no vectors) runs on a fresh temporary index; the
extraction is then timed alone over the same parsed documents (it runs inside phase 1,
in ``Index.upsert_document``). The target is at most 10% of phase 1. Precision and
recall come from ``eval/gold`` when the sample holds its documents.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, RESULTS, machine_info, write_json  # noqa: E402

from eval.ledger import load_gold, score_ledger  # noqa: E402
from ingest.parse import load_manifest, parse_file  # noqa: E402
from ingest.pipeline import discover, ingest  # noqa: E402
from rag.config import apply_process_environment, load_settings  # noqa: E402
from rag.ledger import extract_statements  # noqa: E402

TARGET_SHARE = 0.10


def phase1_seconds(corpus: Path, files: list[Path]) -> float:
    """Wall time of phase 1 over ``files`` into a fresh temporary index (hash embedder, no vectors)."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(index_dir=Path(tmp) / "index", corpus_dir=corpus, embedder="hash")
        start = time.perf_counter()
        ingest(files, settings, embed=False)
        return time.perf_counter() - start


def run(corpus: Path, limit: int | None, repeat: int) -> dict:
    """The ledger's share of phase 1, its rows, and its score on the gold statements it covers."""
    settings = load_settings(corpus_dir=corpus, embedder="hash")
    apply_process_environment(settings)
    files = [path for path, _ in discover([corpus], settings)[0]]
    files = files[::max(1, len(files) // limit)][:limit] if limit else files  # evenly spaced: every folder
    manifest = load_manifest(corpus)
    docs = [parse_file(f, corpus, manifest) for f in files]
    extract = []
    for _ in range(repeat):
        start = time.perf_counter()
        statements = [s for d in docs for s in extract_statements(d)]
        extract.append(time.perf_counter() - start)
    phase1 = [phase1_seconds(corpus, files) for _ in range(repeat)]
    gold = {a: rows for a, rows in load_gold().items() if a.split("#")[0] in {d.doc_id for d in docs}}
    score = score_ledger(gold, statements) if gold else {}
    share = statistics.median(extract) / statistics.median(phase1)
    return {"files": len(files), "chars": sum(len(p.text) for d in docs for p in d.paragraphs),
            "statements": len(statements), "phase1_s": [round(x, 3) for x in phase1],
            "extract_s": [round(x, 3) for x in extract], "share_of_phase1": round(share, 4),
            "target_share": TARGET_SHARE, "meets_target": share <= TARGET_SHARE,
            "gold": {k: v for k, v in score.items() if k not in ("missed", "extra")}, "machine": machine_info()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--limit", type=int, help="only N files, evenly spaced over the sorted list")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (median is used)")
    parser.add_argument("--out", type=Path, default=RESULTS / "ledger.json")
    args = parser.parse_args(argv)
    result = run(args.corpus, args.limit, args.repeat)
    write_json(args.out, result)
    print(f"ledger: {result['statements']} statements from {result['files']} files; extraction "
          f"{statistics.median(result['extract_s']):.2f} s = {result['share_of_phase1']:.1%} of phase 1 "
          f"({statistics.median(result['phase1_s']):.1f} s); gold {result['gold']}")
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
