"""Question analysis: the constraints a question states, as a ``QueryPlan``.

``analyze`` reads years, regions, document types and meetings from the question
and decides which of them are *hard* filters and which are *soft* boosts:

* A year that names a document ("2019年政府工作报告提出的赤字率", "十九大报告")
  is a hard filter: that report's numbers live only in that report.
* A year mentioned as content ("2019年GDP增长了多少") is only a boost on the
  documents of year X and X+1, because outcomes of year X are reported in the
  following year's report (the 2019 growth rate is stated in the 2020 report).
  Targets for year X ("2025年的增长目标") are set in year X's report, so they
  boost year X alone.
* A province narrows the search to that province's reports (hard); ``全国`` /
  ``国务院`` only prefer national documents.

Questions that name several years or regions ("2024年和2025年…分别", "江苏和浙江…")
get one sub-plan per item so retrieval can fan out. A hard scope that matches
no document in the catalog (e.g. the 2020 national report, missing from the
corpus) marks the plan ``unanswerable_scope``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Iterable, Sequence

from rag.coverage import (coverage_note, describe_scope, matches, missing_content_years, searched_titles,
                           unreported_result)
from rag.scope import (NEXT_REPORT_RE, drop_mention, national_cue, new_year_addresses, owning_places, search_keywords,
                       strip_scope)
from rag.text.doctypes import (CONGRESS, CONGRESS_ANY_RE, CONGRESS_RE, DISTRICT, DISTRICT_RE, DOC_TYPE_LABELS, GWR_RE,
                               LEADER, LEADER_DOC_RE, LEADER_RE, NATIONAL_GWR, PROVINCIAL_CUE_RE, PROVINCIAL_GWR,
                               RESOLUTION, RESOLUTION_NOUN, follows_document, names_document)
from rag.text.indicators import ECONOMIC_RE
from rag.text.numerals import cn_number
from rag.text.premiers import plan_report_years, premier_report_years
from rag.text.places import NATIONAL, find_other_places, region_mentions
from rag.text.questions import RESULT_RE, TARGET_RE, normalize_question
from rag.text.years import CONGRESS_YEARS, RANGE_RE, year_mentions
from rag.types import Filters


@dataclass(frozen=True)
class Boost:
    """Soft preferences: matching chunks get a small RRF bonus (see ``rag.retrieve.boost_bonus``)."""

    years: tuple[int, ...] = ()
    doc_types: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryPlan:
    """What to search for and where. ``filters`` are hard, ``boost`` is soft."""

    question: str
    query: str  # dense retrieval text (the normalized question or one comparison item's part)
    filters: Filters = Filters()
    boost: Boost = Boost()
    years: tuple[int, ...] = ()
    regions: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    sub_plans: tuple["QueryPlan", ...] = ()
    unanswerable_scope: bool = False
    reason: str = ""
    searched: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    keywords: str = ""  # lexical retrieval text; empty means use ``query``


@dataclass(frozen=True)
class _Reading:
    """Raw constraints read from one question (before hard/soft decisions)."""

    years: tuple[int, ...] = ()
    year_range: tuple[int, int] | None = None
    report: bool = False
    target: bool = False
    regions: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    gwr: str = ""  # "", "auto" (level from the region) or "provincial"
    economic: bool = False
    soft_types: tuple[str, ...] = ()
    congress_years: tuple[int, ...] = ()
    speakers: tuple[str, ...] = ()
    new_year: tuple[tuple[int, str], ...] = ()  # (year named, doc_id of that 新年贺词)
    unknown_congress: str = ""
    national: bool = False  # 国家/全国/中央/国务院 + a year, no other document named: the national report
    report_years: tuple[int, ...] = ()  # national reports dated by their premier (李克强第一次作报告 → 2014)
    next_report: bool = False  # "看下一年的报告": the year after the content year
    result: bool = False  # asks what was actually achieved (实际, 最后完成了…)


def _read_types(norm: str, provinces: bool) -> dict[str, Any]:
    """Document types, congress years and GWR flag named in the question."""
    congress = [next(g for g in m.groups() if g) for m in CONGRESS_RE.finditer(norm)]
    congress_years = tuple(sorted({CONGRESS_YEARS[n] for n in map(cn_number, congress) if n in CONGRESS_YEARS}))
    unknown = [c for c in congress if cn_number(c) not in CONGRESS_YEARS]
    types: list[str] = []
    soft: list[str] = []
    if congress or CONGRESS_ANY_RE.search(norm):
        types.append(CONGRESS)
    if RESOLUTION_NOUN in norm:
        types.append(RESOLUTION)
    gwr = "" if not GWR_RE.search(norm) or RESOLUTION in types or CONGRESS in types else (
        "provincial" if PROVINCIAL_CUE_RE.search(norm) else "auto")
    if gwr and re.search("人大|批准", norm):
        types.append(RESOLUTION)  # "the report the NPC approved": the resolution names it and its premier
    if DISTRICT_RE.search(norm) and not provinces:
        types.append(DISTRICT)
    leader = LEADER_RE.search(norm)
    if CONGRESS not in types and (LEADER_DOC_RE.search(norm) or (leader and "讲话" in norm)):
        types.append(LEADER)
    elif leader and CONGRESS not in types:
        soft.append(LEADER)
    return {"doc_types": tuple(types), "soft_types": tuple(soft), "gwr": gwr,
            "economic": bool(ECONOMIC_RE.search(norm)), "congress_years": congress_years,
            "unknown_congress": "、".join(f"党的第{c}次全国代表大会" for c in unknown)}


def anchor_year(catalog: Sequence[dict], doc_types: Iterable[str] = (), scope: Filters | None = None) -> int:
    """The year that 今年/去年/明年 are relative to.

    Inside one scoped document (``scope.doc_ids`` names exactly one) "今年" is that
    document's year: a report says 今年 about its own year. Otherwise it is the
    latest year in the corpus for the named document type (the newest report is
    what a user asking about "今年" means), or the latest year of any document.
    """
    by_id = {d["doc_id"]: d for d in catalog}
    if scope and len(scope.doc_ids) == 1 and by_id.get(scope.doc_ids[0], {}).get("year"):
        return int(by_id[scope.doc_ids[0]]["year"])
    types = set(doc_types)
    years = [d["year"] for d in catalog if d.get("year") and (not types or d.get("doc_type") in types)]
    years = years or [d["year"] for d in catalog if d.get("year")]
    return int(max(years)) if years else 0


def _read(norm: str, catalog: Sequence[dict], scope: Filters | None) -> tuple[_Reading, list, list]:
    """The reading plus the year and region mentions (with spans, for comparison splitting)."""
    mentions = region_mentions(norm)
    # Cities/SARs count as a report's owner only in economic or target questions.
    econ_or_target = bool(ECONOMIC_RE.search(norm) or TARGET_RE.search(norm))
    regions = sorted([m for m in mentions if m[0] == NATIONAL]
                     + owning_places(norm, [m for m in mentions if m[0] != NATIONAL], False)
                     + owning_places(norm, find_other_places(norm), not econ_or_target), key=lambda m: m[1])
    provinces = any(r != NATIONAL for r, _, _ in regions)
    kinds = _read_types(norm, provinces)
    guess = kinds["doc_types"] or _types(kinds["gwr"], provinces, False)
    plain = not (provinces or kinds["doc_types"] or kinds["soft_types"])
    dated = (premier_report_years(norm) or plan_report_years(norm)) if plain else ()
    # In a report dated by its premier, 去年/上一年 are relative to that report's year.
    anchor = dated[0] if len(dated) == 1 else anchor_year(catalog, guess, scope)
    # Without any dated document 今年/去年 cannot be resolved: drop them rather than invent year 0.
    years = [y for y in year_mentions(norm, anchor) if anchor or y[0] > 1000]
    rng = RANGE_RE.search(norm)
    ends = [e for _, _, e in years] + ([rng.end()] if rng else [])
    speakers = sorted({d["speaker"] for d in catalog if d.get("speaker") and " " not in d["speaker"]
                       and len(d["speaker"]) >= 2 and d["speaker"] in norm})
    reading = _Reading(
        years=tuple(dict.fromkeys(y for y, _, _ in years)),
        year_range=(int(rng.group(1)), int(rng.group(2))) if rng else None,
        report=any(names_document(norm, e) for e in ends) or any(follows_document(norm, s) for _, s, _ in years),
        target=bool(TARGET_RE.search(norm)),
        regions=tuple(dict.fromkeys(r for r, _, _ in regions)), speakers=tuple(speakers),
        new_year=new_year_addresses(norm, [y for y, _, _ in years], catalog), report_years=dated,
        national=plain and national_cue(norm), next_report=bool(NEXT_REPORT_RE.search(norm)),
        result=bool(RESULT_RE.search(norm)), **kinds)
    return reading, years, regions


def _types(gwr: str, provinces: bool, economic: bool) -> tuple[str, ...]:
    """The report type a GWR mention (or an economic question) points to, by level."""
    if not (gwr or economic):
        return ()
    return (PROVINCIAL_GWR,) if provinces or gwr == "provincial" else (NATIONAL_GWR,)


def _national_span(r: _Reading) -> tuple[int, int] | None:
    """The national reports a plain question means: those its premier dates, else the year
    named (a target or a named report), the next one ("下一年的报告"), or both (a result)."""
    if r.report_years:
        return min(r.report_years), max(r.report_years)
    if not (r.national and r.years) or r.new_year:
        return None
    lo, hi = min(r.years), max(r.years)
    if r.next_report:
        return (lo if r.target else lo + 1), hi + 1
    if r.report or (r.target and not r.result):
        return lo, hi
    # A year's result is stated by the next year's report; "2024年实际…" is not in the 2024 one.
    return (lo + 1, hi + 1) if r.result else (lo, hi + 1)


def _filters_and_boost(r: _Reading) -> tuple[Filters, Boost]:
    provinces = tuple(x for x in r.regions if x != NATIONAL)
    national = _national_span(r)
    hard = r.doc_types + _types(r.gwr, bool(provinces), False) or ((NATIONAL_GWR,) if national else ())
    if provinces and not hard and not r.soft_types:
        hard = (PROVINCIAL_GWR,)  # a province without a document type: its report is the only source
    soft = r.soft_types + (() if hard else _types("", bool(provinces), r.economic))
    hard_years = r.congress_years or _congress_held(r) or (r.years if r.report else ())
    span = (min(hard_years), max(hard_years)) if hard_years else (r.year_range if r.report else None)
    span = national or span
    doc_ids = tuple(d for y, d in r.new_year if y in r.years)
    if doc_ids:
        span = None  # pinned by title (新年贺词); its year differs from the one named
    content = () if r.report else r.years
    boost_years = [y for x in content for y in ((x,) if r.target else (x, x + 1))]
    if r.year_range and not r.report:
        boost_years += range(r.year_range[0], r.year_range[1] + 2)
    filters = Filters(year_from=span[0] if span else None, year_to=span[1] if span else None,
                      doc_types=hard, doc_ids=doc_ids, regions=provinces if hard == (PROVINCIAL_GWR,) else ())
    boost = Boost(years=tuple(dict.fromkeys(boost_years)), doc_types=soft, speakers=r.speakers,
                  regions=(NATIONAL,) if NATIONAL in r.regions and not filters.regions else ())
    return filters, boost


def _congress_held(r: _Reading) -> tuple[int, ...]:
    """"2002年那次党代会": the years named in which a congress was held, when the question asks
    for a congress report without naming which one."""
    if CONGRESS not in r.doc_types:
        return ()
    return tuple(y for y in r.years if y in CONGRESS_YEARS.values())


def _plan(question: str, query: str, r: _Reading, catalog: Sequence[dict]) -> QueryPlan:
    filters, boost = _filters_and_boost(r)
    reason, searched = (f"语料库中没有{r.unknown_congress}报告" if r.unknown_congress else ""), ()
    if not filters.is_empty():
        docs = sorted((d for d in catalog if matches(d, filters)), key=lambda d: (d.get("year") or 0, d["doc_id"]))
        searched = searched_titles(docs)
        if not docs and not reason:
            note = coverage_note(filters, catalog, (filters.year_from - 1) if r.result and r.years else None)
            reason = f"语料库中没有{describe_scope(filters)}" + (f"。{note}" if note else "")
    if not reason and r.result and r.years and not r.report:
        reason = unreported_result(r.years, filters.doc_types or boost.doc_types,
                                   [x for x in r.regions if x != NATIONAL], catalog)
    gone = "" if reason or r.report else missing_content_years(r.years, filters, boost.doc_types, catalog)
    if gone:
        types = "、".join(DOC_TYPE_LABELS.get(t, t) for t in (filters.doc_types or boost.doc_types))
        reason = f"语料库中没有涉及{gone}的{types}"
    focused = strip_scope(query, filters)
    return QueryPlan(question=question, query=focused, keywords=search_keywords(focused),
                     filters=filters, boost=boost, years=r.years,
                     regions=r.regions, doc_types=filters.doc_types or boost.doc_types,
                     unanswerable_scope=bool(reason), reason=reason, searched=searched)


def _split(norm: str, r: _Reading, years: list, regions: list) -> list[tuple[_Reading, str]]:
    """One reading per named year (or else per region, or per congress) for comparison questions."""
    if len(r.years) >= 2:
        field, mentions = "years", years
    elif len(r.regions) >= 2:
        field, mentions = "regions", regions
    elif len(r.congress_years) >= 2:
        return [(replace(r, congress_years=(y,)), norm) for y in r.congress_years]
    elif len(r.report_years) >= 2:
        return [(replace(r, report_years=(y,)), norm) for y in r.report_years]
    else:
        return []
    out = []
    for item in getattr(r, field):
        text = norm
        for value, start, end in sorted(mentions, key=lambda m: -m[1]):
            if value != item:
                text = drop_mention(text, start, end)
        out.append((replace(r, **{field: (item,)}), text))
    return out


def analyze(question: str, catalog_meta: Sequence[dict], scope: Filters | None = None) -> QueryPlan:
    """Read the question's constraints into a plan (pure).

    ``catalog_meta`` is ``Index.documents()``: one metadata dict per document.
    ``scope`` is the user's explicit filter, used only to anchor 今年/去年 to a
    single scoped document's year.
    """
    norm = normalize_question(question)
    reading, years, regions = _read(norm, catalog_meta, scope)
    plan = _plan(question, norm, reading, catalog_meta)
    subs = tuple(_plan(question, text, sub, catalog_meta) for sub, text in _split(norm, reading, years, regions))
    if not subs:
        return plan
    missing = [s.reason for s in subs if s.unanswerable_scope]
    return replace(plan, sub_plans=subs, unanswerable_scope=len(missing) == len(subs), reason="；".join(missing),
                   searched=tuple(dict.fromkeys(t for s in subs for t in s.searched)),
                   notes=tuple(f"{m}，其余部分照常检索" for m in missing if len(missing) < len(subs)))


__all__ = ["Boost", "QueryPlan", "analyze", "anchor_year", "matches"]
