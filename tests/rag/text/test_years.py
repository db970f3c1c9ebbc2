"""rag.text.years: year mentions and the two registers of relative-year words."""
from __future__ import annotations

from rag.text.years import (RELATIVE_YEARS, SPOKEN_RELATIVE_YEARS, chinese_years_as_digits, relative_offsets,
                            year_mentions)


def test_questions_resolve_spoken_relative_years_against_the_anchor():
    assert year_mentions("今年和前年的目标", 2025) == [(2023, 3, 5), (2025, 0, 2)]


def test_report_register_words_are_not_read_in_questions():
    # "比上年" in a question about the 2018 report means 2017, not the corpus's latest year minus one.
    assert year_mentions("2018年政府工作报告比上年高了吗", 2025) == [(2018, 0, 5)]


def test_documents_use_both_registers():
    assert set(SPOKEN_RELATIVE_YEARS.items()) < set(RELATIVE_YEARS.items())
    assert relative_offsets("过去一年经济回升，前年受疫情影响，明年继续") == {-1, -2, 1}
    assert relative_offsets("没有相对年份") == set()


def test_chinese_numeral_years_become_digits_only_before_年():
    assert chinese_years_as_digits("二〇二五年 二零一九年 一二三四") == "2025年 2019年 一二三四"
