"""What the corpus holds, in words a refusal can say: the scope searched, and the
coverage of a document series ("语料中的国务院政府工作报告为1954–2025年间的52份，
缺1961–1963、…、2020年").

A refusal that only says "not found" leaves the user guessing whether the corpus
lacks the document or the document lacks the answer. When the question needs a
document that is absent, the plan's reason says which one and what is there.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from rag.text.doctypes import DOC_TYPE_LABELS, NATIONAL_GWR, PROVINCIAL_GWR, RESOLUTION
from rag.types import Filters

# Series published once a year: a missing year is a gap worth naming.
ANNUAL = (NATIONAL_GWR, PROVINCIAL_GWR, RESOLUTION)


def describe_scope(filters: Filters) -> str:
    """A Chinese description of a hard scope, e.g. ``2020年国务院政府工作报告``."""
    years = ""
    if filters.year_from:
        years = (f"{filters.year_from}年" if filters.year_from == filters.year_to
                 else f"{filters.year_from}-{filters.year_to}年")
    types = "、".join("政府工作报告" if t == PROVINCIAL_GWR and filters.regions else DOC_TYPE_LABELS.get(t, t)
                     for t in filters.doc_types) or "文档"
    return f"{years}{'、'.join(filters.regions)}{types}"


def searched_titles(docs: Sequence[dict], limit: int = 5) -> tuple[str, ...]:
    """Titles of the scoped documents; more than ``limit`` are summarised per type (``国务院政府工作报告（52份，1954-2025年）``)."""
    if len(docs) <= limit:
        return tuple(d.get("title") or d["doc_id"] for d in docs)
    groups: dict[str, list[int]] = {}
    for d in docs:
        groups.setdefault(d.get("doc_type") or "other", []).append(d.get("year") or 0)
    return tuple(f"{DOC_TYPE_LABELS.get(t, t)}（{len(ys)}份，{min(ys)}-{max(ys)}年）" for t, ys in groups.items())


def _ranges(years: list[int]) -> str:
    """1961、1962、1963、1989 → 1961–1963、1989."""
    out, start = [], None
    for i, y in enumerate(years):
        start = y if start is None else start
        if i + 1 == len(years) or years[i + 1] != y + 1:
            out.append(f"{start}–{y}" if y > start else f"{y}")
            start = None
    return "、".join(out)


def series_coverage(doc_type: str, catalog: Sequence[dict], region: str | None = None) -> str:
    """``语料中的国务院政府工作报告为1954–2025年间的52份，缺1961–1963、…年`` (annual series only)."""
    years = sorted({d["year"] for d in catalog if d.get("doc_type") == doc_type and d.get("year")
                    and (region is None or d.get("region") == region)})
    if doc_type not in ANNUAL or not years:
        return ""
    label = f"{region}政府工作报告" if region else DOC_TYPE_LABELS.get(doc_type, doc_type)
    gaps = sorted(set(range(years[0], years[-1] + 1)) - set(years))
    span = f"{years[0]}年" if len(years) == 1 else f"{years[0]}–{years[-1]}年间的{len(years)}份"
    return f"语料中的{label}为{span}" + (f"，缺{_ranges(gaps)}年" if gaps else "")


def coverage_note(filters: Filters, catalog: Sequence[dict], result_year: int | None = None) -> str:
    """What the corpus has of the series a missing scope asks for; for a year's result,
    that it would be stated by the next year's report."""
    notes = []
    if result_year:
        notes.append(f"{result_year}年的实际完成情况应见于{result_year + 1}年的报告，而那一份不在语料中")
    regions = filters.regions or (None,)
    notes += [c for t in filters.doc_types for r in regions if (c := series_coverage(t, catalog, r))]
    return "；".join(notes)


def matches(meta: dict, filters: Filters) -> bool:
    """Whether one document's metadata satisfies ``filters`` (pure; mirrors the index's filtering)."""
    year = meta.get("year")
    if (filters.year_from or filters.year_to) and year is None:
        return False
    if filters.year_from and year < filters.year_from or filters.year_to and year > filters.year_to:
        return False
    checks = ((filters.doc_types, "doc_type"), (filters.regions, "region"),
              (filters.speakers, "speaker"), (filters.doc_ids, "doc_id"))
    return all(not allowed or meta.get(key) in allowed for allowed, key in checks)


def missing_content_years(years: Sequence[int], filters: Filters, soft_types: Sequence[str],
                          catalog: Sequence[dict]) -> str:
    """Past content years with no annual report for X or X+1 (future years are targets), as
    "1990年、1991年"; '' if none.

    Only annual series are checked: a congress report or a speech mentioning 2020
    is no evidence that a document *of* 2020 should exist.
    """
    types = set(filters.doc_types or soft_types) & set(ANNUAL)
    if not types or not years:
        return ""
    docs = [d for d in catalog if d.get("doc_type") in types and d.get("year")
            and matches(d, replace(filters, year_from=None, year_to=None))]
    latest = max((d["year"] for d in docs), default=0)
    have = {d["year"] for d in docs}
    gone = [y for y in years if y <= latest and not {y, y + 1} & have]
    return "、".join(f"{y}年" for y in gone)


def unreported_result(years: Sequence[int], doc_types: Sequence[str], regions: Sequence[str],
                      catalog: Sequence[dict]) -> str:
    """Why a year's actual result cannot be answered: it is stated in the next year's report of
    the series, and that report is after the last one the corpus holds ("内蒙古2025年的投资
    最后到底破没破一万亿" — the 2025 report only sets the target). '' when it can be."""
    for doc_type in (t for t in doc_types if t in (NATIONAL_GWR, PROVINCIAL_GWR)):
        for region in (regions or (None,)):
            have = [d["year"] for d in catalog if d.get("doc_type") == doc_type and d.get("year")
                    and (region is None or d.get("region") == region)]
            late = [y for y in years if have and y >= max(have)]
            if late:
                y = late[0]
                return "；".join(x for x in (f"{y}年的实际完成情况应见于{y + 1}年的报告，而那一份不在语料中",
                                             series_coverage(doc_type, catalog, region)) if x)
    return ""


__all__ = ["ANNUAL", "coverage_note", "describe_scope", "matches", "missing_content_years", "searched_titles",
           "series_coverage", "unreported_result"]
