"""Parse one source file into a ``Document``: load → clean → structure → metadata."""
from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path
from typing import Any

from ingest.clean import clean_text
from ingest.loaders import LoaderWarning, load_text
from ingest.metadata import extract_metadata
from ingest.structure import structure
from rag.errors import BadDocument
from rag.types import Document, doc_id_for, source_path

MANIFEST = "manifest.jsonl"


def parse_file(path: str | Path, root: str | Path, manifest: dict[str, dict] | None = None) -> Document:
    """Parse ``path`` (inside ``root``) into a ``Document`` with numbered paragraphs.

    ``doc_id`` is the path relative to ``root`` without its extension; ``manifest``
    (from ``load_manifest``) supplies metadata that overrides what the text says.
    Raises ``BadDocument`` for unreadable files or files with no text left after cleaning.
    """
    path, root = Path(path), Path(root)
    source = source_of(path, root)
    doc_id = doc_id_for(path, root)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LoaderWarning)
        raw_text = load_text(path)
    text = clean_text(raw_text)
    paragraphs = structure(doc_id, text)
    if not paragraphs:
        raise BadDocument(str(path), "no document text left after removing page boilerplate",
                          "check that the file contains the speech/report itself")
    meta = extract_metadata(text, paragraphs, source, (manifest or {}).get(source))
    extra: dict[str, Any] = meta.pop("meta")
    notes = [str(w.message) for w in caught if issubclass(w.category, LoaderWarning)]
    if notes:
        extra["warnings"] = notes
    return Document(doc_id=doc_id, source=source, paragraphs=paragraphs,
                    sha256=hashlib.sha256(path.read_bytes()).hexdigest(), meta=extra, **meta)


def source_of(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with '/' separators; the file name if it lies outside."""
    return source_path(path, root)


def load_manifest(root: str | Path) -> dict[str, dict]:
    """``{source: row}`` from ``root/manifest.jsonl`` (empty when there is none)."""
    path = Path(root) / MANIFEST
    if not path.is_file():
        return {}
    rows: dict[str, dict] = {}
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadDocument(str(path), f"line {i} is not valid JSON ({exc.msg})",
                              "fix or remove that line of the manifest") from exc
        if not isinstance(row, dict) or not isinstance(row.get("file"), str):
            raise BadDocument(str(path), f"line {i} has no 'file' field",
                              "each manifest line needs \"file\": path relative to the corpus root")
        rows[row["file"]] = row
    return rows
