"""Flags several ``speechqa`` commands share, and how flags become settings overrides.

Each helper adds one flag with the same name, destination and type everywhere;
only the help text may differ per command (it says what the flag means there).
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

from rag.config import BACKENDS
from rag.types import DOC_TYPES, Filters

# Destinations that map one-to-one onto Settings fields; None means "not given, use settings".
SETTINGS_FLAGS = ("index_dir", "llm", "k", "host", "port", "embedder", "corpus_dir", "chroma_host", "chroma_port")
_YEARS = re.compile(r"^\s*(\d{4})\s*(?:[-–~至]\s*(\d{4}))?\s*$")


def settings_overrides(args: argparse.Namespace) -> dict:
    """The settings fields the command line sets explicitly."""
    return {key: getattr(args, key) for key in SETTINGS_FLAGS if getattr(args, key, None) is not None}


def add_index(p: argparse.ArgumentParser, help: str = "index directory (default: settings)") -> None:
    """``--index DIR`` → ``settings.index_dir``."""
    p.add_argument("--index", dest="index_dir", type=Path, help=help)


def add_llm(p: argparse.ArgumentParser, help: str | None = None) -> None:
    """``--llm local|openai|extractive`` → ``settings.llm``."""
    p.add_argument("--llm", choices=BACKENDS, default=None, help=help)


def add_embedder(p: argparse.ArgumentParser, help: str) -> None:
    """``--embedder SPEC`` → ``settings.embedder`` (validated by Settings)."""
    p.add_argument("--embedder", default=None, help=help)


def add_k(p: argparse.ArgumentParser, help: str) -> None:
    """``--k N`` → ``settings.k``."""
    p.add_argument("--k", type=int, help=help)


def add_corpus(p: argparse.ArgumentParser, help: str) -> None:
    """``--corpus DIR`` → ``settings.corpus_dir``."""
    p.add_argument("--corpus", dest="corpus_dir", type=Path, help=help)


def add_json(p: argparse.ArgumentParser, help: str) -> None:
    """``--json``: machine-readable stdout; errors then go to stderr as JSON too (see ``ui.cli.main``)."""
    p.add_argument("--json", action="store_true", help=help)


def parse_years(value: str) -> tuple[int, int]:
    """'2024' → (2024, 2024); '2024-2025' → (2024, 2025)."""
    match = _YEARS.match(value)
    if not match:
        raise argparse.ArgumentTypeError(f"--year {value!r}: expected YYYY or YYYY-YYYY, e.g. 2024-2025")
    first, last = int(match[1]), int(match[2] or match[1])
    if first > last:
        raise argparse.ArgumentTypeError(f"--year {value!r}: the range runs backwards; write {last}-{first}")
    return first, last


def add_filters(p: argparse.ArgumentParser) -> None:
    """``--year``, ``--doc-type`` (repeatable), ``--region`` (repeatable): explicit retrieval filters."""
    p.add_argument("--year", type=parse_years, help="YYYY or YYYY-YYYY")
    p.add_argument("--doc-type", dest="doc_types", action="append", choices=DOC_TYPES, default=[])
    p.add_argument("--region", dest="regions", action="append", default=[], help="e.g. 河南 (repeatable)")


def filters_from_args(args: argparse.Namespace) -> Filters | None:
    """The explicit filters the flags ask for, or None."""
    years = args.year or (None, None)
    filters = Filters(year_from=years[0], year_to=years[1], doc_types=tuple(args.doc_types),
                      regions=tuple(args.regions))
    return None if filters.is_empty() else filters
