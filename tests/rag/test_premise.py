"""Premise checks: numbers a question asserts, against the retrieved paragraphs."""
from rag.premise import asserted_values, correction, false_values
from rag.types import Evidence

TARGETS = Evidence("national_gwr/cn_gwr_2025", 21, "今年发展主要预期目标是：国内生产总值增长5%左右；"
                   "城镇调查失业率5.5%左右；居民消费价格涨幅2%左右。", year=2025)
OTHER = Evidence("national_gwr/cn_gwr_2025", 40, "研发投入增长3%。", year=2025)


def test_asserted_values_skip_years():
    assert asserted_values("2024年国家为什么把经济增长目标降到了4.5%？") == ["4.5%"]
    assert asserted_values("2025年国内生产总值增长目标是多少？") == []


def test_a_number_stated_for_another_indicator_does_not_make_the_premise_true():
    # 3% is in the evidence, but as R&D growth, not as the price target.
    assert false_values("2025年国家把物价涨幅目标定在3%是出于什么考虑？", [TARGETS, OTHER]) == ["3%"]
    assert false_values("2025年国家把物价涨幅目标定在2%左右是出于什么考虑？", [TARGETS, OTHER]) == []


def test_the_correction_names_the_value_after_the_indicator():
    line = correction("2025年国家把物价涨幅目标定在3%是出于什么考虑？", [TARGETS], TARGETS.text, 1)
    assert line == "问题中的“3%”在检索到的资料中没有出现；资料中的表述是“2%左右”[1]。"
    assert correction("2025年国内生产总值增长目标是多少？", [TARGETS], TARGETS.text, 1) == ""


def test_a_span_of_time_is_not_an_asserted_value():
    from rag.premise import asserted_values
    assert asserted_values("习近平宣布未来3年给非洲多少资金支持？") == []
    assert asserted_values("前5个月出口增长了多少？") == []
    assert asserted_values("为什么把目标降到了4.5%？") == ["4.5%"]
