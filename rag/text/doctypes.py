"""Document types: their ids, their Chinese labels, and the words that name them.

The ids are ``rag.types.DOC_TYPES``. ``DOC_TYPE_LABELS`` is the one wording of each
type, used in answers ("语料库中没有2020年国务院政府工作报告") and in the chat window.
The cue regexes read which type a (normalized) question asks about.
"""
from __future__ import annotations

import re

from rag.text import alternation
from rag.text.numerals import ONE_TO_NINE, SMALL_NUMERALS
from rag.text.places import place_names
from rag.text.premiers import PREMIERS
from rag.text.years import YEAR_PAT

NATIONAL_GWR = "national_government_work_report"
PROVINCIAL_GWR = "provincial_government_work_report"
LOCAL_GWR = "local_government_work_report"
RESOLUTION = "npc_resolution_on_government_work_report"
CONGRESS = "cpc_national_congress_report"
LEADER = "leader_speech"
DISTRICT = "district_party_secretary_speech"
OTHER = "other"

DOC_TYPE_LABELS = {
    NATIONAL_GWR: "国务院政府工作报告",
    PROVINCIAL_GWR: "省级政府工作报告",
    LOCAL_GWR: "地方政府工作报告",
    RESOLUTION: "全国人大关于政府工作报告的决议",
    CONGRESS: "党的全国代表大会报告",
    LEADER: "领导人讲话",
    DISTRICT: "区委书记讲话",
    OTHER: "其他",
}

# Nouns that name the report or speech a question is scoped to.
REPORT_NOUNS = ("政府工作报告", "政府报告", "工作报告", "报告", "讲话")
RESOLUTION_NOUN = "决议"
DOC_NOUNS = (*REPORT_NOUNS, "施政报告", "两会", RESOLUTION_NOUN, "新年贺词", "贺词", "致辞", "演讲")


DOC_NOUN_RE = re.compile(alternation(DOC_NOUNS))
REPORT_NOUN_RE = re.compile(alternation(REPORT_NOUNS))

_N = SMALL_NUMERALS
# "十九大以来/之后" dates a period that later documents describe, not the congress report.
CONGRESS_RE = re.compile(rf"(?:(?:中国共产党|中共|党的)第?([{_N}]{{1,3}})次?(?:全国代表大会|大)"
                         rf"|第([{_N}]{{1,3}})次全国代表大会"
                         rf"|(?<![{_N}])(十[{ONE_TO_NINE}]|二十[{ONE_TO_NINE}]?)大"
                         # 一大…九大 only where they name the meeting (not 三大攻坚战, 七大行业)
                         rf"|(?<![{_N}\w])([{ONE_TO_NINE}])大(?=上|报告|那会|那时|时|期间|的报告|召开|会上|提出|定的))"
                         r"(?!以来|之后|后|召开以来)")
CONGRESS_ANY_RE = re.compile(r"党代会|党代表大会|党的全国代表大会")
GWR_RE = re.compile(r"政府工作报告|政府报告|两会|工作报告|总理(?:所作|作)?的?报告")
PROVINCIAL_CUE_RE = re.compile(r"省政府|省级|各省|地方政府|省份|自治区政府")
DISTRICT_RE = re.compile(r"区委|全区|经济工作会议|(?:那个|这个|该|本)区(?![间域别分])|区里(?!面)")
LEADER_DOC_RE = re.compile(r"新年贺词|贺词|致辞|祝酒|主旨讲话|主旨演讲|书面讲话|书面演讲|演讲")
LEADER_RE = re.compile(r"习近平|总书记|习主席|国家主席")
# What may stand between a year/place and the document it names: "2023年十四届全国人大一次会议批准的政府工作报告",
# "2008年人大批准温家宝报告的决议".
FILLER_RE = re.compile(r"(?:的|中华人民共和国|中国|我国|国务院|全国|中央|国家(?!主席)|那份|这份|政府|党的|习近平|总书记|国家主席|主席|总理|所作|作|省|市"
                       rf"|{'|'.join(PREMIERS)}"
                       rf"|自治区|特区|特别行政区|人大|关于|批准|审议|通过|第?[{_N}]+(?:届|次)|会议"
                       rf"|[\s,、和与及]|{YEAR_PAT}年?|今年|去年|前年|明年|当年|那年|本年|" + "|".join(place_names()) + ")*")


def follows_document(norm: str, start: int) -> bool:
    """True when a year comes right after a document noun ("政府工作报告2023", "政府工作报告（2023年）")."""
    return bool(re.search(r"(?:" + DOC_NOUN_RE.pattern + r")[\s(（]*$", norm[:start]))


def names_document(norm: str, end: int) -> bool:
    """True when the text after a year is (after filler words) a document noun."""
    rest = norm[end:]
    return bool(DOC_NOUN_RE.match(rest, FILLER_RE.match(rest).end()))
