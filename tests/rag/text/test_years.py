"""rag.text.years: year mentions and the two registers of relative-year words."""
from __future__ import annotations

from rag.text.normalize import arabic_years, normalize_for_search
from rag.text.years import (RELATIVE_YEARS, SPOKEN_RELATIVE_YEARS, relative_offsets,
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


def test_chinese_numeral_years_become_digits():
    assert arabic_years("二〇二五年 二零一九年 一二三四 一八四〇年") == "2025年 2019年 一二三四 1840年"


def test_two_digit_years_as_people_say_them():
    from rag.text.years import year_mentions

    def years(q):
        return [y for y, _, _ in year_mentions(normalize_for_search(q), 2025)]

    assert years("六五计划打算到85年把全国人口压在多少？") == [1985]
    assert years("七九年那会儿职工一年挣多少？") == [1979]
    assert years("六二年人大那份决议") == [1962]
    assert years("赵紫阳83年那份讲的") == [1983]
    assert years("1982年乡下人收入") == [1982]


def test_two_digit_spans_and_counts_are_not_years():
    from rag.text.years import year_mentions

    for q in ("改革开放40年来变化多大？", "过去20年人口增长多少", "三五年内建成", "七八年的时间", "50年代的工厂",
              "实行12年免费教育", "用了30年", "第25年"):
        assert year_mentions(normalize_for_search(q), 2025) == [], q


def test_questions_carry_four_digit_years_for_every_later_reader():
    from rag.text.questions import normalize_question

    assert normalize_question("六五计划打算到85年把人口压在多少？") == "六五计划打算到1985年把人口压在多少?"
    assert normalize_question("七九年那会儿，一九八〇年呢") == "1979年那会儿,1980年呢"
    assert normalize_question("改革开放40年来") == "改革开放40年来"
