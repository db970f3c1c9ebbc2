"""rag.text.premiers: national reports dated by the premier who delivered them."""
from __future__ import annotations

import pytest

from rag.text.premiers import DATING_RE, PREMIERS, plan_report_years, premier_report_years


def test_the_table_is_consistent():
    assert all(p.first <= p.last for p in PREMIERS.values())
    assert all(p.first <= y <= p.last for p in PREMIERS.values() for y in p.reviews)
    assert all(p.reviews[-1] == p.last for p in PREMIERS.values() if p.reviews)


@pytest.mark.parametrize("question, years", [
    ("李克强第一次作报告那年", (2014,)),
    ("李强当总理后第一份报告", (2024,)),
    ("温家宝第一次作报告时", (2004,)),
    ("李克强刚上任时", (2014,)),
    ("华国锋头一回作报告", (1978,)),
    ("李克强最后一次作报告时", (2023,)),
    ("朱镕基卸任前", (2003,)),
])
def test_first_and_last_reports(question, years):
    assert premier_report_years(question) == years


@pytest.mark.parametrize("question, years", [
    ("李鹏第一个任期五年里", (1993,)),
    # A premier's years without a term named: every term's review.
    ("朱镕基那五年", (2003,)),
    ("李鹏那届政府", (1993, 1998)),
    ("温家宝任内", (2008, 2013)),
    # ... but his first or last report, when the question says so.
    ("李克强那届政府刚上台时", (2014,)),
    # ... or a year or a five-year plan the question names itself.
    ("朱镕基那五年里的2001年", ()),
    ("朱镕基回顾“十五”那五年时", ()),
    ("李克强第一个任期里", (2018,)),
    ("李鹏头五年", (1993,)),
    ("李克强第二个任期里", (2023,)),
    ("温家宝当总理的最后五年里", (2013,)),
    ("李鹏后五年", (1998,)),
    ("温家宝两届任期", (2008, 2013)),
    ("赵紫阳两个任期", (1983, 1987)),
])
def test_terms_map_to_the_report_reviewing_them(question, years):
    assert premier_report_years(question) == years


def test_li_keqiang_is_not_read_as_li_qiang():
    assert premier_report_years("李克强第一次作报告") == (2014,)
    assert premier_report_years("李强第一次作报告") == (2024,)
    assert premier_report_years("李克强最后一次作报告和李强第一次作报告") == (2024,)


@pytest.mark.parametrize("question", [
    "2024年经济增长目标是多少？",
    "李克强总理说的经济增长",  # a premier with no dating word
    "李克强，第一次",  # the dating word is in another clause
    "李克强在2014年作的报告中第一次提出",  # too far from the name
    "李强第一个任期",  # no term review in the table yet
    "周恩来两届",
])
def test_questions_not_dated_by_premier(question):
    assert premier_report_years(question) == ()


def test_dating_words_are_matched_and_content_is_not():
    assert DATING_RE.sub("", "李克强第一次作报告那年经济增长目标") == "那年经济增长目标"
    assert DATING_RE.sub("", "李强当总理后第一份报告") == "报告"
    assert DATING_RE.sub("", "李鹏第一个任期五年里") == "五年里"
    assert DATING_RE.fullmatch("李克强") and DATING_RE.fullmatch("上一届政府")
    assert not DATING_RE.search("经济增长目标和城镇新增就业")


def test_last_report_of_the_first_term():
    assert premier_report_years("李克强第一个任期的最后一次报告") == (2018,)


@pytest.mark.parametrize("word", ["卸任前", "最后那份", "第二届", "两届", "头五年", "后五年", "最后五年"])
def test_dating_re_covers_every_word_that_dates_a_report(word):
    assert DATING_RE.fullmatch(word)


@pytest.mark.parametrize("question, years", [
    ("“十一五”五年里城里一共多了多少人上班？", (2011,)),
    ("十三五期间脱贫多少人", (2021,)),
    ("十四五规划提出的目标是什么", ()),
    ("十五大报告说了什么", ()),  # a congress, not the tenth five-year plan
    ("十五年来变化很大", ()),
    ("六五计划打算到85年把全国人口压在多少？", (1982,)),  # what the plan set: the plan's own report
    ("一五那五年国家总共准备砸多少钱搞建设？", (1955,)),
    ("第七个五年计划要求工业增长多少", (1986,)),
    ("头一个五年计划里苏联帮忙设计的厂子有多少个", (1955,)),  # what the plan holds
    ("一五期间实际完成了多少投资", (1958,)),  # the period's record
    ("关于“十五五”规划建议的说明里收到多少条留言", ()),  # a document about the plan, not its period
    ("十五五期间的发展目标", ()),  # a later plan's targets: restated in many documents
    ("那五年下来六五期间实际平均一年收了多少", (1986,)),
])
def test_a_five_year_plan_period_dates_the_report_reviewing_it(question, years):
    assert plan_report_years(question) == years
