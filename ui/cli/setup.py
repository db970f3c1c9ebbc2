"""``speechqa setup``: provision tiktoken files, check the embedder, build the local LLM GGUF."""
from __future__ import annotations

import argparse
import json

from rag.config import Settings
from rag.provision import MODELS, StepResult, provision
from ui.cli.flags import add_embedder, add_json, add_llm


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``setup`` subcommand to the ``speechqa`` parser."""
    p = sub.add_parser("setup", help="download and check models (the only command that downloads)",
                       description="Provision everything SpeechQA needs offline. Idempotent: "
                                   "present, correct files are kept.")
    p.add_argument("--llm-model", choices=[*MODELS, "all"], default=None,
                   help="local GGUF model(s) to provision (default: the configured one when llm=local)")
    p.add_argument("--verify", action="store_true", help="re-hash the GGUF files (slow) instead of trusting the stamp")
    add_json(p, "print the results as JSON")
    add_embedder(p, "embedder to check (default: settings)")
    add_llm(p)
    p.set_defaults(func=run)


def format_results(results: list[StepResult]) -> str:
    """One human-readable line per step."""
    lines = []
    for r in results:
        where = f"  {r.path}" if r.path else ""
        lines.append(f"{r.step:<18} {r.status:<9} {r.detail}{where}")
    return "\n".join(lines)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Handler of ``speechqa setup``."""
    results = provision(settings, model=args.llm_model, verify=args.verify)
    if args.json:
        print(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        print(format_results(results))
    return 0
