"""Uploads: sanitized names, type and size limits, ingestion into the live index."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from rag.types import Answer
from ui.server import create_app

TEXT = ("测试市2031年政府工作报告\n一、工作回顾\n过去一年，测试市经济运行稳中向好。\n"
        "二、2031年主要目标\n2031年测试市地区生产总值预期增长6.8%左右，城镇新增就业3.2万人。\n")


@pytest.fixture
def upload_client(fresh_runtime):
    with TestClient(create_app(fresh_runtime, with_ui=False)) as c:
        yield c


def test_upload_chinese_name_is_saved_ingested_and_answerable(upload_client, fresh_runtime):
    name = "测试市 2031年 政府工作报告.txt"
    resp = upload_client.post("/api/documents", files={"file": (name, TEXT.encode("utf-8"), "text/plain")})
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["saved"] == name and body["added"] == 1 and body["failed"] == []
    saved = fresh_runtime.settings.uploads / name
    assert saved.read_text(encoding="utf-8") == TEXT
    doc_id = body["doc_id"]
    assert doc_id in {d["doc_id"] for d in upload_client.get("/api/documents").json()}
    # Searchable at once (lexical); the dense part finishes in the background.
    ans = Answer.model_validate(upload_client.post("/api/answer", json={
        "question": "测试市2031年地区生产总值预期增长多少？", "filters": {"doc_ids": [doc_id]}}).json())
    assert ans.citations and ans.citations[0].doc_id == doc_id and "6.8%" in ans.citations[0].quote
    assert fresh_runtime.indexer.wait_idle(60)
    stats = fresh_runtime.index.stats()
    assert stats["pending"] == 0 and stats["documents"] == 2


def test_upload_path_traversal_name_stays_in_uploads(upload_client, fresh_runtime, tmp_path):
    resp = upload_client.post("/api/documents", files={"file": ("../../../evil 报告.md", TEXT.encode(), "text/markdown")})
    assert resp.status_code == 201, resp.text
    assert resp.json()["saved"] == "evil 报告.md"
    uploads = fresh_runtime.settings.uploads.resolve()
    assert (uploads / "evil 报告.md").is_file()
    assert not list(tmp_path.parent.glob("evil*")) and not list(uploads.parent.glob("evil*"))


def test_empty_upload_is_rejected(upload_client):
    resp = upload_client.post("/api/documents", files={"file": ("空.txt", b"", "text/plain")})
    assert resp.status_code == 422 and "empty" in resp.json()["message"]


@pytest.mark.parametrize("name", ["tool.exe", "script.sh", "noextension"])
def test_upload_rejects_unsupported_types_with_reason(upload_client, fresh_runtime, name):
    resp = upload_client.post("/api/documents", files={"file": (name, b"hello", "application/octet-stream")})
    assert resp.status_code == 422
    err = resp.json()
    assert err["error"] == "BadRequest" and "not accepted" in err["message"] and ".docx" in err["hint"]
    assert not fresh_runtime.settings.uploads.exists() or not any(fresh_runtime.settings.uploads.iterdir())


@pytest.mark.parametrize("size", [(1 << 20) + 10, 3 << 20])  # just over (caught while saving), far over (header)
def test_upload_over_the_size_limit_is_413(fresh_runtime, size):
    fresh_runtime.settings = fresh_runtime.settings.model_copy(update={"max_upload_mb": 1})
    with TestClient(create_app(fresh_runtime, with_ui=False)) as c:
        resp = c.post("/api/documents", files={"file": ("big.txt", b"a" * size, "text/plain")})
    assert resp.status_code == 413
    assert "1 MB" in resp.json()["message"] and "SPEECHQA_MAX_UPLOAD_MB" in resp.json()["hint"]
    uploads = fresh_runtime.settings.uploads
    assert not uploads.exists() or not any(uploads.iterdir())  # neither the file nor a temp file is left


def test_unparseable_upload_is_422_and_not_kept(upload_client, fresh_runtime):
    resp = upload_client.post("/api/documents", files={"file": ("broken.pdf", b"%PDF-1.4 not really", "application/pdf")})
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"] == "BadDocument" and "broken.pdf" in resp.json()["message"]
    assert not (fresh_runtime.settings.uploads / "broken.pdf").exists()
