"""rag.text.numerals: one numeral parser behind every reading of Chinese numbers."""
from __future__ import annotations

from decimal import Decimal

import pytest

from rag.text.numerals import (cn_number, cn_to_decimal, extract_numbers, numeral_value, to_chinese_digits,
                               year_digits_to_arabic)


@pytest.mark.parametrize("text, value", [("九", 9), ("十", 10), ("十八", 18), ("二十", 20), ("二十一", 21)])
def test_cn_number_reads_well_formed_small_numerals(text, value):
    assert cn_number(text) == value


@pytest.mark.parametrize("text", ["", "零", "两", "十十", "一百", "二二", "八十二十"])
def test_cn_number_rejects_what_is_not_a_well_formed_1_to_99(text):
    assert cn_number(text) is None


def test_the_lenient_parser_reads_what_the_strict_one_rejects():
    assert cn_to_decimal("一百零五") == 105 and cn_to_decimal("二〇二五") == 2025
    assert cn_to_decimal("六点五") == Decimal("6.5") and cn_to_decimal("十亿") is None


@pytest.mark.parametrize("enumerator, value", [("第三部分", 3), ("十二、", 12), ("（四）", 4), ("一百零一、", 101)])
def test_numeral_value_ignores_what_is_not_a_numeral(enumerator, value):
    assert numeral_value(enumerator) == value


def test_year_digits_both_ways_including_the_old_reports_zero():
    assert year_digits_to_arabic("一九六○年 二〇二五年 二零一九年") == "1960年 2025年 2019年"
    assert to_chinese_digits(2025) == "二〇二五"
    assert ("year", Decimal(1960)) in extract_numbers("一九六○年的计划")
