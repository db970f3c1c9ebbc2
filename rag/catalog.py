"""The SQLite catalog: documents, paragraphs and chunks — the index's source of truth.

Chroma and the lexical index are derived from it. Every chunk row has an
``embedded`` flag that is set only after its vector is in Chroma, so an
interrupted ingest resumes from the catalog. A ``generation`` counter, bumped
by every write, tells readers when the lexical index is stale.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rag.catalog_sql import CHUNK_SELECT, DOC_FIELDS, SCHEMA, chunk_from_row, document_row, filter_sql
from rag.ledger import LEDGER_VERSION, Statement
from rag.text.normalize import SEARCH_FORM
from rag.types import Chunk, Document, Filters, Paragraph


class Catalog:
    """One SQLite connection (WAL), shared across threads under a lock."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=30000")
        self._db.executescript(SCHEMA)
        # A new catalog's statements and search texts are all made by the current rules.
        for key, value in (("ledger_version", LEDGER_VERSION), ("search_form", str(SEARCH_FORM))):
            self._db.execute("INSERT OR IGNORE INTO meta SELECT ?, ? "
                             "WHERE NOT EXISTS (SELECT 1 FROM documents)", (key, value))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _rows(self, sql: str, params: Iterable = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    def _write(self, fn) -> Any:
        """Run ``fn(db)`` in one IMMEDIATE transaction and bump the generation."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                result = fn(self._db)
                self._db.execute("INSERT INTO meta VALUES ('generation', '1') ON CONFLICT(key) "
                                 "DO UPDATE SET value = CAST(value AS INTEGER) + 1")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            return result

    # ---- writes -------------------------------------------------------------

    def replace_document(self, doc: Document, chunks: list[Chunk], search_texts: list[str],
                         statements: list[Statement] = ()) -> list[str]:
        """Store ``doc`` with its paragraphs, (un-embedded) chunks and ledger statements; return
        the old chunk ids. ``search_texts`` are the chunks' normalised texts, kept so BM25
        rebuilds skip normalising.
        """
        def run(db: sqlite3.Connection) -> list[str]:
            old = _delete_doc(db, doc.doc_id)
            row = {f: getattr(doc, f) for f in DOC_FIELDS}
            db.execute(f"INSERT INTO documents VALUES ({','.join('?' * (len(DOC_FIELDS) + 1))})",
                       [row[f] for f in DOC_FIELDS] + [json.dumps(doc.meta, ensure_ascii=False)])
            db.executemany("INSERT INTO paragraphs VALUES (?,?,?,?)",
                           [(doc.doc_id, p.n, json.dumps(p.section, ensure_ascii=False), p.text)
                            for p in doc.paragraphs])
            db.executemany("INSERT INTO chunks (chunk_id, doc_id, paragraphs_json, section, text, "
                           "search_text) VALUES (?,?,?,?,?,?)",
                           [(c.chunk_id, c.doc_id, json.dumps(c.paragraphs), c.section, c.text, st)
                            for c, st in zip(chunks, search_texts, strict=True)])
            _insert_statements(db, statements)
            return old
        return self._write(run)

    def replace_statements(self, by_doc: dict[str, list[Statement]]) -> None:
        """Replace the ledger statements of these documents, and record ``LEDGER_VERSION``."""
        def run(db: sqlite3.Connection) -> None:
            for doc_id, statements in by_doc.items():
                db.execute("DELETE FROM statements WHERE doc_id = ?", (doc_id,))
                _insert_statements(db, statements)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('ledger_version', ?)", (LEDGER_VERSION,))
        self._write(run)

    def meta_value(self, key: str) -> str | None:
        """A value from the catalog's ``meta`` table (generation, ledger_version, search_form)."""
        rows = self._rows("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0]["value"] if rows else None

    def ledger_version(self) -> str | None:
        return self.meta_value("ledger_version")

    def replace_search_texts(self, normalize: Callable[[str], str], form: int) -> int:
        """Recompute every chunk's search text from its text with ``normalize`` and record
        ``form``; the generation moves, so BM25 rebuilds. Returns the number of chunks."""
        def run(db: sqlite3.Connection) -> int:
            rows = db.execute("SELECT seq, text FROM chunks").fetchall()
            db.executemany("UPDATE chunks SET search_text = ? WHERE seq = ?",
                           [(normalize(r["text"]), r["seq"]) for r in rows])
            db.execute("INSERT OR REPLACE INTO meta VALUES ('search_form', ?)", (str(form),))
            return len(rows)
        return self._write(run)

    def statements(self, where: dict[str, Any]) -> list[Statement]:
        """Ledger statements matching ``where`` (indicator, region, kind: a value or a tuple;
        year_from, year_to), ordered by indicator, year, region, document and paragraph."""
        clauses, params = [], []
        for column in ("indicator", "region", "kind", "doc_id"):
            values = where.get(column)
            if values:
                values = (values,) if isinstance(values, str) else tuple(values)
                clauses.append(f"{column} IN ({','.join('?' * len(values))})")
                params += values
        for column, op in (("year_from", ">="), ("year_to", "<=")):
            if where.get(column) is not None:
                clauses.append(f"year {op} ?")
                params.append(where[column])
        sql = "SELECT * FROM statements" + (" WHERE " + " AND ".join(clauses) if clauses else "")
        rows = self._rows(sql + " ORDER BY indicator, year, region, doc_id, n", params)
        return [Statement(**{k: r[k] for k in r.keys()}) for r in rows]

    def delete_document(self, doc_id: str) -> list[str]:
        """Remove a document with its paragraphs and chunks; return the removed chunk ids."""
        return self._write(lambda db: _delete_doc(db, doc_id))

    def mark_embedded(self, seqs: list[int]) -> None:
        """Flag chunk rows (by ``seq``) as having their vector in Chroma; the generation is unchanged.

        By row number, not chunk id: a document replaced while its old chunks were being
        embedded gets new rows (same ids, new seqs) that stay pending.
        """
        self._set_flag("seq", seqs, True)

    def requeue(self, chunk_ids: list[str]) -> None:
        """Flag chunks as needing their vectors (again)."""
        self._set_flag("chunk_id", chunk_ids, False)

    def _set_flag(self, column: str, keys: list, embedded: bool) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(f"UPDATE chunks SET embedded = ? WHERE {column} = ?",
                                     [(int(embedded), key) for key in keys])
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    # ---- reads ---------------------------------------------------------------

    def generation(self) -> int:
        rows = self._rows("SELECT value FROM meta WHERE key = 'generation'")
        return int(rows[0]["value"]) if rows else 0

    def sha256_of(self, doc_id: str) -> str | None:
        rows = self._rows("SELECT sha256 FROM documents WHERE doc_id = ?", (doc_id,))
        return rows[0]["sha256"] if rows else None

    def source_of(self, doc_id: str) -> str | None:
        rows = self._rows("SELECT source FROM documents WHERE doc_id = ?", (doc_id,))
        return rows[0]["source"] if rows else None

    def doc_id_for_source(self, source: str) -> str | None:
        rows = self._rows("SELECT doc_id FROM documents WHERE source = ?", (source,))
        return rows[0]["doc_id"] if rows else None

    def pending(self, limit: int) -> list[tuple[int, Chunk]]:
        """Up to ``limit`` (seq, chunk) pairs whose vectors are not in Chroma yet, in insertion order."""
        rows = self._rows(f"{CHUNK_SELECT} WHERE c.embedded = 0 ORDER BY c.seq LIMIT ?", (limit,))
        return [(r["seq"], chunk_from_row(r)) for r in rows]

    def count_pending(self) -> tuple[int, int]:
        """(chunks, characters) still to embed."""
        row = self._rows("SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(text)), 0) AS chars "
                         "FROM chunks WHERE embedded = 0")[0]
        return int(row["n"]), int(row["chars"])

    def chunk_ids_of(self, doc_id: str) -> list[str]:
        return [r["chunk_id"] for r in self._rows("SELECT chunk_id FROM chunks WHERE doc_id = ?", (doc_id,))]

    def existing(self, chunk_ids: list[str]) -> set[str]:
        """The subset of ``chunk_ids`` that the catalog holds."""
        found: set[str] = set()
        for start in range(0, len(chunk_ids), 500):
            batch = chunk_ids[start:start + 500]
            found.update(r["chunk_id"] for r in self._rows(
                f"SELECT chunk_id FROM chunks WHERE chunk_id IN ({','.join('?' * len(batch))})", batch))
        return found

    def chunk_ids(self, embedded: bool | None = None) -> list[str]:
        """All chunk ids in catalog order, optionally only (un)embedded ones."""
        where = "" if embedded is None else f" WHERE embedded = {int(embedded)}"
        return [r["chunk_id"] for r in self._rows(f"SELECT chunk_id FROM chunks{where} ORDER BY seq")]

    def search_texts(self) -> list[tuple[str, str]]:
        """(chunk_id, normalised text) for every chunk, in catalog order (the lexical index order)."""
        return [(r["chunk_id"], r["search_text"]) for r in
                self._rows("SELECT chunk_id, search_text FROM chunks ORDER BY seq")]

    def allowed_chunk_ids(self, filters: Filters) -> set[str]:
        """Ids of the chunks whose document passes ``filters``."""
        where, params = filter_sql(filters)
        rows = self._rows(f"SELECT c.chunk_id FROM chunks c JOIN documents d USING (doc_id) {where}", params)
        return {r["chunk_id"] for r in rows}

    def get_chunks(self, ids: list[str]) -> list[Chunk]:
        """Chunks by id, in the order given; unknown ids are skipped."""
        found: dict[str, Chunk] = {}
        for start in range(0, len(ids), 500):
            batch = ids[start:start + 500]
            rows = self._rows(f"{CHUNK_SELECT} WHERE c.chunk_id IN ({','.join('?' * len(batch))})", batch)
            found.update((r["chunk_id"], chunk_from_row(r)) for r in rows)
        return [found[i] for i in ids if i in found]

    def documents(self) -> list[dict]:
        """Every document's flat metadata plus ``sha256``, ``paragraphs`` and ``chunks`` counts."""
        rows = self._rows("SELECT d.*, (SELECT COUNT(*) FROM paragraphs p WHERE p.doc_id = d.doc_id) "
                          "AS paragraphs, (SELECT COUNT(*) FROM chunks c WHERE c.doc_id = d.doc_id) "
                          "AS chunks FROM documents d ORDER BY d.doc_id")
        return [document_row(r) for r in rows]

    def document(self, doc_id: str) -> Document | None:
        """The stored document with all its paragraphs, or None."""
        rows = self._rows("SELECT * FROM documents WHERE doc_id = ?", (doc_id,))
        if not rows:
            return None
        fields = {f: rows[0][f] for f in DOC_FIELDS}
        return Document(**fields, paragraphs=self.paragraphs(doc_id), meta=json.loads(rows[0]["meta_json"]))

    def paragraphs(self, doc_id: str, first: int | None = None, last: int | None = None) -> list[Paragraph]:
        """Paragraphs of ``doc_id`` (optionally only ``first..last``), in order."""
        lo, hi = first or 1, last if last is not None else 1 << 30
        rows = self._rows("SELECT * FROM paragraphs WHERE doc_id = ? AND n BETWEEN ? AND ? ORDER BY n",
                          (doc_id, lo, hi))
        return [Paragraph(doc_id=r["doc_id"], n=r["n"], section=tuple(json.loads(r["section_json"])),
                          text=r["text"]) for r in rows]

    def find_phrase(self, phrase: str, limit: int = 5000) -> list[tuple[str, int]]:
        """(doc_id, paragraph n) of every paragraph whose text contains ``phrase``, in
        document year order (a full scan: a phrase's absence must be proved, not sampled)."""
        rows = self._rows("SELECT p.doc_id, p.n FROM paragraphs p JOIN documents d USING (doc_id) "
                          "WHERE instr(p.text, ?) > 0 ORDER BY d.year IS NULL, d.year, d.date, p.doc_id, p.n "
                          "LIMIT ?", (phrase, limit))
        return [(r["doc_id"], int(r["n"])) for r in rows]

    def counts(self) -> dict[str, int]:
        row = self._rows("SELECT (SELECT COUNT(*) FROM documents) AS documents, "
                         "(SELECT COUNT(*) FROM paragraphs) AS paragraphs, "
                         "(SELECT COUNT(*) FROM chunks) AS chunks, "
                         "(SELECT COUNT(*) FROM chunks WHERE embedded = 1) AS embedded")[0]
        return {k: int(row[k]) for k in ("documents", "paragraphs", "chunks", "embedded")}


def _delete_doc(db: sqlite3.Connection, doc_id: str) -> list[str]:
    old = [r[0] for r in db.execute("SELECT chunk_id FROM chunks WHERE doc_id = ?", (doc_id,))]
    for table in ("statements", "chunks", "paragraphs", "documents"):
        db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
    return old


def _insert_statements(db: sqlite3.Connection, statements: Iterable[Statement]) -> None:
    db.executemany("INSERT INTO statements VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(s.doc_id, s.n, s.indicator, s.region, s.year, s.kind, s.value, s.value_high, s.unit,
                     s.qualifier, s.span, s.base, s.base_high) for s in statements])
