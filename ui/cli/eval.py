"""``speechqa eval``: run an eval set (ours or an adapted third-party one) and write the reports.

``speechqa eval validate`` (ui/cli/validate.py) checks a set instead of running it; with
no subcommand, ``eval`` runs the set as it always has.
"""
from __future__ import annotations

import argparse
import json
from importlib import resources
from pathlib import Path

from eval.adapters import ADAPTERS, prepare
from rag.config import Settings
from ui.cli import ledger, validate
from ui.cli.flags import add_embedder, add_index, add_json, add_k, add_llm

DEFAULT_SET = Path(str(resources.files("eval").joinpath("sets", "speeches.jsonl")))


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``eval`` subcommand."""
    p = sub.add_parser("eval", help="evaluate retrieval, citations and answers on a QA set",
                       description="Evaluate on a JSON Lines set, or on an adapted third-party set "
                                   f"({', '.join(ADAPTERS)}), and write report.json/md/html.")
    p.add_argument("--set", default=str(DEFAULT_SET),
                   help=f"a .jsonl eval set, or one of {', '.join(ADAPTERS)} (default: our speeches set)")
    add_index(p, "index directory (adapted sets build their own)")
    add_llm(p, "answer backend")
    add_embedder(p, "embedder spec (must match the index)")
    add_k(p, "chunks given to the answer stage (default: settings.k)")
    p.add_argument("--limit", type=int, help="evaluate only the first N questions")
    p.add_argument("--sample", type=int, help="evaluate about N questions, every type in proportion "
                                              "(for slow local-LLM runs)")
    p.add_argument("--split", choices=("dev", "test"),
                   help="only this half of a set that has one (tune on dev, report test)")
    p.add_argument("--compare", action="store_true", help="also run the naive, bm25 and dense baselines")
    p.add_argument("--systems", type=parse_systems,
                   help="comma-separated subset of naive,bm25,dense,full to compare (naive re-embeds the corpus)")
    p.add_argument("--retrieval-only", action="store_true", help="skip the answer stage (ranking metrics only)")
    p.add_argument("--out", type=Path, help="output directory (default var/eval/<set name>)")
    p.add_argument("--qa-dir", type=Path, help="third-party QA folder (default: <corpus_dir>/../qa)")
    p.add_argument("--fresh", action="store_true", help="ignore finished questions from an earlier run")
    add_json(p, "print the summary as JSON")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)
    # Optional, so `speechqa eval --set …` keeps running a set; a subcommand's own defaults
    # (its func) replace the ones above when it is given.
    commands = p.add_subparsers(dest="eval_command", metavar="{validate,ledger}")
    validate.register(commands, DEFAULT_SET)
    ledger.register(commands)


def adapted_set(args: argparse.Namespace, settings: Settings, out: Path) -> tuple[Path, Settings]:
    """Write an adapted set and its corpus under ``out``, ingest it into its own index."""
    from ingest.pipeline import ingest

    qa_dir = args.qa_dir or Path(settings.corpus_dir).parent / "qa"
    corpus, set_path = prepare(args.set, qa_dir, out / "data", args.limit)
    index_dir = args.index_dir or corpus.parent / "index"
    settings = settings.model_copy(update={"corpus_dir": corpus, "index_dir": index_dir})
    ingest([corpus], settings)
    return set_path, settings


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Handler of ``speechqa eval``."""
    from eval.runner import run_eval

    name = args.set if args.set in ADAPTERS else Path(args.set).stem
    out = args.out or Path("var") / "eval" / name
    limit = args.limit
    set_path = Path(args.set)
    if args.set in ADAPTERS:
        set_path, settings = adapted_set(args, settings, out)
        limit = None  # the adapter already kept the first N questions and their documents
    report = run_eval(set_path, settings, k=args.k or settings.k, limit=limit, sample=args.sample, split=args.split,
                      compare=args.systems or args.compare,
                      out_dir=out, resume=not args.fresh, progress=not args.no_progress, retrieval_only=args.retrieval_only)
    if args.json:
        print(json.dumps({"summary": report["summary"], "systems": report.get("systems")}, ensure_ascii=False))
    else:
        from eval.report import render_markdown

        print(render_markdown(report).split("\n## By question type")[0])
        print(f"reports: {out / 'report.json'}, {out / 'report.md'}, {out / 'report.html'}")
    return 0


def parse_systems(value: str) -> tuple[str, ...]:
    """``--systems naive,bm25,…`` → unique names in the given order; unknown names are refused."""
    from eval.baselines import SYSTEMS

    names = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    unknown = [n for n in names if n not in SYSTEMS]
    if not names or unknown:
        raise argparse.ArgumentTypeError(f"unknown system(s) {unknown or value!r}; choose from {', '.join(SYSTEMS)}")
    return names
