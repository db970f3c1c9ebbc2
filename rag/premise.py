"""Premise checks: a number the question asserts, checked against the sources.

"2024年国家为什么把增长目标降到了4.5%？" asserts 4.5%. If no retrieved paragraph
states it, answering "as asked" would confirm a false premise. ``correction`` says
so and names the value the cited sentence gives instead: "问题中的“4.5%”在资料中
没有出现；资料中的表述是“5%左右”[1]。"
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from rag.scoring import asked_terms
from rag.text.asks import NEAR
from rag.text.numerals import extract_numbers, number_supported
from rag.types import Evidence

# A number with its unit and qualifier, as written in a sentence or a question.
_VALUE = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?\s*(?:%|％|个百分点|万亿|亿|万|千)?"
                    r"(?:元|美元|人民币|人|吨|斤|公斤|亩|公里|千米|户|辆|台|所|个|项|家)?(?:左右|以上|以内|以下)?"
                    r"|百分之[零一二三四五六七八九十点]+")


def asserted_values(question: str) -> list[str]:
    """The numbers (with units) the question states, years excluded."""
    return [m.group().strip() for m in _VALUE.finditer(question)
            if m.group().strip() and any(k != "year" for k, _ in extract_numbers(m.group()))
            and not re.fullmatch(r"[0-9]{4}", m.group().strip()) and not _SPAN_AFTER.match(question, m.end())]


# "未来3年", "前5个月", "第2届": a span of time or an ordinal, not a value the question asserts.
_SPAN_AFTER = re.compile(r"\s*(?:年|个月|月|日|天|周|季度|届|次会议)")


def _stated(question: str, evidence: Sequence[Evidence]) -> set:
    """The numbers the evidence states: right after the indicator asked about when the
    question names one (a report's other 3% is not the price target), else anywhere."""
    terms = asked_terms(question)
    if not terms:
        return set().union(*(extract_numbers(ev.text) for ev in evidence)) if evidence else set()
    stated: set = set()
    for ev in evidence:
        for term in terms:
            start = ev.text.find(term)
            while start >= 0:
                stated |= extract_numbers(ev.text[start:start + len(term) + NEAR])
                start = ev.text.find(term, start + 1)
    return stated


def false_values(question: str, evidence: Sequence[Evidence]) -> list[str]:
    """The asserted numbers that no retrieved paragraph states (for the indicator asked about)."""
    stated = _stated(question, evidence)
    out = []
    for value in asserted_values(question):
        numbers = {x for x in extract_numbers(value) if x[0] != "year"}
        if numbers and not any(number_supported(x, stated) for x in numbers):
            out.append(value)
    return out


def correction(question: str, evidence: Sequence[Evidence], first_quote: str, n: int) -> str:
    """The line that corrects a false numeric premise (empty when there is none): what the
    question asserts, and the value the first cited sentence ([n]) states after the
    indicator asked about."""
    wrong = false_values(question, evidence)
    if not wrong:
        return ""
    start = min((i for t in asked_terms(question) if (i := first_quote.find(t)) >= 0), default=0)
    given = [m.group().strip() for m in _VALUE.finditer(first_quote, start)
             if m.group().strip() and not first_quote.startswith("年", m.end()) and not re.fullmatch(r"\d{4}", m.group())]
    said = f"；资料中的表述是“{given[0]}”[{n}]" if given else ""
    return f"问题中的“{'、'.join(wrong)}”在检索到的资料中没有出现{said}。"


__all__ = ["asserted_values", "correction", "false_values"]
