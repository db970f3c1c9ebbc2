"""The indicator ledger's extraction: statements of targets and outcomes, from paragraphs.

``extract_statements(doc)`` reads every paragraph of a government work report, NPC
resolution or the district speech and returns one ``Statement`` per value of a ledger
indicator (``rag.text.indicators.MEASURES``): which indicator, the year the value is
about, ``target`` or ``actual``, the value with its unit and qualifier, and the exact
span in its paragraph ``doc_id#n``. It is pure and fast (no model), so the catalog can
rebuild it from stored paragraphs whenever ``LEDGER_VERSION`` changes.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from decimal import Decimal

from rag.text.indicators import MEASURES
from rag.text.normalize import looks_traditional, to_simplified
from rag.text.numerals import year_digits_to_arabic
from rag.text.years import RELATIVE_YEARS
from rag.text.pairing import SUBJECT_RE, subject_values
from rag.text.quantities import Quantity, aligned
from rag.text.sentences import FULL_STOPS
from rag.types import Document, Paragraph, anchor

def _rules_digest() -> str:
    """A digest of the extraction rules' source: an index re-extracts its ledger (from its
    stored paragraphs, in seconds) whenever the rules change, so no stale row survives."""
    here = Path(__file__).parent
    files = [here / "ledger.py", *(here / "text" / f for f in ("pairing.py", "quantities.py", "numerals.py", "indicators.py"))]
    return hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()[:16]


LEDGER_VERSION = _rules_digest()
LEDGER_DOC_TYPES = ("national_government_work_report", "provincial_government_work_report",
                    "npc_resolution_on_government_work_report", "district_party_secretary_speech")
TARGET, ACTUAL = "target", "actual"
NATIONAL_ONLY = ("special_treasury",)

# A sentence about a five-year period: its figures are totals or averages, not one year's.
_PERIOD = re.compile(r"[五十]年来|这五年|过去五年|今后五年|未来五年|五年间|五年中|五年内|十[一二三四五六]五.?(?:时期|期间|规划|计划)"
                     r"|[六七八九十]五.?(?:时期|期间|计划)|规划期|规划纲要")
_TARGET_CUE = re.compile(r"预期目标|目标|力争|争取|控制在|拟|计划|安排|确保|预算|(?<![主重需只])要(?![求点素])|预计今年|今年预计")
_STATED_TARGET = re.compile(r"预期目标|目标|计划|力争|争取|提出|要把|要求|预定")  # a target even inside a review
_ACTUAL_CUE = re.compile(r"达到|实现了|完成了?|比上年|实际增长|突破|过去一年|一年来|去年|上年|全年|预计全年|初步统计|为")
_REVIEW_HEADING = re.compile(r"回顾|过去一年|过去五年|一年来|成就|基本情况|执行情况|取得|成效|成绩")
_PLAN_HEADING = re.compile(r"总体要求|预期目标|工作任务|主要任务|重点工作|重点任务|今年|安排|草案|计划|主要目标|工作建议|政策取向")
# A year the value is about: not a base year (比2010年) nor the start of a period (2012年以来).
_YEAR_RE = re.compile(r"(?<![比较自从与])(?:(?<![\d.])(1[89]\d\d|20\d\d)|([〇○零一二三四五六七八九]{4}))(?=年(?!以来|来))")
_RELATIVE = RELATIVE_YEARS | {"一年来": -1}
_RELATIVE_RE = re.compile("|".join(_RELATIVE))
_OTHER_UNIT = re.compile(r"\s*(?:高新区|开发区|经开区|新区|[^\s，,。]{1,3}(?:州|县)(?:GDP|地区生产总值))")
_PLAN_YEAR = re.compile(r"到(?:19|20)\d\d年")  # 到2020年全面建成…: a horizon, not the date of what follows
_COMPARED = re.compile(r"[比较同](?:上年|去年)|同比|从[^，；。]*?(?:提高|降低|下降|调整|增加|减少|上调|下调)到")  # "比上年增加" compares; it does not date the value


@dataclass(frozen=True)
class Statement:
    """One value of one indicator in one paragraph: a target set or an outcome reported."""

    doc_id: str
    n: int
    indicator: str
    region: str
    year: int
    kind: str  # TARGET | ACTUAL
    value: float
    value_high: float | None
    unit: str  # as written: %, 万人, 万亿元, 亿斤 …
    qualifier: str  # 左右 以上 以内 以下 近 超过 多 range, or ""
    span: str  # exact substring of the paragraph text
    base: float  # value in base units (元, 人, 斤, %), for comparing 1.4万亿斤 with 14000亿斤
    base_high: float | None = None

    @property
    def anchor(self) -> str:
        return anchor(self.doc_id, self.n)

    @property
    def label(self) -> str:
        return MEASURES[self.indicator].label

    def to_dict(self) -> dict:
        return asdict(self) | {"anchor": self.anchor, "label": self.label}


def extract_statements(doc: Document) -> list[Statement]:
    """Every ledger statement in ``doc`` (none for document types outside ``LEDGER_DOC_TYPES``)."""
    if doc.doc_type not in LEDGER_DOC_TYPES or not doc.year:
        return []
    region, out, review = doc.region or "全国", [], None
    traditional = looks_traditional("".join(p.text for p in doc.paragraphs))
    for para in doc.paragraphs:
        view = _view(para.text, traditional)
        # A paragraph whose headings don't say is in the part the last one that did began.
        review = _in_review(para, view, int(doc.year), review)
        out += paragraph_statements(para, int(doc.year), region, review, view)
    return out


def paragraph_statements(para: Paragraph, report_year: int, region: str, review: bool | None = None,
                         view: str | None = None) -> list[Statement]:
    """The statements of one paragraph of a report delivered in ``report_year``; ``review``
    says whether it reviews past results (True), plans (False) or is unknown (None)."""
    text, seen, out = para.text, set(), []
    view = _view(text) if view is None else view
    if not SUBJECT_RE.search(view):
        return out
    period = bool(_PERIOD.search(" ".join(para.section)))
    previous = 0
    for start, end in _sentences(view):
        if _OTHER_UNIT.match(view, start):
            continue  # 高新区GDP完成284亿元: a zone inside the region, not the region
        for measure, qty, s0 in subject_values(view, start, end):
            before = view[start:qty.start]
            year, kind, dated = _year_and_kind(before, view[previous:start], report_year, review)
            if (period or _PERIOD.search(before)) and not dated:
                continue  # a five-year review's or plan's figure is a total or an average
            key = (measure, year, kind, qty.base(), qty.high)
            if measure in NATIONAL_ONLY and region != "全国":
                continue  # a province's share of the special treasury bonds is money it won, not its indicator
            if key not in seen:
                seen.add(key)
                out.append(_statement(para, measure, region, year, kind, qty, text[s0:qty.end]))
        previous = start
    return out


def _sentences(view: str) -> list[tuple[int, int]]:
    """Full-stop sentences: a list of targets after 预期目标是： runs over its semicolons."""
    ends = [m.end() for m in re.finditer(rf"[{FULL_STOPS}]", view)]
    starts = [0, *ends]
    return [(a, b) for a, b in zip(starts, [*ends, len(view)]) if b > a]


def _view(text: str, traditional: bool = False) -> str:
    """Same-length matching view: folded digits and signs; simplified characters (for a
    traditional-script document) where that keeps offsets."""
    folded = aligned(text)
    if not traditional:
        return folded
    simplified = to_simplified(folded)
    return simplified if len(simplified) == len(folded) else folded


def _in_review(para: Paragraph, view: str, report_year: int, previous: bool | None) -> bool | None:
    """True in a review of past results, False in a plan; else ``previous``. The opening
    words decide first, then the deepest heading that says, then a short heading-like line."""
    opening = view[:40]
    if re.search(r"预期目标是|主要目标是|总体要求是", opening) or re.match(r"今年", opening):
        return False
    if re.match(rf"(?:过去一年|一年来|去年|{report_year - 1}年(?:是|，|,|我们|全))", opening):
        return True
    headings = [*para.section[::-1], *([view] if len(view) <= 30 else [])]
    for heading in headings:
        heading = year_digits_to_arabic(heading)
        plan = [m.start() for m in (_PLAN_HEADING.search(heading), re.search(f"{report_year}年", heading)) if m]
        past = [m.start() for m in (_REVIEW_HEADING.search(heading), re.search(f"{report_year - 1}年", heading)) if m]
        if plan or past:  # "1998年工作回顾和1999年工作的总体要求": the first part says
            return bool(past) and (not plan or min(past) < min(plan))
    return previous


def _year_and_kind(before: str, earlier: str, report_year: int, review: bool | None) -> tuple[int, str, bool]:
    """The year a value is about, whether it is a target, and whether a single year is named
    for it. ``before`` runs from the sentence start to the value; ``earlier`` is the sentence
    before ("刚刚过去的2017年，…。国内生产总值增长6.9%" is 2017's)."""
    before = SUBJECT_RE.sub("", before)  # 一般公共预算收入 names no 预算 cue
    clause = re.split(r"[，,；;：:]", before)[-1]
    year, inherited = _last_date(before, report_year), False
    if year is None:
        year = _last_date(_PLAN_YEAR.sub("", earlier), report_year)
        inherited = year is not None
    dated = year is not None
    planned = year is not None and re.search(rf"(?<![加高降长升少])到{year}年", before)
    past = year is not None and year < report_year and not planned
    future = year is not None and (year >= report_year or bool(planned))
    if future:
        kind = TARGET
    elif review:
        kind = TARGET if _STATED_TARGET.search(clause) else ACTUAL
    elif review is False:
        kind = ACTUAL if past and not _STATED_TARGET.search(clause) else TARGET
    elif past or (_ACTUAL_CUE.search(clause) and not _TARGET_CUE.search(clause)):
        kind = ACTUAL
    else:
        kind = TARGET if _TARGET_CUE.search(before) or not _ACTUAL_CUE.search(before) else ACTUAL
    if year is None or (inherited and kind == TARGET and year < report_year):
        year = report_year if kind == TARGET else report_year - 1  # a past date two sentences back is not the target's
    return year, kind, dated


def _last_date(text: str, report_year: int) -> int | None:
    """The year named last in ``text``: an explicit year or a relative one (去年 → report year − 1)."""
    found = [(m.start(), int(year_digits_to_arabic(m.group(1) or m.group(2)))) for m in _YEAR_RE.finditer(text)]
    found += [(m.start(), report_year + _RELATIVE[m.group()]) for m in _RELATIVE_RE.finditer(_COMPARED.sub("", text))]
    return max(found)[1] if found else None


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _statement(para: Paragraph, measure: str, region: str, year: int, kind: str, qty: Quantity, span: str) -> Statement:
    return Statement(para.doc_id, para.n, measure, region, year, kind, float(qty.value), _num(qty.high),
                     qty.written_unit, qty.qualifier, span, float(qty.base()),
                     _num(qty.base(qty.high)) if qty.high is not None else None)


__all__ = ["ACTUAL", "LEDGER_DOC_TYPES", "LEDGER_VERSION", "Statement", "TARGET", "extract_statements",
           "paragraph_statements"]
