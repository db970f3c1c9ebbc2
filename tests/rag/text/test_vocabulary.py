"""rag.text.vocabulary: everyday words in questions mapped to the reports' official terms."""
from __future__ import annotations

import pytest

from rag.text.vocabulary import TERMS, in_documents_terms, official_terms


def test_every_term_has_a_canonical_phrasing_and_a_pattern():
    assert all(t.phrasings and t.phrasings[0] and t.everyday for t in TERMS)
    assert len({t.phrasings[0] for t in TERMS}) == len(TERMS)


@pytest.mark.parametrize("question, terms", [
    ("重庆今年计划城里新添多少工作岗位？", ("城镇新增就业",)),
    ("2024年一整年东西到底贵了多少？", ("居民消费价格",)),
    ("2024年物价涨了多少", ("居民消费价格",)),
    ("全年就业机会多少", ("城镇新增就业",)),
    ("找不到工作的人有多少", ("城镇调查失业率",)),
    ("跟外国做买卖一共多少钱", ("进出口总额",)),
    ("今年雾霾少了多少", ("细颗粒物（PM2.5）",)),
    ("电动车卖了多少辆", ("新能源汽车",)),
    ("军费是多少", ("国防支出",)),
    ("去年出国旅游的人有多少", ("出境旅游",)),
    ("老破小改了多少个", ("老旧小区",)),
    ("外企在中国交了多少税", ("外资企业",)),
    ("应届大学生今年有多少", ("高校毕业生",)),
    ("老百姓在银行里一共存了多少钱？", ("城乡居民储蓄存款",)),
    ("国营单位的职工一年平均挣多少钱？", ("职工平均工资",)),
    ("每年多生的比例卡在多少以内？", ("人口自然增长率",)),
    ("港口去年装卸了多少个集装箱？", ("集装箱吞吐量",)),
    ("一亩地平均打多少斤粮？", ("粮食单产",)),
    ("台风来之前撤走了多少人？", ("紧急转移",)),
    ("大学生借的国家贷款能借多少？", ("国家助学贷款",)),
    ("去外省住院能直接报销吗？", ("跨省异地就医",)),
    ("农村那种合作看病的保险有多少人参加？", ("新型农村合作医疗",)),
    ("吃低保的人有多少？", ("最低生活保障",)),
    ("网购一年卖了多少钱？", ("网上零售额",)),
    ("抓了多少贪官？", ("反腐败",)),
])
def test_everyday_words_imply_the_canonical_term(question, terms):
    assert official_terms(question) == terms


def test_a_phrase_can_imply_several_terms():
    assert {"随迁子女", "农民工", "义务教育"} <= set(official_terms("进城打工人家的孩子在哪上学？"))


def test_terms_come_in_table_order_not_question_order():
    # 房价 comes first in the question, but 保障性住房 comes first in the table.
    assert official_terms("房价和房子") == ("保障性住房", "房地产市场")
    assert official_terms("城里新添多少工作岗位，物价涨多少") == ("城镇新增就业", "居民消费价格")


@pytest.mark.parametrize("text", ["安排部署工作", "工作报告", "城市工作会议", "就业形势", "2024年地区生产总值是多少",
                                  ""])
def test_work_and_plain_official_wording_imply_nothing(text):
    # "工作" alone is not a jobs question; official wording needs no translation.
    assert official_terms(text) == ()
    assert in_documents_terms(text) == text


@pytest.mark.parametrize("text", ["城镇新增就业目标是多少？", "居民消费价格涨幅多少？物价"])
def test_a_canonical_phrasing_already_written_is_neither_added_nor_rewritten(text):
    assert official_terms(text) == ()
    assert in_documents_terms(text) == text


def test_only_the_missing_canonical_phrasing_is_added():
    assert official_terms("城镇新增就业和物价") == ("居民消费价格",)


@pytest.mark.parametrize("question, rewritten", [
    # 多少 was inside the replaced phrase and is kept after the term.
    ("重庆今年计划城里新添多少工作岗位？", "重庆今年计划城镇新增就业多少？"),
    ("城里多了多少工作", "城镇新增就业多少"),
    # 哪些 stands outside the replaced phrase and stays where it was.
    ("城里新添工作岗位有哪些", "城镇新增就业有哪些"),
    ("2024年物价涨了多少", "2024年居民消费价格了多少"),  # 物价涨 is one indicator phrase
    ("2024年一整年东西到底贵了多少？", "2024年一整年居民消费价格多少？"),
    ("外贸一共多少", "进出口总额一共多少"),
    ("今年打了多少粮食", "今年粮食产量多少"),
    ("多出来的饭碗", "城镇新增就业"),
])
def test_questions_are_rewritten_into_report_wording(question, rewritten):
    assert in_documents_terms(question) == rewritten


def test_several_terms_are_each_rewritten():
    assert in_documents_terms("城里新添多少工作岗位，物价涨多少") == "城镇新增就业多少，居民消费价格多少"


def test_only_the_first_match_of_a_term_is_rewritten():
    assert in_documents_terms("物价稳了，涨价还会持续吗") == "居民消费价格稳了，涨价还会持续吗"


@pytest.mark.parametrize("question, doubled", [
    ("2024年城镇登记失业率是多少？", "失业率率"),
    ("城镇化率多少", "城镇化率率"),
    ("坏账率是多少", "贷款率率"),
    ("地方政府专项债多少", "地方政府地方政府"),
    ("进出口多少", "进进出口"),
    ("基本养老金涨了多少", "基本基本"),
])
def test_the_rewrite_never_doubles_an_official_word(question, doubled):
    assert doubled not in in_documents_terms(question)


def test_science_sport_and_diplomacy_in_users_words():
    from rag.text.vocabulary import official_terms
    assert "月球背面" in official_terms("头一回把月亮背面的土带回来的是哪个探测器？")
    assert "采样返回" in official_terms("头一回把月亮背面的土带回来的是哪个探测器？")
    assert "亚洲冬季运动会" in official_terms("2025年在黑龙江省会办的亚洲冰雪赛事是第几届？")
    assert "亚太经合组织" in official_terms("2026年亚太地区那个领导人经济会议，轮到哪国来办？")
    assert "大飞机" in official_terms("2023年开始载客飞行的国产大客机是哪个型号？")
    assert official_terms("月饼节那天放假吗？") == ()
