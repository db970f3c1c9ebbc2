"""The ``speechqa`` command line: the one place that turns errors into exit codes.

Each package registers its own subcommands through ``register(subparsers)``;
a subcommand's handler takes ``(args, settings)`` and returns an exit code.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys

from rag.errors import SpeechQAError

# module -> registers subcommands; imported lazily so `speechqa parse` stays light.
COMMAND_MODULES = ("rag.provision_cli", "ingest.parse_cli", "ingest.ingest_cli", "rag.ask_cli",
                   "eval.cli", "ui.serve_cli")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every package's subcommands."""
    parser = argparse.ArgumentParser(prog="speechqa", description="SpeechQA: cited answers over Chinese speeches.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # that package has no commands yet
                continue
            raise
        module.register(sub)
    return parser


def settings_overrides(args: argparse.Namespace) -> dict:
    """Flags that map one-to-one onto settings fields."""
    keys = ("index_dir", "llm", "k", "host", "port", "embedder", "corpus_dir", "chroma_host", "chroma_port")
    return {key: getattr(args, key) for key in keys if getattr(args, key, None) is not None}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``speechqa`` console script."""
    from rag.config import load_settings

    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(**settings_overrides(args))
        return int(args.func(args, settings) or 0)
    except SpeechQAError as exc:
        if getattr(args, "json", False):
            print(json.dumps(exc.to_dict(), ensure_ascii=False), file=sys.stderr)
        else:
            print(f"speechqa: error: {exc.message}", file=sys.stderr)
            if exc.hint:
                print(f"  what to do: {exc.hint}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("speechqa: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
