"""Was a target met? The verdict computed from two ledger statements, never by a model.

``verdict(target, actual)`` compares the values in base units and reads the target's
qualifier (左右, 以上, 以内, a range) and the indicator's direction (a CPI or deficit
target is a ceiling; growth, jobs and grain are floors):

- floor, range [lo, hi]: above hi 超额完成; inside 完成; below lo 未完成;
- floor, single value T: above 超额完成; equal 完成; below 未完成, but within 0.1 of a
  "T左右" target 基本完成;
- ceiling T (or a range's top): at or below 控制在目标以内; above 超出目标.
"""
from __future__ import annotations

from dataclasses import dataclass

from rag.ledger import Statement
from rag.text.indicators import CEILING, FLOOR, MEASURES
from rag.text.quantities import written_value

MET, EXCEEDED, NEARLY, MISSED, WITHIN, OVER = "完成", "超额完成", "基本完成", "未完成", "控制在目标以内", "超出目标"
VERDICTS = (EXCEEDED, NEARLY, MISSED, MET, WITHIN, OVER)
NEARLY_MARGIN = 0.1  # "5%左右" is met in spirit by 4.9%, not by 4.8%


@dataclass(frozen=True)
class Verdict:
    label: str
    relation: str  # 高于目标 / 在目标区间之内 / 未超过目标 …, no number of its own
    difference: str = ""  # 0.3个百分点: computed, so shown apart from the cited numbers


def _gap(a: float, b: float, unit: str) -> str:
    diff = round(abs(a - b), 4)
    return "" if diff == 0 else f"{diff:g}个百分点" if unit == "%" else f"{diff:g}{unit}"


def verdict(target: Statement, actual: Statement) -> Verdict | None:
    """The verdict of ``actual`` against ``target`` (same indicator, year and region), or
    None when they are not comparable (another unit family, or an amount with no goal)."""
    measure = MEASURES[target.indicator]
    if measure.direction not in (CEILING, FLOOR) or target.indicator != actual.indicator:
        return None
    if (target.unit == "%") != (actual.unit == "%"):
        return None
    scale = target.base / target.value if target.value else 1.0
    low, high, got = target.base / scale, (target.base_high or target.base) / scale, actual.base / scale
    unit = target.unit
    if measure.direction == CEILING:
        if got <= high:
            return Verdict(WITHIN, "未超过目标", _gap(got, high, unit))
        return Verdict(OVER, "高于目标", _gap(got, high, unit))
    if target.qualifier == "range":
        if got > high:
            return Verdict(EXCEEDED, "高于目标区间", _gap(got, high, unit))
        if got >= low:
            return Verdict(MET, "在目标区间之内")
        return Verdict(MISSED, "低于目标区间", _gap(got, low, unit))
    if got > low:
        return Verdict(EXCEEDED, "高于目标", _gap(got, low, unit))
    if got == low:
        return Verdict(MET, "与目标持平")
    nearly = target.qualifier == "左右" and low - got <= NEARLY_MARGIN + 1e-9
    return Verdict(NEARLY if nearly else MISSED, "低于目标", _gap(got, low, unit))


def written(statement: Statement) -> str:
    """The value as the document writes it: the end of the span (增长5%左右 → 5%左右)."""
    return written_value(statement.span)


__all__ = ["EXCEEDED", "MET", "MISSED", "NEARLY", "OVER", "VERDICTS", "Verdict", "WITHIN", "verdict", "written"]
