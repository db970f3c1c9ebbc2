import pytest

from rag.ledger import ACTUAL, TARGET, Statement
from rag.verdict import EXCEEDED, MET, MISSED, NEARLY, OVER, WITHIN, verdict, written


def st(indicator: str, kind: str, value: float, qualifier: str = "", high: float | None = None, unit: str = "%",
       span: str = "") -> Statement:
    return Statement("d", 1, indicator, "全国", 2019, kind, value, high, unit, qualifier, span or f"增长{value:g}%",
                     value, high)


@pytest.mark.parametrize("target, actual, label", [
    (st("gdp_growth", TARGET, 6, "range", 6.5), st("gdp_growth", ACTUAL, 6.1), MET),
    (st("gdp_growth", TARGET, 6, "range", 6.5), st("gdp_growth", ACTUAL, 6.6), EXCEEDED),
    (st("gdp_growth", TARGET, 6, "range", 6.5), st("gdp_growth", ACTUAL, 5.9), MISSED),
    (st("gdp_growth", TARGET, 7.5, "左右"), st("gdp_growth", ACTUAL, 7.4), NEARLY),
    (st("gdp_growth", TARGET, 7.5, "左右"), st("gdp_growth", ACTUAL, 7.3), MISSED),
    (st("gdp_growth", TARGET, 5, "左右"), st("gdp_growth", ACTUAL, 5), MET),
    (st("gdp_growth", TARGET, 5.5, "左右"), st("gdp_growth", ACTUAL, 3), MISSED),
    (st("urban_jobs", TARGET, 1100, "以上", unit="万人"), st("urban_jobs", ACTUAL, 1351, unit="万人"), EXCEEDED),
    (st("cpi", TARGET, 3, "左右"), st("cpi", ACTUAL, 2.1), WITHIN),
    (st("cpi", TARGET, 3, "以内"), st("cpi", ACTUAL, 4.8), OVER),
    (st("deficit_ratio", TARGET, 2.8, "左右"), st("deficit_ratio", ACTUAL, 2.8), WITHIN),
])
def test_verdict_follows_the_qualifier_and_the_indicators_direction(target, actual, label):
    assert verdict(target, actual).label == label


def test_amounts_without_a_goal_and_other_units_get_no_verdict():
    assert verdict(st("special_bonds", TARGET, 4.4, unit="万亿元"), st("special_bonds", ACTUAL, 4.4, unit="万亿元")) is None
    assert verdict(st("gdp_growth", TARGET, 5), st("gdp_growth", ACTUAL, 134.9, unit="万亿元")) is None


def test_the_difference_is_kept_apart_from_the_relation():
    v = verdict(st("gdp_growth", TARGET, 7.5, "左右"), st("gdp_growth", ACTUAL, 7.8))
    assert (v.relation, v.difference) == ("高于目标", "0.3个百分点")


def test_written_is_the_value_as_the_document_writes_it():
    assert written(st("gdp_growth", TARGET, 7.5, span="国内生产总值增长７．５％左右")) == "７．５％左右"
