from rag.text.pairing import subject_values
from rag.text.quantities import aligned


def pairs(text: str) -> list[tuple[str, str]]:
    view = aligned(text)
    return [(m, text[q.start:q.end]) for m, q, _ in subject_values(view, 0, len(view))]


def test_a_target_list_pairs_each_indicator_with_its_value():
    text = "国内生产总值增长5%左右；城镇调查失业率5.5%左右，城镇新增就业1200万人以上；居民消费价格涨幅2%左右"
    assert pairs(text) == [("gdp_growth", "5%左右"), ("surveyed_unemployment", "5.5%左右"),
                           ("urban_jobs", "1200万人以上"), ("cpi", "2%左右")]


def test_a_level_and_a_rate_chained_on_one_subject():
    assert pairs("国内生产总值达到134.9万亿元、增长5%") == [("gdp", "134.9万亿元"), ("gdp_growth", "5%")]
    assert pairs("国内生产总值达到４３８００亿元，按可比价格计算，比上年增长百分之十一点八") == [
        ("gdp", "４３８００亿元"), ("gdp_growth", "百分之十一点八")]


def test_values_listed_with_fenbie_go_to_the_listed_indicators_in_order():
    assert pairs("城镇调查失业率、居民消费价格涨幅分别控制在5%和3%以内") == [
        ("surveyed_unemployment", "5%"), ("cpi", "3%以内")]
    assert [m for m, _ in pairs("城乡居民人均可支配收入分别增长5%和7%左右")] == [
        "urban_income_growth", "rural_income_growth"]


def test_a_run_of_incomes_with_their_levels_then_their_rates():
    text = "城镇居民人均可支配收入17175元，农村居民人均纯收入5153元，实际增长9.8%和8.5%"
    assert pairs(text) == [("urban_income_growth", "9.8%"), ("rural_income_growth", "8.5%")]


def test_from_to_gives_both_dated_values_and_only_the_end_of_an_undated_one():
    dated = pairs("国内生产总值从1997年的7.4万亿元增加到2002年的10.2万亿元")
    assert dated == [("gdp", "7.4万亿元"), ("gdp", "10.2万亿元")]
    assert pairs("国家财政收入由１１２１亿元增加到２２２０亿元") == [("revenue", "２２２０亿元")]


def test_other_quantities_that_name_an_indicator_are_not_its_values():
    assert pairs("对全球经济增长的贡献率保持在30%左右") == []
    assert pairs("全国平均每人占有粮食近八百斤") == []
    assert pairs("脱贫地区农村居民收入增长8.4%") == []
    assert pairs("海洋生产总值突破2万亿元") == []
    assert pairs("国内生产总值年均增长7.1%") == []
    assert pairs("单位地区生产总值能耗较2020年下降11.7%") == []


def test_a_fall_is_a_negative_change_but_an_energy_cut_is_the_indicator_itself():
    assert [(m, t) for m, t in pairs("居民消费价格下降0.3%")] == [("cpi", "0.3%")]
    view = aligned("居民消费价格下降0.3%")
    [(_, q, _)] = subject_values(view, 0, len(view))
    assert q.value < 0
    view = aligned("单位国内生产总值能耗下降3%左右")
    [(m, q, _)] = subject_values(view, 0, len(view))
    assert (m, q.value > 0) == ("energy_intensity", True)


def test_earlier_years_listed_before_turned_to_are_not_this_years_value():
    view = aligned("单位国内生产总值能耗由前三年分别上升4.9％、5.5％、0.2％，转为下降1.2%")
    [(m, q, _)] = subject_values(view, 0, len(view))
    assert (m, float(q.value)) == ("energy_intensity", 1.2)
    view = aligned("单位国内生产总值能耗上升0.5%")
    [(m, q, _)] = subject_values(view, 0, len(view))
    assert float(q.value) == -0.5  # a rise of energy intensity is a negative reduction
