import pytest

from rag.ledger import ACTUAL, TARGET
from rag.ledger_ask import ALL, DISTRICT, ledger_ask
from rag.text.ledger_words import CROSS, OUTCOME, TIMELINE


@pytest.mark.parametrize("question, mode, first_group, regions, years, kinds", [
    ("2019年定的就业目标完成了吗？", OUTCOME, ("urban_jobs",), ("全国",), (2019, 2019), (TARGET, ACTUAL)),
    ("2015年物价目标守住了吗？", OUTCOME, ("cpi", "retail_price"), ("全国",), (2015, 2015), (TARGET, ACTUAL)),
    ("2022年GDP增速比国家定的目标高还是低？", OUTCOME, ("gdp_growth", "gnp_growth"), ("全国",), (2022, 2022),
     (TARGET, ACTUAL)),
    ("2015到2019年国家每年的经济增长目标是多少？", TIMELINE, ("gdp_growth", "gnp_growth"), ("全国",), (2015, 2019),
     (TARGET,)),
    ("2003年以来城里每年实际新增多少工作岗位？", TIMELINE, ("urban_jobs",), ("全国",), (2003, None), (ACTUAL,)),
    ("江苏、浙江、广东2025年谁的增长目标最高？", CROSS, ("gdp_growth", "gnp_growth"), ("江苏", "浙江", "广东"),
     (2025, 2025), (TARGET,)),
    ("各省2025年的物价目标是多少？", CROSS, ("cpi", "retail_price"), (ALL,), (2025, 2025), (TARGET,)),
    ("东北三省2025年打算打多少粮食？", CROSS, ("grain",), ("辽宁", "吉林", "黑龙江"), (2025, 2025), (TARGET,)),
])
def test_ledger_questions_in_users_words(question, mode, first_group, regions, years, kinds):
    ask = ledger_ask(question)
    assert (ask.mode, ask.groups[0], ask.regions, (ask.year_from, ask.year_to), ask.kinds) == (
        mode, first_group, regions, years, kinds)


@pytest.mark.parametrize("question", ["2025年国内生产总值增长目标是多少？", "十九大报告提出了哪些战略？",
                                      "2024年和2025年的增长目标分别是多少？", "二十大报告说到2035年人均GDP要达到什么水平？"])
def test_ordinary_questions_are_not_ledger_lookups(question):
    assert ledger_ask(question) is None


def test_the_order_and_two_indicators_and_the_district():
    assert ledger_ask("西藏、青海2025年经济增速目标谁最低？").order == "low"
    ask = ledger_ask("2021到2024年城里人、农村人的收入每年实际涨了多少？")
    assert ask.groups == (("urban_income_growth",), ("rural_income_growth",))
    assert DISTRICT in ledger_ask("区里和全国2022年的增长目标比，谁高？").regions
    assert ledger_ask("2016年经济增速落在当年给的那个区间里面了吗？").regions == ("全国",)


@pytest.mark.parametrize("question", [
    "2018年和2019年的赤字率安排分别是多少？2019年为什么要提高？",  # a reason, not a lookup
    "北京2025年城镇调查失业率目标是多少？去年实际大概多少？",  # this year's target beside last year's result
    "2018年政府工作报告把赤字率定为多少？比上年预算是高了还是低了？",  # year on year, not an outcome
])
def test_questions_the_ledger_cannot_answer_alone_go_the_ordinary_way(question):
    assert ledger_ask(question) is None


def test_a_single_value_is_a_lookup_only_for_a_followup_turn():
    from rag.text.ledger_words import VALUE
    question = "1994年李鹏作报告时，经济速度打算控制在什么范围？"
    assert ledger_ask(question) is None
    assert ledger_ask("2016年经济增速落在了什么水平？", followup=True).kinds == (ACTUAL,)
    ask = ledger_ask(question, followup=True)
    assert (ask.mode, ask.groups[0][0], ask.year_from, ask.kinds) == (VALUE, "gdp_growth", 1994, (TARGET,))
    assert ledger_ask("1987年全国一共收了多少粮食？", followup=True).kinds == (ACTUAL,)
    assert ledger_ask("深圳2025年GDP增长目标是多少？", followup=True) is None
    assert ledger_ask("2025年报告回顾去年时说，去年城镇新增就业多少人？", followup=True) is None


def test_a_rate_and_an_amount_of_one_indicator_are_two_lookups():
    ask = ledger_ask("2025年赤字率定了多少？赤字规模多大？", followup=True)
    assert [g[0] for g in ask.groups] == ["deficit_ratio", "deficit"]


def test_an_outcome_question_may_state_the_target_itself():
    ask = ledger_ask("河南2025年粮食最后收了多少，达到1300亿斤没有？")
    assert (ask.mode, ask.regions, ask.year_from) == (OUTCOME, ("河南",), 2025)


def test_congress_reports_and_several_parts_are_not_ledger_lookups():
    # A party congress sets horizons, not a year's targets: "到2020年" is not the 2020 report.
    assert ledger_ask("十八大定的到2020年的目标里，经济和老百姓收入要长到什么程度？") is None
    # The ledger holds totals: the parts of a deficit go the ordinary way, the total does not.
    assert ledger_ask("2016年国家的赤字一共安排了，中央和地方各自多少?", followup=True) is None
    assert ledger_ask("2016年国家的赤字一共安排了多少？", followup=True).mode == "value"
