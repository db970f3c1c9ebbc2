"""Which value belongs to which indicator, inside one sentence of a report.

``subject_values(view, start, end)`` pairs each indicator named in ``view[start:end]``
with the values that follow it: the first right after it (国内生产总值增长5%左右), any
chained on ("达到134.9万亿元、增长5%", "，比上年增长7.4%"), and lists shared through
分别 ("城镇调查失业率、居民消费价格涨幅分别控制在5%和3%以内"). ``view`` is the
same-length matching view of a paragraph (``rag.text.quantities.aligned``).
"""
from __future__ import annotations

import re
from dataclasses import replace

from rag.text.indicators import (BARE_NAME_AFTER, BARE_NAMES, BOTH_INCOME_MEASURES, BOTH_INCOMES, NOT_THE_SUBJECT_AFTER,
                                 NOT_THE_SUBJECT_BEFORE, SUBJECTS)
from rag.text.quantities import Quantity, quantities

_NAMES = {name: subject for subject in SUBJECTS for name in subject.names} | {n: None for n in BOTH_INCOMES}
SUBJECT_RE = re.compile("|".join(sorted(map(re.escape, _NAMES), key=len, reverse=True)), re.I)
# Between a subject and its value: verbs and qualifiers only, no clause break, no other number.
_GAP_MAX = 14
_BAD_GAP = re.compile(r"[，,。；;：:（(\d]|贡献|连续|年均|平均每年|累计|翻|比重|比例|其中|人均|增加|减少|增量|以来|资金|等|"
                      r"迈上|跨上|台阶|提高了?\d|下降了?\d")
_BASE_YEAR = re.compile(r"[比较]\s*(?:19|20)\d\d年")  # 能耗较2020年下降11.7%: since a base year
_DATE_IN_GAP = re.compile(r"(?:19|20)\d\d年|[〇○零一二三四五六七八九]{4}年")  # 国内生产总值2000年达89404亿元
# A further value of the same subject.
_CHAIN = re.compile(r"(?:大关|新台阶)?[、，,]?(?:按可比价格计算[，,]?)?(?:比上年|同比|按可比价格计算)?(?:实际)?"
                    r"(?:增长|增速|上涨|涨幅|下降|降低|总量达到|总量|达到|突破|超过|超|为)?(?:为|了)?")
_RAISED_TO = re.compile(r"(?:预计)?(?:提高|降低|下降|调整|增加|减少|上调|下调|降|升)到的?")
# 粮食产量屡创历史新高，去年达到1.09万亿斤: one short aside, then the value with its verb.
_ASIDE = re.compile(r"[^，,。；;\d]{1,10}[，,](?:去年|今年|当年)?(?:总产量|产量|总产|总额|规模)?(?:达到|为|突破|超过|定为|确定为|定在)")
# 粮食总产量增加109亿公斤，达到4024亿公斤: the increase is not the value.
_INCREMENT = re.compile(r"(?:比上年)?又?(?:增加|增产|减产|多增)了?")
_THEN = re.compile(r"[，,]?(?:达到|为|总量达到|总计|共)")
_MULTI_YEAR = re.compile(r"年均|平均每年|年平均|累计|翻[一两]番")
_FELL = re.compile(r"(?:下降|降低|减少)(?!到)$")
_ROSE = re.compile(r"(?:上升|增长|提高)(?!到)$")
# 能耗由前三年分别上升4.9％、5.5％，转为下降1.2%: the earlier years listed, then this year's value.
_TURNED = re.compile(r"[，,]?(?:转为|转而)(?:下降|降低|增长|上升)?")
_JOINED = re.compile(r"[、和与及]|涨幅[、和与]")  # subjects listed before one 分别
_LIST_GAP = re.compile(r"[、和与及]")
_NOT_NEGATED = ("energy_intensity",)  # 能耗降低3% is the indicator itself


def subjects_in(view: str, start: int = 0, end: int | None = None) -> list[re.Match]:
    """The indicator names in ``view[start:end]`` that name a ledger subject."""
    found = []
    for m in SUBJECT_RE.finditer(view, start, len(view) if end is None else end):
        before, after = view[max(0, m.start() - 4):m.start()], view[m.end():m.end() + 2]
        if any(before.endswith(w) for w in NOT_THE_SUBJECT_BEFORE) or any(after.startswith(w) for w in NOT_THE_SUBJECT_AFTER):
            continue
        if m.group() in BARE_NAMES and before and _is_letter(before[-1]) and not any(before.endswith(w) for w in BARE_NAME_AFTER):
            continue  # 海洋生产总值, 深圳生产总值: another quantity or another place
        found.append(m)
    return found


def _is_letter(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def subject_values(view: str, start: int, end: int) -> list[tuple[str, Quantity, int]]:
    """(measure id, quantity, subject start) for every value an indicator takes in the sentence."""
    subjects = subjects_in(view, start, end)
    if not subjects:
        return []
    values = [replace(q, start=q.start + start, end=q.end + start) for q in quantities(view[start:end], folded=True)]
    pairs, i = _runs(view, subjects, values), 0
    in_runs = {start for _, _, start in pairs}
    subjects = [m for m in subjects if m.start() not in in_runs and not _follows_run(m, pairs)]
    while i < len(subjects):
        group = [subjects[i]]
        while i + 1 < len(subjects) and _JOINED.fullmatch(view[group[-1].end():subjects[i + 1].start()]):
            i += 1
            group.append(subjects[i])
        stop = subjects[i + 1].start() if i + 1 < len(subjects) else end
        mine = [q for q in values if group[-1].end() <= q.start < stop]
        pairs += _group_values(view, group, mine)
        i += 1
    return pairs


_RUN_GAP = re.compile(r"(?:达到)?[^，,。；;\d]{0,2}$")
_RUN_TAIL = re.compile(r"[，,](?:扣除价格因素[，,])?(?:分别)?(?:比上年)?(?:实际)?增长$")


def _runs(view: str, subjects: list[re.Match], values: list[Quantity]) -> list[tuple[str, Quantity, int]]:
    """城镇居民人均可支配收入17175元，农村居民人均纯收入5153元，实际增长9.8%和8.5%: a run of
    subjects each with its level, then their growth rates listed in the same order."""
    out = []
    for i in range(len(subjects) - 1):
        a, b = subjects[i], subjects[i + 1]
        va = next((q for q in values if q.start >= a.end()), None)
        vb = next((q for q in values if q.start >= b.end()), None)
        if not (va and vb and va.end <= b.start() and va.family == "元" and vb.family == "元"):
            continue
        if not (_RUN_GAP.fullmatch(view[a.end():va.start]) and re.fullmatch(r"[，,、]", view[va.end:b.start()])):
            continue
        rates = [q for q in values if q.start > vb.end][:2]
        if len(rates) == 2 and _RUN_TAIL.search(view[vb.end:rates[0].start]) and \
                re.fullmatch(r"[和、]", view[rates[0].end:rates[1].start]):
            ids = [_one_measure(a), _one_measure(b)]
            tail = rates[1].qualifier
            out += [(m, q if q.qualifier or not tail else replace(q, qualifier=tail), a.start())
                    for m, q in zip(ids, rates) if m]
    return out


def _follows_run(subject: re.Match, run_pairs: list) -> bool:
    """The second subject of a run: its values were paired with the run."""
    return any(q.start > subject.start() and start < subject.start() for _, q, start in run_pairs)


def _group_values(view: str, group: list[re.Match], values: list[Quantity]) -> list[tuple[str, Quantity, int]]:
    last = group[-1]
    shared = [_one_measure(m) for m in group] if len(group) > 1 else list(BOTH_INCOME_MEASURES) \
        if last.group() in BOTH_INCOMES else []
    if shared and values:
        listed = _listed(view, group, shared, values)
        if listed or "分别" in view[last.end():values[0].start]:
            return listed
    if last.group() in BOTH_INCOMES:
        return []
    return _chained(view, last, values)


def _one_measure(subject: re.Match) -> str | None:
    info = _NAMES[subject.group()]
    return info.measures.get("%") if info else None


def _listed(view: str, group: list[re.Match], measures: list, values: list[Quantity]) -> list:
    """分别: the values in order, one per measure; a qualifier at the end applies to all."""
    taken, edge = [], group[-1].end()
    for measure, qty in zip(measures, values):
        gap = view[edge:qty.start]
        if (not taken and (len(gap) > _GAP_MAX or _BAD_GAP.search(gap))) or (taken and not _LIST_GAP.fullmatch(gap)):
            break
        taken.append((measure, qty))
        edge = qty.end
    if len(taken) < len(measures):
        return []
    tail = taken[-1][1].qualifier
    return [(m, q if q.qualifier or not tail else replace(q, qualifier=tail), group[0].start())
            for m, q in taken if m is not None and q.family == "%"]


def _chained(view: str, subject: re.Match, values: list[Quantity]) -> list[tuple[str, Quantity, int]]:
    """The first value right after the subject, then values chained on, one per unit family
    (a from-to pair, "从1997年的7.4万亿元增加到2002年的10.2万亿元", gives both)."""
    measures = dict(_NAMES[subject.group()].measures)
    out, edge, first, ranged, from_dated = [], subject.end(), True, False, False
    for qty in values:
        raw = view[edge:qty.start]
        gap = _DATE_IN_GAP.sub("", raw)
        if first:
            if _INCREMENT.fullmatch(gap):
                edge, first, ranged = qty.end, False, False  # skip the increase; the level may follow
                measures = dict(measures)
                continue
            if not (_ASIDE.fullmatch(gap) or (len(gap) <= _GAP_MAX and not _BAD_GAP.search(gap))) or \
                    _BASE_YEAR.search(raw) or _MULTI_YEAR.search(view[max(0, subject.start() - 8):qty.start]):
                break
            ranged = gap.startswith(("从", "由"))
            from_dated = bool(_DATE_IN_GAP.search(raw) or re.search("去年|上年|今年", raw))
        elif ranged and (_RAISED_TO.fullmatch(gap) or _TURNED.fullmatch(gap)):
            measures.setdefault(qty.family, out[-1][0] if out else None)
            if out and not from_dated:
                out.pop()  # 由1121亿元增加到2220亿元: an undated starting point is not a statement
        elif ranged and re.fullmatch(r"[、和]", gap):
            edge = qty.end  # one more of the earlier years "分别上升4.9％、5.5％": not a statement
            continue
        elif not (_CHAIN.fullmatch(gap) or (edge != subject.end() and _THEN.fullmatch(gap))):
            break
        first, edge = False, qty.end
        if re.match(r"[(（]含", view[qty.end:qty.end + 2]):
            continue  # 接近700亿元(含高新): the region plus another unit
        measure = measures.pop(qty.family, None)
        if measure is not None:
            # A fall is a negative change; for a reduction indicator (能耗降低) a rise is.
            if (_FELL if measure not in _NOT_NEGATED else _ROSE).search(gap):
                qty = replace(qty, value=-qty.value, high=None if qty.high is None else -qty.high)
            out.append((measure, qty, subject.start()))
    return out


__all__ = ["SUBJECT_RE", "subject_values", "subjects_in"]
