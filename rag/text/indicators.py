"""Economic indicators: the abbreviations users type and the words the reports write.

Users type GDP/CPI/PPI; the reports write 国内生产总值 (national) or 地区生产总值
(provinces, districts). ``stem`` is what every report's wording contains, for
overlap measures; ``phrasings`` are the full terms, for keyword search.
"""
from __future__ import annotations

import re
from typing import NamedTuple


class Indicator(NamedTuple):
    """How the reports write one indicator."""

    stem: str
    phrasings: tuple[str, ...]


INDICATORS: dict[str, Indicator] = {
    "gdp": Indicator("生产总值", ("国内生产总值", "地区生产总值")),
    "cpi": Indicator("居民消费价格", ("居民消费价格",)),
    "ppi": Indicator("工业生产者出厂价格", ("工业生产者出厂价格",)),
}
_OTHER_ECONOMIC = ("经济增长", "增长目标", "预期目标", "赤字率", "财政赤字", "失业率", "粮食产量", "专项债", "特别国债")
# A question about the economy: its answer is in a government work report.
ECONOMIC_RE = re.compile("|".join(dict.fromkeys(
    [*INDICATORS, *(w for i in INDICATORS.values() for w in (i.stem, *i.phrasings)), *_OTHER_ECONOMIC])), re.I)


def named_indicators(text: str) -> list[Indicator]:
    """The indicators ``text`` names by abbreviation (case-insensitive), in table order."""
    lowered = text.lower()
    return [indicator for abbr, indicator in INDICATORS.items() if abbr in lowered]
