"""Would an LLM query rewrite bridge users' words to the reports'? Latency and a bridging rate.

    .venv/bin/python bench/rewrite_bench.py [--set eval/sets/everyday.jsonl] [--split dev] [--limit 30]
                                            [--max-tokens 24] [--out bench/results/rewrite.json]

Issue #11 asks for a rewrite of the question into the documents' terms with an LLM backend,
kept only where it wins and adding at most 2.5 s at p50. This measures the local model on
answerable questions of a users'-wording set before anything is wired in: each question is
rewritten once (temperature 0, at most ``--max-tokens``), timed wall-clock, and scored by
whether the rewrite adds a character bigram of the evidence quote that the question lacks
(``bridges``) and whether it states a number the question does not (``invents_number``,
which would steer keyword search to a figure nobody asked about).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from _common import RESULTS, eval_items, machine_info, percentiles, since_ms, write_json

from rag.config import apply_process_environment, load_settings
from rag.llm import local_model_path
from rag.llm_local import load_model
from rag.text.normalize import bigrams
from rag.text.numerals import extract_numbers

SYSTEM = ("你熟悉中国政府工作报告、党代会报告和领导人讲话的正式用语。把用户的口语问题改写成这些文件里会出现的正式说法。"
          "只输出改写后的关键词，3到6个，用空格分开，不要解释，不要重复问题。")


def score(question: str, rewrite: str, quotes: list[str]) -> dict:
    """Does the rewrite add evidence bigrams the question lacks, or numbers it never asked about?"""
    gold = set().union(*(bigrams(q) for q in quotes)) if quotes else set()
    added = (bigrams(rewrite) - bigrams(question)) & gold
    invented = {n for n in extract_numbers(rewrite) if n[0] != "year"} - set(extract_numbers(question))
    return {"bridges": bool(added), "added_bigrams": sorted(added)[:8], "invents_number": bool(invented)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=Path("eval/sets/everyday.jsonl"))
    parser.add_argument("--split", default="dev")
    parser.add_argument("--limit", type=int, default=30)
    parser.add_argument("--max-tokens", type=int, default=24)
    parser.add_argument("--out", type=Path, default=RESULTS / "rewrite.json")
    args = parser.parse_args(argv)
    settings = load_settings()
    apply_process_environment(settings)
    llama = load_model(local_model_path(settings), 2048, settings.llm_threads).llama
    items = [i for i in eval_items(args.set, answerable_only=True) if i.get("split", args.split) == args.split]
    rows = []
    for item in items[:args.limit]:
        start = time.perf_counter()
        out = llama.create_chat_completion(
            messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": item["question"]}],
            max_tokens=args.max_tokens, temperature=0)
        rewrite = (out["choices"][0]["message"]["content"] or "").strip()
        rows.append({"id": item["id"], "question": item["question"], "rewrite": rewrite, "ms": since_ms(start),
                     **score(item["question"], rewrite, [e["quote"] for e in item["evidence"]])})
    n = max(len(rows), 1)
    record = {"set": str(args.set), "split": args.split, "questions": len(rows), "max_tokens": args.max_tokens,
              "latency": percentiles([r["ms"] for r in rows]),
              "bridges": round(sum(r["bridges"] for r in rows) / n, 3),
              "invents_number": round(sum(r["invents_number"] for r in rows) / n, 3),
              "machine": machine_info(), "rows": rows}
    write_json(args.out, record)
    print(f"rewrite p50 {record['latency'].get('p50_ms')} ms, bridges {record['bridges']}, "
          f"invents a number {record['invents_number']} ({len(rows)} questions) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
