"""Chinese numerals and numbers with units.

``number_value`` is the one numeral parser (7.5, 五, 十二, 一千二百, 六点五, 二〇二五, 四亿零七百);
``cn_to_decimal`` reads a Chinese numeral without a scale;
``cn_number`` accepts only well-formed 1–99 (congress numbers, list sizes);
``extract_numbers`` turns 5%/百分之五/5％, 134.9万亿元, 二〇二五年 into comparable
(kind, value) pairs.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from rag.text.normalize import YEAR_DIGITS, normalize_for_search

ONE_TO_NINE = "一二三四五六七八九"
# Counts and ordinals up to ten: 十九大, 一是, （三）, 第二.
SMALL_NUMERALS = ONE_TO_NINE + "十"
_DIGIT_VALUE = {c: i for i, c in enumerate("零" + ONE_TO_NINE)} | {"〇": 0, "○": 0, "两": 2}
_UNIT_VALUE = {"十": 10, "百": 100, "千": 1000}
NUMERAL_CHARS = YEAR_DIGITS + "两" + "".join(_UNIT_VALUE)
_TO_ARABIC = str.maketrans(YEAR_DIGITS, "000" + "123456789")
_TO_CHINESE = str.maketrans("0123456789", "〇" + ONE_TO_NINE)
_WELL_FORMED_SMALL = re.compile(rf"[{ONE_TO_NINE}]?十[{ONE_TO_NINE}]?|[{ONE_TO_NINE}]")

_SCALE = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4}
_ARABIC = re.compile(
    r"(?<![\d.])(\d{1,3}(?:,\d{3})+(?![\d])|\d+(?:\.\d+)?)\s*"
    r"(万亿|亿|万)?\s*(%|％|‰|个百分点|年)?")
_CN_PERCENT = re.compile(rf"百分之([{NUMERAL_CHARS}点]+)")
_CN_SCALED = re.compile(rf"([{NUMERAL_CHARS}]+)\s*(?:(万亿|亿|万)\s*(个百分点|倍)?|(个百分点|倍))")
_CN_YEAR = re.compile(rf"([{YEAR_DIGITS}]{{4}})年")

Number = tuple[str, Decimal]  # (kind, value): kind in pct, pp, year, num


def number_value(token: str) -> Decimal | None:
    """The one numeral parser: Arabic or Chinese, with 万/亿 inside (7.5, 1,201, 七点五,
    一万零一百三十, 四亿零七百, 二〇二五, 两千); None if ``token`` is not a number."""
    token = re.sub(r"[ ,，\u200b]", "", token)
    try:
        return Decimal(token)
    except InvalidOperation:
        pass
    whole, _, frac = token.partition("点")
    total, section, current = Decimal(0), Decimal(0), None
    for ch in whole:
        if ch in _DIGIT_VALUE:
            current = _DIGIT_VALUE[ch] if current is None else current * 10 + _DIGIT_VALUE[ch]
        elif ch in _UNIT_VALUE:
            section += (current if current is not None else 1) * _UNIT_VALUE[ch]
            current = None
        elif ch in "万亿":
            total = (total + section + (current or 0)) * (10000 if ch == "万" else 10 ** 8) \
                if ch == "亿" or not total else total + (section + (current or 0)) * 10000
            section, current = Decimal(0), None
        else:
            return None
    value = total + section + (current or 0)
    if frac:
        if any(c not in _DIGIT_VALUE for c in frac):
            return None
        value += Decimal("0." + "".join(str(_DIGIT_VALUE[c]) for c in frac))
    return value if whole or frac else None


def cn_to_decimal(token: str) -> Decimal | None:
    """Value of a Chinese numeral without a scale (五, 十二, 一千二百, 六点五, 二〇二五); None
    otherwise (十亿 is a number with a scale: ``extract_numbers`` reads those)."""
    if not token or any(c not in NUMERAL_CHARS and c != "点" for c in token):
        return None
    return number_value(token)


def cn_number(text: str) -> int | None:
    """A well-formed Chinese numeral from 1 to 99 (``十八`` → 18, ``二十`` → 20), else None."""
    if not text or not _WELL_FORMED_SMALL.fullmatch(text):
        return None
    return int(cn_to_decimal(text))


def numeral_value(text: str) -> int:
    """The number the Chinese numeral characters of ``text`` spell (``第三部分`` → 3), 0 if none."""
    digits = "".join(c for c in text if c in NUMERAL_CHARS)
    return int(cn_to_decimal(digits)) if digits else 0


def year_digits_to_arabic(text: str) -> str:
    """Chinese year digits as ASCII digits (``二〇二五`` → ``2025``); other characters kept."""
    return text.translate(_TO_ARABIC)


def to_chinese_digits(number: int) -> str:
    """``2025`` → ``二〇二五``, as years are written in titles."""
    return str(number).translate(_TO_CHINESE)


def _canon(value: Decimal) -> Decimal:
    """6.50 and 6.5, 1E+1 and 10 compare and hash alike."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


def _arabic_numbers(text: str) -> set[Number]:
    found = set()
    for raw, scale, unit in _ARABIC.findall(text):
        try:
            value = Decimal(raw.replace(",", "")) * _SCALE.get(scale, 1)
        except InvalidOperation:
            continue
        kind = {"%": "pct", "％": "pct", "个百分点": "pp", "年": "year"}.get(unit, "num")
        if kind == "year" and not (raw.isdigit() and len(raw) == 4):
            kind = "num"  # "3年" is a duration, not a year
        found.add((kind, _canon(value)))
    return found


# A whole Chinese amount before its unit: 一万六千五百元, 三十亿美元, 两千三百人 (read as one
# number, not as 一万 and a stray 六千五百), 零点五个百分点.
_CN_AMOUNT = re.compile(rf"[{NUMERAL_CHARS}][{NUMERAL_CHARS}万亿点]*(?=\s*(个百分点|倍|元|美元|人|吨|斤|公斤|亩|公里|千米"
                        rf"|家|所|座|项|名|户|套|辆|台|件|条|张|千瓦|立方米))")


def _chinese_numbers(text: str) -> set[Number]:
    found = set()
    for token in _CN_PERCENT.findall(text):
        value = cn_to_decimal(token)
        if value is not None:
            found.add(("pct", _canon(value)))
    whole: list[tuple[int, int]] = []
    for m in _CN_AMOUNT.finditer(text):
        if (value := number_value(m.group())) is not None and re.search(r"[^点万亿]", m.group()):
            found.add(("pp" if m.group(1) == "个百分点" else "num", _canon(value)))
            whole.append(m.span())
    for m in _CN_SCALED.finditer(text):
        if any(s <= m.start() < e for s, e in whole):
            continue
        token, scale, unit, bare_unit = m.groups()
        value = cn_to_decimal(token)
        if value is not None:
            kind = "pp" if "个百分点" in (unit, bare_unit) else "num"
            found.add((kind, _canon(value * _SCALE.get(scale, 1))))
    for token in _CN_YEAR.findall(text):
        found.add(("year", _canon(cn_to_decimal(token))))
    return found


def extract_numbers(text: str) -> set[Number]:
    """Numbers, percentages, amounts and years in ``text`` as comparable (kind, value).

    5% / 5％ / 百分之五 → ("pct", 5); 134.9万亿元 → ("num", 1.349e14); 2025年 → ("year", 2025);
    3个百分点 / 三个百分点 → ("pp", 3). Bare Chinese numerals (一批, 十四五) are not numbers.
    """
    text = normalize_for_search(text)
    return _arabic_numbers(text) | _chinese_numbers(text)


def number_supported(number: Number, available: set[Number]) -> bool:
    """Is ``number`` stated in ``available``? A bare number may match any kind of the same value."""
    if number in available:
        return True
    kind, value = number
    return kind == "num" and any(v == value for _, v in available)
