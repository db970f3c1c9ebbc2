"""Questions about a phrase as a phrase: where it occurs, and since when.

"'共同富裕'是哪年开始提的？" asks for the first document that uses a phrase, and
"2015年政府工作报告里有没有提到新质生产力？" whether a document uses it at all.
Top-k retrieval cannot prove either: a phrase's absence, or its first use, is only
known after scanning every paragraph. ``phrase_answer`` does that scan (the
catalog's ``find_phrase``) and answers with the proof: the first paragraph, cited,
and a count per year; or, for a document that never uses the phrase, a refusal
that says so and points to where the phrase does occur.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rag.query import QueryPlan, matches
from rag.text.recognizers import quoted_phrases
from rag.text.sentences import sentence_spans

FIRST = "first"      # 哪年开始提的 / 最早什么时候提出
MENTION = "mention"  # 有没有提到 / 怎么部署 (of a named document)

_FIRST_RE = re.compile(r"(?:是|在|从)?(?:哪一?年|什么时候|何时|哪次会|哪份)[^，。？]{0,6}?(?:开始|最早|首次|第一次|头一次|头一回)"
                       r"?(?:提|提出|出现|写进|使用|用)|(?:最早|首次|第一次|头一回)(?:是)?(?:在|于)?[^，。？]{0,6}?(?:提|出现)")
_MENTION_RE = re.compile(r"有没有(?:提到|提及|提|讲到|说到|出现)|是否(?:提到|提及|出现|提)|提没提|提到了?没有|提过没有|"
                         r"怎么部署|如何部署|怎么提的?|怎么讲的?")
# "十九大报告对“中国式现代化”是怎么阐述的", "对供给侧改革是怎么安排的": the phrase comes first.
_ABOUT_RE = re.compile(r"(?:对|关于)([^，。？对]{2,16}?)(?:是|都|又)?(?:怎么|如何|怎样)(?:阐述|安排|部署|讲|说|提|规划|表述|论述|写)"
                       r"|对([^，。？对]{2,16}?)有(?:什么|哪些)(?:打算|安排|部署|说法|提法)")
_TRAILING = re.compile(r"(?:这件事|这个词|这个提法|这一说法|工作|的事|的|吗|呢|没有|了)*[?？。！!\s]*$")
_LEADING = re.compile(r"^(?:[“”\"'：:，,]|关于|对于)+")
SHOWN_YEARS = 8


@dataclass(frozen=True)
class PhraseAsk:
    phrase: str
    kind: str
    quoted: bool = False  # the user put it in quotes: a phrase for certain, not a paraphrase


def asked_phrase(question: str) -> PhraseAsk | None:
    """The phrase a question asks about as a phrase, and how (``FIRST`` or ``MENTION``); None otherwise."""
    about = _ABOUT_RE.search(question)
    kind = FIRST if _FIRST_RE.search(question) else MENTION if _MENTION_RE.search(question) or about else None
    if kind is None:
        return None
    quoted = quoted_phrases(question)
    if quoted:
        return PhraseAsk(max(quoted, key=len), kind, quoted=True)
    if about and not (kind == MENTION and _MENTION_RE.search(question)):
        part = about.group(1) or about.group(2)
    else:
        found = (_FIRST_RE if kind == FIRST else _MENTION_RE).search(question)
        part = question[:found.start()] if kind == FIRST else re.split(r"[？?，,。]", question[found.end():])[0]
    phrase = _LEADING.sub("", _TRAILING.sub("", part)).strip()
    return PhraseAsk(phrase, kind) if 2 <= len(phrase) <= 16 and not re.search(r"\d{4}年", phrase) else None


def _citation(n: int, doc: dict, para, phrase: str) -> dict[str, Any]:
    start = para.text.find(phrase)
    span = next(((a, b) for a, b in sentence_spans(para.text) if a <= start < b), (start, start + len(phrase)))
    return {"n": n, "doc_id": doc["doc_id"], "source": doc.get("source", ""), "title": doc.get("title", ""),
            "year": doc.get("year"), "paragraph": para.n, "section": " › ".join(para.section),
            "text": para.text, "quote": para.text[span[0]:span[1]]}


def _timeline(hits: list[tuple[str, int]], docs: dict[str, dict]) -> str:
    per_year: dict[Any, int] = {}
    for doc_id, _ in hits:
        year = docs.get(doc_id, {}).get("year") or "年份不详"
        per_year[year] = per_year.get(year, 0) + 1
    shown = [f"{y}年{n}段" if isinstance(y, int) else f"{y}{n}段" for y, n in list(per_year.items())[:SHOWN_YEARS]]
    more = "等" if len(per_year) > SHOWN_YEARS else ""
    return f"共{len({d for d, _ in hits})}份文件、{len(hits)}段提到，按年份：{'、'.join(shown)}{more}。"


def phrase_answer(ask: PhraseAsk, plan: QueryPlan, index) -> dict[str, Any] | None:
    """The ``Answer`` fields for a phrase question, from a full scan; None when a
    mention question names no document (then it is an ordinary question) or the
    named documents do use the phrase (ordinary answering finds how)."""
    docs = {d["doc_id"]: d for d in index.documents()}
    hits = index.find_phrase(ask.phrase)
    scoped = [d for d in docs.values() if not plan.filters.is_empty() and matches(d, plan.filters)]
    if ask.kind == MENTION and (not scoped or any(doc_id in {d["doc_id"] for d in scoped} for doc_id, _ in hits)):
        return None
    if ask.kind == MENTION and not hits and not ask.quoted:
        return None  # words no document uses are a paraphrase ("老百姓看病难"), not a term to look up
    if not hits:
        return {"answer": f"资料中没有找到与该问题相关的内容。\n（语料库全部{len(docs)}份文件中都没有出现“{ask.phrase}”）",
                "refused": True, "citations": []}
    first_doc, first_n = hits[0]
    cite = _citation(1, docs[first_doc], index.paragraph(first_doc, first_n), ask.phrase)
    where = f"《{cite['title'] or first_doc}》第{first_n}段"
    if ask.kind == FIRST:
        text = f"语料中最早提到“{ask.phrase}”的是{where}：{cite['quote'].rstrip('。；;')}[1]。\n{_timeline(hits, docs)}"
        return {"answer": text, "refused": False, "citations": [cite]}
    names = "、".join(f"《{d.get('title') or d['doc_id']}》" for d in scoped[:3]) + ("等" if len(scoped) > 3 else "")
    text = (f"资料中没有找到与该问题相关的内容。\n（{names}全文没有出现“{ask.phrase}”。语料中最早出现于{where}[1]；"
            f"{_timeline(hits, docs)}）")
    return {"answer": text, "refused": True, "citations": [cite]}


__all__ = ["FIRST", "MENTION", "PhraseAsk", "asked_phrase", "phrase_answer"]
