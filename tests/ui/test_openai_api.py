"""The OpenAI-compatible routes, driven by the official ``openai`` client over real HTTP."""
from __future__ import annotations

import openai
import pytest

from tests.ui.conftest import running_server
from ui.openai_api import split_messages
from ui.schemas import ChatMessage
from ui.server import create_app

Q = "河南省2025年的经济增长目标是多少？"


@pytest.fixture
def oa(runtime):
    with running_server(create_app(runtime, with_ui=False)) as base:
        yield openai.OpenAI(base_url=f"{base}/v1", api_key="unused", max_retries=0, timeout=60)


def test_models_lists_speechqa(oa):
    assert [m.id for m in oa.models.list().data] == ["speechqa"]


def test_completion_carries_citations_twice(oa):
    resp = oa.chat.completions.create(model="speechqa", messages=[{"role": "user", "content": Q}])
    content = resp.choices[0].message.content
    citations = resp.model_extra["citations"]
    assert citations and citations[0]["doc_id"] == "provincial_gwr_2025/prov_2025_henan"
    assert "5.5%" in citations[0]["quote"]
    assert "参考资料" in content and f"第{citations[0]['paragraph']}段" in content
    assert content.startswith(resp.model_extra["speechqa"]["answer"])
    assert resp.choices[0].finish_reason == "stop"


def test_streaming_completion(oa):
    chunks = list(oa.chat.completions.create(model="speechqa", stream=True,
                                             messages=[{"role": "user", "content": Q}]))
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert "5.5%" in text and "参考资料" in text
    assert chunks[-1].choices[0].finish_reason == "stop"
    final = chunks[-1].model_extra
    assert final["citations"][0]["doc_id"] == "provincial_gwr_2025/prov_2025_henan"
    assert final["speechqa"]["citations"] == final["citations"]


def test_follow_up_uses_history(oa):
    messages = [{"role": "system", "content": "你是助手"},
                {"role": "user", "content": "2024年国内生产总值增长目标是多少？"},
                {"role": "assistant", "content": "5%左右[1]。"},
                {"role": "user", "content": "那2025年呢？"}]
    resp = oa.chat.completions.create(model="speechqa", messages=messages)
    assert {c["doc_id"] for c in resp.model_extra["citations"]} == {"national_gwr/cn_gwr_2025"}


def test_errors_come_back_as_api_errors(oa):
    with pytest.raises(openai.UnprocessableEntityError) as err:
        oa.chat.completions.create(model="speechqa", messages=[{"role": "assistant", "content": "hi"}])
    assert err.value.body["type"] == "BadRequest" and "user message" in err.value.body["message"]
    assert "user message" in str(err.value)


def test_split_messages_takes_the_last_user_turn():
    msgs = [ChatMessage(role="system", content="s"), ChatMessage(role="user", content="a"),
            ChatMessage(role="assistant", content=[{"type": "text", "text": "b"}]),
            ChatMessage(role="user", content=[{"type": "text", "text": "c"}])]
    assert split_messages(msgs) == ("c", [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}])
