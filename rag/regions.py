"""Gazetteer and mention finders for question analysis (``rag.query``).

* places: the 31 provinces (short and full names), other cities/SARs, national cues;
* CPC national congresses and their years; Chinese numerals;
* year mentions (digits, Chinese numerals, ranges, 今年/去年…) on normalized text;
* cue words for document types, targets, events and the filler between a year or
  place and the document it names;
* text operations on mentions: BM25 keywords, dropping a mention from a
  comparison, and ``condense`` (the deterministic multi-turn rewrite).

Region values are the short names the corpus manifest uses (``河南``, ``内蒙古``,
``全国``), so a region read from a question compares with ``Index.documents()``.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, Iterable, Sequence

from opencc import OpenCC

from rag.types import Filters

NATIONAL = "全国"

# short name -> full official names (the short name itself is always an alias too).
PROVINCES: dict[str, tuple[str, ...]] = {
    "北京": ("北京市",), "天津": ("天津市",), "上海": ("上海市",), "重庆": ("重庆市",),
    "河北": ("河北省",), "山西": ("山西省",), "辽宁": ("辽宁省",), "吉林": ("吉林省",),
    "黑龙江": ("黑龙江省",), "江苏": ("江苏省",), "浙江": ("浙江省",), "安徽": ("安徽省",),
    "福建": ("福建省",), "江西": ("江西省",), "山东": ("山东省",), "河南": ("河南省",),
    "湖北": ("湖北省",), "湖南": ("湖南省",), "广东": ("广东省",), "海南": ("海南省",),
    "四川": ("四川省",), "贵州": ("贵州省",), "云南": ("云南省",), "陕西": ("陕西省",),
    "甘肃": ("甘肃省",), "青海": ("青海省",),
    "内蒙古": ("内蒙古自治区",), "广西": ("广西壮族自治区", "广西自治区"),
    "西藏": ("西藏自治区",), "宁夏": ("宁夏回族自治区",), "新疆": ("新疆维吾尔自治区",),
}

# Places that have government reports but none in this corpus: naming one as a report's
# owner makes the question unanswerable rather than silently national.
OTHER_PLACES = ("香港", "澳门", "台湾", "深圳", "广州", "杭州", "南京", "武汉", "成都", "西安", "苏州", "郑州",
                "长沙", "青岛", "宁波", "厦门", "大连", "沈阳", "哈尔滨", "济南", "合肥", "福州", "昆明", "南宁",
                "石家庄", "太原", "南昌", "贵阳", "兰州", "海口", "长春", "洛阳")

# Words that mean "the national level" in a question.
NATIONAL_CUES = ("全国", "国务院")

# Congress number -> year it was held (1st 1921 … 20th 2022).
CONGRESS_YEARS: dict[int, int] = {
    1: 1921, 2: 1922, 3: 1923, 4: 1925, 5: 1927, 6: 1928, 7: 1945, 8: 1956, 9: 1969,
    10: 1973, 11: 1977, 12: 1982, 13: 1987, 14: 1992, 15: 1997, 16: 2002, 17: 2007,
    18: 2012, 19: 2017, 20: 2022,
}

_CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_number(text: str) -> int | None:
    """A Chinese numeral from 1 to 99 (``十八`` → 18, ``二十`` → 20), else None."""
    if not text:
        return None
    if "十" not in text:
        return _CN_NUM.get(text) if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if (tens and tens not in _CN_NUM) or (units and units not in _CN_NUM):
        return None
    return (_CN_NUM[tens] if tens else 1) * 10 + (_CN_NUM[units] if units else 0)


@lru_cache(maxsize=1)
def _region_pattern() -> re.Pattern[str]:
    aliases = [a for short, full in PROVINCES.items() for a in (short, *full)]
    # Longest first so 内蒙古自治区 wins over 内蒙古 at the same position.
    return re.compile("|".join(sorted(map(re.escape, aliases), key=len, reverse=True)))


@lru_cache(maxsize=1)
def _alias_to_short() -> dict[str, str]:
    return {a: short for short, full in PROVINCES.items() for a in (short, *full)}


def find_provinces(text: str) -> list[tuple[str, int, int]]:
    """Provinces named in ``text`` as (short name, start, end), left to right, no overlaps."""
    table = _alias_to_short()
    # 上海合作组织 is an organisation, not Shanghai.
    return [(table[m.group()], m.start(), m.end()) for m in _region_pattern().finditer(text)
            if not text.startswith("合作组织", m.end())]


def find_other_places(text: str) -> list[tuple[str, int, int]]:
    """Cities/SARs from ``OTHER_PLACES`` named in ``text`` as (name, start, end)."""
    return [(m.group(), m.start(), m.end()) for m in re.finditer("|".join(OTHER_PLACES), text)]


YEAR_PAT = r"(?:1[89]\d\d|20\d\d)"
_CN_YEAR = re.compile(r"[〇○零一二三四五六七八九]{4}(?=年)")
RANGE_RE = re.compile(rf"(?<![\d.])({YEAR_PAT})\s*年?\s*(?:-|–|—|~|至|到)\s*({YEAR_PAT})\s*年")
_YEAR = re.compile(rf"(?<![\d.])({YEAR_PAT})(?:\s*年度?|(?=\s*(?:和|与|及|、|跟|以及|,)\s*{YEAR_PAT}\s*年"
                   r"|\s*(?:政府工作报告|两会|新年贺词)|\s*[?？]?\s*$))")
_SHORT_YEAR = re.compile(r"(?<![\d.])(\d{2})年(?=的?(?:政府工作报告|两会|gdp|国内生产总值|经济|增长|预期|目标))", re.I)
_RELATIVE = {"今年": 0, "去年": -1, "前年": -2, "明年": 1, "后年": 2}
_RELATIVE_RE = re.compile("|".join(_RELATIVE))

@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def normalize_question(text: str) -> str:
    """NFKC (full-width digits), traditional→simplified, Chinese-numeral years as digits."""
    text = _t2s().convert(unicodedata.normalize("NFKC", text or "")).strip()
    digits = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")
    return _CN_YEAR.sub(lambda m: m.group().translate(digits), text)


def year_mentions(norm: str, anchor: int) -> list[tuple[int, int, int]]:
    """Single years named in normalized text as (year, start, end); relative years use ``anchor``."""
    found = [(int(m.group(1)), m.start(), m.end()) for m in _YEAR.finditer(norm)]
    for m in _SHORT_YEAR.finditer(norm):
        yy = int(m.group(1))
        found.append((2000 + yy if yy <= 30 else 1900 + yy, m.start(), m.end()))
    found += [(anchor + _RELATIVE[m.group()], m.start(), m.end()) for m in _RELATIVE_RE.finditer(norm)]
    ranged = [m.span() for m in RANGE_RE.finditer(norm)]
    return sorted(y for y in found if not any(a <= y[1] < b for a, b in ranged))


def region_mentions(norm: str) -> list[tuple[str, int, int]]:
    """Provinces and national cues named in normalized text, as (region, start, end)."""
    found = find_provinces(norm)
    # 全国人大/全国代表大会 name an assembly, not the national level.
    cues = re.finditer(rf"(?:{'|'.join(NATIONAL_CUES)})(?!人民代表大会|代表大会|人大|政协)", norm)
    found += [(NATIONAL, m.start(), m.end()) for m in cues]
    return sorted(found, key=lambda r: r[1])


_COORD = r"(?:以及|和|与|及|、|跟|,|对比|比较)"


def drop_mention(text: str, start: int, end: int) -> str:
    """Remove one mention with the coordinator that joins it to its neighbour."""
    before = re.search(_COORD + r"$", text[:start])
    if before:
        return text[:before.start()] + text[end:]
    after = re.match(_COORD, text[end:])
    return text[:start] + text[end + (after.end() if after else 0):]


_LEAD = re.compile(r"^(?:那么|那|还有|再看看|再看|换成|如果是|改成|请问)")
_TAIL = re.compile(r"(?:的情况|怎么样|如何|呢|的)*[?？。!！\s]*$")


def _spans(norm: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Year spans (single, relative, ranges) and region spans in normalized text."""
    years = [(s, e) for _, s, e in year_mentions(norm, 0)] + [m.span() for m in RANGE_RE.finditer(norm)]
    return sorted(years), [(s, e) for _, s, e in region_mentions(norm)]


def _is_follow_up(norm: str) -> bool:
    """A short turn that names only a new year/region (``那2023年呢？``, ``河南呢``)."""
    years, regions = _spans(norm)
    if not (years or regions):
        return False
    rest = norm
    for s, e in sorted(years + regions, reverse=True):
        rest = rest[:s] + rest[e:]
    rest = _TAIL.sub("", _LEAD.sub("", rest.strip()))
    return len(re.sub(r"[和与及、,的]", "", rest)) <= 1


def _substitute(previous: str, spans: list[tuple[int, int]], new: str) -> str:
    """Put ``new`` where the first span was and drop the other spans (or prepend ``new``)."""
    if not spans:
        return new + previous
    for s, e in sorted(spans[1:], reverse=True):
        previous = drop_mention(previous, s, e)
    s, e = spans[0]
    return previous[:s] + new + previous[e:]


def _condense_one(question: str, previous: str) -> str:
    norm = normalize_question(question)
    if not _is_follow_up(norm):
        return question
    years, regions = _spans(norm)
    text = normalize_question(previous)
    if years:
        text = _substitute(text, _spans(text)[0], "和".join(norm[s:e] for s, e in years))
    if regions:
        text = _substitute(text, _spans(text)[1], "和".join(norm[s:e] for s, e in regions))
    return text


def _user_turns(history: Iterable[Any]) -> list[str]:
    """User questions from a history of strings, (user, assistant) pairs or role/content dicts."""
    turns = []
    for item in history or ():
        if isinstance(item, str):
            turns.append(item)
        elif isinstance(item, dict) and item.get("role") in ("user", "human"):
            turns.append(str(item.get("content", "")))
        elif isinstance(item, (tuple, list)) and item:
            turns.append(str(item[0]))
    return [t for t in turns if t.strip()]


def condense(question: str, history: Iterable[Any]) -> str:
    """A standalone question for a follow-up turn (deterministic, no LLM).

    ``那2023年呢？`` after ``2024年的增长目标是多少？`` becomes ``2023年的增长目标是多少?``:
    the previous question's subject with the new year/region substituted. Turns
    that say more than a year/region are already standalone and are returned as is.
    """
    standalone = ""
    for turn in _user_turns(history) + [question]:
        standalone = _condense_one(turn, standalone) if standalone else turn
    return standalone


# ---- cue words for document types, targets and scope (used by rag.query) --------
# "十九大以来/之后" dates a period that later documents describe, not the congress report.
CONGRESS_RE = re.compile(r"(?:(?:中国共产党|中共|党的)第?([一二三四五六七八九十]{1,3})次?(?:全国代表大会|大)"
                         r"|第([一二三四五六七八九十]{1,3})次全国代表大会"
                         r"|(?<![一二三四五六七八九十])(十[一二三四五六七八九]|二十)大)(?!以来|之后|后|召开以来)")
CONGRESS_ANY_RE = re.compile(r"党代会|党代表大会|党的全国代表大会")
GWR_RE = re.compile(r"政府工作报告|政府报告|两会|工作报告|总理(?:所作|作)?的?报告")
PROVINCIAL_CUE_RE = re.compile(r"省政府|省级|各省|地方政府|省份|自治区政府")
DISTRICT_RE = re.compile(r"区委|全区|经济工作会议")
LEADER_DOC_RE = re.compile(r"新年贺词|贺词|致辞|祝酒|主旨讲话|主旨演讲|书面讲话|书面演讲|演讲")
LEADER_RE = re.compile(r"习近平|总书记|习主席|国家主席")
ECONOMIC_RE = re.compile(r"gdp|国内生产总值|生产总值|经济增长|增长目标|预期目标|赤字率|财政赤字|失业率"
                       r"|居民消费价格|cpi|粮食产量|专项债|特别国债", re.I)
TARGET_RE = re.compile(r"目标|预期|计划|安排|部署|任务|打算|提出")
DOC_NOUN_RE = re.compile(r"政府工作报告|政府报告|工作报告|施政报告|两会|决议|报告|新年贺词|贺词|讲话|致辞|演讲")
# What may stand between a year/place and the document it names: "2023年十四届全国人大一次会议批准的政府工作报告".
FILLER_RE = re.compile(r"(?:的|中华人民共和国|中国|我国|国务院|全国|中央|政府|党的|习近平|总书记|国家主席|主席|总理|所作|作|省|市"
                       r"|自治区|特区|特别行政区|人大|关于|批准|审议|通过|第?[一二三四五六七八九十]+(?:届|次)|会议"
                       rf"|[\s,、和与及]|{YEAR_PAT}年?|" + "|".join(sorted(
                           (a for s, f in PROVINCES.items() for a in (*OTHER_PLACES, s, *f)), key=len, reverse=True))
                       + ")*")
# Words after a place that make it the venue of an event rather than the owner of a report.
EVENT_RE = re.compile(r"峰会|会议|论坛|会晤|博览会|运动会|考察|调研|视察|座谈|大会|回归|合作组织")


def follows_document(norm: str, start: int) -> bool:
    """True when a year comes right after a document noun ("政府工作报告2023", "政府工作报告（2023年）")."""
    return bool(re.search(r"(?:" + DOC_NOUN_RE.pattern + r")[\s(（]*$", norm[:start]))


def names_document(norm: str, end: int) -> bool:
    """True when the text after a year is (after filler words) a document noun."""
    rest = norm[end:]
    return bool(DOC_NOUN_RE.match(rest, FILLER_RE.match(rest).end()))


def owning_places(norm: str, places: list[tuple[str, int, int]], strict: bool) -> list[tuple[str, int, int]]:
    """Places whose own reports the question is about (not a topic or an event venue).

    A place directly before a document noun owns it ("河南省政府工作报告"). When the
    question names no document, a place owns the scope unless an event follows it
    ("北京峰会", "河南考察"); ``strict`` places (cities, SARs) also need an economic cue.
    """
    named_doc = bool(DOC_NOUN_RE.search(norm))
    return [(p, s, e) for p, s, e in places if names_document(norm, e) or (
        not named_doc and not strict and not EVENT_RE.search(norm, e, e + 12))]


_FLUFF_RE = re.compile(r"是多少|多少|是什么|什么|哪些|哪个|怎么样|怎么|如何|吗|呢|请问|分别|各是|[?？。!！，,]")
_SCOPE_NOUN_RE = re.compile(r"政府工作报告|政府报告|工作报告|报告|讲话")


# BM25 matches characters: the reports write 国内生产总值/地区生产总值 where users type GDP.
_SYNONYMS = {"gdp": "国内生产总值 地区生产总值", "cpi": "居民消费价格", "ppi": "工业生产者出厂价格"}


def strip_scope(query: str, filters: Filters) -> str:
    """The question without what hard filters already fix (document nouns, that year, that province).

    Every candidate shares those, so they would only reward chunks that repeat them
    (title lines, headers) over the answer — in BM25 and in dense retrieval alike.
    If too little is left ("2019年政府工作报告讲了什么"), the question is kept whole.
    """
    text = _SCOPE_NOUN_RE.sub(" ", query) if filters.doc_types else query
    if filters.year_from and filters.year_from == filters.year_to:
        text = re.sub(rf"{filters.year_from}\s*年?", " ", text)
    for short in filters.regions:
        for alias in sorted((short, *PROVINCES.get(short, ())), key=len, reverse=True):
            text = text.replace(alias, " ")
    text = " ".join(text.split())
    return text if len(re.sub(r"\W", "", _FLUFF_RE.sub("", text))) >= 3 else query


def search_keywords(text: str) -> str:
    """BM25 text: no interrogatives, with report wording added for GDP/CPI/PPI."""
    text = _FLUFF_RE.sub(" ", text)
    extra = [words for abbr, words in _SYNONYMS.items() if abbr in text.lower()]
    return " ".join(text.split() + extra)


def new_year_addresses(norm: str, years: Iterable[int], catalog: Sequence[dict]) -> tuple[tuple[int, str], ...]:
    """The 新年贺词 for year X is delivered on 31 Dec of X-1, so pin each one by its title."""
    if "新年贺词" not in norm:
        return ()
    out = []
    for year in years:
        cn = str(year).translate(str.maketrans("0123456789", "〇一二三四五六七八九"))
        out += [(year, d["doc_id"]) for d in catalog
                if f"{cn}年新年贺词" in d.get("title", "") or f"{year}年新年贺词" in d.get("title", "")]
    return tuple(out)
