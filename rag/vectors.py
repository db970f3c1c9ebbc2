"""Chroma as a plain vector store: our ids, our vectors, cosine space.

Local mode uses ``chromadb.PersistentClient`` under ``<index_dir>/chroma``;
when ``settings.chroma_host`` is set, ``chromadb.HttpClient`` talks to a
server, and the collection name (recorded in index.json) keeps several
indexes apart on one server.
"""
from __future__ import annotations

import hashlib
import logging
import re
import time
from pathlib import Path

import chromadb
import chromadb.config
from chromadb.errors import InternalError

from rag.config import Settings
from rag.errors import IndexNotFound
from rag.types import Chunk, Filters

log = logging.getLogger(__name__)

# Chroma metadata keys copied from each chunk's document metadata.
_META_KEYS = ("doc_id", "source", "title", "year", "doc_type", "region", "speaker")
_PAGE = 1000


def distance_to_score(distance: float) -> float:
    """Cosine distance (0..2) → cosine similarity (1..-1): the one dense score used everywhere."""
    return 1.0 - float(distance)


def collection_name(index_dir: Path) -> str:
    """A Chroma-valid collection name unique to this index directory."""
    resolved = str(Path(index_dir).resolve())
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(resolved).name).strip("-_")[:40] or "index"
    return f"speechqa-{stem}-{hashlib.sha1(resolved.encode()).hexdigest()[:10]}"


def chunk_metadata(chunk: Chunk) -> dict:
    """The metadata stored beside a chunk's vector (None values omitted, year as int)."""
    meta = {k: chunk.meta.get(k) for k in _META_KEYS}
    meta["doc_id"] = chunk.doc_id
    meta["p_first"], meta["p_last"] = chunk.paragraphs[0], chunk.paragraphs[-1]
    if meta["year"] is not None:
        meta["year"] = int(meta["year"])
    return {k: v for k, v in meta.items() if v is not None}


def where_clause(filters: Filters | None) -> dict | None:
    """A Chroma ``where`` filter equivalent to ``filters`` (None when unconstrained)."""
    if filters is None:
        return None
    clauses: list[dict] = []
    if filters.year_from is not None:
        clauses.append({"year": {"$gte": int(filters.year_from)}})
    if filters.year_to is not None:
        clauses.append({"year": {"$lte": int(filters.year_to)}})
    for key, values in (("doc_type", filters.doc_types), ("region", filters.regions),
                        ("speaker", filters.speakers), ("doc_id", filters.doc_ids)):
        if values:
            clauses.append({key: {"$in": list(values)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def make_client(settings: Settings, index_dir: Path):
    """The Chroma client for ``settings``: HTTP when ``chroma_host`` is set, else on-disk."""
    chroma_settings = chromadb.config.Settings(anonymized_telemetry=False)
    if settings.chroma_host:
        try:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port,
                                       ssl=settings.chroma_ssl, settings=chroma_settings)
        except Exception as exc:  # chromadb raises plain ValueError/ConnectionError here
            raise IndexNotFound(
                f"cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port}: {exc}",
                "start it (`chroma run --path DIR --port PORT`) or unset SPEECHQA_CHROMA_HOST") from exc
    return chromadb.PersistentClient(path=str(Path(index_dir) / "chroma"), settings=chroma_settings)


class VectorStore:
    """One Chroma collection holding chunk vectors keyed by chunk id."""

    def __init__(self, client, name: str, ef_search: int) -> None:
        self._col = client.get_or_create_collection(
            name, metadata={"hnsw:space": "cosine", "hnsw:search_ef": ef_search}, embedding_function=None)

    def upsert(self, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        if chunks:
            self._col.upsert(ids=[c.chunk_id for c in chunks], embeddings=vectors,
                             metadatas=[chunk_metadata(c) for c in chunks])

    def delete(self, ids: list[str]) -> None:
        for start in range(0, len(ids), _PAGE):
            self._col.delete(ids=ids[start:start + _PAGE])

    def ids(self) -> set[str]:
        """Every id in the collection (paged, so large collections are fine)."""
        out: set[str] = set()
        offset = 0
        while True:
            page = self._col.get(include=[], limit=_PAGE, offset=offset)["ids"]
            out.update(page)
            if len(page) < _PAGE:
                return out
            offset += _PAGE

    def count(self) -> int:
        return self._col.count()

    def query(self, vector: list[float], k: int, filters: Filters | None) -> list[tuple[str, float]]:
        """The ``k`` nearest chunk ids with scores (best first)."""
        n = min(k, self.count())
        if n <= 0:
            return []
        for attempt in (1, 2):
            try:
                res = self._col.query(query_embeddings=[vector], n_results=n, where=where_clause(filters),
                                      include=["distances"])
                break
            except InternalError as exc:
                # Chroma's segment reader can miss an id that a concurrent writer (background
                # embedding) is adding. Retry once; then answer from BM25 alone rather than fail.
                if attempt == 2:
                    log.warning("dense search unavailable, using lexical results only: %s", exc)
                    return []
                time.sleep(0.05)
        return [(cid, distance_to_score(d)) for cid, d in zip(res["ids"][0], res["distances"][0])]
