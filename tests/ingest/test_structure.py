"""Tests for ingest/structure.py: heading hierarchy, run-on headings, lists, numbering."""
from __future__ import annotations

import pytest

from ingest.clean import clean_text
from ingest.loaders import load_text
from ingest.structure import enumerator_value, heading_of, structure

DOC = """报告标题
各位代表：
第一部分 总体情况
一、过去一年工作回顾
过去一年，经济运行稳中向好。
（一）经济实力稳步增强
全年生产总值增长5%。一是工业增长较快。二是消费持续恢复。
1.工业方面
规上工业增加值增长6%。
2．服务业方面
服务业增加值增长5.5%。
(二)改革开放深入推进。全年新设外资企业300家,实际使用外资增长10%。
二、今年工作安排
第二部分 保障措施
一、加强组织领导
一要提高站位。二要压实责任。"""


def sections(doc: str) -> list[tuple[str, ...]]:
    return [p.section for p in structure("d", doc)]


def test_paragraphs_are_numbered_and_text_is_verbatim():
    paras = structure("reports/r1", DOC)
    assert [p.n for p in paras] == list(range(1, len(DOC.split("\n")) + 1))
    assert [p.text for p in paras] == DOC.split("\n")
    assert paras[0].anchor == "reports/r1#1" and {p.doc_id for p in paras} == {"reports/r1"}


def test_heading_hierarchy_and_paths():
    paras = {p.text: p.section for p in structure("d", DOC)}
    assert paras["报告标题"] == () and paras["各位代表："] == ()
    assert paras["一、过去一年工作回顾"] == ("第一部分 总体情况", "一、过去一年工作回顾")
    assert paras["规上工业增加值增长6%。"] == (
        "第一部分 总体情况", "一、过去一年工作回顾", "（一）经济实力稳步增强", "1.工业方面")
    assert paras["服务业增加值增长5.5%。"][-1] == "2．服务业方面"
    # the next level-2 heading closes the level-3 one
    assert paras["(二)改革开放深入推进。全年新设外资企业300家,实际使用外资增长10%。"] == (
        "第一部分 总体情况", "一、过去一年工作回顾", "（二）改革开放深入推进")
    assert paras["二、今年工作安排"] == ("第一部分 总体情况", "二、今年工作安排")
    # a new part restarts the 一、 numbering
    assert paras["一要提高站位。二要压实责任。"] == ("第二部分 保障措施", "一、加强组织领导")


def test_enumerated_body_points_are_not_headings():
    for line in ("一是工业增长较快。", "一要提高站位。", "第一，基本建设规模问题。", "2.5", "1.4万亿斤粮食",
                 "7.“两新”：是指大规模设备更新和消费品以旧换新"):
        assert heading_of(line) is None, line


def test_run_on_heading_takes_the_sentence_up_to_the_first_stop():
    line = '(一)牢记领袖嘱托,勇担"千亿强区"建设新使命。区委常委会坚持以习近平新时代中国特色社会主义思想武装头脑。'
    assert heading_of(line) == (2, '（一）牢记领袖嘱托，勇担"千亿强区"建设新使命', 1)


def test_markdown_heading_markers_are_ignored():
    assert heading_of("## 二、今年工作安排") == (1, "二、今年工作安排", 2)


def test_level_one_headings_must_stand_alone():
    assert heading_of("一、大家知道，北京是中国北方的政治中心。近五百年来，又是中国的首都。") is None
    assert heading_of("三、2025年政府工作任务") == (1, "三、2025年政府工作任务", 3)


def test_restarted_numbering_is_a_list_not_a_heading():
    doc = "\n".join(["三、若干问题", "（一）基本建设问题", "一、提高设计工作", "二、加强施工指导", "三、协同工作",
                     "四、加强质量检查", "（二）工业生产问题", "四、为完成计划而奋斗", "结束语。"])
    got = dict(zip(doc.split("\n"), sections(doc)))
    assert got["四、加强质量检查"] == ("三、若干问题", "（一）基本建设问题")
    assert got["（二）工业生产问题"] == ("三、若干问题", "（二）工业生产问题")
    assert got["结束语。"] == ("四、为完成计划而奋斗",)


@pytest.mark.parametrize("enumerator,value", [
    ("一、", 1), ("十、", 10), ("十二、", 12), ("二十三、", 23), ("（四）", 4), ("(十一)", 11),
    ("7.", 7), ("12、", 12), ("第三部分", 3), ("一百零五、", 105)])
def test_enumerator_value(enumerator, value):
    assert enumerator_value(enumerator) == value


def test_district_speech_sections(corpus_dir):
    path = corpus_dir / "district_speeches" / "district_party_secretary_econ_work_2022.txt"
    paras = structure("district", clean_text(load_text(path)))
    (hit,) = [p for p in paras if "414亿元" in p.text]
    assert hit.section[0].startswith("一、充分肯定成绩")
    assert hit.section[1] == "（三）强化项目支撑，全年经济高质量运行"
    assert hit.text.startswith("(三)强化项目支撑,全年经济高质量运行。")  # stored text stays verbatim
    (first,) = [p for p in paras if p.text.startswith("(一)牢记领袖嘱托")]
    assert '（一）牢记领袖嘱托，勇担"千亿强区"建设新使命' in first.section
    part_two = [p.section for p in paras if p.section and p.section[0].startswith("二、")]
    assert ("二、明晰形势任务，以创新引领奋力推动高质量发展", "（三）坚持聚焦风口抓创新，确保创新落到产业上") in part_two
    assert not any(s[-1].startswith(("一要", "二要")) for s in part_two if s)


def test_provincial_front_matter_is_not_a_heading(corpus_dir):
    paras = structure("p", clean_text(load_text(corpus_dir / "provincial_gwr_2025" / "prov_2025_anhui.txt")))
    assert [p.section for p in paras[:4]] == [(), (), (), ()]
    assert paras[1].text.startswith("来源：")
    assert any(p.section == ("一、2024年工作回顾", "（一）科学调度、精准施策，推动经济持续回升向好") for p in paras)
