"""The catalog's SQLite schema, the chunk query, ``Filters`` as SQL, and rows as our types.

Kept apart from ``rag/catalog.py`` (the transactions) so each stays small; only the catalog imports it.
"""
from __future__ import annotations

import json
import sqlite3

from rag.types import Chunk, Filters

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, sha256 TEXT NOT NULL, title TEXT NOT NULL,
    year INTEGER, date TEXT, speaker TEXT, region TEXT, doc_type TEXT NOT NULL,
    occasion TEXT, level TEXT, meta_json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS paragraphs (
    doc_id TEXT NOT NULL, n INTEGER NOT NULL, section_json TEXT NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (doc_id, n));
CREATE TABLE IF NOT EXISTS chunks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, chunk_id TEXT NOT NULL UNIQUE, doc_id TEXT NOT NULL,
    paragraphs_json TEXT NOT NULL, section TEXT NOT NULL, text TEXT NOT NULL,
    search_text TEXT NOT NULL, embedded INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS statements (
    doc_id TEXT NOT NULL, n INTEGER NOT NULL, indicator TEXT NOT NULL, region TEXT NOT NULL,
    year INTEGER NOT NULL, kind TEXT NOT NULL, value REAL NOT NULL, value_high REAL, unit TEXT NOT NULL,
    qualifier TEXT NOT NULL, span TEXT NOT NULL, base REAL NOT NULL, base_high REAL);
CREATE INDEX IF NOT EXISTS statements_key ON statements(indicator, year, region);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE INDEX IF NOT EXISTS chunks_pending ON chunks(embedded);
"""
DOC_FIELDS = ("doc_id", "source", "sha256", "title", "year", "date", "speaker", "region",
              "doc_type", "occasion", "level")

# The document fields a chunk carries as meta (doc_id comes with c.*; sha256 stays with the document).
CHUNK_SELECT = ("SELECT c.*, " + ", ".join(f"d.{f}" for f in DOC_FIELDS if f not in ("doc_id", "sha256"))
                + " FROM chunks c JOIN documents d USING (doc_id)")


def filter_sql(filters: Filters | None) -> tuple[str, list]:
    """A ``WHERE`` clause over the ``documents`` table (alias ``d``) for ``filters``."""
    if filters is None:
        return "", []
    clauses: list[str] = []
    params: list = []
    if filters.year_from is not None:
        clauses.append("d.year >= ?")
        params.append(filters.year_from)
    if filters.year_to is not None:
        clauses.append("d.year <= ?")
        params.append(filters.year_to)
    for column, values in (("doc_type", filters.doc_types), ("region", filters.regions),
                           ("speaker", filters.speakers), ("doc_id", filters.doc_ids)):
        if values:
            clauses.append(f"d.{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
    return ("WHERE " + " AND ".join(clauses), params) if clauses else ("", [])


def chunk_from_row(r: sqlite3.Row) -> Chunk:
    """A chunk row (joined with its document) as a ``Chunk`` with the document's metadata."""
    meta = {f: r[f] for f in DOC_FIELDS if f != "sha256" and r[f] is not None}
    return Chunk(chunk_id=r["chunk_id"], doc_id=r["doc_id"], paragraphs=tuple(json.loads(r["paragraphs_json"])),
                 text=r["text"], section=r["section"], meta=meta)


def document_row(r: sqlite3.Row) -> dict:
    """A document row as flat metadata plus its paragraph and chunk counts."""
    out = {f: r[f] for f in DOC_FIELDS if r[f] is not None}
    out.update(paragraphs=int(r["paragraphs"]), chunks=int(r["chunks"]))
    return out
