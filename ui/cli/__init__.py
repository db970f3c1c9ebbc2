"""The ``speechqa`` command line: the one place that turns errors into exit codes.

One module per command in this package registers it through ``register(subparsers)``;
a command's handler takes ``(args, settings)`` and returns an exit code. ``main``
builds the settings, applies the process environment once, and runs the handler.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys

from rag.config import apply_process_environment, load_settings
from rag.errors import SpeechQAError
from ui.cli.flags import settings_overrides

# Registration order is the order of `speechqa --help`. Each module keeps its heavy imports
# inside its handler, so building the parser stays light (`speechqa parse` loads no models).
COMMANDS = ("setup", "parse", "ingest", "ask", "eval", "serve")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every command; a missing command module raises ImportError."""
    parser = argparse.ArgumentParser(prog="speechqa", description="SpeechQA: cited answers over Chinese speeches.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def report_error(exc: SpeechQAError, *, as_json: bool) -> None:
    """Print a SpeechQAError on stderr: JSON for ``--json`` commands, else message and hint."""
    if as_json:
        print(json.dumps(exc.to_dict(), ensure_ascii=False), file=sys.stderr)
        return
    print(f"speechqa: error: {exc.message}", file=sys.stderr)
    if exc.hint:
        print(f"  what to do: {exc.hint}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``speechqa`` console script."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(**settings_overrides(args))
        apply_process_environment(settings)
        return int(args.func(args, settings) or 0)
    except SpeechQAError as exc:
        report_error(exc, as_json=getattr(args, "json", False))
        return exc.exit_code
    except KeyboardInterrupt:
        print("speechqa: interrupted", file=sys.stderr)
        return 130
