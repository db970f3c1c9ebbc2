"""The chat window's handlers over the real small index (the browser test drives the page itself)."""
from __future__ import annotations

import gradio as gr
import pytest

from rag.errors import LLMBusy
from tests.ui.conftest import SlowChat, make_settings
from ui.chat import ChatHandlers, build_chat, build_filters, message_text
from ui.runtime import Runtime


def run(handlers, question, history=(), questions=(), **form):
    args = dict(year_from=None, year_to=None, doc_types=[], regions=[], mode="answer") | form
    return list(handlers.respond(question, list(history), list(questions), *args.values()))


def test_respond_streams_then_shows_verified_answer_with_cards(runtime):
    outputs = run(ChatHandlers(runtime), "河南省2025年的经济增长目标是多少？")
    assert len(outputs) >= 2  # at least one draft update, then the final answer
    draft_chat = outputs[0][1]
    assert "sq-draft" in draft_chat[-1]["content"]
    box, chat, questions, cites, panel = outputs[-1]
    assert box == "" and questions == ["河南省2025年的经济增长目标是多少？"]
    assert chat[-2] == {"role": "user", "content": "河南省2025年的经济增长目标是多少？"}
    final = chat[-1]["content"]
    assert 'class="sq-cite"' in final and "河南" in final and "<mark>" in final and "sq-draft" not in final
    choice = cites["value"]
    assert choice.startswith("provincial_gwr_2025/prov_2025_henan#") and "5.5%" in choice
    assert "第" in panel and "<mark>" in panel and "sq-cited" in panel


def test_follow_up_uses_earlier_questions(runtime):
    h = ChatHandlers(runtime)
    out = run(h, "那2025年呢？", questions=["2024年国内生产总值增长目标是多少？"])
    assert "national_gwr/cn_gwr_2025#" in out[-1][3]["value"]


def test_filters_reach_retrieval(runtime):
    out = run(ChatHandlers(runtime), "经济增长目标是多少？", doc_types=["provincial_government_work_report"])
    assert out[-1][3]["value"].startswith("provincial_gwr_2025/")
    assert build_filters(None, None, [], []) is None
    assert build_filters(2020.0, 2024, ["leader_speech"], ["全国"]).year_from == 2020


def test_busy_llm_becomes_a_gr_error(shared_index, index_dir, corpus_dir):
    rt = Runtime(make_settings(index_dir, corpus_dir, llm="local", llm_queue_size=0), shared_index,
                 chat_model=SlowChat(responses=["x"]))
    held = rt.queue.admit()  # someone else is generating
    try:
        with pytest.raises(gr.Error) as err:
            run(ChatHandlers(rt), "河南省2025年的经济增长目标是多少？")
        assert "正忙" in str(err.value)
    finally:
        held.release()


def test_empty_question_is_a_gr_error(runtime):
    with pytest.raises(gr.Error):
        run(ChatHandlers(runtime), "   ")


def test_documents_tab_and_source_panel(runtime):
    h = ChatHandlers(runtime)
    rows, pick, regions = h.documents()
    assert len(rows) == 4 and {"河南"} <= set(regions["choices"]) | {r[3] for r in rows}
    doc_id = "national_gwr/cn_gwr_2024"
    page = h.show_document(doc_id)
    assert page.count('class="sq-para"') == len(runtime.index.paragraphs(doc_id)) and "第30段" in page
    panel = h.source(f"{doc_id}#30|国内生产总值增长5%左右")
    assert "<mark>国内生产总值增长5%左右</mark>" in panel and "上一段 第29段" in panel
    with pytest.raises(gr.Error):
        h.source(f"{doc_id}#99999|x")


def test_status_and_layout(runtime):
    assert "4 篇文档" in ChatHandlers(runtime).status()
    assert isinstance(build_chat(runtime), gr.Blocks)
    assert message_text([{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]) == "ab"
