"""rag.text.places, doctypes, indicators and questions: the tables every module shares."""
from __future__ import annotations

import pytest

from rag.text.doctypes import DOC_TYPE_LABELS, names_document
from rag.text.indicators import ECONOMIC_RE, named_indicators
from rag.text.places import OTHER_PLACES, PROVINCE_LEVEL, PROVINCES, province_aliases, region_mentions
from rag.text.questions import QUESTION_FLUFF_RE, normalize_question
from rag.types import DOC_TYPES


def test_province_level_units_are_the_31_provinces_plus_hong_kong_macao_taiwan():
    assert len(PROVINCES) == 31 and len(PROVINCE_LEVEL) == 34
    assert set(PROVINCE_LEVEL) - set(PROVINCES) == {"香港", "澳门", "台湾"} <= set(OTHER_PLACES)
    assert province_aliases("广西") == ("广西壮族自治区", "广西自治区", "广西")


def test_national_cues_exclude_the_assemblies():
    assert [r for r, _, _ in region_mentions("全国人大批准的河南省报告和全国的目标")] == ["河南", "全国"]


def test_every_doc_type_has_one_label():
    assert set(DOC_TYPE_LABELS) == set(DOC_TYPES)
    assert len(set(DOC_TYPE_LABELS.values())) == len(DOC_TYPES)


def test_a_year_names_a_document_across_filler_words():
    norm = "2023年十四届全国人大一次会议批准的政府工作报告"
    assert names_document(norm, 5) and not names_document("2023年经济增长", 5)
    # The premier who delivered it stands between the year and the document too.
    assert names_document("2010年人大批准温家宝报告的决议", 5)
    assert not names_document("2010年温家宝访问日本", 5)


@pytest.mark.parametrize("question, stems", [("GDP和cpi", ["生产总值", "居民消费价格"]), ("PPI", ["工业生产者出厂价格"]),
                                             ("经济", [])])
def test_indicators_named_by_abbreviation(question, stems):
    assert [i.stem for i in named_indicators(question)] == stems


def test_economic_cues_include_every_indicator():
    assert all(ECONOMIC_RE.search(w) for w in ("PPI", "地区生产总值", "赤字率")) and not ECONOMIC_RE.search("外交")


def test_question_words_are_removed_longest_first():
    assert QUESTION_FLUFF_RE.sub("", "目标是多少？怎么样，是不是") == "目标"
    assert normalize_question(" ２０２５年政府工作報告 ") == "2025年政府工作报告"
