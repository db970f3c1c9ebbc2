"""Premiers and their reports: which national report "李克强第一次作报告" means.

Users date national reports by who delivered them ("温家宝第一次作报告时",
"李强当总理后第一份报告", "李克强第一个任期那五年"). The table is history, not
the corpus: a report the corpus lacks is then named as missing instead of
silently replaced by another year's.

``first``/``last`` are the years of a premier's first and last government work
report (delivered in March); ``reviews`` are the reports that look back on each
five-year term (the last report of the term).
"""
from __future__ import annotations

import re
from typing import NamedTuple

from rag.text.years import YEAR_PAT


class Premier(NamedTuple):
    first: int
    last: int
    reviews: tuple[int, ...]


PREMIERS: dict[str, Premier] = {
    "周恩来": Premier(1954, 1975, ()),
    "华国锋": Premier(1978, 1979, ()),
    "赵紫阳": Premier(1981, 1987, (1983, 1987)),
    "李鹏": Premier(1988, 1998, (1993, 1998)),
    "朱镕基": Premier(1999, 2003, (2003,)),
    "温家宝": Premier(2004, 2013, (2008, 2013)),
    "李克强": Premier(2014, 2023, (2018, 2023)),
    "李强": Premier(2024, 2025, ()),
}
_NAME = "|".join(sorted(PREMIERS, key=len, reverse=True))
_FIRST_WORDS = ("第一次", "首次", "头一回", "头一次", "第一份", "头一份", "刚上台", "刚上任", "上任后的第一", "上任后第一",
                "上任第一", "当总理后的第一份", "当总理后第一份", "当总理后的第一", "当总理后第一", "当总理的第一")
_LAST_WORDS = ("最后一次", "最后一份", "最后那份", "卸任前")
_EARLIER_TERM = ("第一个任期", "第一届", "头五年", "前五年")
_LATER_TERM = ("第二个任期", "第二届", "最后五年", "后五年")
_BOTH_TERMS = ("两届", "两个任期")
# A premier's years without saying which term ("朱镕基那五年", "李鹏那届政府"): every term's review.
_WHOLE_TERMS = ("那五年", "这五年", "那几年", "那届政府", "那届", "任内")
_GAP = "[^，。？]{0,8}?"
_FIRST = re.compile(rf"({_NAME}){_GAP}(?:{'|'.join(_FIRST_WORDS)})")
_LAST = re.compile(rf"({_NAME}){_GAP}(?:{'|'.join(_LAST_WORDS)})")
_TERM = re.compile(rf"({_NAME}){_GAP}({'|'.join((*_EARLIER_TERM, *_LATER_TERM, *_BOTH_TERMS))})")
_NAMED_YEAR = re.compile(rf"(?<![\d.]){YEAR_PAT}年")
_WHOLE = re.compile(rf"({_NAME}){_GAP}(?:{'|'.join(_WHOLE_TERMS)})")
# The words that date a report by its premier: they name the report, not what it says.
DATING_RE = re.compile("|".join(sorted((*PREMIERS, *_FIRST_WORDS, *_LAST_WORDS, *_EARLIER_TERM, *_LATER_TERM,
                                        *_BOTH_TERMS, "当总理", "任期", "作报告", "那届政府", "上一届政府"),
                                       key=len, reverse=True)))

# A premier with the words that date his report or term, as one phrase ("李鹏第二个任期那五年",
# "李强第一次作报告时", "朱镕基那届政府"), or his name alone.
_DATING_WORDS = "|".join(sorted((*_FIRST_WORDS, *_LAST_WORDS, *_EARLIER_TERM, *_LATER_TERM, *_BOTH_TERMS, *_WHOLE_TERMS,
                                 "任期", "作报告", "报告"), key=len, reverse=True))
PREMIER_PHRASE_RE = re.compile(rf"(?:{_NAME})(?:当总理)?(?:后)?(?:的)?(?:{_GAP}(?:{_DATING_WORDS}))+"
                               rf"(?:那五年|这五年|那几年|作报告|的报告|报告|里|内|期间|时)?|(?:{_NAME})")


def premier_report_years(norm: str) -> tuple[int, ...]:
    """The national report years a question dates by premier ("李鹏第一个任期" → 1993), or ()."""
    # A term first: "第一个任期的最后一次报告" is that term's review, not the last report.
    if (found := _TERM.search(norm)) and (reviews := PREMIERS[found.group(1)].reviews):
        word = found.group(2)
        if word in _BOTH_TERMS:
            return reviews
        return (reviews[-1],) if word in _LATER_TERM else (reviews[0],)
    if found := _FIRST.search(norm):
        return (PREMIERS[found.group(1)].first,)
    if found := _LAST.search(norm):
        return (PREMIERS[found.group(1)].last,)
    # "李克强那届政府刚上台时" is his first report (above); "朱镕基那五年" every term's review,
    # unless the question names its year itself.
    if (found := _WHOLE.search(norm)) and not _NAMED_YEAR.search(norm) and not _PLAN.search(norm):
        return PREMIERS[found.group(1)].reviews
    return ()


def review_phrase(year: int) -> str | None:
    """How a user names the term the ``year`` report looks back on ("朱镕基那五年",
    "李鹏第一个任期那五年"), or None when no report of a premier's term has that year."""
    for name, premier in PREMIERS.items():
        if year in premier.reviews:
            if len(premier.reviews) == 1:
                return f"{name}那五年"
            return f"{name}{_EARLIER_TERM[0] if year == premier.reviews[0] else _LATER_TERM[0]}那五年"
    return None


def neighbour_review(year: int, step: int) -> int | None:
    """The term review ``step`` terms before (-1) or after (+1) the ``year`` report, or None."""
    reviews = sorted(y for p in PREMIERS.values() for y in p.reviews)
    if year not in reviews or not 0 <= reviews.index(year) + step < len(reviews):
        return None
    return reviews[reviews.index(year) + step]


# Five-year plans: 一五 (1953–1957) … 十五五 (2026–2030); 十五 only before a period word (not 十五大).
_PLANS = {"一五": 1953, "二五": 1958, "三五": 1966, "四五": 1971, "五五": 1976, "六五": 1981, "七五": 1986,
          "八五": 1991, "九五": 1996, "十五": 2001, "十一五": 2006, "十二五": 2011, "十三五": 2016, "十四五": 2021,
          "十五五": 2026}
# The national reports that laid a plan before the NPC (the report years of the corpus's plan reports).
_PLAN_REPORTS = {"一五": 1955, "六五": 1982, "七五": 1986}
_PERIOD = r"(?=期间|时期|规划|计划|以来|那五年|这五年|的五年|五年|里|末|那会|那几年)"
_PLAN = re.compile(rf"[“\"]?(十[一二三四五]五|(?<!十)[一二三四五六七八九]五|十五)[”\"]?{_PERIOD}"
                   r"|(?:第|头)(十[一二三四五]|[一二三四五六七八九十])个五年(?:计划|规划)")
# The period itself right after the plan's name ("十一五期间", "“十三五”五年里"), or its record asked.
_PLAN_RESULT = re.compile(r"[”\"]?(?:期间|时期|以来|那五年|这五年|的五年|五年|里|末|那会|那几年)")
_PLAN_OUTCOME = re.compile(r"完成|实现|做到|取得|实际|下来|结果|达到了|成绩|成就")
# What the plan set out to do: its own report, not the review after it.
_PLAN_INTENT = re.compile(r"打算|准备|要求|目标|规定|预计|设想|安排|定了|定的|提出|要把|要使|要达到|力争|争取")


def plan_report_years(norm: str) -> tuple[int, ...]:
    """The national report a five-year plan question means: for what the plan set out to do
    or holds ("六五计划打算到85年…"), the report that laid it before the NPC, where the
    corpus's era had one (一五, 六五, 七五); for the period's record, the report of the year
    after it ends ("“十一五”五年里…" → 2011). () otherwise: later plans' targets ("十四五规划的目标")
    are restated in many documents, none of them the one source."""
    found = _PLAN.search(norm)
    if not found:
        return ()
    plan = found.group(1) or found.group(2) + "五"
    rest = norm[found.end():]
    intent, outcome = _PLAN_INTENT.search(norm[:found.start()] + " " + rest), _PLAN_OUTCOME.search(rest)
    if plan in _PLAN_REPORTS and (intent or not outcome):
        return (_PLAN_REPORTS[plan],)
    if not outcome and (intent or not _PLAN_RESULT.match(rest)):
        return ()
    return (_PLANS[plan] + 5,)


__all__ = ["DATING_RE", "PREMIERS", "PREMIER_PHRASE_RE", "Premier", "neighbour_review", "plan_report_years",
           "premier_report_years", "review_phrase"]
