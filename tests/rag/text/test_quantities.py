from decimal import Decimal

import pytest

from rag.text.quantities import keep_qualifiers, number_value, quantities


@pytest.mark.parametrize("text, value, high, unit, qualifier", [
    ("国内生产总值增长5%左右", "5", None, "%", "左右"),
    ("增长5.0%—5.5%", "5.0", "5.5", "%", "range"),
    ("增长6%－6.5%", "6", "6.5", "%", "range"),
    ("增长百分之七点五左右", "7.5", None, "%", "左右"),
    ("定为百分之八至九", "8", "9", "%", "range"),
    ("城镇新增就业1200万人以上", "1200", None, "万人", "以上"),
    ("城镇新增就业1300多万人", "1300", None, "万人", "多"),
    ("城镇新增就业近1200万人", "1200", None, "万人", "近"),
    ("进出口总额超3.6万亿元", "3.6", None, "万亿元", "超过"),
    ("城镇登记失业率低于4.6%", "4.6", None, "%", "以下"),
    ("粮食产量1.4万亿斤左右", "1.4", None, "万亿斤", "左右"),
    ("达到一千二百零一亿元", "1201", None, "亿元", ""),
    ("三千亿元", "3000", None, "亿元", ""),
    ("粮食产量达到四亿零七百多万吨", "40700", None, "万吨", "多"),
    ("增长７．５％", "7.5", None, "%", ""),
    ("增长4·3％", "4.3", None, "%", ""),
    ("达到7 4 7 7 2 亿元", "74772", None, "亿元", ""),
    ("粮食产量34，250万吨", "34250", None, "万吨", ""),
    ("达到74.4\u200b万亿元", "74.4", None, "万亿元", ""),
])
def test_quantity_reads_value_range_unit_and_qualifier(text, value, high, unit, qualifier):
    [q] = quantities(text)
    assert (q.value, q.high, q.written_unit, q.qualifier) == (
        Decimal(value), Decimal(high) if high else None, unit, qualifier)
    assert text[q.start:q.end] in text  # offsets index the text itself


def test_quantity_spans_index_the_original_full_width_text():
    text = "国内生产总值增长７．５％左右"
    [q] = quantities(text)
    assert text[q.start:q.end] == "７．５％左右"


@pytest.mark.parametrize("text", ["一年来", "“十四五”时期", "2025年", "超千亿元镇", "两个百分点"])
def test_words_and_years_are_not_quantities(text):
    assert quantities(text) == []


def test_base_values_compare_across_scales():
    [a] = quantities("1.4万亿斤")
    [b] = quantities("14000亿斤")
    assert a.base() == b.base()


@pytest.mark.parametrize("token, value", [("一万零一百三十", 10130), ("两千", 2000), ("七点五", Decimal("7.5")),
                                          ("十二", 12), ("1,201", 1201)])
def test_number_value(token, value):
    assert number_value(token) == Decimal(value)


def test_aligned_keeps_length_and_chinese_punctuation():
    from rag.text.quantities import aligned
    text = "增长７．５％，城镇１２００万人；4·3％"
    assert aligned(text) == "增长7.5%，城镇1200万人；4.3%" and len(aligned(text)) == len(text)


@pytest.mark.parametrize("claim, source, expected", [
    ("新增就业3万人", "全年城镇新增就业近3万人，登记失业率控制在目标内", "新增就业近3万人"),
    ("增长5%", "国内生产总值增长5%左右；", "增长5%左右"),
    ("增长百分之五", "增长５％左右", "增长５％左右"),
    ("城镇新增就业1200万人", "城镇新增就业1200万人以上", "城镇新增就业1200万人以上"),
    ("增长5%左右", "增长5%左右", "增长5%左右"),  # already qualified: unchanged
    ("增长5%", "增长5%左右；去年实际增长5%", "增长5%"),  # the source also states it bare
    ("增长6%", "增长5%左右", "增长6%"),  # another value is never rewritten
])
def test_a_claim_keeps_the_qualifier_its_source_writes(claim, source, expected):
    assert keep_qualifiers(claim, source) == expected
