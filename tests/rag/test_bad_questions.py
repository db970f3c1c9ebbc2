"""Bad questions through every edge: ``answer()``, ``speechqa ask`` and the HTTP API.

Each either gets a clear BadRequest naming the ``question`` field (exit code 2 /
HTTP 422, with a hint) or a normal verified Answer. A real small index (two
corpus documents, hash embedder, extractive answers) is built once.
"""
from __future__ import annotations

import json

import pytest

from rag.answer import answer, clean_question
from rag.errors import BadRequest
from rag.types import Answer

DOCS = ("national_gwr/cn_gwr_2025.txt", "provincial_gwr_2025/prov_2025_henan.txt")
LONG = "请问" + "二零二五年国内生产总值增长目标" * 700  # > 10,000 characters
CONTROL = "\x00\x072025年\u200b国内生产总值\x1b[31m增长目标\u2028是多少？\x7f"
ENGLISH = "What is the GDP growth target in the 2025 government work report?"
ONLY_CONTROL = "\x00\x01\x02\u200b\u2028\t\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory, corpus_dir):
    """(settings, index) over DOCS, built once for the module (read-only for the tests)."""
    from ingest.pipeline import ingest
    from rag.config import load_settings
    from rag.index import Index

    path = tmp_path_factory.mktemp("badq") / "index"
    settings = load_settings(index_dir=path, corpus_dir=corpus_dir, embedder="hash", llm="extractive")
    report = ingest([corpus_dir / d for d in DOCS], settings)
    assert report.added == len(DOCS), report.summary()
    index = Index.open(settings)
    yield settings, index
    index.close()


@pytest.fixture(scope="module")
def client(built):
    from fastapi.testclient import TestClient

    from ui.runtime import Runtime
    from ui.server import create_app

    settings, index = built
    with TestClient(create_app(Runtime(settings, index), with_ui=False)) as c:
        yield c


def assert_answer(data: dict) -> Answer:
    """A valid Answer whose citations all point at indexed paragraphs."""
    result = Answer.model_validate(data)
    assert result.answer.strip()
    for c in result.citations:
        assert c.doc_id in {d.rsplit(".", 1)[0] for d in DOCS} and c.paragraph >= 1
    return result


# ---- library -----------------------------------------------------------------------

@pytest.mark.parametrize("question,why", [("", "is empty"), ("   \u3000 ", "is empty"),
                                          (ONLY_CONTROL, "is empty"), (LONG, "characters, the limit is"),
                                          (None, "must be text"), (12345, "must be text")])
def test_clean_question_refuses_with_field_and_hint(question, why):
    with pytest.raises(BadRequest) as err:
        clean_question(question, 2000)
    assert err.value.field == "question" and why in err.value.message and err.value.hint


def test_control_characters_are_removed_not_passed_on():
    assert clean_question(CONTROL, 2000) == "2025年 国内生产总值 [31m增长目标 是多少？"


def test_control_character_question_is_answered_from_the_index(built):
    settings, index = built
    result = answer(CONTROL, settings, index)
    assert any(c.doc_id == "national_gwr/cn_gwr_2025" for c in result.citations)
    assert "5%" in result.answer


def test_english_question_gets_a_valid_answer_or_a_clear_not_found(built):
    settings, index = built
    result = answer(ENGLISH, settings, index)
    assert_answer(result.model_dump(mode="json"))
    assert result.answer  # the extractive answer quotes Chinese text or says nothing was found


# ---- CLI ---------------------------------------------------------------------------

def ask(capsys, monkeypatch, built, question: str, *flags: str) -> tuple[int, str, str]:
    from ui.cli import main

    settings, _ = built
    monkeypatch.setenv("SPEECHQA_EMBEDDER", "hash")
    code = main(["ask", question, "--index", str(settings.index_dir), "--llm", "extractive", *flags])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("question,why", [("", "is empty"), (ONLY_CONTROL, "is empty"),
                                          (LONG, f"is {len(LONG)} characters, the limit is 2000")])
def test_cli_bad_question_exits_2_naming_the_field(question, why, capsys, monkeypatch, built):
    code, out, err = ask(capsys, monkeypatch, built, question)
    assert code == 2 and out == ""
    assert f"speechqa: error: question: {why}" in err and "what to do:" in err


def test_cli_bad_question_json_error(capsys, monkeypatch, built):
    code, _, err = ask(capsys, monkeypatch, built, "", "--json")
    assert code == 2
    assert json.loads(err.strip().splitlines()[-1]) == {
        "error": "BadRequest", "message": "question: is empty",
        "hint": "type a question, e.g. 2025年国内生产总值增长目标是多少？"}


@pytest.mark.parametrize("question", [CONTROL, ENGLISH])
def test_cli_odd_but_valid_questions_are_answered(question, capsys, monkeypatch, built):
    code, out, _ = ask(capsys, monkeypatch, built, question, "--json")
    assert code == 0
    assert_answer(json.loads(out))


# ---- HTTP API ----------------------------------------------------------------------

@pytest.mark.parametrize("route,question", [
    ("/api/answer", ""), ("/api/answer", ONLY_CONTROL), ("/api/answer", LONG),
    ("/api/answer/stream", ""), ("/api/answer/stream", LONG),
    ("/api/answer/stream", ONLY_CONTROL)])
def test_api_bad_question_is_422_naming_the_field(route, question, client):
    resp = client.post(route, json={"question": question})
    assert resp.status_code == 422, resp.text
    body = resp.json()
    assert body["error"] == "BadRequest" and body["message"].startswith("question") and body["hint"]


def test_api_ten_thousand_characters_is_refused_before_any_work(client):
    resp = client.post("/api/answer", json={"question": "问" * 10_000})
    assert resp.status_code == 422
    assert "10000 characters" in resp.json()["message"]


@pytest.mark.parametrize("question", [CONTROL, ENGLISH])
def test_api_odd_but_valid_questions_are_answered(question, client):
    resp = client.post("/api/answer", json={"question": question})
    assert resp.status_code == 200, resp.text
    assert_answer(resp.json())


@pytest.mark.parametrize("body", [{"question": 42}, {"question": ["a"]}, {"question": None}, {"q": "x"}])
def test_api_question_of_wrong_type_is_422(body, client):
    resp = client.post("/api/answer", json=body)
    assert resp.status_code == 422 and resp.json()["message"].startswith("question")


@pytest.mark.parametrize("content", ["", ONLY_CONTROL, "问" * 10_000])
def test_openai_route_bad_question_is_an_openai_shaped_4xx(content, client):
    resp = client.post("/v1/chat/completions", json={"model": "speechqa",
                                                     "messages": [{"role": "user", "content": content}]})
    assert 400 <= resp.status_code < 500, resp.text
    err = resp.json()["error"]
    assert "question" in err["message"] and err["hint"]


def test_malformed_json_is_a_422_bad_request(client):
    resp = client.post("/api/answer", content=b'{"question": ', headers={"content-type": "application/json"})
    assert resp.status_code == 422 and resp.json()["error"] == "BadRequest" and resp.json()["hint"]


def test_undecodable_body_is_a_4xx(client):
    resp = client.post("/api/answer", content=b"\xff\xfe not json", headers={"content-type": "application/json"})
    assert resp.status_code == 400


@pytest.mark.parametrize("method,path,content", [("post", "/api/answer", b"\xff\xfe not json"),
                                                 ("get", "/api/no-such-route", None)])
def test_every_4xx_has_the_error_message_hint_shape(method, path, content, client):
    resp = client.request(method, path, content=content, headers={"content-type": "application/json"})
    assert 400 <= resp.status_code < 500
    assert set(resp.json()) == {"error", "message", "hint"}
