"""Indexing inside the server: phase 1 now (searchable in seconds), dense embedding in a worker thread.

One worker thread owns phase 2: every phase-1 run (``--ingest`` at start-up, each
upload) wakes it, and it embeds until nothing is pending, so two embedding
loops never race over the same chunks. Writes go through a second ``Index`` with
its own embedder: an embedder serialises its calls, so sharing the readers' one
would make every question wait for the current embedding batch.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from rag.config import Settings
from rag.errors import BadDocument, SpeechQAError

if TYPE_CHECKING:
    from ingest.pipeline import IngestReport, Progress

log = logging.getLogger("speechqa.indexing")
PHASES = {"parse": "lexical", "embed": "embedding"}


@dataclass
class IndexingProgress:
    """Where background indexing stands; read by /healthz and the chat status line."""

    phase: str = "idle"  # idle | lexical | embedding | ready | error
    done: int = 0
    total: int = 0
    chars_per_s: float = 0.0
    message: str = ""
    updated: float = field(default_factory=time.time)

    def set(self, **changes: Any) -> None:
        """Update fields and the timestamp together."""
        for key, value in changes.items():
            setattr(self, key, value)
        self.updated = time.time()


class Indexer:
    """Runs ingest phase 1 synchronously and phase 2 in one background worker.

    It gets only the settings (to open its own writer ``Index``) and the progress it reports
    into, not the ``Runtime`` that owns it, so ``ui.runtime`` depends on it and not the reverse.
    """

    def __init__(self, settings: Settings, progress: IndexingProgress) -> None:
        self.settings = settings
        self.progress = progress
        self._phase1 = threading.Lock()
        self._wake = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._worker: threading.Thread | None = None
        self._writer = None
        self._writer_lock = threading.Lock()

    def writer(self):
        """The write-side index (opened on first use, creating the index if needed)."""
        from rag.index import Index

        with self._writer_lock:
            if self._writer is None:
                self._writer = Index.open(self.settings, create=True)
            return self._writer

    def close(self) -> None:
        """Close the write-side index (after ``wait_idle``)."""
        with self._writer_lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None

    def _on_progress(self, p: "Progress") -> None:
        self.progress.set(phase=PHASES.get(p.stage, p.stage), done=p.done, total=p.total,
                                  chars_per_s=round(p.chars_per_s, 1))

    def index_files(self, paths: Iterable[str | Path]) -> "IngestReport":
        """Phase 1 (parse, chunk, catalog, BM25) for ``paths``; then wake the embedding worker."""
        from ingest.pipeline import index_phase

        index = self.writer()
        with self._phase1:
            self.progress.set(phase="lexical", done=0, total=0, message="正在解析文档 / parsing")
            report = index_phase(index, list(paths), progress=self._on_progress)
        self.progress.set(message=f"可检索 / searchable: +{report.added} 新增, {report.updated} 更新")
        self.request_embedding()
        return report

    def request_embedding(self) -> None:
        """Make sure the worker (started on first use) embeds whatever is pending."""
        self._idle.clear()
        self._wake.set()
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name="speechqa-embed", daemon=True)
            self._worker.start()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no embedding is pending or running (for tests and shutdown)."""
        return self._idle.wait(timeout)

    def _work(self) -> None:
        from ingest.pipeline import embed_phase

        while True:
            self._wake.wait()
            self._wake.clear()
            try:
                writer = self.writer()
                self.progress.set(phase="embedding", done=0, total=writer.stats()["pending"])
                embed_phase(writer, self._on_progress)
                self.progress.set(phase="ready", message="索引完成 / index complete")
            except Exception as exc:  # keep serving lexical search; report the failure in /healthz
                log.exception("background embedding failed")
                self.progress.set(phase="error", message=f"向量化失败 / embedding failed: {exc}")
            if not self._wake.is_set():
                self._idle.set()

    def ingest_upload(self, path: Path) -> dict:
        """Index one saved upload (lexically at once, densely in the background); its summary."""
        report = self.index_files([path])
        if report.failed:
            reason = report.failed[0].get("reason", "could not be parsed")
            raise BadDocument(path.name, reason, "check that the file is a readable text, Word, PDF or HTML "
                                                 "document with Chinese text, then upload it again")
        doc_id = self.writer().doc_id_for_source(path.name)
        if doc_id is None:
            raise SpeechQAError(f"{path.name} was parsed but not found in the index", "retry the upload")
        return {"doc_id": doc_id, **report.summary(), "embedding": "background"}
