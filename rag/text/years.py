"""Years: how they are written, relative-year words, CPC congress years.

``year_mentions`` reads single years from a normalized question (digits, ``25年``
before an economic word, 今年/去年…); ``RANGE_RE`` reads ``2019-2023年``. The
relative-year words come in two registers: ``SPOKEN_RELATIVE_YEARS`` are what users
say (and what questions are parsed for); ``RELATIVE_YEARS`` adds the reports' own
本年/上年/过去一年, which in a question usually mean the named report's year, not
the corpus's.
"""
from __future__ import annotations

import re

from rag.text.numerals import YEAR_DIGITS, year_digits_to_arabic

YEAR_PAT = r"(?:1[89]\d\d|20\d\d)"
# A year written with digits of any width or Chinese digits ("2025年", "二〇二五年", "25年").
YEAR_WORD = rf"[0-9０-９{YEAR_DIGITS}]{{2,4}}年"
# Only a four-digit year: two digits + 年 ("25年") can be part of a title's words.
FULL_YEAR_WORD = rf"[0-9０-９{YEAR_DIGITS}]{{4}}年"
RANGE_RE = re.compile(rf"(?<![\d.])({YEAR_PAT})\s*年?\s*(?:-|–|—|~|至|到)\s*({YEAR_PAT})\s*年")
_YEAR = re.compile(rf"(?<![\d.])({YEAR_PAT})(?:\s*年度?|(?=\s*(?:和|与|及|、|跟|以及|,)\s*{YEAR_PAT}\s*年"
                   r"|\s*(?:政府工作报告|两会|新年贺词)|\s*[?？]?\s*$))")
_SHORT_YEAR = re.compile(r"(?<![\d.])(\d{2})年(?=的?(?:政府工作报告|两会|gdp|国内生产总值|经济|增长|预期|目标))", re.I)
# How people say a year in two digits (85年, 七九年, 六二年): not a span of years (改革开放40年来,
# 过去20年), nor an approximate count (三五年, 七八年: two neighbouring digits).
_SPOKEN_SHORT_YEAR = re.compile(
    r"(?<![\d.〇零一二三四五六七八九十百千万两几多第])([\d〇零一二三四五六七八九]{2})年"
    r"(?!来|以来|间|内|里|多|之久|之内|后|前|的时间|左右|时间|的历程|历程|征程|奋斗|义务|免费|制|期|一遇|一次|代)")
_DURATION_LEAD = re.compile(r"(?:过去|未来|近|这|成立|开放|建党|建国|建军|了|每|约|用|花|历经|经过|整整|"
                            r"至少|超过|不到|前后|连续|持续|长达|将近)$")
_AMBIGUOUS_PAIRS = {"一二", "二三", "三四", "四五", "五六", "六七", "七八", "八九", "三五"}

SPOKEN_RELATIVE_YEARS = {"今年": 0, "去年": -1, "前年": -2, "明年": 1, "后年": 2}
RELATIVE_YEARS = SPOKEN_RELATIVE_YEARS | {"本年": 0, "上年": -1, "过去一年": -1}
_SPOKEN_RE = re.compile("|".join(SPOKEN_RELATIVE_YEARS))
# Every way a question says a year relative to another (for removal from overlap measures).
RELATIVE_YEAR_WORDS = r"今年|去年|前年|明年|后年|本年|上年|(?:上|前|头|后|下|这|那|当)一?年"

# Congress number -> year it was held (1st 1921 … 20th 2022).
CONGRESS_YEARS: dict[int, int] = {
    1: 1921, 2: 1922, 3: 1923, 4: 1925, 5: 1927, 6: 1928, 7: 1945, 8: 1956, 9: 1969,
    10: 1973, 11: 1977, 12: 1982, 13: 1987, 14: 1992, 15: 1997, 16: 2002, 17: 2007,
    18: 2012, 19: 2017, 20: 2022,
}


def year_mentions(norm: str, anchor: int) -> list[tuple[int, int, int]]:
    """Single years named in normalized text as (year, start, end); relative years use ``anchor``."""
    found = [(int(m.group(1)), m.start(), m.end()) for m in _YEAR.finditer(norm)]
    found += [m for m in _short_years(norm) if not any(m[1] < e and s < m[2] for _, s, e in found)]
    found += [(anchor + SPOKEN_RELATIVE_YEARS[m.group()], m.start(), m.end()) for m in _SPOKEN_RE.finditer(norm)]
    ranged = [m.span() for m in RANGE_RE.finditer(norm)]
    return sorted(y for y in found if not any(a <= y[1] < b for a, b in ranged))


def _short_years(norm: str) -> list[tuple[int, int, int]]:
    """Two-digit years (85年, 七九年) as (year, start, end): 30 and below are 20xx."""
    found = [(int(m.group(1)), m.start(), m.end()) for m in _SHORT_YEAR.finditer(norm)]
    for m in _SPOKEN_SHORT_YEAR.finditer(norm):
        digits = m.group(1)
        if digits in _AMBIGUOUS_PAIRS or _DURATION_LEAD.search(norm[:m.start()]) or \
                any(s == m.start() for _, s, _ in found):
            continue
        if not digits.isdigit():
            digits = year_digits_to_arabic(digits)
        found.append((int(digits), m.start(), m.end()))
    return [(2000 + yy if yy <= 30 else 1900 + yy, s, e) for yy, s, e in found]


def full_years(text: str) -> str:
    """``text`` with its two-digit years written out (85年 → 1985年, 七九年 → 1979年), so that
    every later reader, the keyword search included, sees one form."""
    for year, start, end in sorted(_short_years(text), reverse=True):
        text = f"{text[:start]}{year}年{text[end:]}"
    return text


def relative_offsets(text: str) -> set[int]:
    """Offsets from the document's own year of the relative-year words ``text`` uses (去年 → -1)."""
    return {offset for word, offset in RELATIVE_YEARS.items() if word in text}
