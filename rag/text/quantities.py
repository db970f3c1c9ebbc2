"""Quantities as the reports write them: a value, a range, a scale, a unit and a qualifier.

``quantities(text)`` finds 5%左右, 5.0%—5.5%, 百分之七点五, 1200万人以上, 1300多万人,
三千亿元, 一万零一百三十亿斤, 近1200万人, ７．５％ in one pass. Offsets index ``text``
itself, so the span of a statement is an exact substring of its paragraph: full-width
digits are read through a same-length folded view (``aligned``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from rag.text.numerals import number_value

SCALES = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4, "千": Decimal(1000), "": Decimal(1)}
# Unit as written -> unit family (ledger.Measure.family).
UNIT_FAMILY = {"%": "%", "‰": "‰", "人": "人", "元": "元", "美元": "元", "斤": "粮", "公斤": "粮", "吨": "粮"}
_QUALIFIER = {"左右": "左右", "上下": "左右", "以上": "以上", "以内": "以内", "之内": "以内", "以下": "以下",
              "近": "近", "接近": "近", "将近": "近", "约": "左右", "大约": "左右", "超过": "超过", "突破": "超过",
              "逾": "超过", "超": "超过", "高于": "以上", "低于": "以下", "不超过": "以内", "不低于": "以上", "不少于": "以上", "多": "多"}
_CN = "零〇○一二两三四五六七八九十百千万亿"
# A Chinese numeral starts with a digit word: 千亿元 alone is a magnitude ("千亿级"), not a value.
# Digits may be spaced out (the 1998 report: 7 4 7 7 2 亿元, 8 ．8 ％) or grouped (33,212万吨).
_NUM = (r"\d{1,3}(?:[,，]\d{3})+(?!\d)|\d(?:[ \u200b]?\d)*(?:[ \u200b]?\.[ \u200b]?\d(?:[ \u200b]?\d)*)?"
        rf"|[零〇○一二两三四五六七八九十][{_CN}]*(?:点[零〇○一二三四五六七八九]+)?")
_DASH = r"[—–\-~～至到]{1,2}"
_PRE = r"(?P<pre>不超过|不低于|不少于|接近|将近|大约|超过|突破|高于|低于|近|约|逾|超)?"
_POST = r"(?P<post>左右|上下|以上|以内|之内|以下)?"
QUANTITY_RE = re.compile(
    _PRE + rf"(?:百分之(?P<cnpct>{_NUM})(?:{_DASH}(?:百分之)?(?P<cnpct_hi>{_NUM}))?"
    rf"|(?P<num>{_NUM})(?P<pct1>%)?(?:(?P<dash>{_DASH})(?P<hi>{_NUM}))?(?P<more>多)?[ \u200b]?"
    r"(?P<scale>万亿|亿|万|千)?(?P<more2>多)?[ \u200b]?(?P<unit>%|‰|美元|元|人|公斤|斤|吨))" + _POST)


_MIDDLE_DOT = re.compile(r"(?<=\d)[·・](?=\d)")


@dataclass(frozen=True)
class Quantity:
    """A value as written: ``value`` (and ``high`` for a range) in ``scale`` + ``unit``."""

    start: int
    end: int
    value: Decimal
    high: Decimal | None
    scale: str
    unit: str
    qualifier: str  # 左右 以上 以内 以下 近 超过 多 range, or ""

    @property
    def family(self) -> str:
        return UNIT_FAMILY[self.unit]

    @property
    def written_unit(self) -> str:
        return self.scale + self.unit

    def base(self, value: Decimal | None = None) -> Decimal:
        """The value in base units (亿元 → 元), for comparing 1.4万亿斤 with 14000亿斤."""
        return (self.value if value is None else value) * SCALES[self.scale]


# Full-width ASCII (０-９, ％, ．, －…) and the ideographic space, folded as NFKC folds them; one
# character for one, so offsets into the folded text are offsets into the original. Chinese
# punctuation (，；：) is matched as it is written.
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F) if chr(c) not in "，；：！？（）"} | {0x3000: 0x20}
_FOLDABLE = re.compile("[" + "".join(map(chr, _FOLD)).replace("\\", "\\\\").replace("]", "\\]")
                       .replace("^", "\\^").replace("-", "\\-") + "]")


def aligned(text: str) -> str:
    """``text`` with full-width digits, signs and letters folded to ASCII (７．５％ → 7.5%), same length."""
    if _FOLDABLE.search(text):
        text = text.translate(_FOLD)
    # The 1999 report writes decimals with a middle dot (4·3％).
    return _MIDDLE_DOT.sub(".", text) if "·" in text or "・" in text else text


def _qualifier(m: re.Match) -> str:
    if m.group("cnpct_hi") or m.group("hi"):
        return "range"
    for word in (m.group("post"), m.group("pre"), m.group("more") or m.group("more2")):
        if word:
            return _QUALIFIER[word]
    return ""


def _parse(m: re.Match) -> Quantity | None:
    if m.group("cnpct"):
        low, high, scale, unit = m.group("cnpct"), m.group("cnpct_hi"), "", "%"
    else:
        low, high, scale, unit = m.group("num"), m.group("hi"), m.group("scale") or "", m.group("unit")
        if m.group("pct1") and unit != "%":
            return None  # "5%到100万人" is two quantities, not a range
    for suffix in ("万亿", "亿", "万"):  # 三千亿元: the numeral's last 亿 is the scale
        if not scale and not high and len(low) > len(suffix) and low.endswith(suffix) and not low[0].isdigit():
            low, scale = low[:-len(suffix)], suffix
            break
    if "亿" in low and scale == "万":  # 四亿零七百多万吨: the 亿 part and the 万 part of one value
        head, _, tail = low.partition("亿")
        if number_value(head) is None:
            return None
        low = str(number_value(head) * 10000 + (number_value(tail) or 0))
    value = number_value(low)
    top = number_value(high) if high else None
    if value is None or (high and top is None):
        return None
    if top is not None and top <= value:
        return None
    return Quantity(m.start(), m.end(), value, top, scale, unit, _qualifier(m))


def quantities(text: str, *, folded: bool = False) -> list[Quantity]:
    """Every quantity with a unit in ``text``, left to right (offsets into ``text``);
    ``folded``: ``text`` is already ``aligned``."""
    found = []
    for m in QUANTITY_RE.finditer(text if folded else aligned(text)):
        parsed = _parse(m)
        if parsed is not None:
            found.append(parsed)
    return found


def keep_qualifiers(claim: str, source: str) -> str:
    """``claim`` with each unqualified quantity written as ``source`` qualifies the same value:
    "新增就业3万人" against "新增就业近3万人" → "新增就业近3万人", "增长5%" against "5%左右" →
    "增长5%左右". A reader must not lose the 近, 左右 or 以上 the report wrote."""
    stated = [q for q in quantities(source) if q.high is None]
    parts, last = [], 0
    for q in quantities(claim):
        same = [s for s in stated if s.unit == q.unit and s.base() == q.base()]
        # Only when the source writes that value qualified each time it states it.
        if not q.qualifier and q.high is None and same and all(s.qualifier for s in same):
            parts += [claim[last:q.start], source[same[0].start:same[0].end]]
            last = q.end
    return "".join(parts) + claim[last:]


def split_unit(unit: str) -> tuple[str, str]:
    """(scale, base unit) of a unit as written: 万亿元 → ("万亿", "元"), % → ("", "%")."""
    for scale in ("万亿", "亿", "万", "千"):
        if unit.startswith(scale) and unit[len(scale):] in UNIT_FAMILY:
            return scale, unit[len(scale):]
    return "", unit


def written_value(text: str) -> str:
    """The last value of ``text`` as written there (国内生产总值增长５％左右 → ５％左右); '' if none."""
    found = quantities(text)
    return text[found[-1].start:found[-1].end] if found else ""


__all__ = ["QUANTITY_RE", "Quantity", "SCALES", "UNIT_FAMILY", "aligned", "keep_qualifiers", "number_value", "quantities", "split_unit", "written_value"]
