"""Ledger extraction: statements, their year and kind, from whole documents."""
from rag.ledger import ACTUAL, TARGET, extract_statements, paragraph_statements
from rag.types import Document, Paragraph
from tests.rag.fakes import make_doc

REVIEW = ("一、2024年工作回顾",)
PLAN = ("二、2025年经济社会发展总体要求和政策取向",)


def report(paragraphs: list[tuple[tuple[str, ...], str]], year=2025, region="全国",
           doc_type="national_government_work_report") -> Document:
    paras = [Paragraph("national_gwr/x", i, section, text) for i, (section, text) in enumerate(paragraphs, 1)]
    return Document(doc_id="national_gwr/x", source="x.txt", paragraphs=paras, year=year, region=region,
                    doc_type=doc_type)


def rows(doc: Document) -> list[tuple]:
    return [(s.indicator, s.year, s.kind, s.value, s.value_high, s.unit, s.qualifier) for s in extract_statements(doc)]


def test_review_results_are_last_years_actuals_and_the_plan_this_years_targets():
    doc = report([(REVIEW, "过去一年，国内生产总值达到134.9万亿元、增长5%。城镇新增就业1256万人。"),
                  (PLAN, "今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上。")])
    assert rows(doc) == [("gdp", 2024, ACTUAL, 134.9, None, "万亿元", ""), ("gdp_growth", 2024, ACTUAL, 5.0, None, "%", ""),
                         ("urban_jobs", 2024, ACTUAL, 1256.0, None, "万人", ""),
                         ("gdp_growth", 2025, TARGET, 5.0, None, "%", "左右"),
                         ("urban_jobs", 2025, TARGET, 1200.0, None, "万人", "以上")]


def test_the_span_is_an_exact_substring_of_its_paragraph():
    doc = report([(PLAN, "今年发展主要预期目标是：国内生产总值增长７．５％左右。")])
    [s] = extract_statements(doc)
    assert s.span == "国内生产总值增长７．５％左右" and s.span in doc.paragraphs[0].text
    assert (s.anchor, s.label) == ("national_gwr/x#1", "经济增长（生产总值增速）")


def test_a_range_target_keeps_both_ends():
    doc = report([(PLAN, "今年发展主要预期目标是：国内生产总值增长6%－6.5%。")], year=2019)
    assert rows(doc) == [("gdp_growth", 2019, TARGET, 6.0, 6.5, "%", "range")]


def test_a_paragraph_without_headings_inherits_the_part_it_is_in():
    doc = report([((), "2024年工作回顾"), ((), "一是经济稳中有进。地区生产总值增长6.3%。"),
                  ((), "今年经济社会发展主要预期目标是：地区生产总值增长7%左右。")], region="西藏",
                 doc_type="provincial_government_work_report")
    assert rows(doc) == [("gdp_growth", 2024, ACTUAL, 6.3, None, "%", ""),
                         ("gdp_growth", 2025, TARGET, 7.0, None, "%", "左右")]


def test_an_explicit_or_relative_year_in_the_sentence_wins():
    doc = report([((), "１９８４年，我国国家财政收入比上年增长１２％。去年居民消费价格上涨2.6%。")], year=1985)
    assert [(r[0], r[1], r[2]) for r in rows(doc)] == [("revenue_growth", 1984, ACTUAL), ("cpi", 1984, ACTUAL)]


def test_last_years_result_mentioned_in_the_plan_is_an_actual():
    text = "过去一年，我们的各项工作取得了很大成绩。国内生产总值增长10.3%，城镇新增就业1168万人。"
    doc = report([(("三、2011年的工作",), text)], year=2011)
    assert [(r[0], r[1], r[2]) for r in rows(doc)] == [("gdp_growth", 2010, ACTUAL), ("urban_jobs", 2010, ACTUAL)]


def test_five_year_totals_and_averages_are_not_statements():
    doc = report([(("一、过去五年工作回顾",), "城镇新增就业6400万人以上。国内生产总值年均增长7.1%。")], year=2018)
    assert rows(doc) == []


def test_a_raised_figure_keeps_the_value_it_goes_to_as_this_years_target():
    doc = report([(PLAN, "今年赤字率从去年的2.1%提高到2.3%，财政赤字1.62万亿元。")], year=2015)
    assert rows(doc) == [("deficit_ratio", 2014, ACTUAL, 2.1, None, "%", ""), ("deficit_ratio", 2015, TARGET, 2.3, None, "%", ""),
                         ("deficit", 2015, TARGET, 1.62, None, "万亿元", "")]


def test_other_document_types_have_no_ledger():
    doc = make_doc("xi/x", ["国内生产总值增长5%左右。"], year=2025, doc_type="leader_speech")
    assert extract_statements(doc) == []


def test_a_zone_inside_the_district_is_not_the_district():
    para = Paragraph("district/x", 8, ("一、充分肯定成绩",),
                     "*区GDP完成414亿元,增速6.3%。高新区GDP完成284亿元,增速4.9%。")
    found = paragraph_statements(para, 2022, "区", review=True)
    assert [(s.indicator, s.value) for s in found] == [("gdp", 414.0), ("gdp_growth", 6.3)]


def test_a_traditional_script_report_is_read_through_simplified_characters():
    text = "一九五六年，國內生產總值增長百分之十。" * 3 + "我們這個國家經過會議來說，時候到了。" * 40
    doc = report([((), text)], year=1957, doc_type="national_government_work_report")
    assert ("gdp_growth", 1956, ACTUAL, 10.0, None, "%", "") in rows(doc)
