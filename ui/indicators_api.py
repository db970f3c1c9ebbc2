"""GET /api/indicators: the indicator ledger's rows, each with its citation, as JSON or CSV.

The ledger (``rag.ledger``) holds one statement per target set or outcome reported; this
route filters it through ``Index.statements`` and adds what a citation needs: the
document's title and year, the paragraph anchor ``doc_id#n`` and, on request, the paragraph
text. The chat window's 指标 tab shows the same rows (``ledger_table``). A bad filter is a
400 ``BadRequest`` naming the field, in Chinese and English, with what to send instead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from rag.errors import BadRequest
from rag.ledger import ACTUAL, TARGET, Statement
from rag.text.indicators import MEASURES
from rag.text.ledger_words import CROSS, TIMELINE
from rag.text.places import NATIONAL, PROVINCE_LEVEL, find_provinces
from rag.types import Citation, Table, TableRow
from rag.verdict import verdict
from ui.charts import region_label
from ui.render import csv_text

COLUMNS = ("indicator", "label", "region", "year", "kind", "value", "value_high", "unit", "qualifier", "span",
           "base", "base_high", "doc_id", "paragraph", "anchor", "title", "doc_year", "doc_type")
KINDS = {"target": TARGET, "actual": ACTUAL, "目标": TARGET, "实际": ACTUAL}
FORMATS = ("json", "csv")
BOM = "\ufeff"  # so Excel reads the CSV as UTF-8 and shows the Chinese
NATIONAL_WORDS = ("全国", "国家", "中国", "中央", "national")
GWR_TYPES = ("national_government_work_report", "provincial_government_work_report")
_SPLIT = re.compile(r"[,，、]")


class BadQuery(BadRequest):
    """A bad filter on /api/indicators: HTTP 400, named ``BadRequest`` in the body like its parent."""

    http_status = 400

    @property
    def kind(self) -> str:
        return "BadRequest"


@dataclass(frozen=True)
class LedgerQuery:
    """Validated filters; an empty tuple or None means no constraint."""

    indicators: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    kind: str | None = None

    def where(self) -> dict[str, Any]:
        """Keyword arguments for ``Index.statements``."""
        return {"indicator": self.indicators, "region": self.regions, "kind": self.kind,
                "year_from": self.year_from, "year_to": self.year_to}


def split_values(values: list[str] | tuple[str, ...] | str | None) -> tuple[str, ...]:
    """Repeated or comma-separated values (，、 too), blanks dropped, first occurrence kept."""
    values = [values] if isinstance(values, str) else values or ()
    parts = [p.strip() for v in values for p in _SPLIT.split(v or "")]
    return tuple(dict.fromkeys(p for p in parts if p))


def parse_query(indicator=None, region=None, year_from=None, year_to=None, kind=None) -> LedgerQuery:
    """The filters of a request or of the 指标 tab, checked; ``BadQuery`` names a bad field."""
    indicators = split_values(indicator)
    unknown = [i for i in indicators if i not in MEASURES]
    if unknown:
        raise BadQuery("indicator", f"未知的指标代码 {'、'.join(unknown)} / unknown indicator id {', '.join(unknown)}",
                       f"请使用以下代码之一 / use one of: {', '.join(MEASURES)} (e.g. indicator=gdp_growth)")
    low, high = _year("year_from", year_from), _year("year_to", year_to)
    if low is not None and high is not None and low > high:
        raise BadQuery("year_from", f"起始年份 {low} 晚于截止年份 {high} / year_from {low} is after year_to {high}",
                       "请让 year_from 不大于 year_to / make year_from <= year_to, e.g. year_from=2015&year_to=2025")
    return LedgerQuery(indicators, tuple(dict.fromkeys(map(_region, split_values(region)))), low, high, _kind(kind))


def _year(field: str, value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(int(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value).strip()
    if not re.fullmatch(r"(19|20|21)\d\d", text):
        raise BadQuery(field, f"年份应为四位数字，收到 {value!r} / {field} must be a four-digit year, got {value!r}",
                       f"例如 / e.g. {field}=2015")
    return int(text)


def _kind(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if value.strip() not in KINDS:
        raise BadQuery("kind", f"类别只能是 target（目标）或 actual（实际），收到 {value!r} / "
                               f"kind must be target or actual, got {value!r}",
                       "kind=target 只看目标，kind=actual 只看实际完成情况，省略则两者都给 / omit kind for both")
    return KINDS[value.strip()]


def _region(value: str) -> str:
    """全国 for the national words, the short name for a province written in full (江苏省 → 江苏)."""
    if value in NATIONAL_WORDS:
        return NATIONAL
    found = find_provinces(value)
    return found[0][0] if found and found[0][1] == 0 and found[0][2] == len(value) else value


def ledger_regions(index) -> list[str]:
    """The regions the ledger holds: 全国 first, then provinces in the usual order, then the rest."""
    held = {s.region for s in index.statements()}
    order = [NATIONAL, *PROVINCE_LEVEL]
    return [r for r in order if r in held] + sorted(held - set(order))


def select_statements(index, query: LedgerQuery) -> list[Statement]:
    """The statements matching ``query``; a region the ledger does not hold is a ``BadQuery``
    (a typo should not look like an empty result)."""
    if query.regions:
        held = ledger_regions(index)
        missing = [r for r in query.regions if r not in held]
        if missing:
            raise BadQuery("region", f"指标库中没有地区 {'、'.join(missing)} / no ledger rows for region "
                                     f"{', '.join(missing)}",
                           f"可选地区 / regions with data: {', '.join(held)}")
    return index.statements(**query.where())


def _documents(index) -> dict[str, dict]:
    return {d["doc_id"]: d for d in index.documents()}


def citation_row(s: Statement, doc: dict, text: str | None = None) -> dict[str, Any]:
    """One API row: the statement (``paragraph`` is its ``n``) and its document's title and year."""
    values = s.to_dict() | {"paragraph": s.n, "title": doc.get("title") or s.doc_id, "doc_year": doc.get("year"),
                            "doc_type": doc.get("doc_type", "")}
    row = {column: values[column] for column in COLUMNS}
    return row if text is None else row | {"text": text}


def ledger_rows(index, query: LedgerQuery, with_text: bool = False) -> list[dict[str, Any]]:
    """The API rows for ``query``, in the catalog's order (indicator, year, region, document, paragraph)."""
    docs, rows = _documents(index), []
    for s in select_statements(index, query):
        para = index.paragraph(s.doc_id, s.n) if with_text else None
        rows.append(citation_row(s, docs.get(s.doc_id, {}), (para.text if para else "") if with_text else None))
    return rows


def rows_csv(rows: list[dict[str, Any]], with_text: bool = False) -> str:
    """The rows as CSV with a header and a BOM (Excel then reads the Chinese correctly)."""
    columns = (*COLUMNS, "text") if with_text else COLUMNS
    return BOM + csv_text(columns, [[row.get(c) for c in columns] for row in rows])


def _preference(s: Statement, docs: dict[str, dict]) -> tuple:
    """Targets first, and each value from the report it belongs in first: a target from that
    year's work report, an outcome from the next year's (the chart plots the first per year)."""
    doc = docs.get(s.doc_id, {})
    home = s.year if s.kind == TARGET else s.year + 1
    return (s.indicator, s.region, s.year, s.kind != TARGET, doc.get("year") != home,
            doc.get("doc_type") not in GWR_TYPES, s.doc_id, s.n)


def _citation(n: int, s: Statement, doc: dict, index) -> Citation:
    para = index.paragraph(s.doc_id, s.n)
    return Citation(n=n, doc_id=s.doc_id, source=doc.get("source", ""), title=doc.get("title", ""),
                    year=doc.get("year"), paragraph=s.n, section=para.section_path if para else "",
                    text=para.text if para else s.span, quote=s.span)


def _mark_verdicts(rows: list[TableRow], found: list[Statement]) -> None:
    """The verdict on the first outcome of each year, against the first target of that year."""
    firsts: dict[tuple, int] = {}
    for i, s in enumerate(found):
        firsts.setdefault((s.indicator, s.region, s.year, s.kind), i)
    for (measure, region, year, kind), i in firsts.items():
        t = firsts.get((measure, region, year, TARGET))
        if kind == ACTUAL and t is not None and (v := verdict(found[t], found[i])):
            rows[i].verdict = v.label


def ledger_table(index, query: LedgerQuery) -> tuple[Table, list[Citation]]:
    """The 指标 tab's table (one cited row per statement, best source first) and its citations."""
    docs = _documents(index)
    found = sorted(select_statements(index, query), key=lambda s: _preference(s, docs))
    cited: dict[tuple, Citation] = {}
    rows = []
    for s in found:
        key = (s.doc_id, s.n, s.span)
        if key not in cited:
            cited[key] = _citation(len(cited) + 1, s, docs.get(s.doc_id, {}), index)
        rows.append(TableRow(region=s.region, year=s.year, indicator=s.indicator, label=s.label, kind=s.kind,
                             value=s.value, value_high=s.value_high, unit=s.unit, qualifier=s.qualifier, text=s.span,
                             doc_id=s.doc_id, paragraph=s.n, citation=cited[key].n))
    _mark_verdicts(rows, found)
    labels = "、".join(MEASURES[i].label for i in dict.fromkeys(s.indicator for s in found) or query.indicators)
    places = "、".join(region_label(r) for r in dict.fromkeys(s.region for s in found) or query.regions)
    kind = TIMELINE if len({s.region for s in found}) <= 1 else CROSS
    return Table(kind=kind, title=f"{labels}（{places}）" if places else labels, rows=rows), list(cited.values())


DESCRIPTION = """The indicator ledger: every target set and every outcome reported in the indexed
government work reports (and the district speech), one row per statement, each with its citation:
`doc_id`, `paragraph`, `anchor` (`doc_id#paragraph`), the document's `title` and `doc_year`, and the
exact `span` of the paragraph that states it (`with_text=true` adds the whole paragraph).

指标台账：每一行是一份报告中的一个目标或一个实际完成值，附出处（文档、段落号、原文片段）。

Examples / 示例:

* `/api/indicators?indicator=gdp_growth&region=全国&year_from=2015&year_to=2025` — 2015–2025 年全国经济增长目标与实际
* `/api/indicators?indicator=urban_jobs,cpi&region=江苏&kind=target` — 江苏城镇新增就业、居民消费价格目标
* `/api/indicators?indicator=gdp_growth&year_from=2025&year_to=2025&format=csv` — 2025 年各地经济增长（CSV，可用 Excel 打开）

Indicator ids / 指标代码: """ + "; ".join(f"`{m.id}` {m.label}" for m in MEASURES.values()) + """.

A bad filter (unknown indicator id or region, `year_from` after `year_to`, a `kind` or `format` not
listed) is a 400 `{"error": "BadRequest", "message": "<field>: …", "hint": "…"}`."""

_EXAMPLE_ROW = {"indicator": "gdp_growth", "label": "经济增长（生产总值增速）", "region": "全国", "year": 2019,
                "kind": "target", "value": 6.0, "value_high": 6.5, "unit": "%", "qualifier": "range",
                "span": "国内生产总值增长6%－6.5%", "base": 6.0, "base_high": 6.5, "doc_id": "national_gwr/cn_gwr_2019",
                "paragraph": 30, "anchor": "national_gwr/cn_gwr_2019#30", "title": "2019年国务院政府工作报告",
                "doc_year": 2019, "doc_type": "national_government_work_report"}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "JSON rows (default) or CSV with a BOM (`format=csv`).",
          "content": {"application/json": {"example": {"rows": [_EXAMPLE_ROW], "count": 1,
                                                       "indicators": {"gdp_growth": "经济增长（生产总值增速）"}}},
                      "text/csv": {"example": BOM + ",".join(COLUMNS) + "\n…"}}},
    400: {"description": "A bad filter, named in `message`.",
          "content": {"application/json": {"example": {
              "error": "BadRequest", "message": "indicator: 未知的指标代码 gdpp / unknown indicator id gdpp",
              "hint": "请使用以下代码之一 / use one of: gdp_growth, gdp, … (e.g. indicator=gdp_growth)"}}}},
}


def _examples(**named: Any) -> dict[str, dict[str, Any]]:
    """Swagger UI examples for a query parameter: 摘要 → value."""
    return {summary: {"summary": summary, "value": value} for summary, value in named.items()}


def _flag(value: str | None) -> bool:
    if value is None or value.strip().lower() in ("", "false", "0", "no", "off"):
        return False
    if value.strip().lower() in ("true", "1", "yes", "on"):
        return True
    raise BadQuery("with_text", f"应为 true 或 false，收到 {value!r} / with_text must be true or false, got {value!r}",
                   "with_text=true 附上整段原文 / add with_text=true for the whole paragraphs")


Q_INDICATOR = Query(None, description="Indicator ids, repeated or comma-separated (指标代码，可重复或用逗号分隔).",
                    openapi_examples=_examples(**{"经济增长": ["gdp_growth"], "城镇新增就业和居民消费价格": ["urban_jobs,cpi"]}))
Q_REGION = Query(None, description="全国 or a province (江苏, 江苏省), repeated or comma-separated (地区).",
                 openapi_examples=_examples(**{"全国": ["全国"], "江苏和浙江": ["江苏,浙江"]}))
Q_FROM = Query(None, description="First year the values are about (起始年份), e.g. 2015.",
               openapi_examples=_examples(**{"2015年起": "2015"}))
Q_TO = Query(None, description="Last year (截止年份), e.g. 2025.", openapi_examples=_examples(**{"到2025年": "2025"}))
Q_KIND = Query(None, description="target（目标）or actual（实际）; omit for both.",
               openapi_examples=_examples(**{"只看目标": "target", "只看实际": "actual"}))
Q_FORMAT = Query("json", alias="format", description="json (default) or csv (UTF-8 with BOM, opens in Excel).",
                 openapi_examples=_examples(**{"JSON": "json", "CSV（Excel）": "csv"}))
Q_TEXT = Query(None, description="true adds each row's whole paragraph as `text` (附上整段原文).",
               openapi_examples=_examples(**{"附原文": "true"}))


def indicators_router(require_token: Callable) -> APIRouter:
    """GET /api/indicators (JSON or CSV), behind the same token as every /api route."""
    router = APIRouter(prefix="/api", tags=["indicators"], dependencies=[Depends(require_token)])

    @router.get("/indicators", summary="指标台账 / indicator ledger rows with citations", description=DESCRIPTION,
                response_model=None, responses=RESPONSES)
    def indicators(request: Request, indicator: list[str] | None = Q_INDICATOR, region: list[str] | None = Q_REGION,
                   year_from: str | None = Q_FROM, year_to: str | None = Q_TO, kind: str | None = Q_KIND,
                   fmt: str = Q_FORMAT, with_text: str | None = Q_TEXT) -> Any:
        if fmt not in FORMATS:
            raise BadQuery("format", f"不支持的格式 {fmt!r} / unsupported format {fmt!r}",
                           "format=json（默认）或 format=csv / use json (default) or csv")
        query, text = parse_query(indicator, region, year_from, year_to, kind), _flag(with_text)
        rows = ledger_rows(request.app.state.runtime.require_index(), query, text)
        if fmt == "csv":
            return Response(rows_csv(rows, text), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": 'attachment; filename="indicators.csv"'})
        return {"rows": rows, "count": len(rows), "indicators": {m.id: m.label for m in MEASURES.values()}}

    return router
