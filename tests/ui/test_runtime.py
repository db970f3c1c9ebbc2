"""Backend choice, background LLM loading, and the bounded LLM queue seen through the API."""
from __future__ import annotations

import json
import threading
import time

import pytest
from fastapi.testclient import TestClient

from rag.errors import BadRequest, LLMBusy, LLMUnavailable
from tests.ui.conftest import SlowChat, make_settings
from ui.runtime import Runtime
from ui.server import create_app

Q = "河南省2025年的经济增长目标是多少？"
ANSWER = "河南省2025年主要预期目标是经济增长5.5%左右[1]。"


def local_runtime(shared_index, index_dir, corpus_dir, model=None, queue=0) -> Runtime:
    settings = make_settings(index_dir, corpus_dir, llm="local", llm_queue_size=queue)
    return Runtime(settings, shared_index, chat_model=model)


def occupy_llm_queue(rt: Runtime, post) -> tuple[threading.Thread, dict]:
    """Start ``post()`` (a slow generation) in a thread; return once it holds an LLM queue place."""
    first: dict = {}
    worker = threading.Thread(target=lambda: first.update(r=post()))
    worker.start()
    deadline = time.monotonic() + 10
    while rt.queue.admitted == 0:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return worker, first


def test_plan_falls_back_to_extractive_while_the_llm_loads(shared_index, index_dir, corpus_dir):
    rt = local_runtime(shared_index, index_dir, corpus_dir)
    assert rt.plan(None).label == "extractive" and rt.plan(None).settings.llm == "extractive"
    with pytest.raises(LLMUnavailable) as err:
        rt.plan("local")
    assert "llm=extractive" in err.value.hint
    with pytest.raises(BadRequest):
        rt.plan("openai")
    rt.llm.model, rt.llm.ready = SlowChat(responses=[ANSWER]), True
    plan = rt.plan(None)
    assert plan.queued and plan.label == "local" and plan.model is rt.llm.model
    assert not rt.plan("extractive").queued


def test_llm_loads_in_the_background_and_failures_are_reported(shared_index, index_dir, corpus_dir, monkeypatch):
    warmed = threading.Event()

    class Loadable(SlowChat):
        def loaded(self):
            time.sleep(0.2)
            warmed.set()

    monkeypatch.setattr("rag.llm.get_chat_model", lambda settings: Loadable(responses=[ANSWER]))
    rt = local_runtime(shared_index, index_dir, corpus_dir)
    rt.load_llm_async().join(10)
    assert warmed.is_set() and rt.llm.ready and rt.answering_label() == "local"

    def broken(settings):
        raise LLMUnavailable("model file missing", "run speechqa setup")

    monkeypatch.setattr("rag.llm.get_chat_model", broken)
    rt = local_runtime(shared_index, index_dir, corpus_dir)
    rt.load_llm_async().join(10)
    assert not rt.llm.ready and "model file missing" in rt.llm.error
    assert rt.health()["llm"]["answering"] == "extractive"


def test_answers_use_the_injected_model(shared_index, index_dir, corpus_dir):
    model = SlowChat(responses=[ANSWER, "unused"], delay=0)
    rt = local_runtime(shared_index, index_dir, corpus_dir, model)
    with TestClient(create_app(rt, with_ui=False)) as c:
        body = c.post("/api/answer", json={"question": Q}).json()
    assert model.i == 1  # the shared model generated the draft
    assert not body["llm"].startswith("extractive") and "5.5%" in body["answer"] and body["citations"]


def test_full_llm_queue_gives_503_with_retry_after(shared_index, index_dir, corpus_dir):
    rt = local_runtime(shared_index, index_dir, corpus_dir, SlowChat(responses=[ANSWER] * 3, delay=2.0), queue=0)
    with TestClient(create_app(rt, with_ui=False)) as c:
        worker, first = occupy_llm_queue(rt, lambda: c.post("/api/answer", json={"question": Q}))
        busy = c.post("/api/answer", json={"question": Q})
        busy_stream = c.post("/api/answer/stream", json={"question": Q})
        extractive = c.post("/api/answer", json={"question": Q, "llm": "extractive"})
        worker.join(30)
    for resp in (busy, busy_stream):
        assert resp.status_code == 503 and int(resp.headers["Retry-After"]) > 0
        err = resp.json()
        assert err["error"] == "LLMBusy" and "正忙" in err["message"] and "busy" in err["message"]
    assert extractive.status_code == 200  # extractive answers do not queue behind the LLM
    assert first["r"].status_code == 200 and rt.queue.admitted == 0


class BusyChat(SlowChat):
    """A model that times out waiting for its own lock (llama.cpp busy), after admission."""

    def _generate(self, *args, **kwargs):
        raise LLMBusy("模型忙", "retry")

    def _stream(self, *args, **kwargs):
        raise LLMBusy("模型忙", "retry")
        yield  # pragma: no cover


def test_a_busy_model_falls_back_to_extractive_but_a_full_queue_does_not(shared_index, index_dir, corpus_dir):
    rt = local_runtime(shared_index, index_dir, corpus_dir, BusyChat(responses=["unused"], delay=0), queue=1)
    with TestClient(create_app(rt, with_ui=False)) as c:
        blocking = c.post("/api/answer", json={"question": Q})
        streamed = c.post("/api/answer/stream", json={"question": Q})
    assert blocking.status_code == 200, blocking.text
    assert blocking.json()["llm"] == "extractive (fallback: local busy)" and "5.5%" in blocking.json()["answer"]
    assert streamed.status_code == 200 and "extractive (fallback: local busy)" in streamed.text
    assert rt.queue.admitted == 0


def test_stream_releases_its_queue_place(shared_index, index_dir, corpus_dir):
    rt = local_runtime(shared_index, index_dir, corpus_dir, SlowChat(responses=[ANSWER] * 2, delay=0), queue=0)
    with TestClient(create_app(rt, with_ui=False)) as c:
        for _ in range(2):  # a second request after the first finished must be admitted
            resp = c.post("/api/answer/stream", json={"question": Q})
            assert resp.status_code == 200 and "event: answer" in resp.text
    assert rt.queue.admitted == 0


def test_client_disconnect_mid_stream_frees_the_queue(shared_index, index_dir, corpus_dir):
    import httpx

    from tests.ui.conftest import running_server

    model = SlowChat(responses=[ANSWER], delay=0, sleep=0.3)  # ~0.3 s per streamed character
    rt = local_runtime(shared_index, index_dir, corpus_dir, model, queue=0)
    with running_server(create_app(rt, with_ui=False)) as base:
        with httpx.stream("POST", f"{base}/api/answer/stream", json={"question": Q}, timeout=30) as resp:
            assert resp.status_code == 200
            for line in resp.iter_lines():
                if line.startswith("event: token"):
                    break  # leave after the first token
            assert rt.queue.admitted == 1
        deadline = time.monotonic() + 10
        while rt.queue.admitted:
            assert time.monotonic() < deadline, "the abandoned stream kept its queue place"
            time.sleep(0.1)
        again = httpx.post(f"{base}/api/answer", json={"question": Q, "llm": "local"}, timeout=60)
        assert again.status_code == 200


@pytest.mark.parametrize("route", ["/api/answer", "/api/answer/stream"])
@pytest.mark.parametrize("refused", ["西藏自治区2025年的经济增长目标是多少？", "恐龙灭绝的原因是什么？"])
def test_refusals_do_not_wait_behind_a_slow_generation(route, refused, shared_index, index_dir, corpus_dir):
    """A full queue (one slow generation, no waiting places) neither delays nor 503s a refusal:
    retrieval and the refusal decision run outside the queue, only generation takes a place."""
    model = SlowChat(responses=[ANSWER] * 2, delay=4.0)
    rt = local_runtime(shared_index, index_dir, corpus_dir, model, queue=0)
    with TestClient(create_app(rt, with_ui=False)) as c:
        worker, first = occupy_llm_queue(rt, lambda: c.post("/api/answer", json={"question": Q}))
        started = time.monotonic()
        resp = c.post(route, json={"question": refused})
        elapsed = time.monotonic() - started
        generating = rt.queue.admitted
        worker.join(30)
    assert resp.status_code == 200, resp.text
    assert generating == 1 and elapsed < 3.0, f"the refusal took {elapsed:.1f} s behind the generation"
    body = resp.json() if route == "/api/answer" else json.loads(resp.text.split("event: answer")[1]
                                                                   .split("data: ", 1)[1].splitlines()[0])
    assert body["refused"] and "没有找到" in body["answer"]
    assert model.i == 1 and first["r"].status_code == 200 and rt.queue.admitted == 0


def test_a_request_takes_no_queue_place_before_it_generates(shared_index, index_dir, corpus_dir):
    """Streaming: the place is taken when generation is reached and given back when it ends."""
    rt = local_runtime(shared_index, index_dir, corpus_dir, SlowChat(responses=[ANSWER], delay=0), queue=0)
    refused = rt.stream("恐龙灭绝的原因是什么？")
    assert rt.queue.admitted == 0
    events = list(refused)
    refused.close()
    assert events[-1][1].refused and rt.queue.admitted == 0
    stream = rt.stream(Q)
    assert rt.queue.admitted == 1  # admitted while starting, so a full queue is a 503 before any byte
    kinds = [kind for kind, _ in stream]
    stream.close()
    assert kinds[0] == "token" and kinds[-1] == "answer" and rt.queue.admitted == 0


@pytest.mark.parametrize("path,body", [("/api/answer/stream", {"question": Q}),
                                       ("/v1/chat/completions", {"messages": [{"role": "user", "content": Q}],
                                                                 "stream": True})])
def test_client_leaving_while_waiting_for_its_turn_frees_its_place_at_once(path, body, shared_index, index_dir,
                                                                            corpus_dir):
    """Capacity 2: one generates (slowly), one waits. The waiting client leaves: its place is back
    long before the generation ends, a new request is admitted, and the abandoned one never generates."""
    import httpx

    from tests.ui.conftest import running_server

    model = SlowChat(responses=[ANSWER] * 3, delay=5.0)
    rt = local_runtime(shared_index, index_dir, corpus_dir, model, queue=1)
    with running_server(create_app(rt, with_ui=False)) as base:
        worker, first = occupy_llm_queue(
            rt, lambda: httpx.post(f"{base}/api/answer", json={"question": Q}, timeout=60))
        started = time.monotonic()
        with httpx.stream("POST", f"{base}{path}", json=body, timeout=30) as resp:
            assert resp.status_code == 200 and rt.queue.admitted == 2  # admitted, waiting for the turn
        while rt.queue.admitted == 2:
            assert time.monotonic() - started < 3.0, "the client that left kept its queue place"
            time.sleep(0.05)
        third = httpx.post(f"{base}/api/answer", json={"question": Q}, timeout=60)  # admitted, not 503
        worker.join(60)
    assert third.status_code == 200 and first["r"].status_code == 200
    assert model.i == 2 and rt.queue.admitted == 0  # the abandoned request generated nothing
