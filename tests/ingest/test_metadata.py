"""Tests for ingest/metadata.py: front matter from the text, manifest precedence."""
from __future__ import annotations

import pytest

from ingest.clean import clean_text
from ingest.loaders import load_text
from ingest.metadata import classify, extract_metadata, find_date, find_speaker, find_title
from ingest.structure import structure
from rag.types import DOC_TYPES


def meta_of(text: str, source: str = "uploads/doc.txt", row: dict | None = None) -> dict:
    cleaned = clean_text(text)
    return extract_metadata(cleaned, structure("d", cleaned), source, row)


def corpus_meta(corpus_dir, rel: str) -> dict:
    return meta_of(load_text(corpus_dir / rel), rel)


def test_provincial_header_lines_are_metadata(corpus_dir):
    m = corpus_meta(corpus_dir, "provincial_gwr_2025/prov_2025_henan.txt")
    assert m["title"] == "2025年河南省政府工作报告"
    assert m["date"] == "2025-01-18" and m["year"] == 2025
    assert (m["speaker"], m["meta"]["speaker_role"]) == ("王凯", "省长")
    assert m["occasion"] == "河南省第十四届人民代表大会第三次会议"
    assert (m["region"], m["doc_type"], m["level"]) == ("河南", "provincial_government_work_report", "provincial")


def test_source_line_and_speaker_line(corpus_dir):
    m = corpus_meta(corpus_dir, "provincial_gwr_2025/prov_2025_guizhou.txt")
    assert m["meta"]["published_by"] == "贵州日报"
    assert (m["speaker"], m["meta"]["speaker_role"]) == ("李炳军", "省长")
    assert m["title"] == "2025年贵州省政府工作报告"


def test_name_before_role_and_minority_names(corpus_dir):
    assert corpus_meta(corpus_dir, "provincial_gwr_2025/prov_2025_shanghai.txt")["speaker"] == "龚正"
    assert corpus_meta(corpus_dir, "provincial_gwr_2025/prov_2025_xinjiang.txt")["speaker"] == "艾尔肯·吐尼亚孜"


def test_district_speech_metadata_without_manifest(corpus_dir):
    m = corpus_meta(corpus_dir, "district_speeches/district_party_secretary_econ_work_2022.txt")
    assert m["title"] == "区委书记在区委全会暨区委经济工作会议上的讲话"
    assert m["meta"]["speaker_role"] == "区委书记" and m["speaker"] is None
    assert m["occasion"] == "区委十届四次全会暨区委经济工作会议"
    assert m["year"] == 2022 and m["date"] is None
    assert (m["doc_type"], m["level"]) == ("district_party_secretary_speech", "district")


def test_undated_speech_year_is_the_year_it_plans_for():
    text = "县长在全县经济工作会议上的讲话\n同志们：\n今天会议的任务是总结2023年工作，安排部署2024年工作。"
    assert meta_of(text, "uploads/speech.txt")["year"] == 2024


def test_xinhua_headline(corpus_dir):
    m = corpus_meta(corpus_dir, "xi_speeches/xi_20221105_1.txt")
    assert m["title"].startswith("珍爱湿地") and "（" not in m["title"]
    assert (m["speaker"], m["date"], m["doc_type"]) == ("习近平", "2022-11-05", "leader_speech")


def test_multi_line_title(corpus_dir):
    m = corpus_meta(corpus_dir, "cpc_congress/cpc20_report.txt")
    assert m["title"] == "高举中国特色社会主义伟大旗帜 为全面建设社会主义现代化国家而团结奋斗"
    assert m["doc_type"] == "cpc_national_congress_report" and m["region"] == "全国"


def test_manifest_non_null_values_win(corpus_dir):
    rel = "provincial_gwr_2025/prov_2025_henan.txt"
    row = {"file": rel, "title": "河南报告", "speaker": None, "year": 2030, "region": None,
           "speaker_source": "text", "notes": "n"}
    m = meta_of(load_text(corpus_dir / rel), rel, row)
    assert (m["title"], m["year"]) == ("河南报告", 2030)
    assert (m["speaker"], m["region"]) == ("王凯", "河南")  # null manifest values do not erase
    assert m["meta"]["speaker_source"] == "text" and m["meta"]["speaker_role"] == "省长"


def test_title_falls_back_to_file_name():
    m = meta_of("各位代表：\n现在，我代表国务院，向大会报告政府工作。", "national/gwr_2030.txt")
    assert m["title"] == "gwr_2030" and m["year"] == 2030
    assert m["doc_type"] == "national_government_work_report" and m["region"] == "全国"


@pytest.mark.parametrize("text,kind", [
    ("第十四届全国人民代表大会第三次会议关于政府工作报告的决议", "npc_resolution_on_government_work_report"),
    ("2025年苏州市政府工作报告", "local_government_work_report"),
    ("在全国科技大会上的讲话", "leader_speech"),
    ("某某公司年度总结", "other"),
])
def test_classify(text, kind):
    assert classify(text, None, None) == kind and kind in DOC_TYPES


def test_small_helpers():
    assert find_date(["（2020年5月28日第十三届全国人民代表大会第三次会议通过）"]) == "2020-05-28"
    assert find_date(["2025年13月40日"]) is None
    assert find_title(["各位代表：", "一、过去一年工作回顾"]) is None
    assert find_title(["现在，我代表国务院，向大会报告政府工作，请各位代表审议", "一、回顾"]) is None
    assert find_title(["继往开来，携手奋进——在峰会上的讲话（2022年12月9日）"]) == "继往开来，携手奋进——在峰会上的讲话"
    assert find_speaker(["重庆市人民政府市长 胡衡华"], "") == ("胡衡华", "市长")
    assert find_speaker(["第十四届全国人民代表大会第三次会议听取和审议了国务院总理李强所作的政府工作报告。"], "") \
        != ("李强所", "总理")
