"""The HTTP API against a real small index, answering extractively."""
from __future__ import annotations

import json

import pytest

from rag.types import Answer

Q_HENAN = "河南省2025年的经济增长目标是多少？"
Q_DISTRICT = "2022年全区生产总值的预期目标是多少？"


def parse_sse(text: str) -> list[tuple[str, str]]:
    """(event, data) pairs from an SSE body (pings and comments skipped)."""
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip(" "))
        if data:
            events.append((name, "\n".join(data)))
    return events


def test_answer_json_is_the_answer_contract(client, runtime):
    resp = client.post("/api/answer", json={"question": Q_HENAN})
    assert resp.status_code == 200, resp.text
    got = Answer.model_validate(resp.json())
    assert not got.refused and got.citations
    cited = got.citations[0]
    assert cited.doc_id == "provincial_gwr_2025/prov_2025_henan" and "5.5%" in cited.quote
    assert cited.quote in cited.text and f"[{cited.n}]" in got.answer
    # The same object as `speechqa ask --json` builds via rag.answer.answer.
    from rag.answer import answer

    direct = answer(Q_HENAN, runtime.plan(None).settings, runtime.index)
    assert got.answer == direct.answer and got.citations == direct.citations


def test_answer_filters_constrain_retrieval(client):
    body = {"question": "经济增长目标是多少？", "filters": {"doc_ids": ["national_gwr/cn_gwr_2025"]}}
    got = Answer.model_validate(client.post("/api/answer", json=body).json())
    assert got.retrieval and {r.doc_id for r in got.retrieval} == {"national_gwr/cn_gwr_2025"}


def test_stream_sends_tokens_then_one_verified_answer(client):
    resp = client.post("/api/answer/stream", json={"question": Q_DISTRICT})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(resp.text)
    names = [name for name, _ in events]
    assert names[-1] == "answer" and names.count("answer") == 1
    assert names[:-1] and set(names[:-1]) == {"token"}
    assert "".join(json.loads(d)["text"] for n, d in events if n == "token").strip()
    final = Answer.model_validate_json(events[-1][1])
    assert final.citations and final.citations[0].doc_id.startswith("district_speeches/")
    assert "800亿元" in final.citations[0].quote and final.citations[0].quote in final.citations[0].text


def test_stream_reports_errors_as_error_events(client, runtime, monkeypatch):
    """Mid-stream the response has started: the error becomes an ``error`` event. Before the first
    event (the stream is started before responding) it is a plain HTTP error with its status."""
    from rag.errors import IndexMismatch

    def broken(*args, **kwargs):
        yield "token", "草稿"
        raise IndexMismatch("index was built with another embedder", "re-ingest")

    monkeypatch.setattr("rag.answer.answer_events", broken)
    events = parse_sse(client.post("/api/answer/stream", json={"question": Q_HENAN}).text)
    assert [n for n, _ in events] == ["token", "error"]
    body = json.loads(events[1][1])
    assert body["error"] == "IndexMismatch" and body["hint"] == "re-ingest" and "Traceback" not in events[1][1]

    def broken_at_once(*args, **kwargs):
        raise IndexMismatch("index was built with another embedder", "re-ingest")
        yield  # pragma: no cover - makes this a generator like answer_events

    monkeypatch.setattr("rag.answer.answer_events", broken_at_once)
    resp = client.post("/api/answer/stream", json={"question": Q_HENAN})
    assert resp.status_code == 409 and resp.json()["error"] == "IndexMismatch"


@pytest.mark.parametrize("body,field", [
    ({"question": "   "}, "question"),
    ({"question": "问" * 2001}, "question"),
    ({"question": "ok", "mode": "poem"}, "mode"),
    ({"question": "ok", "llm": "gpt-9"}, "llm"),
    ({"question": "ok", "filters": {"year_from": "soon"}}, "filters.year_from"),
    ({}, "question"),
])
def test_bad_requests_get_422_with_message_and_hint(client, body, field):
    resp = client.post("/api/answer", json=body)
    assert resp.status_code == 422
    err = resp.json()
    assert set(err) == {"error", "message", "hint"} and err["error"] == "BadRequest"
    assert err["message"].startswith(field) and err["hint"]


def test_other_backend_than_served_is_refused_clearly(client):
    resp = client.post("/api/answer", json={"question": Q_HENAN, "llm": "local"})
    assert resp.status_code == 422 and "extractive" in resp.json()["message"]


def test_oversized_json_body_is_rejected_before_parsing(client, runtime):
    limit = runtime.settings.max_request_kb * 1024
    resp = client.post("/api/answer", content=b'{"question": "' + b"x" * limit + b'"}',
                       headers={"content-type": "application/json"})
    assert resp.status_code == 413 and resp.json()["error"] == "PayloadTooLarge"


def test_chunked_oversized_body_is_rejected(client, runtime):
    limit = runtime.settings.max_request_kb * 1024

    def body():
        yield b'{"question": "'
        for _ in range(limit // 1024 + 2):
            yield b"x" * 1024
        yield b'"}'

    resp = client.post("/api/answer", content=body(), headers={"content-type": "application/json"})
    assert resp.status_code == 413


def test_healthz_reports_index_progress_and_backend(client):
    health = client.get("/healthz").json()
    assert health["status"] == "ok"
    assert health["index"]["loaded"] and health["index"]["documents"] == 4
    assert health["index"]["embedded"] == health["index"]["chunks"] > 0
    assert health["llm"] == {"backend": "extractive", "answering": "extractive", "ready": True,
                             "loading": False, "error": ""}
    assert {"phase", "done", "total"} <= set(health["indexing"])


def test_documents_and_paragraph_with_neighbours(client, shared_index):
    docs = client.get("/api/documents").json()
    assert {d["doc_id"] for d in docs} == {"national_gwr/cn_gwr_2024", "national_gwr/cn_gwr_2025",
                                           "district_speeches/district_party_secretary_econ_work_2022",
                                           "provincial_gwr_2025/prov_2025_henan"}
    view = client.get("/api/documents/national_gwr/cn_gwr_2024/paragraphs/30").json()
    expected = shared_index.paragraph("national_gwr/cn_gwr_2024", 30)
    assert view["text"] == expected.text and view["section"] == expected.section_path
    assert view["anchor"] == "national_gwr/cn_gwr_2024#30" and view["year"] == 2024
    assert view["prev"]["n"] == 29 and view["next"]["n"] == 31
    first = client.get("/api/documents/national_gwr/cn_gwr_2024/paragraphs/1").json()
    assert first["prev"] is None


def test_missing_paragraph_is_404_and_no_path_is_read(client):
    for url in ("/api/documents/national_gwr/cn_gwr_2024/paragraphs/99999",
                "/api/documents/../../etc/passwd/paragraphs/1",
                "/api/documents/%2e%2e%2f%2e%2e%2fetc%2fpasswd/paragraphs/1"):
        resp = client.get(url)
        assert resp.status_code == 404, url
        assert "root:" not in resp.text


def test_openapi_lists_the_routes(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/answer", "/api/answer/stream", "/v1/chat/completions", "/v1/models", "/api/documents",
                 "/api/documents/{doc_id}/paragraphs/{n}", "/healthz"):
        assert path in paths, path


CONTROL_ONLY = "\x00\x01\x02\u200b\u2028\t\n"


@pytest.mark.parametrize("route", ["/api/answer", "/api/answer/stream"])
def test_control_character_question_is_422_on_every_route_before_any_stream(client, route):
    resp = client.post(route, json={"question": CONTROL_ONLY})
    assert resp.status_code == 422 and "text/event-stream" not in resp.headers["content-type"]
    err = resp.json()
    assert err["error"] == "BadRequest" and err["message"] == "question: is empty" and err["hint"]


@pytest.mark.parametrize("stream", [False, True])
def test_control_character_question_is_an_openai_error_on_v1(client, stream):
    resp = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": CONTROL_ONLY}],
                                                     "stream": stream})
    assert resp.status_code == 422
    err = resp.json()["error"]
    assert err["type"] == "BadRequest" and err["message"].startswith("question: is empty") and err["hint"]


@pytest.mark.parametrize("method,path,content,status,name", [
    ("post", "/api/answer", b"\xff\xfe not json", 400, "BadRequest"),
    ("get", "/api/no-such-route", None, 404, "NotFound"),
    ("get", "/api/answer", None, 405, "MethodNotAllowed")])
def test_http_errors_have_the_error_message_hint_shape(client, method, path, content, status, name):
    resp = client.request(method, path, content=content, headers={"content-type": "application/json"})
    assert resp.status_code == status
    err = resp.json()
    assert set(err) == {"error", "message", "hint"} and err["error"] == name
    assert err["message"].startswith(f"{method.upper()} {path}: ") and "/docs" in err["hint"]
    if status == 405:
        assert "POST" in resp.headers["allow"]


def test_http_errors_under_v1_have_the_openai_shape(client):
    resp = client.get("/v1/no-such-route")
    assert resp.status_code == 404
    err = resp.json()["error"]
    assert err["type"] == "NotFound" and err["code"] == 404 and "/v1/no-such-route" in err["message"] and err["hint"]
