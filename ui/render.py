"""Pure HTML rendering for the chat window: answers with citation cards, ledger tables
(their charts are ``ui.charts``), paragraphs, status.

Everything taken from documents or answers is escaped; the only markup is ours.
Answers render as one HTML block without blank lines, so the chat's Markdown
renderer leaves characters such as ``*`` (masked place names) alone. Charts are inline
SVG in pixels: the chat's sanitizer drops ``viewBox`` and ``data-*`` attributes and
``data:`` links, so every point is an ``<a href="#sq-KEY-n">`` to its citation card
and the CSV travels in a hidden element that the page script saves (with a BOM, for Excel).
"""
from __future__ import annotations

import csv
import html
import io
import re
import uuid
from typing import Any

from rag.config import EXTRACTIVE
from rag.text.doctypes import DOC_TYPE_LABELS
from rag.types import Answer, Citation, Table, TableRow, anchor
from ui.charts import KIND_LABELS, as_written, chart_svg, region_label

_REF = re.compile(r"\[(\d+)\]")
PHASE_LABELS = {"idle": "待命", "lexical": "解析与关键词索引中", "embedding": "向量化中", "ready": "完成",
                "error": "出错"}
TABLE_LABELS = {"timeline": "历年变化", "cross_region": "各地对比", "outcome": "目标与完成情况"}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")  # a text cell starting so is a formula to Excel


def esc(text: Any) -> str:
    """HTML-escape anything (None → '')."""
    return html.escape("" if text is None else str(text), quote=True)


def highlight(text: str, quote: str) -> str:
    """Escaped ``text`` with the first occurrence of ``quote`` wrapped in ``<mark>``."""
    at = text.find(quote) if quote else -1
    if at < 0:
        return esc(text)
    return esc(text[:at]) + f"<mark>{esc(quote)}</mark>" + esc(text[at + len(quote):])


def citation_title(c: Citation) -> str:
    """'[n] 标题（年份）· 第n段' as plain text."""
    year = f"（{c.year}）" if c.year else ""
    return f"[{c.n}] {c.title or c.doc_id}{year} · 第{c.paragraph}段"


def citation_card(c: Citation, key: str) -> str:
    """A collapsible card: title, year, section path, paragraph number, paragraph with the quote marked."""
    section = f'<div class="sq-path">{esc(c.section)}</div>' if c.section else ""
    return (f'<details class="sq-cite" id="sq-{key}-{c.n}"><summary>{esc(citation_title(c))}</summary>'
            f'{section}<p class="sq-para-text">{highlight(c.text, c.quote)}</p>'
            f'<div class="sq-anchor">{esc(anchor(c.doc_id, c.paragraph))}</div></details>')


def _mark_unsupported(body: str, unsupported: list[str]) -> str:
    for sentence in unsupported:
        escaped = esc(sentence)
        if escaped and escaped in body:
            body = body.replace(escaped, f'<span class="sq-unsupported" title="未能在引用原文中核实">'
                                         f'{escaped}</span>', 1)
    return body


def answer_html(answer: Answer, key: str | None = None) -> str:
    """The final answer: text with linked [n] markers, unsupported sentences marked, citation cards."""
    key = key or uuid.uuid4().hex[:8]
    body = _mark_unsupported(esc(answer.answer), answer.unsupported)
    known = {c.n for c in answer.citations}
    body = _REF.sub(lambda m: f'<a class="sq-ref" href="#sq-{key}-{m.group(1)}">[{m.group(1)}]</a>'
                    if int(m.group(1)) in known else m.group(0), body)
    body = body.replace("\n", "<br>")
    parts = ['<div class="sq-answer">']
    if answer.refused:
        parts.append('<div class="sq-refused">【拒答】未找到可靠依据</div>')
    parts.append(f'<div class="sq-text">{body}</div>')
    if answer.unsupported:
        parts.append(f'<div class="sq-warn">【提示】有 {len(answer.unsupported)} 句未能在原文中核实（已标出）</div>')
    if answer.table and answer.table.rows:
        parts.append(table_html(answer.table, answer.citations, key))
    if answer.citations:
        parts.append('<div class="sq-cites"><div class="sq-cites-h">参考资料（点击展开原文段落）</div>'
                     + "".join(citation_card(c, key) for c in answer.citations) + "</div>")
    parts.append(f'<div class="sq-meta">回答方式：{esc(answer.llm or EXTRACTIVE)}</div>')
    parts.append(reading_html(answer) + "</div>")
    return "".join(parts)


def reading_html(answer: Answer) -> str:
    """How the question was read (scope, the reports' terms, the item sought), one line."""
    r = answer.reading
    parts = [f"范围：{r.scope}" if r.scope else "", f"按报告用语：{r.query}" if r.query else "",
             f"要找的是：{r.asks}" if r.asks else ""]
    shown = "；".join(p for p in parts if p)
    return f'<div class="sq-reading">问题理解：{esc(shown)}</div>' if shown else ""


def draft_html(text: str) -> str:
    """The streamed, not yet verified draft."""
    return f'<div class="sq-answer sq-draft">{esc(text).replace(chr(10), "<br>")}<span class="sq-cursor">▍</span></div>'


def paragraph_html(view: dict, quote: str = "") -> str:
    """The side panel: a cited paragraph (quote marked) between its neighbours."""
    year = f"（{view['year']}）" if view.get("year") else ""
    neighbour = lambda p, label: (f'<div class="sq-neighbour"><span class="sq-n">{label} 第{p["n"]}段</span>'  # noqa: E731
                                  f'{esc(p["text"])}</div>' if p else "")
    return (f'<div class="sq-source"><div class="sq-source-title">{esc(view["title"] or view["doc_id"])}{year}</div>'
            f'<div class="sq-path">{esc(view["section"])}</div>'
            f'{neighbour(view.get("prev"), "上一段")}'
            f'<div class="sq-cited"><span class="sq-n">第{view["n"]}段</span>{highlight(view["text"], quote)}</div>'
            f'{neighbour(view.get("next"), "下一段")}'
            f'<div class="sq-anchor">{esc(view["anchor"])}</div></div>')


def document_html(doc: Any) -> str:
    """All paragraphs of a document, numbered, with a heading line wherever the section changes."""
    rows, last = [], None
    for p in doc.paragraphs:
        if p.section and p.section != last:
            rows.append(f'<div class="sq-path">{esc(p.section_path)}</div>')
            last = p.section
        rows.append(f'<div class="sq-para" id="p-{p.n}"><span class="sq-n">第{p.n}段</span>{esc(p.text)}</div>')
    meta = " · ".join(esc(x) for x in (doc.year, doc.region, DOC_TYPE_LABELS.get(doc.doc_type, doc.doc_type),
                                       doc.speaker) if x)
    return (f'<div class="sq-doc"><h3>{esc(doc.title or doc.doc_id)}</h3><div class="sq-meta">{meta}</div>'
            + "".join(rows) + "</div>")


def status_text(health: dict) -> str:
    """One status line: index size, indexing progress, the answering backend."""
    index, prog, llm = health["index"], health["indexing"], health["llm"]
    if not index.get("loaded"):
        left = "索引尚未就绪"
    else:
        left = (f"索引：{index.get('documents', 0)} 篇文档 · {index.get('chunks', 0)} 段块 · "
                f"已向量化 {index.get('embedded', 0)}/{index.get('chunks', 0)}")
    phase = PHASE_LABELS.get(prog["phase"], prog["phase"])
    if prog["phase"] in ("lexical", "embedding") and prog.get("total"):
        phase += f" {prog['done']}/{prog['total']}"
    if llm["answering"] == EXTRACTIVE:
        backend = "抽取式（不调用大模型）"
        if llm["backend"] != EXTRACTIVE:
            backend += "，大模型加载中…" if llm.get("loading") else f"，大模型不可用：{llm.get('error') or '未就绪'}"
    else:
        backend = f"大模型 {llm['answering']}"
    return f"{left} · 索引状态：{phase} ｜ 回答后端：{esc(backend)}"


# ---- ledger tables: an HTML table, an SVG chart and a CSV download, every value cited ----

def csv_text(header: tuple[str, ...] | list[str], rows: list[list[Any]]) -> str:
    """CSV text (no BOM) with a header; a text cell Excel would run as a formula gets a leading '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["'" + v if isinstance(v, str) and v.startswith(_FORMULA) else v for v in row]
                      for row in rows])
    return out.getvalue()


def table_csv(table: Table, citations: list[Citation]) -> str:
    """The table's rows as CSV, one line per row, with Chinese headers and the cited document."""
    titles = {c.n: c.title or c.doc_id for c in citations}
    header = ("地区", "年份", "指标", "目标或实际", "数值（原文）", "数值", "上限", "单位", "原文", "结论", "文档",
              "段落", "出处", "引用")
    return csv_text(header, [[r.region, r.year, r.label, KIND_LABELS.get(r.kind, r.kind), as_written(r), r.value,
                              r.value_high, r.unit, r.text, r.verdict, titles.get(r.citation, r.doc_id), r.paragraph,
                              anchor(r.doc_id, r.paragraph), f"[{r.citation}]"] for r in table.rows])


def _table_row(r: TableRow, titles: dict[int, str], key: str) -> str:
    source = (f'<a class="sq-ref" href="#sq-{key}-{r.citation}">[{r.citation}]</a> '
              f'<span class="sq-src">{esc(titles.get(r.citation, r.doc_id))} · 第{r.paragraph}段</span>')
    cells = (region_label(r.region), f"{r.year}年", r.label, KIND_LABELS.get(r.kind, r.kind), as_written(r), r.text,
             r.verdict)
    return (f'<tr class="sq-row-{esc(r.kind)}">' + "".join(f"<td>{esc(c)}</td>" for c in cells)
            + f"<td>{source}</td></tr>")


def table_html(table: Table, citations: list[Citation], key: str) -> str:
    """The ledger block: heading, chart, the cited table and a 下载CSV link."""
    titles = {c.n: f"{c.title or c.doc_id}" for c in citations}
    head = "".join(f"<th>{h}</th>" for h in ("地区", "年份", "指标", "目标或实际", "数值", "原文", "结论", "出处"))
    data = table_csv(table, citations)
    return (f'<div class="sq-ledger" id="sq-{key}-ledger"><div class="sq-ledger-h">{esc(table.title)} · '
            f'{TABLE_LABELS.get(table.kind, "")}</div>{chart_svg(table, key)}'
            f'<div class="sq-table-wrap"><table class="sq-table"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(_table_row(r, titles, key) for r in table.rows) + "</tbody></table></div>"
            f'<a class="sq-csv" id="sq-{key}-csvlink" href="#sq-{key}-csv" download="指标数据.csv">下载CSV</a>'
            f'<div class="sq-csv-data" id="sq-{key}-csv" hidden>{esc(data).replace(chr(10), "&#10;")}</div></div>')


def ledger_html(table: Table, citations: list[Citation], key: str | None = None) -> str:
    """The 指标 tab: the ledger block and the citation cards its links open."""
    key = key or uuid.uuid4().hex[:8]
    if not table.rows:
        return '<div class="sq-empty">指标库中没有符合条件的数据。</div>'
    return (f'<div class="sq-answer">{table_html(table, citations, key)}<div class="sq-cites">'
            f'<div class="sq-cites-h">出处（点击图中的点或表中的 [n] 查看原文段落）</div>'
            + "".join(citation_card(c, key) for c in citations) + "</div></div>")
