"""Document metadata from the text's front matter, with manifest values winning.

Reads the title line, ``来源：`` lines, date/occasion lines such as
``2025年1月18日在河南省第十四届人民代表大会第三次会议上河南省人民政府省长王凯作政府工作报告``,
speaker lines (``省长 李炳军``, ``中华人民共和国主席　习近平``) and, for the year of
an undated speech, the year it plans for (``安排部署2022年工作``).
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from ingest.structure import heading_of
from rag.text.doctypes import (CONGRESS, DISTRICT, LEADER, LOCAL_GWR, NATIONAL_GWR, OTHER, PROVINCIAL_GWR,
                               RESOLUTION)
from rag.text.places import NATIONAL, NATIONAL_BODY_RE, PROVINCE_LEVEL, REGION_TAIL
from rag.text.sentences import FULL_STOPS
from rag.types import Paragraph

HEAD = 8  # front matter lives in the first few paragraphs
OPENING_CHARS = 6000  # where a speech says which year it plans for
_ROLE = r"(?:代理?)?(?:省长|市长|区长|县长|州长|自治区主席|主席|总理|书记|区委书记|市委书记|县委书记)"
# Given names, not the place/organ words that precede a role ("区委书记", "15日龚正市长").
_NAME = r"(?:[^\W\d_日年月委省市区县府部局长在的]{1,6}·[^\W\d_]{1,8}|[^\W\d_日年月委省市区县府部局长在的]{2,3})"
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_SOURCE_LINE = re.compile(r"^来源\s*[:：]\s*(\S.*)$")
_ROLE_NAME = re.compile(rf"(?P<role>{_ROLE})[\s\u3000]*(?P<name>{_NAME}?)(?:同志)?"
                        r"(?:[\s\u3000]*(?:作(?:政府)?(?:工作)?报告|在|$|[，。：])|[\s\u3000])")
_NAME_ROLE = re.compile(rf"(?P<name>{_NAME})(?P<role>{_ROLE})在")
_TITLE_ROLE = re.compile(rf"^(?P<role>[\u4e00-\u9fff]{{0,6}}?{_ROLE})在")
_TITLE_NAME = re.compile(rf"^(?P<name>{_NAME})在.{{2,60}}(?:讲话|致辞|演讲|报告|贺词)")
_OCCASION = re.compile(r"(?:召开|举行|在)(?P<occ>[^，。,；;“”\"]{4,50}?"
                       r"(?:会议|全会|大会|座谈会|峰会|论坛|典礼|团拜会|茶话会|开幕式|招待会|宴会))(?:上|的|，|。|$)")
_PLAN_YEAR = re.compile(r"(\d{4})\s*年(?:工作|经济工作|政府工作|重点工作|主要任务|经济社会发展|工作总体要求)")
_PATH_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])(?!\d)")
_PATH_YEAR = re.compile(r"(?<!\d)(19[4-9]\d|20\d\d)(?!\d)")


def extract_metadata(text: str, paragraphs: list[Paragraph], source: str,
                     manifest_row: dict[str, Any] | None = None) -> dict[str, Any]:
    """Title, year, date, speaker, region, doc_type, occasion, level (+ ``meta``).

    Values found in the text are overridden by the non-null values of
    ``manifest_row`` (the file's line in ``manifest.jsonl``).
    """
    head = [p.text for p in paragraphs[:HEAD] if len(p.text) <= 150]
    title = find_title(head) or PurePosixPath(source).stem
    front = " ".join([title, *head])
    date = find_date(head)
    speaker, role = find_speaker(head, title)
    occasion = find_occasion(head, [p.text for p in paragraphs[:40]], title)
    region = find_region(front, occasion)
    doc_type = classify(front, occasion, role)
    found: dict[str, Any] = {
        "title": title, "date": date, "speaker": speaker, "occasion": occasion, "region": region,
        "year": find_year(date, title, text, source), "doc_type": doc_type,
        "level": level_of(doc_type, region),
        "meta": {k: v for k, v in (("speaker_role", role), ("published_by", find_source_line(head)))
                 if v},
    }
    return merge_manifest(found, manifest_row)


def find_title(head: list[str]) -> str | None:
    """The first title-like line (plus short continuation lines), without date/speaker tails."""
    for i, line in enumerate(head[:3]):
        title = _title_part(line)
        if title is None:
            continue
        for nxt in head[i + 1:i + 3]:
            more = _title_part(nxt)
            if more is None or len(more) > 40 or more != nxt:
                break
            title = f"{title} {more}"
        return title
    return None


def _title_part(line: str) -> str | None:
    # Xinhua headlines carry "（2022年10月16日）习近平" after the title proper.
    part = re.split(r"[（(]\s*\d{4}\s*年|※", line)[0].strip()
    if not part or len(part) > 120 or part.endswith(("：", ":")) or _SOURCE_LINE.match(part):
        return None
    if re.search(f"[{FULL_STOPS}]", part) or part.startswith(("——", "--", "（", "(")) or _DATE.match(part):
        return None
    # A long or comma-laden line without a "——在…上的讲话" subtitle is a body sentence.
    if heading_of(part) is not None or ("——" not in part and (len(part) > 60 or part.count("，") >= 2)):
        return None
    return part


def find_date(head: list[str]) -> str | None:
    """ISO date of the first full date in the front matter."""
    for line in head:
        m = _DATE.search(line)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def find_year(date: str | None, title: str, text: str, source: str) -> int | None:
    """Date year, else title year, else the latest year the opening plans for, else the path's year."""
    if date:
        return int(date[:4])
    m = re.search(r"(\d{4})\s*年", title)
    if m:
        return int(m.group(1))
    planned = [int(y) for y in _PLAN_YEAR.findall(text[:OPENING_CHARS])]
    if planned:
        return max(planned)
    years = _PATH_DATE.findall(source) or _PATH_YEAR.findall(source)
    return int(years[-1]) if years else None


def find_speaker(head: list[str], title: str) -> tuple[str | None, str | None]:
    """``(name, role)`` from speaker/date lines, else from the title (``区委书记在…``)."""
    for line in (ln for ln in head if len(ln) <= 100):
        for pattern in (_NAME_ROLE, _ROLE_NAME):
            for m in pattern.finditer(line):
                name = m.group("name") or None
                if name or pattern is _ROLE_NAME:
                    return name, m.group("role")
        m = re.search(r"(?:主席|总书记)[\s\u3000]+(?P<name>[\u4e00-\u9fff]{2,3})$|）(?P<tail>[\u4e00-\u9fff]{2,3})$",
                      line)
        if m:
            return m.group("name") or m.group("tail"), None
    m = _TITLE_ROLE.match(title)
    if m:
        return None, m.group("role")
    m = _TITLE_NAME.match(title)
    return (m.group("name"), None) if m else (None, None)


def find_occasion(head: list[str], opening: list[str], title: str) -> str | None:
    """The meeting: a front-matter date line, else the opening's ``召开…``, else the title."""
    for line in head:
        if _DATE.search(line) and (m := _OCCASION.search(line)):
            return m.group("occ")
    for line in opening:
        if (m := re.search(r"召开(?P<occ>[^，。,；;的]{4,40}(?:会议|全会|大会))", line)):
            return m.group("occ")
    m = _OCCASION.search(title)
    return m.group("occ") if m else None


def find_source_line(head: list[str]) -> str | None:
    """The publication named on a ``来源：`` line."""
    for line in head:
        if (m := _SOURCE_LINE.match(line)):
            return m.group(1).strip()
    return None


def find_region(front: str, occasion: str | None) -> str | None:
    """A province-level region named in the front matter or occasion; 全国 for national bodies."""
    for text in (front, occasion or ""):
        for name in PROVINCE_LEVEL:
            if re.search(name + REGION_TAIL, text):
                return name
    if NATIONAL_BODY_RE.search(front + (occasion or "")):
        return NATIONAL
    return None


def classify(title: str, occasion: str | None, role: str | None) -> str:
    """Map title/occasion/role onto one of ``rag.types.DOC_TYPES`` (``other`` if unsure)."""
    text = title + (occasion or "")
    if "关于政府工作报告的决议" in text:
        kind = RESOLUTION
    elif re.search(r"政府工作报告|报告政府工作", text):
        if "国务院" in text or "全国人民代表大会" in text:
            kind = NATIONAL_GWR
        elif any(re.search(p + REGION_TAIL, text) for p in PROVINCE_LEVEL) or re.search(r"省|自治区", text):
            kind = PROVINCIAL_GWR
        else:
            kind = LOCAL_GWR
    elif re.search(r"中国共产党第.+次全国代表大会", text) and "报告" in text:
        kind = CONGRESS
    elif role and "书记" in role and "区委" in text + role:
        kind = DISTRICT
    elif re.search(r"讲话|致辞|演讲|贺词|祝酒辞|发言", text):
        kind = LEADER
    else:
        kind = OTHER
    return kind


def level_of(doc_type: str, region: str | None) -> str | None:
    """national / provincial / district / local, when it can be told."""
    if doc_type == DISTRICT:
        return "district"
    if region == NATIONAL:
        return "national"
    if doc_type == PROVINCIAL_GWR or region in PROVINCE_LEVEL:
        return "provincial"
    if doc_type == LOCAL_GWR:
        return "local"
    return None


def merge_manifest(found: dict[str, Any], row: dict[str, Any] | None) -> dict[str, Any]:
    """Manifest values win where they are not null; provenance fields go to ``meta``."""
    if not row:
        return found
    merged = dict(found)
    for key in ("title", "year", "date", "speaker", "region", "doc_type", "occasion", "level"):
        if row.get(key) is not None:
            merged[key] = row[key]
    extra = {k: row[k] for k in ("speaker_source", "issuing_body", "original_url", "notes")
             if row.get(k) is not None}
    merged["meta"] = {**found["meta"], **extra}
    return merged
