"""``speechqa ask "问题"``: one verified, cited answer on the command line.

Without ``--json`` the draft streams to stderr while it is generated, then the
verified answer and its numbered citations go to stdout. ``--json`` prints the
``Answer`` object exactly as the API returns it.
"""
from __future__ import annotations

import argparse
import json
import sys

from rag.config import Settings
from rag.types import Answer, anchor
from ui.cli.flags import add_filters, add_index, add_json, add_k, add_llm, filters_from_args


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``ask`` subcommand."""
    p = sub.add_parser("ask", help="answer a question with verified paragraph citations")
    p.add_argument("question", help="the question, in Chinese")
    add_index(p)
    add_llm(p, "answering backend")
    add_k(p, "chunks given to the answer stage")
    add_filters(p)
    p.add_argument("--quote", action="store_true", help="原文引用: only verbatim cited sentences")
    add_json(p, "print the Answer object as JSON")
    p.set_defaults(func=run)


def format_answer(answer: Answer) -> str:
    """The human-readable answer: text, numbered citations with quotes, dropped sentences."""
    lines = [answer.answer, ""]
    if answer.citations:
        lines.append("引用：")
    for c in answer.citations:
        year = f"（{c.year}年）" if c.year else ""
        section = f" · {c.section}" if c.section else ""
        lines.append(f"[{c.n}] 《{c.title or c.doc_id}》{year}第{c.paragraph}段{section}  ({anchor(c.doc_id, c.paragraph)})")
        lines.append(f"    “{c.quote}”")
    if answer.unsupported:
        lines.append("未能在资料中核实、已删除的句子：")
        lines.extend(f"  - {s}" for s in answer.unsupported)
    if answer.searched:
        lines.append("检索范围：" + "；".join(answer.searched))
    if answer.reading.query:
        lines.append("按报告用语：" + answer.reading.query)
    total = answer.timings_ms.get("total", 0.0)
    lines.append(f"（回答：{answer.llm}，用时 {total / 1000:.1f} 秒）")
    return "\n".join(lines)


def run(args: argparse.Namespace, settings: Settings, index=None) -> int:
    """Answer ``args.question``; exit code 0. Errors propagate to the dispatcher."""
    from rag.answer import answer_events

    if index is None:
        from rag.index import Index

        index = Index.open(settings)
    events = answer_events(args.question, settings, index, filters=filters_from_args(args),
                           mode="quote" if args.quote else "answer")
    result = None
    for kind, payload in events:
        if kind == "token" and not args.json:
            print(payload, end="", file=sys.stderr, flush=True)
        elif kind == "answer":
            result = payload
    if args.json:
        print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        print("", file=sys.stderr)
        print(format_answer(result))
    return 0
