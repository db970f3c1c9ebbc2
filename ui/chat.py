"""The Gradio chat window (Chinese interface): streamed, cited answers; a source panel; the
指标 and 文档 tabs.

Answers stream as an unverified draft, then are replaced by the verified answer
with clickable [n] markers and citation cards; an indicator answer also gets its ledger
table and chart, whose points open the card they cite. The side panel shows a chosen
citation's paragraph between its neighbours. The 指标 tab shows the ledger's rows for an
indicator and region the same way. Errors surface as ``gr.Error``.
"""
from __future__ import annotations

from typing import Any, Iterator

import gradio as gr

from rag.errors import LLMBusy, SpeechQAError
from rag.text.indicators import MEASURES
from rag.types import Filters, anchor, parse_anchor
from ui.documents_api import paragraph_view
from ui.indicators_api import ledger_regions, ledger_table, parse_query
from ui.charts import region_label
from ui.render import (DOC_TYPE_LABELS, answer_html, citation_title, document_html, draft_html, ledger_html,
                       paragraph_html, status_text)
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
.sq-ledger{margin:8px 0}
.sq-ledger-h{font-weight:600;margin:4px 0}
.sq-table-wrap{max-height:420px;overflow:auto}
.sq-table{border-collapse:collapse;font-size:0.88em;margin:6px 0}
.sq-table th,.sq-table td{border:1px solid #e2e8f0;padding:2px 6px;vertical-align:top;text-align:left}
.sq-table td:nth-child(-n+2),.sq-table td:nth-child(4){white-space:nowrap}
.sq-src{color:#64748b;font-size:0.9em}
.sq-pt{cursor:pointer}
.sq-chart a,.sq-chart text{text-decoration:none}
.sq-csv{font-size:0.9em}
.sq-csv-data{display:none}
.sq-cite.sq-hit{border-color:#f59e0b;background:#fffbeb;box-shadow:0 0 0 2px #fde68a}
"""
# [n] in an answer and a point of a chart open the card they cite, highlight it and scroll to
# it instead of following the link. 下载CSV builds the file from the hidden copy of the table:
# the chat's sanitizer drops data: links.
CHAT_HEAD = """<script>
document.addEventListener('click', function (e) {
  const ref = e.target.closest && e.target.closest('a.sq-ref, a.sq-pt, a.sq-csv');
  if (!ref) return;
  e.preventDefault(); e.stopPropagation();
  if (ref.classList.contains('sq-csv')) { sqDownload(ref); return; }
  const card = document.getElementById((ref.getAttribute('href') || '').slice(1));
  if (!card) return;
  document.querySelectorAll('.sq-cite.sq-hit').forEach(function (c) { c.classList.remove('sq-hit'); });
  card.open = true; card.classList.add('sq-hit'); card.scrollIntoView({block: 'nearest'});
}, true);
function sqDownload(link) {
  const data = document.getElementById(link.id.replace(/link$/, ''));
  const blob = new Blob(['\\ufeff' + (data ? data.textContent : '')], {type: 'text/csv;charset=utf-8'});
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob); a.download = link.getAttribute('download') || 'indicators.csv';
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
}
</script>"""
INDICATOR_HINT = '<div class="sq-empty">选择指标和地区后点击“查询”，表中每个数值都注明出处段落。</div>'


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

    def indicators(self, indicator: str | None, region: str | None, year_from, year_to, kind: str | None) -> str:
        """The 指标 tab: the ledger's rows for one indicator and region, as a cited table and chart."""
        if not indicator:
            raise gr.Error("请先选择一个指标。", title="缺少指标")
        try:
            query = parse_query([indicator], [region or "全国"], year_from, year_to, None if kind == "both" else kind)
            table, citations = ledger_table(self.runtime.require_index(), query)
        except SpeechQAError as exc:
            raise user_error(exc) from exc
        return ledger_html(table, citations)

    def indicator_regions(self) -> Any:
        """The 指标 tab's regions: 全国, then the provinces (and the district) the ledger holds."""
        try:
            regions = ledger_regions(self.runtime.require_index())
        except SpeechQAError:
            regions = []
        return gr.update(choices=[(region_label(r), r) for r in regions] or [("全国", "全国")])

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
            # No minimum: a field left empty arrives as 0 (no constraint), which a minimum would refuse.
            year_from = gr.Number(label="起始年份", precision=0)
            year_to = gr.Number(label="截止年份", precision=0)
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


def _indicators_tab(h: ChatHandlers) -> gr.Dropdown:
    """The 指标 tab: pick an indicator, a region and years; returns the region dropdown (filled on load)."""
    with gr.Row():
        measure = gr.Dropdown([(m.label, m.id) for m in MEASURES.values()], value="gdp_growth", label="指标",
                              elem_id="sq-ind-measure")
        region = gr.Dropdown([("全国", "全国")], value="全国", label="地区", elem_id="sq-ind-region")
        year_from = gr.Textbox(label="起始年份", placeholder="如 2015，可空", max_lines=1, elem_id="sq-ind-from")
        year_to = gr.Textbox(label="截止年份", placeholder="如 2025，可空", max_lines=1, elem_id="sq-ind-to")
        kind = gr.Radio([("目标和实际", "both"), ("只看目标", "target"), ("只看实际", "actual")], value="both",
                        label="类别", elem_id="sq-ind-kind")
    show = gr.Button("查询", variant="primary", elem_id="sq-ind-show")
    view = gr.HTML(INDICATOR_HINT, elem_id="sq-ind-view")
    show.click(h.indicators, [measure, region, year_from, year_to, kind], view)
    return region


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
        with gr.Tab("指标"):
            ledger_region = _indicators_tab(h)
        with gr.Tab("文档"):
            table, pick = _documents_tab(h)
        demo.load(h.documents, None, [table, pick, regions])
        demo.load(h.indicator_regions, None, ledger_region)
    return demo
