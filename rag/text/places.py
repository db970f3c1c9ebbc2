"""Places: the 31 provinces, other places, and the words that mean "national".

Region values are the short names the corpus manifest uses (``河南``, ``内蒙古``,
``全国``), so a region read from a question compares with ``Index.documents()``
and with what ``ingest.metadata`` reads from a document's front matter.
"""
from __future__ import annotations

import re
from functools import lru_cache

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
# Province-level places outside the 31 provinces (SARs, Taiwan).
OTHER_PROVINCE_LEVEL = ("香港", "澳门", "台湾")
PROVINCE_LEVEL = (*PROVINCES, *OTHER_PROVINCE_LEVEL)

# Places that have government reports but none in this corpus: naming one as a report's
# owner makes the question unanswerable rather than silently national.
OTHER_PLACES = (*OTHER_PROVINCE_LEVEL, "深圳", "广州", "杭州", "南京", "武汉", "成都", "西安", "苏州", "郑州",
                "长沙", "青岛", "宁波", "厦门", "大连", "沈阳", "哈尔滨", "济南", "合肥", "福州", "昆明", "南宁",
                "石家庄", "太原", "南昌", "贵阳", "兰州", "海口", "长春", "洛阳")

# Words that mean "the national level" in a question.
NATIONAL_CUES = ("全国", "国务院")
# Bodies whose documents are national ones (front matter of a document).
NATIONAL_BODY_RE = re.compile(r"国务院|全国人民代表大会|中国共产党.*全国代表大会|中华人民共和国")
# What follows a province's short name when a text names the province itself ("河南省", "广西壮族…").
REGION_TAIL = r"(?:省|市|自治区|壮族|回族|维吾尔|政府|人民代表大会|第)"
# Administrative suffixes a place name may be written with or without ("河南省" / "河南").
PLACE_SUFFIXES = "省市区县"
# Words after a place that make it the venue of an event rather than the owner of a report.
EVENT_RE = re.compile(r"峰会|会议|论坛|会晤|博览会|运动会|考察|调研|视察|座谈|大会|回归|合作组织")


def province_aliases(short: str) -> tuple[str, ...]:
    """The short name and the full names of a province, longest first."""
    return tuple(sorted((short, *PROVINCES.get(short, ())), key=len, reverse=True))


def place_names() -> list[str]:
    """Every place name (other places, provinces' short and full names), longest first."""
    names = dict.fromkeys((*OTHER_PLACES, *(a for s, f in PROVINCES.items() for a in (s, *f))))
    return sorted(names, key=len, reverse=True)


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


def region_mentions(norm: str) -> list[tuple[str, int, int]]:
    """Provinces and national cues named in normalized text, as (region, start, end)."""
    found = find_provinces(norm)
    # 全国人大/全国代表大会 name an assembly, not the national level.
    cues = re.finditer(rf"(?:{'|'.join(NATIONAL_CUES)})(?!人民代表大会|代表大会|人大|政协)", norm)
    found += [(NATIONAL, m.start(), m.end()) for m in cues]
    return sorted(found, key=lambda r: r[1])
