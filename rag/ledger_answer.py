"""Ledger answers, built in code: targets, outcomes and verdicts, every number cited.

``ledger_answer(ask, index)`` looks the rows up (``Index.statements``) and returns the
``Answer`` fields: the text (one cited line per value, the verdict computed by
``rag.verdict``), the citations (each quote is the statement's exact span) and the
``table``. An outcome whose next report is missing is refused with the reason and the
target cited. None when the ledger holds nothing for the question (it then goes the
ordinary way).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rag.ledger import ACTUAL, TARGET, Statement
from rag.ledger_ask import ALL, DISTRICT, LedgerAsk
from rag.text.indicators import CEILING, MEASURES
from rag.text.ledger_words import DROPPED, OUTCOME, PREMISE, TIMELINE, VALUE
from rag.text.quantities import quantities
from rag.text.places import NATIONAL, PROVINCES
from rag.verdict import verdict, written

NATIONAL_GWR = "national_government_work_report"
PROVINCIAL_GWR = "provincial_government_work_report"
KIND_WORDS = {TARGET: "目标", ACTUAL: "实际"}
REFUSAL = "资料中没有找到与该问题相关的内容。"


@dataclass
class _Draft:
    """The answer being built: lines, citations and table rows, numbered by first use."""

    docs: dict[str, dict]
    index: Any
    lines: list[str] = field(default_factory=list)
    citations: list[dict] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)

    def cite(self, s: Statement, verdict_label: str = "", *, clause: bool = False) -> int:
        """The [n] of ``s`` (a new citation the first time), and its table row. The quote is the
        statement's span, or with ``clause`` the span to the end of its clause (…7%以上、力争8%)."""
        doc, para = self.docs.get(s.doc_id, {}), self.index.paragraph(s.doc_id, s.n)
        quote = _clause(para.text, s.span) if clause and para else s.span
        for c in self.citations:
            if c["doc_id"] == s.doc_id and c["paragraph"] == s.n and c["quote"] == quote:
                n = c["n"]
                break
        else:
            n = len(self.citations) + 1
            self.citations.append({"n": n, "doc_id": s.doc_id, "source": doc.get("source", ""),
                                   "title": doc.get("title", ""), "year": doc.get("year"), "paragraph": s.n,
                                   "section": " › ".join(para.section) if para else "",
                                   "text": para.text if para else s.span, "quote": quote})
        self.rows.append({"region": s.region, "year": s.year, "indicator": s.indicator, "label": s.label,
                          "kind": s.kind, "value": s.value, "value_high": s.value_high, "unit": s.unit,
                          "qualifier": s.qualifier, "text": s.span, "doc_id": s.doc_id, "paragraph": s.n,
                          "citation": n, "verdict": verdict_label})
        return n

    def title(self, s: Statement) -> str:
        return self.docs.get(s.doc_id, {}).get("title") or s.doc_id


def _clause(text: str, span: str) -> str:
    """``span`` extended to the end of its clause in ``text`` (the next ；。 or line end)."""
    start = text.find(span)
    if start < 0:
        return span
    end = start + len(span)
    while end < len(text) and text[end] not in "；;。！？\n" and end - start < 120:
        end += 1
    return text[start:end]


def _region_name(region: str) -> str:
    return "全国" if region == NATIONAL else "该区" if region not in PROVINCES else region


def _report_of(docs: dict[str, dict], region: str, year: int) -> dict | None:
    """The government work report of ``region`` delivered in ``year``, if the corpus has it."""
    wanted = NATIONAL_GWR if region == NATIONAL else PROVINCIAL_GWR
    return next((d for d in docs.values() if d.get("doc_type") == wanted and d.get("year") == year
                 and (region == NATIONAL or d.get("region") == region)), None)


def _series_spans(docs: dict[str, dict], region: str, year: int) -> bool:
    """Does the region's report series cover ``year`` (reports before and after it)? A gap
    in it (1989, 2020) is a missing report; a year past its end is too."""
    wanted = NATIONAL_GWR if region == NATIONAL else PROVINCIAL_GWR
    years = [d.get("year") for d in docs.values() if d.get("doc_type") == wanted
             and (region == NATIONAL or d.get("region") == region) and d.get("year")]
    return bool(years) and min(years) < year


def _best(index, docs: dict, measure: str, region: str, year: int, kind: str) -> Statement | None:
    """The statement of (measure, region, year, kind), from the report it belongs in first:
    a target from that year's report, an outcome from the next year's."""
    rows = index.statements(indicator=measure, region=region, year_from=year, year_to=year, kind=kind)
    home = year if kind == TARGET else year + 1

    def rank(s: Statement) -> tuple:
        doc = docs.get(s.doc_id, {})
        return (doc.get("year") != home, doc.get("doc_type") not in (NATIONAL_GWR, PROVINCIAL_GWR), s.doc_id, s.n)
    return min(rows, key=rank) if rows else None


def _measure(ask: LedgerAsk, group: tuple[str, ...], index, regions: list[str]) -> str:
    """The first alternative of ``group`` the ledger holds for these regions and years."""
    for measure in group:
        if index.statements(indicator=measure, region=tuple(regions), year_from=ask.year_from, year_to=ask.year_to,
                            kind=ask.kinds):
            return measure
    return group[0]


def _regions(ask: LedgerAsk, docs: dict[str, dict]) -> list[str]:
    out = []
    for region in ask.regions:
        if region == ALL:
            out += sorted({d["region"] for d in docs.values() if d.get("doc_type") == PROVINCIAL_GWR and d.get("region")})
        elif region == DISTRICT:
            out += [d["region"] for d in docs.values() if d.get("doc_type") == "district_party_secretary_speech"][:1]
        else:
            out.append(region)
    return list(dict.fromkeys(out))


def _outcome(d: _Draft, ask: LedgerAsk, measure: str, region: str) -> dict[str, Any] | None:
    year, label = ask.year_from, MEASURES[measure].label
    target = _best(d.index, d.docs, measure, region, year, TARGET)
    actual = _best(d.index, d.docs, measure, region, year, ACTUAL)
    place = "" if region == NATIONAL else _region_name(region)
    nxt = _report_of(d.docs, region, year + 1)
    if target is None or (actual is None and nxt is not None):
        return None  # the ledger may have missed it: the ordinary answer reads the documents
    if actual is None:
        t = d.cite(target)
        d.lines += [REFUSAL, f"（{year}年{place}{label}的实际数值应见于{year + 1}年的政府工作报告，而那一份不在语料中；"
                             f"{year}年定的目标是{written(target)}[{t}]。）"]
        return {"refused": True}
    v = verdict(target, actual)
    t, a = d.cite(target), d.cite(actual, v.label if v else "")
    head = f"{year}年{place}{label}目标为{written(target)}[{t}]，实际为{written(actual)}[{a}]"
    d.lines.append(f"{head}，{v.label}（{v.relation}）[{t}][{a}]。" if v else f"{head}。")
    d.lines += [f"目标见《{d.title(target)}》：“{target.span}”[{t}]", f"实际见《{d.title(actual)}》：“{actual.span}”[{a}]"]
    if v and v.difference:
        d.lines.append(f"计算：实际比目标{'高' if '高' in v.relation else '低'}{v.difference}。")
    return {"refused": False}


def _value(d: _Draft, ask: LedgerAsk, measure: str, region: str) -> dict[str, Any] | None:
    """One year's target or outcome (or both), each cited; a refusal when the report that
    would state it is a gap in its series; None when the ledger lacks it otherwise."""
    year, label = ask.year_from, MEASURES[measure].label
    place = "" if region == NATIONAL else _region_name(region)
    found = {k: _best(d.index, d.docs, measure, region, year, k) for k in ask.kinds}
    missing = [k for k, s in found.items() if s is None]
    homes = {k: year if k == TARGET else year + 1 for k in missing}
    if missing and ask.followup and all(_report_of(d.docs, region, home) is None and _series_spans(d.docs, region, home)
                                        for home in homes.values()):
        k = missing[0]
        d.lines += [REFUSAL, f"（{year}年{place}{label}的{KIND_WORDS[k]}数值应见于{homes[k]}年的政府工作报告，"
                             "而那一份不在语料中。）"]
        return {"refused": True}
    if missing:
        return None  # the ordinary answer reads the documents
    for kind, s in found.items():
        n = d.cite(s, clause=True)
        d.lines.append(f"{year}年{place}{label}{KIND_WORDS[kind]}为{written(s)}[{n}]：“{d.citations[n - 1]['quote']}”"
                       f"（《{d.title(s)}》）")
    return {"refused": False}


def _dropped(d: _Draft, ask: LedgerAsk, measure: str, region: str) -> dict[str, Any] | None:
    """A question asserting a target was dropped, when the report does set it: the premise is
    corrected with the target cited (and the question, as asked, refused); else None."""
    year, label = ask.year_from, MEASURES[measure].label
    target = _best(d.index, d.docs, measure, region, year, TARGET)
    if target is None:
        return None
    n = d.cite(target)
    place = "" if region == NATIONAL else _region_name(region)
    d.lines += [REFUSAL, f"（问题的前提与资料不符：{year}年{place}的报告仍然提出了{label}目标{written(target)}[{n}]，"
                         f"并没有取消：“{target.span}”（《{d.title(target)}》）。）"]
    return {"refused": True}


def _premise(d: _Draft, ask: LedgerAsk, measure: str, region: str) -> dict[str, Any] | None:
    """A value the question asserts that the report does not state for that indicator and year:
    corrected first, with the value it does state cited. None when it matches (the ordinary
    answer explains it) or the ledger has no value to compare with."""
    [claim] = quantities(ask.asserted)
    year, label, place = ask.year_from, MEASURES[measure].label, "" if region == NATIONAL else _region_name(region)
    found = [(k, s) for k in ask.kinds if (s := _best(d.index, d.docs, measure, region, year, k))]
    if not found or MEASURES[measure].family != claim.family:
        return None
    if any(abs(s.base - float(claim.base())) < 1e-9 or (s.base_high and s.base <= float(claim.base()) <= s.base_high)
           for _, s in found):
        return None
    kind, s = found[0]
    n = d.cite(s)
    d.lines += [f"问题中的“{ask.asserted}”与资料不符：{year}年{place}{label}{KIND_WORDS[kind]}为{written(s)}[{n}]。",
                f"见《{d.title(s)}》：“{s.span}”[{n}]"]
    return {"refused": False}


def _timeline(d: _Draft, ask: LedgerAsk, measure: str, region: str) -> dict[str, Any] | None:
    label, place = MEASURES[measure].label, "" if region == NATIONAL else _region_name(region)
    rows = d.index.statements(indicator=measure, region=region, year_from=ask.year_from, year_to=ask.year_to)
    years = sorted({s.year for s in rows if s.kind in ask.kinds})
    if not years:
        return None
    first, last = ask.year_from or years[0], ask.year_to or years[-1]
    kinds = "和".join(KIND_WORDS[k] for k in ask.kinds)
    d.lines.append(f"{place}{first}年至{last}年{label}（{kinds}）：")
    missing = []
    # 历年 with no range: the years the ledger holds; a range: every year in it, gaps said.
    for year in (range(first, last + 1) if ask.year_from else years):
        found = {k: _best(d.index, d.docs, measure, region, year, k) for k in ask.kinds}
        if not any(found.values()):
            missing.append(year)
            continue
        v = verdict(found[TARGET], found[ACTUAL]) if all(found.get(k) for k in (TARGET, ACTUAL)) else None
        parts = [f"{KIND_WORDS[k] if len(ask.kinds) > 1 else ''}{written(s)}[{d.cite(s, v.label if v and k == ACTUAL else '')}]"
                 for k, s in found.items() if s]
        d.lines.append(f"{year}年：{'，'.join(parts)}{'，' + v.label if v else ''}")
    absent = [y for y in missing if _report_of(d.docs, region, y if ask.kinds[0] == TARGET else y + 1) is None]
    if absent:
        d.lines.append(f"（{'、'.join(map(str, absent))}年的相应报告不在语料中。）")
    if found := [y for y in missing if y not in absent]:
        d.lines.append(f"（{'、'.join(map(str, found))}年的报告中没有找到相应的具体数值。）")
    return {"refused": False}


def _cross(d: _Draft, ask: LedgerAsk, measure: str, regions: list[str]) -> dict[str, Any] | None:
    label, kind = MEASURES[measure].label, ask.kinds[-1] if ask.kinds == (ACTUAL,) else TARGET
    years = [s.year for s in d.index.statements(indicator=measure, region=tuple(regions), kind=kind)
             if ask.year_from is None or s.year == ask.year_from]
    if not years:
        return None
    year = ask.year_from or max(years)
    found = [(r, _best(d.index, d.docs, measure, r, year, kind)) for r in regions]
    have = [(r, s) for r, s in found if s]
    if not have or (ALL not in ask.regions and len(have) < len(found)):
        return None  # a named region the ledger lacks: the ordinary answer reads its report
    have.sort(key=lambda rs: -rs[1].base if ask.order != "low" else rs[1].base)
    d.lines.append(f"{year}年各地{label}{KIND_WORDS[kind]}：")
    marks = {r: d.cite(s) for r, s in have}
    d.lines += [f"{_region_name(r)}：{written(s)}[{marks[r]}]" for r, s in have]
    if len(have) > 1 and ask.order:
        top_region, top = have[0]
        word = ("最宽松" if MEASURES[measure].direction == CEILING else "最高") if ask.order == "high" else "最低"
        ties = [_region_name(r) for r, s in have if s.base == top.base]
        d.lines.append(f"{'、'.join(ties)}{word}：{written(top)}[{marks[top_region]}]。")
    if len(have) == 2 and have[0][1].unit == have[1][1].unit == "%":
        (r1, s1), (r2, s2) = have
        diff = round(abs(s1.value - s2.value), 4)
        d.lines.append(f"计算：{_region_name(r1)}比{_region_name(r2)}{'高' if diff else '持平'}"
                       f"{f'{diff:g}个百分点' if diff else ''}。")
    absent = [_region_name(r) for r, s in found if s is None]
    if absent:
        d.lines.append(f"（{'、'.join(absent)}的报告中没有找到{label}的具体数值。）")
    return {"refused": False}


def ledger_answer(ask: LedgerAsk, index) -> dict[str, Any] | None:
    """The ``Answer`` fields for a ledger question, or None when the ledger holds nothing for it."""
    docs = {d["doc_id"]: d for d in index.documents()}
    regions = _regions(ask, docs)
    if not regions:
        return None
    d, results, labels = _Draft(docs, index), [], []
    for group in ask.groups:
        measure = _measure(ask, group, index, regions)
        if ask.mode == OUTCOME:
            result = _outcome(d, ask, measure, regions[0])
        elif ask.mode == TIMELINE:
            result = _timeline(d, ask, measure, regions[0])
        elif ask.mode == PREMISE:
            result = _premise(d, ask, measure, regions[0])
        elif ask.mode == DROPPED:
            result = _dropped(d, ask, measure, regions[0])
        elif ask.mode == VALUE:
            result = _value(d, ask, measure, regions[0]) if len(regions) == 1 else None
        else:
            result = _cross(d, ask, measure, regions)
        if result is not None:
            results.append(result)
            labels.append(MEASURES[measure].label)
    if not results:
        return None
    return {"answer": "\n".join(d.lines), "refused": all(r["refused"] for r in results), "citations": d.citations,
            "table": {"kind": ask.mode, "title": "、".join(labels), "rows": d.rows}}


__all__ = ["ledger_answer"]
