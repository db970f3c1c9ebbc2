"""rag.text.turns: scope, topic and anaphora of a question, as follow-ups lean on them."""
from rag.text.turns import anaphora, scope_words, setting_clause, shift_year, topic_before_ask


def test_scope_words_are_read_before_the_ask():
    assert scope_words("2019年国家报告里城镇新增就业目标是多少？") == "2019年国家报告"
    assert scope_words("北京今年物价涨幅打算控制在多少？") == "北京今年"
    # "哪个国家" asks; it does not scope the question to the national report.
    assert scope_words("2023年那次上合组织峰会是哪个国家当东道主？") == "2023年"
    assert scope_words("为什么定这个数？") == ""


def test_topic_is_what_comes_before_the_ask_or_after_a_how():
    assert topic_before_ask("2023年那次上合组织峰会是哪个国家当东道主？") == "2023年那次上合组织峰会"
    assert topic_before_ask("2024年国家的经济增长目标是多少？") == "2024年国家的经济增长目标"
    assert topic_before_ask("2024年国家怎么稳就业？") == "2024年国家稳就业"
    assert topic_before_ask("谁作的报告？") == "谁作的报告"  # the ask comes first: the whole question


def test_anaphora_point_back_but_the_district_speech_does_not():
    text = "那次峰会习近平讲了什么？"
    assert [text[s:e] for s, e in anaphora(text)] == ["那次峰会"]
    assert anaphora("那个区2022年的生产总值目标是多少？") == []
    assert anaphora("其中中央财政赤字是多少？") == []


def test_a_scene_setting_clause_is_read_whole():
    assert setting_clause("2025年3月习近平见外国企业老板时说，外国公司占了几分之几？") == "2025年3月习近平见外国企业老板时说"
    assert setting_clause("国家2025年给物价上涨定的目标是多少？") == ""  # no clause before a comma
    assert setting_clause("他说话的时候，提到了什么？") == ""  # no scope word in it


def test_shift_year_moves_the_year_asked_not_the_report_quoted():
    assert shift_year("2016年国家的赤字是多少？", -1) == "2015年国家的赤字是多少？"
    # The report's own year stays when the question asks about another year through it.
    assert shift_year("1983年赵紫阳作报告时说，1982年粮食收了多少？", -1) == "1983年赵紫阳作报告时说，1981年粮食收了多少？"
    # Two years, the first not a quoted report: the first moves and the later one goes.
    assert shift_year("2024年和2025年的增长目标分别是多少？", -1) == "2023年的增长目标分别是多少？"


def test_shift_year_moves_a_relative_word_when_no_year_is_named():
    assert shift_year("四川今年打算新增多少就业？", -1) == "四川去年打算新增多少就业？"
    assert shift_year("四川去年新增了多少就业？", -1) == "四川前年新增了多少就业？"
    assert shift_year("四川前年新增了多少就业？", -1) is None  # no word for three years back
    assert shift_year("四川新增了多少就业？", -1) is None
