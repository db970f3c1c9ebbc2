"""The same conversations over /api/answer (history of turns) and the OpenAI route (only
message text comes back), on the real small index: each follow-up is answered from the
right document with the right value."""
from __future__ import annotations

import openai
import pytest

from tests.ui.conftest import running_server
from ui.server import create_app

GWR24, GWR25, HENAN = "national_gwr/cn_gwr_2024", "national_gwr/cn_gwr_2025", "provincial_gwr_2025/prov_2025_henan"

# (question, the document the answer must cite, a value the answer must state)
CONVERSATIONS = {
    "relative year": [("2025年国家给物价定的目标是多少？", GWR25, "2%左右"),
                      ("那去年呢？", GWR24, "3%左右")],
    "wider scope": [("河南今年经济打算涨多少？", HENAN, "5.5%左右"),
                    ("放到全国看呢？", GWR25, "5%左右")],
    "indicator": [("2025年国家定的城里新增工作岗位目标是多少？", GWR25, "1200万人"),
                  ("那物价呢？", GWR25, "2%左右")],
    "outcome of a target": [("2024年国家经济增长目标定的是多少？", GWR24, "5%左右"),
                            ("目标达到了没有？", GWR25, "增长5%")],
}


def _check(turn, answer: dict) -> None:
    question, doc, value = turn
    assert not answer["refused"], (question, answer["answer"])
    assert doc in {c["doc_id"] for c in answer["citations"]}, (question, answer["citations"])
    assert value in answer["answer"], (question, answer["answer"])


@pytest.mark.parametrize("name", list(CONVERSATIONS))
def test_conversation_over_the_answer_api(client, name):
    history = []
    for turn in CONVERSATIONS[name]:
        answer = client.post("/api/answer", json={"question": turn[0], "history": history}).json()
        _check(turn, answer)
        history += [{"role": "user", "content": turn[0]}, {"role": "assistant", "content": answer["answer"]}]


@pytest.fixture
def oa(runtime):
    with running_server(create_app(runtime, with_ui=False)) as base:
        yield openai.OpenAI(base_url=f"{base}/v1", api_key="unused", max_retries=0, timeout=60)


@pytest.mark.parametrize("name", list(CONVERSATIONS))
def test_the_same_conversation_over_the_openai_route(oa, name):
    messages = [{"role": "system", "content": "你是助手"}]
    for turn in CONVERSATIONS[name]:
        messages.append({"role": "user", "content": turn[0]})
        resp = oa.chat.completions.create(model="speechqa", messages=messages)
        _check(turn, resp.model_extra["speechqa"])
        messages.append({"role": "assistant", "content": resp.choices[0].message.content})
