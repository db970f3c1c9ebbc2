"""Security checks on the running app, beyond the unit tests in test_security.py.

Upload names that try to escape the upload folder (through the real route),
oversize uploads sent chunked to a real uvicorn, the token on every protected
route and in the chat window, constant-time comparisons, routes that must not
read arbitrary files (API and Gradio file routes), and the remote LLM API key
never appearing in logs, errors, answers, /healthz or the eval report.
"""
from __future__ import annotations

import hmac
import json
import logging
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from tests.ui.conftest import make_settings, running_server
from ui.runtime import Runtime
from ui.server import create_app

TOKEN = "t0ken-" + "x" * 40
SENTINEL = "sk-SENTINEL-never-print-me-8c1f2b"
TEXT = ("测试市2031年政府工作报告\n一、工作回顾\n过去一年，测试市经济运行稳中向好。\n"
        "二、2031年主要目标\n2031年测试市地区生产总值预期增长6.8%左右。\n")
SECRET_MARKERS = ("root:x:0:0", "SQLite format 3", "BEGIN OPENSSH", "[Interface]")


def closed_port() -> int:
    """A loopback port nothing listens on (bound then released)."""
    from tests.ui.conftest import free_port

    return free_port()


# ---- upload names --------------------------------------------------------------------

@pytest.fixture
def upload_client(fresh_runtime):
    with TestClient(create_app(fresh_runtime, with_ui=False)) as c:
        yield c


@pytest.mark.parametrize("name,saved", [
    ("..%2F..%2Fevil.txt", "_2F.._2Fevil.txt"),
    ("/etc/cron.d/任务 清单.txt", "任务 清单.txt"),
    ("C:\\Windows\\..\\政府 工作报告.md", "政府 工作报告.md"),
    ("子目录/../../上级 文件.txt", "上级 文件.txt"),
    ("....//....//x.txt", "x.txt"),
    (".bashrc.txt", "bashrc.txt"),
])
def test_upload_names_never_leave_the_upload_folder(name, saved, upload_client, fresh_runtime, tmp_path):
    resp = upload_client.post("/api/documents", files={"file": (name, TEXT.encode(), "text/plain")})
    assert resp.status_code == 201, resp.text
    body = resp.json()
    uploads = fresh_runtime.settings.uploads.resolve()
    assert body["saved"] == saved and (uploads / saved).is_file()
    assert [p.name for p in uploads.iterdir()] == [saved], "nothing else written, no temp files left"
    assert ".." not in body["doc_id"].split("/") and not body["doc_id"].startswith("/")
    everything = {p.resolve() for p in tmp_path.rglob("*") if p.is_file()}
    assert not [p for p in everything if p.name.endswith(saved) and p.parent != uploads]


def test_upload_of_an_unparseable_file_leaves_nothing_behind(upload_client, fresh_runtime):
    resp = upload_client.post("/api/documents", files={"file": ("../坏文件.pdf", b"%PDF-1.4\n\x00broken", "application/pdf")})
    assert resp.status_code == 422 and "坏文件.pdf" in resp.json()["message"]
    uploads = fresh_runtime.settings.uploads
    assert not uploads.exists() or not any(uploads.iterdir())


# ---- oversize uploads ------------------------------------------------------------------

def test_chunked_oversize_upload_to_a_real_server_is_413(tmp_path, corpus_dir):
    """No Content-Length: the middleware counts the streamed body and stops at the limit."""
    from rag.index import Index

    settings = make_settings(tmp_path / "index", corpus_dir, max_upload_mb=1)
    runtime = Runtime(settings, Index.open(settings, create=True))
    sent = 0

    def body():
        nonlocal sent
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n\r\n"
        for _ in range(64):  # 4 MiB in 64 KiB pieces
            sent += 1
            yield "测".encode() * 21845 + b"\n"

    try:
        with running_server(create_app(runtime, with_ui=False)) as url:
            resp = httpx.post(f"{url}/api/documents", content=body(), timeout=60,
                              headers={"content-type": "multipart/form-data; boundary=b"})
        assert resp.status_code == 413
        assert "1 MB" in resp.json()["message"] and resp.json()["hint"]
        assert not settings.uploads.exists() or not any(settings.uploads.iterdir())
    finally:
        runtime.index.close()


# ---- token -----------------------------------------------------------------------------

@pytest.fixture
def guarded(shared_index, index_dir, corpus_dir):
    settings = make_settings(index_dir, corpus_dir, host="0.0.0.0", api_token=SecretStr(TOKEN))
    with TestClient(create_app(Runtime(settings, shared_index), with_ui=False)) as c:
        yield c


PROTECTED = [("post", "/api/answer", {"json": {"question": "河南省2025年经济增长目标是多少？"}}),
             ("post", "/api/answer/stream", {"json": {"question": "河南省2025年经济增长目标是多少？"}}),
             ("get", "/api/documents", {}),
             ("get", "/api/documents/national_gwr/cn_gwr_2025/paragraphs/1", {}),
             ("get", "/v1/models", {}),
             ("post", "/v1/chat/completions", {"json": {"messages": [{"role": "user", "content": "你好"}]}})]
BAD_AUTH = [{"Authorization": f"Bearer {TOKEN[:-1]}"}, {"Authorization": f"Bearer {TOKEN}x"},
            {"Authorization": f"Basic {TOKEN}"}, {"Authorization": "Bearer "}, {"X-Api-Key": TOKEN},
            {"Authorization": f"Bearer {TOKEN.upper()}"}]


@pytest.mark.parametrize("method,url,kwargs", PROTECTED)
def test_every_protected_route_refuses_near_miss_tokens(guarded, method, url, kwargs):
    for headers in BAD_AUTH:
        resp = getattr(guarded, method)(url, headers=headers, **kwargs)
        assert resp.status_code == 401, (url, headers, resp.text)
    assert getattr(guarded, method)(f"{url}?token={TOKEN}", **kwargs).status_code == 401
    ok = getattr(guarded, method)(url, headers={"Authorization": f"Bearer {TOKEN}"}, **kwargs)
    assert ok.status_code == 200, ok.text


def test_tokens_are_compared_in_constant_time(monkeypatch):
    """bearer_ok and the chat login go through hmac.compare_digest (a spy counts the calls)."""
    from ui.security import bearer_ok
    from ui.server import _same

    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert bearer_ok(f"Bearer {TOKEN}", TOKEN) and not bearer_ok("Bearer nope", TOKEN)
    assert _same(TOKEN, TOKEN) and not _same("nope", TOKEN)
    assert len(calls) == 4


def test_chat_window_asks_for_login_when_a_token_is_set(shared_index, index_dir, corpus_dir):
    settings = make_settings(index_dir, corpus_dir, host="0.0.0.0", api_token=SecretStr(TOKEN))
    with TestClient(create_app(Runtime(settings, shared_index))) as c:
        config = c.get("/config")
        assert config.status_code in (401, 403) or '"auth_required": true' in config.text.replace(" ", " ")
        assert c.post("/login", data={"username": "u", "password": "wrong"}).status_code in (400, 401)
        assert c.post("/login", data={"username": "u", "password": TOKEN}).status_code == 200


# ---- no route reads arbitrary files ------------------------------------------------------

@pytest.fixture(scope="module")
def with_ui(shared_index, index_dir, corpus_dir):
    """The full app, chat window included, as served by ``speechqa serve``."""
    settings = make_settings(index_dir, corpus_dir)
    with TestClient(create_app(Runtime(settings, shared_index))) as c:
        yield c


def probe_paths(index_dir: Path) -> list[str]:
    catalog = (index_dir / "catalog.sqlite").resolve()
    return ["/api/documents/..%2F..%2F..%2F..%2Fetc%2Fpasswd/paragraphs/1",
            "/api/documents/../../../../etc/passwd/paragraphs/1",
            "/api/documents/%2Fetc%2Fpasswd/paragraphs/1",
            "/api/documents//etc/passwd/paragraphs/1",
            f"/api/documents/{catalog}/paragraphs/1",
            "/file=/etc/passwd", "/gradio_api/file=/etc/passwd", "/gradio_api/file=../../../../etc/passwd",
            f"/gradio_api/file={catalog}", f"/file={catalog}",
            "/gradio_api/file=%2Fetc%2Fpasswd", "/static/../../../../etc/passwd",
            "/assets/..%2F..%2F..%2F..%2Fetc%2Fpasswd", "/gradio_api/proxy=file:///etc/passwd",
            "/favicon.ico/../../../etc/passwd", "/docs/../../etc/passwd",
            f"/gradio_api/upload_progress?upload_id=../../{catalog}"]


def test_no_route_serves_arbitrary_files(with_ui, index_dir):
    for path in probe_paths(index_dir):
        resp = with_ui.get(path)
        leaked = [m for m in SECRET_MARKERS if m in resp.text]
        assert not leaked, (path, resp.status_code, leaked)
        if path.startswith("/api/"):
            assert resp.status_code == 404, (path, resp.status_code)


def test_paragraph_route_only_reads_the_index(with_ui):
    ok = with_ui.get("/api/documents/national_gwr/cn_gwr_2025/paragraphs/1")
    assert ok.status_code == 200 and ok.json()["anchor"] == "national_gwr/cn_gwr_2025#1"
    for n in ("0", "-1", "99999", "1e3", "1%2F..%2F..", "../1"):
        assert with_ui.get(f"/api/documents/national_gwr/cn_gwr_2025/paragraphs/{n}").status_code in (404, 422)


# ---- the remote LLM key ------------------------------------------------------------------

@pytest.fixture
def leaky(index_dir, corpus_dir):
    """Settings for an OpenAI-compatible backend at a closed loopback port, with a sentinel key."""
    return make_settings(index_dir, corpus_dir, llm="openai", openai_api_key=SecretStr(SENTINEL),
                         openai_base_url=f"http://127.0.0.1:{closed_port()}/v1", openai_model="remote-model",
                         llm_timeout_s=5)


def test_api_key_never_appears_in_answers_errors_health_or_logs(leaky, shared_index, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    seen: list[str] = [repr(leaky), str(leaky), leaky.model_dump_json()]
    runtime = Runtime(leaky, shared_index)
    thread = runtime.load_llm_async()
    if thread:
        thread.join(30)
    with TestClient(create_app(runtime, with_ui=False)) as c:
        for body in ({"question": "河南省2025年经济增长目标是多少？"},
                     {"question": "河南省2025年经济增长目标是多少？", "llm": "openai"}):
            resp = c.post("/api/answer", json=body)
            assert resp.status_code in (200, 503), resp.text
            seen.append(resp.text)
        stream = c.post("/api/answer/stream", json={"question": "2025年国内生产总值增长目标？", "llm": "openai"})
        seen += [stream.text, c.get("/healthz").text,
                 c.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "增长目标？"}]}).text]
    out = capsys.readouterr()
    seen += [out.out, out.err, caplog.text] + [str(r.args) for r in caplog.records]
    assert "openai" in "".join(seen), "the openai backend was really exercised"
    assert all(SENTINEL not in s for s in seen)


def test_unreachable_llm_falls_back_without_the_key(leaky, shared_index):
    from rag.answer import answer

    result = answer("河南省2025年经济增长目标是多少？", leaky, shared_index)
    dumped = result.model_dump_json()
    assert result.llm == "extractive (fallback: openai unavailable)" and SENTINEL not in dumped


def test_eval_report_never_contains_the_key(leaky, shared_index, tmp_path):
    from eval.runner import run_eval

    out = tmp_path / "eval"
    report = run_eval(Path(__file__).resolve().parents[2] / "eval" / "sets" / "speeches.jsonl", leaky, k=3,
                      limit=2, out_dir=out, progress=False, index=shared_index)
    assert report["config"]["llm"]["backend"] == "openai"
    assert SENTINEL not in json.dumps(report, ensure_ascii=False, default=str)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert files and all(SENTINEL not in p.read_text(encoding="utf-8", errors="replace") for p in files)


def test_config_errors_never_echo_the_key(monkeypatch, capsys):
    """Not even a piece of it: pydantic shortens long input reprs, keeping their end."""
    import os

    from ui.cli import main

    for name in [n for n in os.environ if n.startswith("SPEECHQA_") or n == "OPENAI_API_KEY"]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("OPENAI_API_KEY", SENTINEL)
    monkeypatch.setenv("SPEECHQA_LLM", "openai")
    monkeypatch.delenv("SPEECHQA_OPENAI_BASE_URL", raising=False)
    code = main(["ask", "2025年国内生产总值增长目标？"])
    out = capsys.readouterr()
    assert code == 2 and "SPEECHQA_OPENAI_BASE_URL" in out.err
    assert SENTINEL[-10:] not in out.out + out.err
