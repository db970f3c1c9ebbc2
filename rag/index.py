"""``Index``: one facade over the catalog (SQLite), the vectors (Chroma) and BM25 (bm25s).

``index.json`` records what the index was built with; opening it with another
embedder or other chunking settings raises ``IndexMismatch`` rather than
mixing incompatible vectors or chunk ids.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

from rag.catalog import Catalog
from rag.config import Settings
from rag.embed import Embedder, get_embedder
from rag.errors import IndexMismatch, IndexNotFound
from rag.ledger import LEDGER_VERSION, Statement, extract_statements
from rag.lexical import LexicalIndex
from rag.text.normalize import SEARCH_FORM, normalize_for_search
from rag.types import Chunk, Document, Filters, Paragraph, embed_text
from rag.vectors import VectorStore, collection_name, make_client

SCHEMA_VERSION = 1
# progress(chunks_done, chunks_total, chars_per_second) during embed_pending.
EmbedProgress = Callable[[int, int, float], None]


def _expected_meta(settings: Settings, embedder: Embedder) -> dict:
    return {"schema_version": SCHEMA_VERSION, "embedder": embedder.name, "dim": embedder.dim,
            "chunk_tokens": settings.chunk_tokens, "embed_section": settings.embed_section}


def check_meta(recorded: dict, expected: dict, index_dir: Path) -> None:
    """Raise ``IndexMismatch`` naming the first setting that differs from what the index recorded."""
    for key, want in expected.items():
        have = recorded.get(key)
        if have != want:
            raise IndexMismatch(
                f"index {index_dir} was built with {key}={have!r}, but the current settings give {want!r}",
                f"re-ingest into a new directory (speechqa ingest PATH --index NEW_DIR), "
                f"or use the original setting ({key}={have!r})")


class Index:
    """The searchable index under ``settings.index_dir``. Thread-safe for readers."""

    def __init__(self, settings: Settings, embedder: Embedder, meta: dict) -> None:
        self.settings = settings
        self.embedder = embedder
        self.meta = meta
        self.dir = Path(settings.index_dir)
        self.catalog = Catalog(self.dir / "catalog.sqlite")
        self.vectors = VectorStore(make_client(settings, self.dir), meta["collection"], settings.hnsw_ef_search)
        self._lexical: LexicalIndex | None = None
        self._lexical_lock = threading.Lock()
        self._search_form_current = False
        self._ledger_lock = threading.Lock()

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None, *, create: bool = False) -> "Index":
        """Open the index at ``settings.index_dir`` (creating it when ``create``)."""
        index_dir = Path(settings.index_dir)
        meta_path = index_dir / "index.json"
        if not meta_path.is_file() and not create:
            raise IndexNotFound(f"no index at {index_dir} (index.json is missing)",
                                "build one first: speechqa ingest ../shared/corpus")
        embedder = embedder or get_embedder(settings.embedder)
        expected = _expected_meta(settings, embedder)
        if meta_path.is_file():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            check_meta(meta, expected, index_dir)
        else:
            index_dir.mkdir(parents=True, exist_ok=True)
            meta = {**expected, "collection": collection_name(index_dir),
                    "lexical_tokenizer": settings.lexical_tokenizer}
            _write_json(meta_path, meta)
        return cls(settings, embedder, meta)

    def close(self) -> None:
        self.catalog.close()

    # ---- write side (ingest) -----------------------------------------------

    def document_sha256(self, doc_id: str) -> str | None:
        """The sha256 the document was ingested with, or None if it is not indexed."""
        return self.catalog.sha256_of(doc_id)

    def doc_id_for_source(self, source: str) -> str | None:
        """The doc_id of the document ingested from ``source`` (path relative to its root), or None."""
        return self.catalog.doc_id_for_source(source)

    def source_of(self, doc_id: str) -> str | None:
        """The source (path relative to its ingested root) of ``doc_id``, or None if it is not indexed."""
        return self.catalog.source_of(doc_id)

    def upsert_document(self, doc: Document, chunks: list[Chunk]) -> None:
        """Replace ``doc`` and its chunks; its old vectors are dropped, new chunks await embedding."""
        # Vectors go first: a crash before the catalog commit only leaves rows flagged
        # embedded without vectors, which reconcile() re-queues; and no fresh vector of
        # a reused chunk id can be deleted after it was written.
        self.vectors.delete(self.catalog.chunk_ids_of(doc.doc_id))
        self.catalog.replace_document(doc, chunks, [normalize_for_search(c.text) for c in chunks],
                                      extract_statements(doc))

    def delete_document(self, doc_id: str) -> bool:
        """Remove a document everywhere; False if it was not indexed."""
        if self.catalog.sha256_of(doc_id) is None:
            return False
        self.vectors.delete(self.catalog.chunk_ids_of(doc_id))
        self.catalog.delete_document(doc_id)
        return True

    def embed_pending(self, progress: EmbedProgress | None = None) -> int:
        """Embed every un-embedded chunk in batches of ``settings.embed_batch``; return how many."""
        total, _ = self.catalog.count_pending()
        done, chars, start = 0, 0, time.perf_counter()
        while batch := self.catalog.pending(self.settings.embed_batch):
            chunks = [c for _, c in batch]
            self.vectors.upsert(chunks, self.embedder.embed_documents(
                [embed_text(c, self.settings.embed_section) for c in chunks]))
            # Flag only after Chroma has the vectors, so a crash re-embeds rather than loses.
            self.catalog.mark_embedded([seq for seq, _ in batch])
            # A document deleted or replaced meanwhile must not leave our vectors behind.
            ids = [c.chunk_id for c in chunks]
            self.vectors.delete(sorted(set(ids) - self.catalog.existing(ids)))
            done += len(chunks)
            chars += sum(len(c.text) for c in chunks)
            if progress:
                progress(done, total, chars / max(time.perf_counter() - start, 1e-9))
        return done

    def rebuild_lexical(self, save: bool = True) -> LexicalIndex:
        """Rebuild BM25 from the catalog (and save it under ``lexical/`` unless ``save`` is False)."""
        with self._lexical_lock:
            generation = self.catalog.generation()
            lexical = LexicalIndex.build(self.catalog.search_texts(), self.settings.lexical_tokenizer, generation)
            self._lexical = lexical
            if save:
                self._save_lexical(lexical)
            return lexical

    def _save_lexical(self, lexical: LexicalIndex) -> None:
        """Write ``lexical/`` and record its tokenizer in index.json."""
        lexical.save(self.dir / "lexical")
        if self.meta.get("lexical_tokenizer") != lexical.tokenizer:
            self.meta["lexical_tokenizer"] = lexical.tokenizer
            _write_json(self.dir / "index.json", self.meta)

    def reconcile(self) -> dict[str, int]:
        """Make Chroma agree with the catalog: drop orphan vectors, re-queue missing ones."""
        in_chroma = self.vectors.ids()
        orphans = sorted(in_chroma - set(self.catalog.chunk_ids()))
        missing = [c for c in self.catalog.chunk_ids(embedded=True) if c not in in_chroma]
        self.vectors.delete(orphans)
        self.catalog.requeue(missing)
        return {"orphans_removed": len(orphans), "requeued": len(missing)}

    # ---- read side (retrieval, API, eval) ----------------------------------

    def stats(self) -> dict:
        """Counts plus the settings the index was built with."""
        counts = self.catalog.counts()
        return {**counts, "pending": counts["chunks"] - counts["embedded"],
                **{k: self.meta[k] for k in ("embedder", "dim", "chunk_tokens", "embed_section")},
                "lexical_tokenizer": self.settings.lexical_tokenizer, "collection": self.meta["collection"],
                "index_dir": str(self.dir)}

    def documents(self) -> list[dict]:
        """Metadata of every document (plus sha256 and paragraph/chunk counts), by doc_id."""
        return self.catalog.documents()

    def document(self, doc_id: str) -> Document | None:
        """A stored document with its paragraphs, or None."""
        return self.catalog.document(doc_id)

    def paragraph(self, doc_id: str, n: int) -> Paragraph | None:
        """Paragraph ``n`` of ``doc_id`` (the citation anchor ``doc_id#n``), or None."""
        found = self.catalog.paragraphs(doc_id, n, n)
        return found[0] if found else None

    def paragraphs(self, doc_id: str) -> list[Paragraph]:
        """All paragraphs of ``doc_id`` in order (empty if unknown)."""
        return self.catalog.paragraphs(doc_id)

    def statements(self, **where) -> list[Statement]:
        """Ledger statements (``indicator``, ``region``, ``kind``, ``doc_id`` as a value or a
        tuple; ``year_from``, ``year_to``), rebuilt from the stored paragraphs first when the
        index was built with another ledger version."""
        self.ensure_ledger()
        return self.catalog.statements(where)

    def ensure_ledger(self) -> int:
        """Re-extract every document's statements if the catalog's ledger version is stale;
        return how many documents were re-read (0 when it was current)."""
        with self._ledger_lock:
            if self.catalog.ledger_version() == LEDGER_VERSION:
                return 0
            docs = [self.catalog.document(d["doc_id"]) for d in self.catalog.documents()]
            self.catalog.replace_statements({d.doc_id: extract_statements(d) for d in docs if d})
            return len(docs)

    def ensure_search_form(self) -> int:
        """Re-normalise every stored search text if the catalog's were made by another
        ``SEARCH_FORM``; return how many chunks were redone (0 when current). Seconds for
        the whole corpus, and no vector changes: the dense side embeds the verbatim text."""
        if self._search_form_current:
            return 0
        with self._lexical_lock:
            redone = 0
            if self.catalog.meta_value("search_form") != str(SEARCH_FORM):
                redone = self.catalog.replace_search_texts(normalize_for_search, SEARCH_FORM)
            self._search_form_current = True
            return redone

    def find_phrase(self, phrase: str) -> list[tuple[str, int]]:
        """Every paragraph (doc_id, n) containing ``phrase`` verbatim, earliest document first."""
        return self.catalog.find_phrase(phrase)

    def get_chunks(self, ids: list[str]) -> list[Chunk]:
        """Chunks (with document metadata in ``meta``) in the order of ``ids``; unknown ids skipped."""
        return self.catalog.get_chunks(list(ids))

    def dense_search(self, query: str, k: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        """Nearest embedded chunks to ``query`` by cosine similarity, best first."""
        return self.vectors.query(self.embedder.embed_query(query), k, filters)

    def lexical_search(self, query: str, k: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        """BM25 top ``k`` (score > 0) among the chunks that pass ``filters`` exactly."""
        allowed = None if filters is None or filters.is_empty() else self.catalog.allowed_chunk_ids(filters)
        if allowed is not None and not allowed:
            return []
        return self.ensure_lexical(save=False).search(query, k, allowed)

    def known_terms(self) -> frozenset[str]:
        """The tokens (characters, bigrams) the indexed corpus holds."""
        return self.ensure_lexical(save=False).terms()

    def ensure_lexical(self, save: bool = True) -> LexicalIndex:
        """The BM25 index for the catalog's current generation: cached, loaded or rebuilt.

        Readers pass ``save=False``: only the writer (ingest) replaces ``lexical/`` on disk.
        """
        self.ensure_search_form()
        key = (self.catalog.generation(), self.settings.lexical_tokenizer)
        with self._lexical_lock:
            cached = self._lexical if self._lexical and _key(self._lexical) == key else None
            if cached and not save:
                return cached
            saved = LexicalIndex.load(self.dir / "lexical")
            if saved and _key(saved) == key:
                self._lexical = saved
                return saved
            if cached:  # current in memory (built by a search) but not yet on disk
                self._save_lexical(cached)
                return cached
        return self.rebuild_lexical(save=save)


def _key(lexical: LexicalIndex) -> tuple[int, str]:
    return lexical.generation, lexical.tokenizer


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)
