"""rag.text.asks: the kind of item a question asks for, and whether a sentence holds one."""
from __future__ import annotations

from decimal import Decimal

import pytest

from rag.text.asks import (KIND_LABELS, LIST, NEAR, NUMBER, OTHER, PERSON, PLACE, YEAR, asked_kind, holds,
                           value_near)


def test_every_kind_has_a_label():
    assert set(KIND_LABELS) == {NUMBER, PERSON, YEAR, PLACE, LIST, OTHER}


@pytest.mark.parametrize("question, kind", [
    ("2025年经济增长目标是多少？", NUMBER),
    ("有几项任务", NUMBER),
    ("第几届全国人大", NUMBER),
    ("2024年政府工作报告是谁作的？", PERSON),
    ("哪位领导作了报告？", PERSON),
    ("第一次提出新质生产力是哪一年？", YEAR),
    ("什么时候召开", YEAR),
    ("几月几号开幕", YEAR),
    ("2008年奥运会在哪座城市举办？", PLACE),
    ("哪个省", PLACE),
    ("今年的重点工作有哪些？", LIST),
    ("哪三个方面", LIST),
    ("为什么要扩大内需？", OTHER),
    ("2025年的目标是什么？", OTHER),
    ("", OTHER),
])
def test_asked_kind(question, kind):
    assert asked_kind(question) == kind


def test_order_of_the_kinds():
    # 多少 asks a number even inside a list question.
    assert asked_kind("城镇新增就业和失业率目标各是多少？") == NUMBER
    # 哪些国家 asks places before it asks a list.
    assert asked_kind("哪些国家签了协定") == PLACE
    # 那年 (not 哪年) dates the report; the question asks a number.
    assert asked_kind("李克强第一次作报告那年经济增长目标是多少？") == NUMBER


@pytest.mark.parametrize("sentence, held", [
    ("居民消费价格涨幅2%左右。", {NUMBER}),
    ("五年来经济总量达到134.9万亿元。", {NUMBER}),
    ("下降三个百分点", {NUMBER}),
    ("百分之五左右", {NUMBER}),
    ("2025年是十四五规划收官之年。", {YEAR}),
    ("一九九八年", {YEAR}),
    ("在北京举行。", {PLACE}),
    ("一是扩大内需、二是稳定外贸。", {LIST}),
    ("全面深化改革。", set()),
])
def test_holds(sentence, held):
    kinds = (NUMBER, YEAR, PERSON, PLACE, LIST)
    assert {k for k in kinds if holds(k, sentence)} == held
    assert holds(OTHER, sentence)


def test_a_year_alone_is_not_a_number():
    assert not holds(NUMBER, "2025年") and holds(YEAR, "2025年")


def test_a_named_person_is_held():
    assert holds(PERSON, "国务院总理李强作报告。") and holds(PERSON, "李强同志")


def test_other_is_always_held():
    assert holds(OTHER, "") and holds(OTHER, "加强协调")


def test_a_value_stated_after_the_term():
    assert value_near("居民消费价格", "居民消费价格涨幅2%左右") is True
    assert value_near("居民消费价格", "居民消费价格涨幅百分之三") is True


def test_a_term_with_no_value_near():
    assert value_near("居民消费价格", "居民消费价格保持基本稳定") is False
    # A year is not the indicator's value.
    assert value_near("居民消费价格", "居民消费价格涨幅在2025年保持稳定") is False
    # Bare Chinese numerals (一批, 十四五) are not numbers; an amount with its unit is (below).
    assert value_near("城镇新增就业", "城镇新增就业一批重点群体") is False
    assert value_near("城镇新增就业", "十四五时期城镇新增就业稳定") is False


def test_a_chinese_amount_with_its_unit_is_one_value():
    assert value_near("城镇新增就业", "城镇新增就业一千二百人") is True
    from rag.text.numerals import extract_numbers
    # Read whole, as a reader does: not 一万 plus a stray 六千五百.
    assert extract_numbers("从一万六千五百元增加到三万五千一百元") == {("num", 16500), ("num", 35100)}
    assert extract_numbers("共有黨員四百二十人") == {("num", 420)}
    assert extract_numbers("提高零点五个百分点") == {("pp", Decimal("0.5"))}


def test_a_term_not_named_gives_none():
    assert value_near("居民消费价格", "城镇新增就业1200万人") is None
    assert value_near("居民消费价格", "") is None


def test_any_mention_of_the_term_may_carry_the_value():
    sentence = "居民消费价格总体平稳，" + "一" * 20 + "居民消费价格涨幅3%"
    assert value_near("居民消费价格", sentence) is True


def test_near_is_counted_in_characters_after_the_term():
    assert NEAR == 16
    assert value_near("城镇新增就业", "城镇新增就业" + "甲" * (NEAR - 1) + "1200万人") is True
    assert value_near("城镇新增就业", "城镇新增就业" + "甲" * NEAR + "1200万人") is False
    # A number before the term does not count.
    assert value_near("城镇新增就业", "1200万人的城镇新增就业") is False


def test_the_next_indicators_value_is_not_the_terms():
    assert value_near("居民消费价格", "居民消费价格基本稳定；粮食产量1.3万亿斤以上") is False


def test_a_time_span_is_not_a_count_asked_for():
    from rag.text.asks import LIST, asked_kind
    assert asked_kind("疫情那几年政府反复说要兜住的“六保”到底保哪六样？") == LIST
    assert asked_kind("近几年城镇新增就业都在多少？") == NUMBER
    assert asked_kind("计划用几年时间完成？") == NUMBER
