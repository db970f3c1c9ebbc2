"""Start-up (bind policy, --ingest phases), the token requirement, and the mounted chat window."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from rag.errors import ConfigError
from tests.ui.conftest import make_settings
from ui.runtime import Runtime
from ui.server import create_app, prepare

TOKEN = "test-token-0123456789"


def test_prepare_refuses_a_public_bind_without_token(tmp_path, corpus_dir):
    settings = make_settings(tmp_path / "index", corpus_dir, host="0.0.0.0")
    with pytest.raises(ConfigError) as err:
        prepare(settings)
    assert "SPEECHQA_API_TOKEN" in err.value.hint
    assert not (tmp_path / "index").exists()  # refused before touching anything


def test_token_required_for_api_v1_and_uploads_when_configured(shared_index, index_dir, corpus_dir):
    settings = make_settings(index_dir, corpus_dir, host="0.0.0.0", api_token=SecretStr(TOKEN))
    with TestClient(create_app(Runtime(settings, shared_index), with_ui=False)) as c:
        calls = [("post", "/api/answer", {"json": {"question": "河南省2025年的经济增长目标是多少？"}}),
                 ("get", "/api/documents", {}), ("get", "/v1/models", {}),
                 ("post", "/api/documents", {"files": {"file": ("a.txt", b"x", "text/plain")}})]
        for method, url, kwargs in calls:
            for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
                resp = getattr(c, method)(url, headers=headers, **kwargs)
                assert resp.status_code == 401, (url, headers)
                assert "Bearer" in resp.json()["hint"] if not url.startswith("/v1") else True
        good = {"Authorization": f"Bearer {TOKEN}"}
        assert c.post("/api/answer", headers=good, json=calls[0][2]["json"]).status_code == 200
        assert c.get("/v1/models", headers=good).status_code == 200
        assert c.get("/healthz").status_code == 200  # health checks stay open


def test_ingest_phase1_then_background_embedding(tmp_path, corpus_dir):
    settings = make_settings(tmp_path / "index", corpus_dir)
    runtime = prepare(settings, [corpus_dir / "national_gwr" / "cn_gwr_2025.txt"])
    try:
        assert runtime.index.stats()["documents"] == 1  # searchable right after phase 1
        hits = runtime.index.lexical_search("国内生产总值增长", 3)
        assert hits and hits[0][0].startswith("national_gwr/cn_gwr_2025#")
        assert runtime.indexer.wait_idle(120)
        health = runtime.health()
        assert health["indexing"]["phase"] == "ready"
        assert health["index"]["pending"] == 0 and health["index"]["embedded"] == health["index"]["chunks"]
        assert health["llm"]["backend"] == "extractive" and health["llm"]["ready"]
    finally:
        runtime.indexer.wait_idle(60)
        runtime.indexer.close()
        runtime.index.close()


def test_chat_window_is_mounted_at_root(runtime):
    with TestClient(create_app(runtime)) as c:
        page = c.get("/")
        assert page.status_code == 200 and "<html" in page.text.lower()
        config = c.get("/config").json()
        assert "SpeechQA" in config.get("title", "")
        assert c.get("/healthz").json()["status"] == "ok"  # API routes win over the mount


def test_chat_window_requires_the_token_as_password_when_configured(shared_index, index_dir, corpus_dir):
    settings = make_settings(index_dir, corpus_dir, host="0.0.0.0", api_token=SecretStr(TOKEN))
    with TestClient(create_app(Runtime(settings, shared_index))) as c:
        assert c.get("/config").status_code == 401
        assert c.post("/login", data={"username": "me", "password": "wrong"}).status_code == 400
        assert c.post("/login", data={"username": "me", "password": TOKEN}).status_code == 200
        assert c.get("/config").status_code == 200


def test_unknown_api_routes_do_not_fall_through_to_the_chat_window(runtime):
    with TestClient(create_app(runtime)) as c:
        missing = c.get("/api/no-such-route")
        assert missing.status_code == 404 and set(missing.json()) == {"error", "message", "hint"}
        wrong_method = c.get("/api/answer")
        assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "POST"
        assert wrong_method.json()["error"] == "MethodNotAllowed"
        v1 = c.post("/v1/no-such-route", json={})
        assert v1.status_code == 404 and v1.json()["error"]["type"] == "NotFound"
        assert c.get("/api/documents").status_code == 200 and c.get("/").status_code == 200
