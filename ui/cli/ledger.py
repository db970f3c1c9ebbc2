"""``speechqa eval ledger [--index DIR]``: score the index's indicator ledger against the
hand-checked statements in ``eval/gold/`` (precision, recall, and every mismatch)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from rag.config import Settings
from ui.cli.flags import add_embedder, add_index, add_json


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``ledger`` under ``speechqa eval``."""
    p = sub.add_parser("ledger", help="score the indicator ledger against the hand-checked gold statements",
                       description=__doc__)
    add_index(p, "index whose ledger is scored (default: settings.index_dir)")
    add_embedder(p, "embedder spec (must match the index)")
    p.add_argument("--gold", type=Path, help="folder of ledger_*.jsonl gold files (default: eval/gold)")
    p.add_argument("--out", type=Path, help="write the full score (with mismatches) as JSON here")
    p.add_argument("--show", type=int, default=20, help="print this many misses and extras (default 20)")
    add_json(p, "print the summary as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print precision and recall; exit 0 (the score is a measurement, not a check)."""
    from eval.ledger import GOLD_DIR, load_gold, score_ledger
    from rag.index import Index

    index = Index.open(settings)
    try:
        gold = load_gold(args.gold or GOLD_DIR)
        docs = sorted({a.split("#")[0] for a in gold})
        result = score_ledger(gold, index.statements(doc_id=tuple(docs)))
    finally:
        index.close()
    summary = {k: v for k, v in result.items() if k not in ("missed", "extra")}
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return 0
    print(" ".join(f"{k}={v}" for k, v in summary.items()))
    for row in result["missed"][:args.show]:
        print("missed", row["anchor"], row["row"], row["spans"][:1])
    for row in result["extra"][:args.show]:
        print("extra ", row["anchor"], row["row"], row["span"])
    return 0
