"""The Gradio chat window (Chinese interface): streamed, cited answers; a source panel; a 文档 tab.

Answers stream as an unverified draft, then are replaced by the verified answer
with clickable [n] markers and citation cards. The side panel shows a chosen
citation's paragraph between its neighbours. Errors surface as ``gr.Error``.
"""
from __future__ import annotations

from typing import Any, Iterator

import gradio as gr

from rag.errors import LLMBusy, SpeechQAError
from rag.types import Filters, anchor, parse_anchor
from ui.documents_api import paragraph_view
from ui.render import (DOC_TYPE_LABELS, answer_html, citation_title, document_html, draft_html, paragraph_html,
                       status_text)
from ui.runtime import Runtime

EXAMPLES = ["2022年全区生产总值的预期目标是多少？", "2024年和2025年的国内生产总值增长目标分别是多少？",
            "河南省2025年的经济增长目标是多少？"]
PANEL_HINT = '<div class="sq-source sq-empty">点击回答中的 [n] 或下方引用，查看原文段落。</div>'
CHAT_CSS = """
.sq-ref{font-weight:600;text-decoration:none;color:#1d4ed8;cursor:pointer}
.sq-cite{border:1px solid #d0d7e2;border-radius:6px;padding:4px 8px;margin:4px 0;background:#f8fafc}
.sq-cite summary{cursor:pointer;font-weight:600}
.sq-cites-h{margin-top:8px;font-size:0.9em;color:#475569}
.sq-path{color:#64748b;font-size:0.85em;margin:2px 0}
.sq-anchor{color:#94a3b8;font-size:0.8em}
.sq-unsupported{background:#fef3c7;text-decoration:underline wavy #d97706}
.sq-warn{color:#b45309;font-size:0.9em;margin-top:4px}
.sq-refused{color:#b91c1c;font-weight:600}
.sq-meta{color:#94a3b8;font-size:0.8em;margin-top:4px}
.sq-draft{color:#475569}
.sq-n{display:inline-block;min-width:4.5em;color:#64748b;font-size:0.85em}
.sq-cited{background:#eff6ff;border-left:3px solid #1d4ed8;padding:6px;margin:6px 0}
.sq-neighbour{color:#64748b;font-size:0.9em;margin:4px 0}
.sq-para{margin:4px 0}
.sq-doc{max-height:70vh;overflow-y:auto;padding-right:8px}
mark{background:#fde68a}
"""
# [n] in an answer opens its card and scrolls to it instead of following the link.
CHAT_HEAD = """<script>
document.addEventListener('click', function (e) {
  const ref = e.target.closest && e.target.closest('a.sq-ref');
  if (!ref) return;
  e.preventDefault(); e.stopPropagation();
  const card = document.getElementById((ref.getAttribute('href') || '').slice(1));
  if (card) { card.open = true; card.scrollIntoView({block: 'nearest'}); }
}, true);
</script>"""


def message_text(content: Any) -> str:
    """Text of a chat message whether Gradio gives a string or a list of parts."""
    if isinstance(content, list):
        return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return content if isinstance(content, str) else ""


def build_filters(year_from, year_to, doc_types, regions) -> Filters | None:
    """Filters from the form (blank fields mean no constraint)."""
    filters = Filters(year_from=int(year_from) if year_from else None, year_to=int(year_to) if year_to else None,
                      doc_types=tuple(doc_types or ()), regions=tuple(regions or ()))
    return None if filters.is_empty() else filters


def user_error(exc: SpeechQAError) -> gr.Error:
    """A readable Chinese+English error box."""
    if isinstance(exc, LLMBusy):
        return gr.Error(f"大模型正忙，请稍后再试（约 {exc.retry_after} 秒）。{exc.hint}", title="请稍候")
    return gr.Error(f"{exc.message}。{exc.hint}", title="出错了")


class ChatHandlers:
    """The event handlers, bound to one runtime (kept apart from layout for testing)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def respond(self, question: str, history: list, questions: list, year_from, year_to, doc_types, regions,
                mode: str) -> Iterator[tuple]:
        """Stream one answer: yields (textbox, chat, asked questions, citation choices, panel)."""
        try:
            question = self.runtime.check_question(question or "")
            stream = self.runtime.stream(question, history=[{"role": "user", "content": q} for q in questions],
                                         filters=build_filters(year_from, year_to, doc_types, regions),
                                         mode=mode or "answer")
        except SpeechQAError as exc:
            raise user_error(exc) from exc
        chat = list(history) + [{"role": "user", "content": question}, {"role": "assistant", "content": ""}]
        draft = ""
        try:
            for kind, value in stream:
                if kind == "token":
                    draft += value
                    chat = chat[:-1] + [{"role": "assistant", "content": draft_html(draft)}]
                    yield "", chat, questions, gr.update(), gr.update()
                elif kind == "answer":
                    chat = chat[:-1] + [{"role": "assistant", "content": answer_html(value)}]
                    choices = [(citation_title(c), f"{anchor(c.doc_id, c.paragraph)}|{c.quote}") for c in value.citations]
                    first = self.source(choices[0][1]) if choices else PANEL_HINT
                    yield ("", chat, questions + [question],
                           gr.update(choices=choices, value=choices[0][1] if choices else None), first)
        except SpeechQAError as exc:
            raise user_error(exc) from exc
        finally:
            stream.close()

    def source(self, choice: str | None) -> str:
        """The side panel for a citation choice 'doc_id#n|quote'."""
        if not choice:
            return PANEL_HINT
        where, _, quote = choice.partition("|")
        doc_id, n = parse_anchor(where)
        try:
            return paragraph_html(paragraph_view(self.runtime.require_index(), doc_id, n), quote)
        except SpeechQAError as exc:
            raise user_error(exc) from exc

    def status(self) -> str:
        """The status line (index, indexing progress, answering backend)."""
        return status_text(self.runtime.health())

    def documents(self) -> tuple[list[list], Any, list[str]]:
        """(table rows, document dropdown update, regions) for the 文档 tab and the filters."""
        try:
            docs = self.runtime.require_index().documents()
        except SpeechQAError:
            docs = []
        rows = [[d.get("title", ""), d.get("year"), DOC_TYPE_LABELS.get(d.get("doc_type"), d.get("doc_type")),
                 d.get("region", ""), d.get("paragraphs", 0), d["doc_id"]] for d in docs]
        choices = [(f"{d.get('title') or d['doc_id']}（{d.get('year') or '—'}）", d["doc_id"]) for d in docs]
        regions = sorted({d["region"] for d in docs if d.get("region")})
        return rows, gr.update(choices=choices), gr.update(choices=regions)

    def show_document(self, doc_id: str | None) -> str:
        """A document's numbered paragraphs for the 文档 tab."""
        if not doc_id:
            return ""
        doc = self.runtime.require_index().document(doc_id)
        return document_html(doc) if doc else '<div class="sq-empty">没有这篇文档。</div>'


def _filters_form() -> list:
    """The 筛选与选项 accordion: [year_from, year_to, doc_types, regions, mode]."""
    with gr.Accordion("筛选与选项", open=False):
        with gr.Row():
            year_from = gr.Number(label="起始年份", precision=0, minimum=1900, maximum=2100)
            year_to = gr.Number(label="截止年份", precision=0, minimum=1900, maximum=2100)
        doc_types = gr.CheckboxGroup([(v, k) for k, v in DOC_TYPE_LABELS.items()], label="文档类型")
        regions = gr.Dropdown([], multiselect=True, label="地区")
        mode = gr.Radio([("回答", "answer"), ("原文引用", "quote")], value="answer", label="模式")
    return [year_from, year_to, doc_types, regions, mode]


def _qa_tab(h: ChatHandlers) -> gr.Dropdown:
    """The 问答 tab, wired to the handlers; returns the regions dropdown (filled on load)."""
    with gr.Row():
        with gr.Column(scale=3):
            chat = gr.Chatbot(label="对话", height=520, elem_id="sq-chat", feedback_options=None, buttons=["copy"])
            with gr.Row():
                box = gr.Textbox(placeholder="输入问题，例如：2025年国内生产总值增长目标是多少？", show_label=False,
                                 scale=6, elem_id="sq-question", max_lines=4)
                ask = gr.Button("提问", variant="primary", scale=1, elem_id="sq-ask")
                clear = gr.Button("新对话", scale=1)
            gr.Examples(EXAMPLES, inputs=box, label="示例问题")
            form = _filters_form()
        with gr.Column(scale=2):
            cites = gr.Radio([], label="本轮引用（点击查看原文）", elem_id="sq-cites")
            panel = gr.HTML(PANEL_HINT, elem_id="sq-panel")
    questions = gr.State([])
    inputs, outputs = [box, chat, questions, *form], [box, chat, questions, cites, panel]
    ask.click(h.respond, inputs, outputs, concurrency_limit=None)
    box.submit(h.respond, inputs, outputs, concurrency_limit=None)
    clear.click(lambda: ("", [], [], gr.update(choices=[], value=None), PANEL_HINT), None, outputs)
    cites.change(h.source, cites, panel)
    return form[3]


def _documents_tab(h: ChatHandlers) -> tuple[gr.Dataframe, gr.Dropdown]:
    """The 文档 tab: the corpus table and one document's numbered paragraphs."""
    table = gr.Dataframe(headers=["标题", "年份", "类型", "地区", "段落数", "doc_id"], interactive=False,
                         max_height=300, elem_id="sq-doc-table")
    pick = gr.Dropdown([], label="选择文档查看全文段落", elem_id="sq-doc-pick")
    doc_view = gr.HTML(elem_id="sq-doc-view")
    pick.change(h.show_document, pick, doc_view)
    return table, pick


def build_chat(runtime: Runtime) -> gr.Blocks:
    """The chat window's Blocks (mounted at / by ``ui.server``)."""
    h = ChatHandlers(runtime)
    with gr.Blocks(title="SpeechQA 讲话与报告问答") as demo:
        gr.Markdown("## SpeechQA · 讲话与政府工作报告问答\n每个结论都注明出处段落，并经过程序核对。")
        status = gr.Markdown(h.status(), elem_id="sq-status")
        gr.Timer(3).tick(h.status, outputs=status, show_progress="hidden")
        with gr.Tab("问答"):
            regions = _qa_tab(h)
        with gr.Tab("文档"):
            table, pick = _documents_tab(h)
        demo.load(h.documents, None, [table, pick, regions])
    return demo
