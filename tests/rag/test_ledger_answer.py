"""Ledger answers on a real small index: verdicts, citations, refusals, tables."""
import pytest

from rag.answer import answer
from rag.verdict import VERDICTS

DOCS = ("national_gwr/cn_gwr_2015.txt", "national_gwr/cn_gwr_2016.txt", "national_gwr/cn_gwr_2019.txt",
        "national_gwr/cn_gwr_2025.txt", "provincial_gwr_2025/prov_2025_jiangsu.txt",
        "provincial_gwr_2025/prov_2025_zhejiang.txt", "provincial_gwr_2025/prov_2025_hubei.txt")


@pytest.fixture(scope="module")
def real(tmp_path_factory, corpus_dir):
    from ingest.pipeline import ingest
    from rag.config import load_settings
    from rag.index import Index

    s = load_settings(index_dir=tmp_path_factory.mktemp("ledger") / "index", corpus_dir=corpus_dir,
                      embedder="hash", llm="extractive")
    ingest([corpus_dir / d for d in DOCS], s)
    index = Index.open(s)
    yield s, index
    index.close()


def _verdicts(text: str) -> set[str]:
    from eval.metrics import verdicts_in
    return verdicts_in(text)


def test_an_outcome_states_target_actual_and_the_computed_verdict_with_both_citations(real):
    s, index = real
    a = answer("2015年GDP有没有达到国家年初定的增速？", s, index)
    assert not a.refused and a.llm == "indicator ledger"
    assert "7%左右" in a.answer and "6.9%" in a.answer and _verdicts(a.answer) == {"基本完成"}
    assert [c.doc_id for c in a.citations] == ["national_gwr/cn_gwr_2015", "national_gwr/cn_gwr_2016"]
    assert all(c.quote in c.text for c in a.citations)
    assert [r.kind for r in a.table.rows] == ["target", "actual"] and a.table.rows[1].verdict == "基本完成"


def test_an_outcome_whose_next_report_is_missing_is_refused_with_the_reason_and_the_target(real):
    s, index = real
    a = answer("2019年城里新增工作岗位的目标完成了吗？", s, index)
    assert a.refused and "2020年的政府工作报告" in a.answer and "不在语料中" in a.answer
    assert a.citations[0].doc_id == "national_gwr/cn_gwr_2019" and "1100万人以上" in a.citations[0].quote
    assert not (_verdicts(a.answer) & set(VERDICTS))


def test_a_timeline_lists_each_year_cited_and_says_which_years_are_missing(real):
    s, index = real
    a = answer("2015到2019年国家每年的经济增长目标是多少？", s, index)
    assert "2015年：7%左右[1]" in a.answer and "2019年：6%－6.5%" in a.answer
    assert "2017、2018年" in a.answer  # not in this small index
    assert [r.year for r in a.table.rows] == [2015, 2016, 2019] and a.table.kind == "timeline"


def test_a_cross_region_comparison_orders_the_regions_and_names_the_highest(real):
    s, index = real
    a = answer("江苏、浙江、湖北2025年谁的经济增长目标最高？", s, index)
    lines = a.answer.splitlines()
    assert lines[1].startswith("湖北：6％左右") and "湖北最高" in a.answer
    assert {c.doc_id.split("/")[1] for c in a.citations} == {"prov_2025_hubei", "prov_2025_jiangsu", "prov_2025_zhejiang"}


def test_a_province_against_the_whole_country_gives_the_computed_difference_apart(real):
    s, index = real
    a = answer("湖北2025年定的经济增速，比国家那份报告的目标高多少？", s, index)
    assert "全国：5%左右" in a.answer and "计算：湖北比全国高1个百分点。" in a.answer


def test_the_ledger_steps_aside_when_it_lacks_a_value_the_corpus_may_hold(real):
    from rag.ledger_answer import ledger_answer
    from rag.ledger_ask import ledger_ask
    s, index = real
    # The 2016 report (in this index) reviews 2015; the ledger has no 2015 R&D figure, so no refusal.
    assert ledger_answer(ledger_ask("2015年研发投入强度的目标完成了吗？"), index) is None
    # A named province whose report is not in this index: not "no value", but the ordinary path.
    assert ledger_answer(ledger_ask("江苏和广东2025年谁的经济增长目标高？"), index) is None


def test_a_followup_value_turn_is_answered_from_the_ledger(real):
    s, index = real
    a = answer("那2019年呢？", s, index, history=["2015年国家定的经济增长目标是多少？"])
    assert a.llm == "indicator ledger" and "6%－6.5%" in a.answer
    assert a.citations[0].doc_id == "national_gwr/cn_gwr_2019" and a.table.rows[0].year == 2019


def test_a_followup_about_a_year_whose_report_is_a_gap_is_refused_with_the_reason(real):
    s, index = real
    # This index holds the 2015, 2016, 2019 and 2025 reports: 2017's is a gap in the series.
    a = answer("那2017年呢？", s, index, history=["2015年国家定的经济增长目标是多少？"])
    assert a.refused and "2017年的政府工作报告" in a.answer and "不在语料中" in a.answer


def test_a_question_asserting_a_target_was_dropped_is_corrected_with_the_target_cited(real):
    s, index = real
    a = answer("2019年为什么把城镇新增就业目标取消了？", s, index)
    assert a.refused and "问题的前提与资料不符" in a.answer and "1100万人以上" in a.answer
    assert a.citations[0].doc_id == "national_gwr/cn_gwr_2019"
    # A target the report does not set is not "corrected": the ordinary answer reads the sources.
    b = answer("2019年为什么把特别国债的安排取消了？", s, index)
    assert b.llm != "indicator ledger"


def test_a_value_the_question_asserts_wrongly_is_corrected_with_the_stated_one_cited(real):
    s, index = real
    a = answer("2019年国家为什么把经济增长目标降到了5%？", s, index)
    assert not a.refused and a.answer.startswith("问题中的“5%”与资料不符") and "6%－6.5%" in a.answer
    assert a.citations[0].doc_id == "national_gwr/cn_gwr_2019"
    # A value the report does state is not "corrected": the ordinary answer explains it.
    assert answer("2019年国家为什么把经济增长目标定在6%－6.5%？", s, index).llm != "indicator ledger"
