"""Document routes: list the corpus, show a cited paragraph with its neighbours, upload a file.

No route takes a filesystem path from the client: documents are addressed by
``doc_id`` through the index, and uploads get a sanitized name inside
``settings.uploads``.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Callable

from fastapi import APIRouter, Depends, File, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from rag.errors import BadRequest, SpeechQAError
from rag.types import Paragraph, anchor
from ui.runtime import Runtime
from ui.security import UPLOAD_TYPES, safe_upload_path

COPY_CHUNK = 1 << 20


class NotFound(SpeechQAError):
    """A document or paragraph the index does not hold."""

    http_status = 404


class TooLarge(SpeechQAError):
    """An upload over ``settings.max_upload_mb``."""

    http_status = 413


def paragraph_view(index: Any, doc_id: str, n: int) -> dict:
    """A paragraph with its document's title/year, section path and neighbours n-1 / n+1."""
    para = index.paragraph(doc_id, n)
    if para is None:
        raise NotFound(f"paragraph {anchor(doc_id, n)} is not in the index / 索引中没有该段落",
                       "list documents with GET /api/documents; paragraphs are numbered from 1")
    doc = next((d for d in index.documents() if d["doc_id"] == doc_id), {})
    return {"doc_id": doc_id, "anchor": para.anchor, "title": doc.get("title", ""), "year": doc.get("year"),
            "source": doc.get("source", ""), "n": n, "section": para.section_path, "text": para.text,
            "paragraphs": doc.get("paragraphs"),
            "prev": _brief(index.paragraph(doc_id, n - 1)) if n > 1 else None,
            "next": _brief(index.paragraph(doc_id, n + 1))}


def _brief(para: Paragraph | None) -> dict | None:
    return None if para is None else {"n": para.n, "section": para.section_path, "text": para.text}


def save_upload(upload: UploadFile, upload_dir: Path, max_bytes: int) -> Path:
    """Copy an upload into ``upload_dir`` under its sanitized name, enforcing the size limit (blocking)."""
    target = safe_upload_path(upload_dir, upload.filename or "")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".upload-", suffix=target.suffix)
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while block := upload.file.read(COPY_CHUNK):
                size += len(block)
                if size > max_bytes:
                    raise TooLarge(f"{target.name}: file is larger than {max_bytes // (1 << 20)} MB / 文件超过大小上限",
                                   "split the document, or raise SPEECHQA_MAX_UPLOAD_MB")
                out.write(block)
        if size == 0:
            raise BadRequest("file", f"{target.name} is empty / 文件为空", "upload a file with text in it")
        os.replace(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return target


def documents_router(require_token: Callable) -> APIRouter:
    """GET /api/documents, GET …/{doc_id}/paragraphs/{n}, POST /api/documents (upload)."""
    router = APIRouter(prefix="/api/documents", tags=["documents"], dependencies=[Depends(require_token)])

    @router.get("")
    def list_documents(request: Request) -> list[dict]:
        """Every indexed document's metadata with paragraph and chunk counts."""
        return request.app.state.runtime.require_index().documents()

    @router.get("/{doc_id:path}/paragraphs/{n}")
    def get_paragraph(doc_id: str, n: int, request: Request) -> dict:
        """Paragraph ``n`` of ``doc_id`` (the citation anchor ``doc_id#n``) with neighbours."""
        return paragraph_view(request.app.state.runtime.require_index(), doc_id, n)

    @router.post("", status_code=201)
    async def upload(request: Request, file: UploadFile = File(
            ..., description=f"One of {', '.join(UPLOAD_TYPES)}; size limit settings.max_upload_mb.")) -> dict:
        """Save an uploaded document under a sanitized name and ingest it (lexical and dense)."""
        runtime: Runtime = request.app.state.runtime
        settings = runtime.settings
        path = await run_in_threadpool(save_upload, file, settings.uploads, settings.max_upload_mb << 20)
        try:
            report = await run_in_threadpool(runtime.ingest_upload, path)
        except BaseException:
            path.unlink(missing_ok=True)  # keep only documents that made it into the index
            raise
        return {"saved": path.name, **report}

    return router
