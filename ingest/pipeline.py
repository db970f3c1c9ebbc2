"""The ingest pipeline: files → parsed documents → chunks → catalog, BM25, vectors.

Phase 1 (``index_phase``) parses, chunks and writes the catalog for every
changed file, then rebuilds BM25: seconds for the corpus, after which it is
searchable lexically. Phase 2 (``embed_phase``) embeds the pending chunks in
batches, flagging each batch as embedded once Chroma has it. Both start from
the catalog, so a killed run is completed by the next one (``reconcile``).
"""
from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.chunking import chunk_document
from ingest.parse import load_manifest, parse_file
from rag.config import Settings
from rag.embed import Embedder
from rag.errors import BadDocument
from rag.index import Index
from rag.tokens import cl100k

SUPPORTED = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
# Corpus descriptions, not documents (the shared corpus has a README.md at its root).
_SKIP_STEMS = ("readme", "license", "licence", "changelog")


@dataclass
class Progress:
    """What a progress callback receives: a stage ('parse' or 'embed') and its counters."""

    stage: str
    done: int
    total: int
    chars_per_s: float = 0.0


ProgressFn = Callable[[Progress], None]


@dataclass
class IngestReport:
    """Document counts, failures, and what this run wrote (paragraphs/chunks of changed documents)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    failed: list[dict] = field(default_factory=list)
    paragraphs: int = 0
    chunks: int = 0
    embedded: int = 0
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def summary(self) -> dict:
        """The stable JSON summary printed by ``speechqa ingest --json``."""
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "deleted": self.deleted, "failed": list(self.failed), "paragraphs": self.paragraphs,
                "chunks": self.chunks, "seconds": round(self.seconds, 3)}

    @property
    def succeeded(self) -> int:
        return self.added + self.updated + self.unchanged + self.deleted


def ingest(paths: Iterable[str | Path], settings: Settings, *, delete: Iterable[str] = (),
           progress: ProgressFn | None = None, embedder: Embedder | None = None,
           embed: bool = True) -> IngestReport:
    """Ingest files/directories into ``settings.index_dir`` (phase 1, then phase 2 unless ``embed=False``)."""
    start = time.perf_counter()
    index = Index.open(settings, embedder, create=True)
    try:
        report = index_phase(index, paths, delete=delete, progress=progress)
        if embed:
            t = time.perf_counter()
            report.embedded = embed_phase(index, progress)
            report.stages["embed"] += time.perf_counter() - t
    finally:
        index.close()
    report.seconds = time.perf_counter() - start
    return report


def index_phase(index: Index, paths: Iterable[str | Path], *, delete: Iterable[str] = (),
                progress: ProgressFn | None = None) -> IngestReport:
    """Phase 1: reconcile, apply deletions, parse+chunk+store changed files, rebuild BM25."""
    start = time.perf_counter()
    report = IngestReport()
    _timed(report, "reconcile", index.reconcile)
    for value in delete:
        _delete_one(index, value, report)
    files, missing = discover(paths, index.settings)
    report.failed.extend(missing)
    manifests: dict[Path, dict] = {}
    for i, (path, root) in enumerate(files, start=1):
        if root not in manifests:
            manifests[root] = _timed(report, "parse", load_manifest, root)
        _ingest_file(index, path, root, manifests[root], report)
        if progress:
            progress(Progress("parse", i, len(files)))
    # Rebuilds only when this run changed the catalog (or the saved BM25 is stale).
    _timed(report, "lexical", index.ensure_lexical)
    report.seconds = time.perf_counter() - start
    return report


def embed_phase(index: Index, progress: ProgressFn | None = None) -> int:
    """Phase 2: embed every pending chunk (safe to run in a background thread)."""
    def on_batch(done: int, total: int, rate: float) -> None:
        if progress:
            progress(Progress("embed", done, total, rate))

    return index.embed_pending(on_batch)


def discover(paths: Iterable[str | Path], settings: Settings) -> tuple[list[tuple[Path, Path]], list[dict]]:
    """Supported files under ``paths`` as (file, root) pairs, plus failures for missing paths."""
    found: dict[Path, Path] = {}
    failed: list[dict] = []
    for raw in paths:
        path = Path(raw).resolve()
        if not path.exists():
            failed.append(failure(str(raw), "no such file or directory", "check the path (relative paths start "
                                  "from the current directory)"))
            continue
        root = root_for(path, settings)
        candidates = sorted(path.rglob("*")) if path.is_dir() else [path]
        for f in candidates:
            if _wanted(f, root):
                found.setdefault(f, root)
            elif f == path:
                failed.append(failure(str(raw), *_unwanted(f)))
    return list(found.items()), failed


def root_for(path: Path, settings: Settings) -> Path:
    """The root doc_ids are relative to: corpus_dir for paths inside it, else the dir (or a file's parent)."""
    corpus = Path(settings.corpus_dir).resolve()
    path = path.resolve()
    if path == corpus or corpus in path.parents:
        return corpus
    return path if path.is_dir() else path.parent


def _wanted(f: Path, root: Path) -> bool:
    rel = f.relative_to(root).parts if f.is_relative_to(root) else (f.name,)
    return (f.is_file() and f.suffix.lower() in SUPPORTED and f.stem.lower() not in _SKIP_STEMS
            and not any(part.startswith(".") for part in rel))


def _unwanted(f: Path) -> tuple[str, str]:
    """(reason, hint) for a file given by name that is not ingested."""
    if f.stem.lower() in _SKIP_STEMS:
        return ("skipped: a README/LICENSE describes a corpus, it is not a document",
                "rename it if it really is a document")
    return (f"unsupported file type {f.suffix!r} (supported: {' '.join(SUPPORTED)})",
            "convert it to .txt, .docx or .pdf, or save the page as .html")


def failure(path: str, reason: str, hint: str) -> dict:
    """One ``IngestReport.failed`` entry: ``path`` and ``reason`` (the stable keys) plus what to do."""
    return {"path": path, "reason": reason, "hint": hint}


def _failure_of(path: Path, exc: Exception) -> dict:
    """The failed entry for a file whose parsing or storing raised ``exc``."""
    if isinstance(exc, BadDocument):
        return failure(str(path), exc.reason, exc.hint or "check the file, fix or remove it, and ingest again")
    return failure(str(path), str(getattr(exc, "reason", None) or f"{type(exc).__name__}: {exc}"),
                   "the file may be damaged: open it to check, or convert it to .txt and ingest again")


def _ingest_file(index: Index, path: Path, root: Path, manifest: dict, report: IngestReport) -> None:
    """Parse, chunk and store one file unless unchanged; failures are recorded, never raised."""
    source = path.relative_to(root).as_posix()
    try:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        known = index.doc_id_for_source(source)
        if known and index.document_sha256(known) == sha:
            report.unchanged += 1
            return
        doc = _timed(report, "parse", parse_file, path, root, manifest)
        doc.sha256 = sha
        existing = index.source_of(doc.doc_id)
        if existing not in (None, doc.source):
            raise BadDocument(str(path), f"its doc_id {doc.doc_id!r} is already used by {existing}",
                              "rename one of the files (doc_ids ignore the extension)")
        enc = cl100k(index.settings.cache_dir)
        chunks = _timed(report, "chunk", chunk_document, doc, index.settings.chunk_tokens, enc)
        _timed(report, "write", index.upsert_document, doc, chunks)
    # One bad file must not stop the batch: any parser error becomes a `failed` entry.
    except Exception as exc:  # noqa: BLE001
        report.failed.append(_failure_of(path, exc))
        return
    if existing:
        report.updated += 1
    else:
        report.added += 1
    report.paragraphs += len(doc.paragraphs)
    report.chunks += len(chunks)


def _delete_one(index: Index, value: str, report: IngestReport) -> None:
    """Delete by doc_id, by source (path relative to its root), or by a file path ending in a source."""
    doc_id = value if index.document_sha256(value) is not None else index.doc_id_for_source(value)
    if doc_id is None:
        full = Path(value).resolve().as_posix()
        # The file's root is not recorded, so match the longest stored source the path ends with.
        matches = [d for d in index.documents() if full.endswith("/" + d["source"])]
        if matches:
            doc_id = max(matches, key=lambda d: len(d["source"]))["doc_id"]
    if doc_id is not None and _timed(report, "write", index.delete_document, doc_id):
        report.deleted += 1
    else:
        report.failed.append(failure(value, "no such document in the index",
                                     "give a doc_id (e.g. national_gwr/cn_gwr_2025) or the ingested file's "
                                     "path; GET /api/documents on `speechqa serve` lists them"))


def _timed(report: IngestReport, stage: str, fn, *args):
    t = time.perf_counter()
    try:
        return fn(*args)
    finally:
        report.stages[stage] += time.perf_counter() - t
