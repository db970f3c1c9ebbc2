"""``speechqa eval validate [SET] [--corpus DIR]``: check an eval set against the corpus it quotes.

Prints per-type and per-folder counts, then every problem; exit 1 if there are
problems, 2 if the set or the corpus is missing. The checks are ``eval.validate``'s.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import eval.validate as checks
from rag.config import Settings
from ui.cli.flags import add_corpus


def register(sub: argparse._SubParsersAction, default_set: Path) -> None:
    """Add ``validate`` under ``speechqa eval``; ``default_set`` is the shipped speeches set."""
    p = sub.add_parser("validate", help="check a set's quotes and answer keys against the corpus",
                       description=checks.__doc__)
    p.add_argument("set_path", type=Path, nargs="?", default=default_set,
                   help="a .jsonl eval set (default: our speeches set)")
    add_corpus(p, "corpus root the set quotes (default from settings)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print counts and problems; the exit code says whether the set is valid."""
    corpus = settings.corpus_dir  # --corpus, else SPEECHQA_CORPUS_DIR, else ../shared/corpus
    missing = [str(p) for p, ok in ((args.set_path, args.set_path.is_file()), (corpus, Path(corpus).is_dir())) if not ok]
    if missing:
        print(f"error: {' and '.join(missing)} does not exist — "
              "pass the set file and --corpus <corpus root>", file=sys.stderr)
        return 2
    problems = checks.validate_set(args.set_path, corpus)
    items, _ = checks.load_set(args.set_path)
    for name, counter in checks.counts(items).items():
        print(f"{name}: " + ", ".join(f"{k}={v}" for k, v in sorted(counter.items(), key=str)))
    print(f"total: {len(items)}")
    for problem in problems:
        print(problem)
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0
