"""rag.followup_rules and the turns they make of follow-ups, through ``condense``."""
from __future__ import annotations

from rag.followup import condense
from rag.followup_rules import asks_nothing_new, premier_turn


def test_the_year_asked_moves_and_the_quoted_report_stays():
    out = condense("那再往前一年呢？", ["1984年赵紫阳作报告时说，1983年粮食收了多少？"])
    assert "1984年赵紫阳作报告" in out and "1982年粮食" in out and "1983年" not in out


def test_a_relative_year_moves_a_provinces_this_year():
    # A provincial report's 今年 is its own year: "去年实际" asks the result it reviews.
    out = condense("去年实际干成了多少？", ["河南今年打算在城里安排多少人就业？"])
    assert out.startswith("河南去年") and "实际完成了多少" in out


def test_a_relative_year_then_only_the_document_noun_keeps_the_question():
    out = condense("前一年的决议里呢？", ["2012年人大批准总理报告的那份决议，强调了哪几个方面？"])
    assert out == "2011年人大批准总理报告的那份决议，强调了哪几个方面？"


def test_another_premiers_term_replaces_the_first():
    out = condense("接下来温家宝那五年呢？", ["朱镕基那五年，国家的粮食产量最多到过多少？"])
    assert out == "温家宝那五年，国家的粮食产量最多到过多少？"
    out = condense("那李克强第一个任期呢？", ["温家宝第二个任期那五年，城里一共新增多少就业？"])
    assert out.startswith("李克强第一个任期") and "温家宝" not in out


def test_a_premier_turn_needs_a_premier_before_and_nothing_new():
    assert premier_turn("温家宝那五年呢", "2024年的增长目标是多少") is None
    assert premier_turn("温家宝那五年为什么提出科学发展观", "朱镕基那五年粮食产量多少") is None
    assert asks_nothing_new("那呢") and asks_nothing_new("的报告里呢") and not asks_nothing_new("为什么降了")


def test_wider_scope_first_then_the_rest_of_the_turn():
    history = ["湖南今年准备让城里新增多少就业？", "去年实际做到了多少？"]
    out = condense("放到全国看，今年定的是多少？", history)
    # The outcome ask of the turn before goes: the target is asked again, for the country.
    assert out.startswith("全国今年") and "实际完成" not in out and "湖南" not in out


def test_the_outcome_ask_goes_only_when_the_target_is_asked_again():
    history = ["2019年国家打算新增多少城镇就业？", "最后做到了没有？"]
    assert "实际完成了多少" in condense("那2018年呢？", history)
    assert "实际完成了多少" not in condense("那2018年定的目标呢？", history)


def test_a_premiers_first_report_replaces_anothers_last():
    out = condense("那温家宝第一次呢？", ["朱镕基最后一次作报告时，粮食产量目标是多少？"])
    assert out.startswith("温家宝第一次") and "朱镕基" not in out


def test_a_turn_of_two_questions_condenses_its_first():
    out = condense("那2019年呢？为什么降了？", ["2018年国家的经济增长目标是多少？"])
    assert out.startswith("2019年国家的经济增长目标") and out.endswith("为什么降了？")


def test_both_regions_or_years_the_conversation_named():
    out = condense("那两个省谁高？", ["湖南今年外贸目标是多少？", "湖北呢？"])
    assert out.startswith("湖南和湖北今年外贸目标") and out.endswith("谁高?")
    out = condense("这两年比呢？", ["2021年国家的赤字率是多少？", "2022年呢？"])
    assert out.startswith("2021年和2022年国家的赤字率")
    # One region named so far: nothing to put together.
    assert "和" not in condense("那两个省谁高？", ["湖南今年外贸目标是多少？"])


def test_framing_words_ask_nothing_new():
    assert condense("十八大的时候呢？", ["十九大报告里说五年来脱贫多少人？"]).startswith("十八大报告里说五年来脱贫")


def test_last_years_result_after_a_years_report_is_read_from_the_next_report():
    # "2024年国家报告里…" would search the 2024 report; 2024's result is stated in 2025's.
    out = condense("去年实际呢？", ["2025年国家报告里经济增长目标是多少？"])
    assert out.startswith("2024年国家") and "报告" not in out and "实际完成了多少" in out
    # The year asked is the report's 今年: it moves, the report stays.
    out = condense("去年实际呢？", ["2025年国家报告里说今年经济增长目标是多少？"])
    assert out.startswith("2025年国家报告里说去年") and "实际完成了多少" in out
    # Without an outcome ask the year's own report stays the source.
    assert condense("前一年呢？", ["2025年国家报告里经济增长目标是多少？"]) == "2024年国家报告里经济增长目标是多少？"


def test_the_five_years_before_or_after_a_term():
    q = "朱镕基那五年国家的外汇储备增加了多少？"
    assert condense("那之前五年呢？", [q]) == "李鹏第二个任期那五年国家的外汇储备增加了多少？"
    assert condense("再往后五年呢？", [q]) == "温家宝第一个任期那五年国家的外汇储备增加了多少？"
    assert condense("那之前五年呢？", ["2018年报告说过去五年城镇新增就业多少？"]) == "2013年报告说过去五年城镇新增就业多少？"
    # No term before the first review the table knows: no other premier is made up.
    out = condense("那之前五年呢？", ["赵紫阳第一个任期那五年粮食产量多少？"])
    assert "赵紫阳第一个任期" in out and not any(p in out for p in ("华国锋", "周恩来", "李鹏"))


def test_a_plans_name_survives_the_outcome_rewrite():
    # 计划 is a target word, but not in 六五计划: the plan's period must stay readable.
    out = condense("那五年下来实际收了多少？", ["六五计划打算到1985年全国粮食收到多少吨？"])
    assert out.startswith("六五计划") and "打算" not in out and "实际完成了多少" in out
