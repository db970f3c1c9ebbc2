"""Reading a question as a ledger lookup: ``ledger_ask(question) -> LedgerAsk | None``.

A ledger question names one indicator (in users' words: 物价, 找工作的新岗位, 涨工资)
and asks for an outcome ("2019年定的就业目标完成了吗"), a timeline ("2015到2019年
GDP目标是怎么变的") or a comparison across regions ("江苏、浙江、广东谁定得最高").
Anything else is None and goes the ordinary way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rag.ledger import ACTUAL, TARGET
from rag.text.doctypes import CONGRESS_RE
from rag.text.ledger_words import (ACTUAL_WORDS, ASSERTS_RE, DROPPED, DROPPED_RE, PREMISE, ALL_PROVINCES_RE, CROSS, DISTRICT_RE, HIGHEST_RE, LOWEST_RE,
                                   NATIONAL_RE, NOT_A_LOOKUP_RE, OUTCOME, OUTCOME_RE, REGION_GROUP_RE, REGION_GROUPS, SINCE_RE,
                                   TARGET_WORDS, TIMELINE, TIMELINE_RE, VALUE, VALUE_RE, YEAR_RANGE_RE, YEAR_RE,
                                   asked_measure_groups)
from rag.text.places import NATIONAL, find_other_places, find_provinces
from rag.text.quantities import quantities
from rag.text.questions import normalize_question
from rag.text.vocabulary import in_documents_terms

RELATIVE_RE = re.compile(r"去年|上年|前年|上一年|头一年|明年|今年")
# Several values of one indicator ("中央和地方各自多少", "区里和高新区分别是多少"): the ledger
# holds totals, so a single-value lookup would answer another question.
_PARTS_RE = re.compile(r"各自|分别|各是|各有|各为")
# 达到1300亿斤没有: the question states the target itself.
_ASSERTED_VALUE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|万亿|亿|万)")
DISTRICT = "district"  # the district speech's region, resolved against the catalog
ALL = "all"  # every province


@dataclass(frozen=True)
class LedgerAsk:
    """What a ledger question asks: the mode, the indicators (each a tuple of alternative
    measures, likeliest first), the regions, the years (``year_to`` None: up to the
    latest), the kinds, the order."""

    mode: str
    groups: tuple[tuple[str, ...], ...]
    regions: tuple[str, ...]
    year_from: int | None = None
    year_to: int | None = None
    kinds: tuple[str, ...] = (TARGET,)
    order: str = ""  # "high", "low" or ""
    asserted: str = ""  # a value the question states (PREMISE), as written there
    followup: bool = False  # asked as a follow-up turn


def _regions(norm: str) -> tuple[str, ...]:
    found = [short for short, _, _ in find_provinces(norm)]
    for group in REGION_GROUP_RE.findall(norm):
        found += REGION_GROUPS[group]
    if ALL_PROVINCES_RE.search(norm) and len(found) < 2:
        found.append(ALL)
    if DISTRICT_RE.search(norm):
        found.append(DISTRICT)
    if NATIONAL_RE.search(norm) or not found:
        found.append(NATIONAL)
    return tuple(dict.fromkeys(found))


def _years(norm: str) -> tuple[int | None, int | None, bool]:
    """(first, last, ranged): a range 2015到2019 / 2003年以来, else the years named."""
    if found := YEAR_RANGE_RE.search(norm):
        a, b = sorted((int(found.group(1)), int(found.group(2))))
        return a, b, True
    if found := SINCE_RE.search(norm):
        return int(found.group(1)), None, True
    years = [int(y) for y in YEAR_RE.findall(norm)]
    if len(years) >= 3:  # 1997、1998、1999这三年
        return min(years), max(years), True
    return (min(years), max(years), False) if years else (None, None, False)


def _kinds(norm: str, mode: str) -> tuple[str, ...]:
    if mode == OUTCOME:
        return (TARGET, ACTUAL)
    target, actual = bool(TARGET_WORDS.search(norm)), bool(ACTUAL_WORDS.search(norm))
    if mode == VALUE and not target and not actual:
        return (ACTUAL,) if re.search(r"了多少|一共|全年|总共", norm) else (TARGET,)
    return (TARGET, ACTUAL) if target and actual else (ACTUAL,) if actual else (TARGET,)


def _asserted(question: str) -> str:
    """The one value with a unit the question states (3%, 1%左右), as written; '' if none or several."""
    found = [q for q in quantities(question) if q.family in ("%", "人", "元", "粮")]
    return question[found[0].start:found[0].end] if len(found) == 1 else ""


def ledger_ask(question: str, *, followup: bool = False) -> LedgerAsk | None:
    """The ledger lookup ``question`` asks for, or None when it is not a ledger question.

    A single value (one indicator, year and region) is looked up only for a ``followup``
    turn: the rules that condensed it changed just its year, region or indicator, and the
    ordinary answer is the weaker reader of such rewritten questions."""
    norm = normalize_question(question)
    groups = tuple(asked_measure_groups(norm))[:3]
    # A party congress report sets no yearly targets: "十八大定的到2020年的目标" is not the 2020 report's.
    if not groups or CONGRESS_RE.search(norm):
        return None
    regions = _regions(norm)
    first, last, ranged = _years(norm)
    if DROPPED_RE.search(norm) and first is not None and len(regions) == 1 and ALL not in regions:
        return LedgerAsk(DROPPED, groups, regions, first, first, (TARGET,))  # a premise the ledger can check
    if (asserted := _asserted(question)) and ASSERTS_RE.search(norm) and first is not None and first == last \
            and len(regions) == 1 and ALL not in regions:
        # The indicator the value is asserted for, read in the reports' words (窟窿 → 赤字率): the first named.
        named = asked_measure_groups(in_documents_terms(norm)) or list(groups)
        kinds = _kinds(norm, VALUE) if (TARGET_WORDS.search(norm) or ACTUAL_WORDS.search(norm)) else (TARGET, ACTUAL)
        return LedgerAsk(PREMISE, (named[0],), regions, first, first, kinds, asserted=asserted)
    if NOT_A_LOOKUP_RE.search(norm):
        return None
    if len(regions) > 1 or ALL in regions:
        mode = CROSS
    elif ranged or (TIMELINE_RE.search(norm) and (first is None or first != last)):
        mode = TIMELINE
    elif OUTCOME_RE.search(norm) and first is not None and (TARGET_WORDS.search(norm) or "完成" in norm or "达标" in norm
                                                            or _ASSERTED_VALUE.search(norm)):
        mode = OUTCOME
        last = first
    elif followup and first is not None and first == last and VALUE_RE.search(norm) \
            and not RELATIVE_RE.search(norm) and not find_other_places(norm) and not _PARTS_RE.search(norm):
        mode = VALUE
    else:
        return None
    order = "high" if HIGHEST_RE.search(norm) else "low" if LOWEST_RE.search(norm) else ""
    return LedgerAsk(mode, groups, regions, first, last, _kinds(norm, mode), order, followup=followup)


__all__ = ["ALL", "DISTRICT", "LedgerAsk", "ledger_ask"]
