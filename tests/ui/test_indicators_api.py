"""GET /api/indicators and the 指标 tab over a real index of a tiny made-up corpus.

Two national reports (2031: targets, and the 2030 outcome; 2032: the 2031 outcome and new
targets) and one provincial report, ingested with the hash embedder; the ledger is
extracted from them by the real code, so the rows below are what it finds.
"""
from __future__ import annotations

import csv
import io
import json

import gradio as gr
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from rag.text.indicators import MEASURES
from tests.ui.conftest import make_settings
from ui.chat import ChatHandlers
from ui.indicators_api import COLUMNS, ledger_table, parse_query
from ui.runtime import Runtime
from ui.server import create_app

N2031, N2032, JS2032 = "national_gwr/cn_gwr_2031", "national_gwr/cn_gwr_2032", "provincial_gwr/prov_2032_jiangsu"
TEXTS = {
    N2031: ("2031年国务院政府工作报告\n一、2030年工作回顾\n过去一年，国内生产总值增长4.8%，城镇新增就业1180万人。\n"
            "二、2031年经济社会发展总体要求和政策取向\n"
            "今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上；居民消费价格涨幅3%左右。\n"),
    N2032: ("2032年国务院政府工作报告\n一、2031年工作回顾\n"
            "过去一年，我们顶住压力，国内生产总值增长5.2%，城镇新增就业1250万人，居民消费价格上涨2.1%。\n"
            "二、2032年经济社会发展总体要求和政策取向\n今年发展主要预期目标是：国内生产总值增长4.5%—5%；城镇新增就业1100万人以上。\n"),
    JS2032: ("2032年江苏省政府工作报告\n一、2031年工作回顾\n过去一年，全省地区生产总值增长5.8%。\n"
             "二、2032年主要目标\n今年全省经济社会发展的主要预期目标是：地区生产总值增长5.5%左右。\n"),
}
META = {N2031: ("2031年国务院政府工作报告", 2031, "national_government_work_report", "全国"),
        N2032: ("2032年国务院政府工作报告", 2032, "national_government_work_report", "全国"),
        JS2032: ("2032年江苏省政府工作报告", 2032, "provincial_government_work_report", "江苏")}
GDP = {"indicator": "gdp_growth", "region": "全国", "year_from": "2031", "year_to": "2032"}


@pytest.fixture(scope="module")
def ledger_settings(tmp_path_factory):
    """Settings over a built index of the made-up corpus (read-only for the tests)."""
    from ingest.pipeline import ingest

    root = tmp_path_factory.mktemp("ledger")
    corpus = root / "corpus"
    rows = []
    for doc_id, text in TEXTS.items():
        path = corpus / f"{doc_id}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        title, year, doc_type, region = META[doc_id]
        rows.append({"file": f"{doc_id}.txt", "title": title, "year": year, "doc_type": doc_type, "region": region})
    (corpus / "manifest.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    settings = make_settings(root / "index", corpus)
    report = ingest(sorted(corpus.rglob("*.txt")), settings)
    assert report.added == 3 and not report.failed, report.summary()
    return settings


@pytest.fixture(scope="module")
def ledger_runtime(ledger_settings):
    from rag.index import Index

    index = Index.open(ledger_settings)
    yield Runtime(ledger_settings, index)
    index.close()


@pytest.fixture
def api(ledger_runtime):
    with TestClient(create_app(ledger_runtime, with_ui=False)) as c:
        yield c


def test_the_ledger_holds_the_made_up_targets_and_outcomes(ledger_runtime):
    """What the other tests rely on: the real extraction's rows for the made-up reports."""
    found = {(s.indicator, s.region, s.year, s.kind, s.span) for s in ledger_runtime.index.statements()}
    assert ("gdp_growth", "全国", 2031, "target", "国内生产总值增长5%左右") in found
    assert ("gdp_growth", "全国", 2031, "actual", "国内生产总值增长5.2%") in found
    assert ("gdp_growth", "全国", 2032, "target", "国内生产总值增长4.5%—5%") in found
    assert ("gdp_growth", "江苏", 2032, "target", "地区生产总值增长5.5%左右") in found
    assert ("urban_jobs", "全国", 2031, "target", "城镇新增就业1200万人以上") in found


def test_json_rows_carry_their_citation(api):
    resp = api.get("/api/indicators", params=GDP)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["count"] == len(body["rows"]) == 3
    assert body["indicators"] == {m.id: m.label for m in MEASURES.values()}
    assert [(r["year"], r["kind"]) for r in body["rows"]] == [(2031, "target"), (2031, "actual"), (2032, "target")]
    target, actual, ranged = body["rows"]
    assert list(target) == list(COLUMNS) and "text" not in target
    expected = {"span": "国内生产总值增长5%左右", "doc_id": N2031, "paragraph": 5, "anchor": f"{N2031}#5",
                "title": "2031年国务院政府工作报告", "doc_year": 2031, "value": 5.0, "qualifier": "左右", "unit": "%",
                "label": "经济增长（生产总值增速）"}
    assert {k: target[k] for k in expected} == expected
    assert actual["doc_id"] == N2032 and actual["value"] == 5.2 and actual["doc_year"] == 2032
    assert (ranged["value"], ranged["value_high"], ranged["qualifier"]) == (4.5, 5.0, "range")


def test_with_text_adds_the_paragraph_holding_the_span(api):
    rows = api.get("/api/indicators", params={**GDP, "with_text": "true"}).json()["rows"]
    assert rows and all(r["span"] in r["text"] and len(r["text"]) > len(r["span"]) for r in rows)


@pytest.mark.parametrize("params, expected", [
    ({"indicator": "gdp_growth", "kind": "actual"},
     {("全国", 2030, "actual"), ("全国", 2031, "actual"), ("江苏", 2031, "actual")}),
    ({"indicator": "gdp_growth", "region": "江苏省"}, {("江苏", 2031, "actual"), ("江苏", 2032, "target")}),
    ({"indicator": "gdp_growth", "region": "江苏,全国", "year_from": "2032"},
     {("江苏", 2032, "target"), ("全国", 2032, "target")}),
    ({"indicator": "urban_jobs", "region": "国家", "year_to": "2030"}, {("全国", 2030, "actual")}),
])
def test_filters_select_the_rows(api, params, expected):
    rows = api.get("/api/indicators", params=params).json()["rows"]
    assert {(r["region"], r["year"], r["kind"]) for r in rows} == expected


def test_indicator_may_be_repeated_or_comma_separated(api):
    years = "region=全国&year_from=2031&year_to=2031"
    repeated = api.get(f"/api/indicators?indicator=gdp_growth&indicator=urban_jobs&{years}")
    listed = api.get(f"/api/indicators?indicator=gdp_growth,urban_jobs&{years}")
    assert repeated.json() == listed.json()
    assert {r["indicator"] for r in listed.json()["rows"]} == {"gdp_growth", "urban_jobs"}


def test_csv_has_a_bom_a_header_and_the_json_rows(api):
    resp = api.get("/api/indicators", params={**GDP, "format": "csv"})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
    assert "attachment" in resp.headers["content-disposition"]
    assert resp.content.startswith(b"\xef\xbb\xbf")  # the UTF-8 BOM: Excel then shows the Chinese
    table = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    assert tuple(table[0]) == COLUMNS
    rows = api.get("/api/indicators", params=GDP).json()["rows"]
    assert [line[COLUMNS.index("span")] for line in table[1:]] == [r["span"] for r in rows]
    assert [line[COLUMNS.index("anchor")] for line in table[1:]] == [r["anchor"] for r in rows]
    with_text = api.get("/api/indicators", params={**GDP, "format": "csv", "with_text": "1"}).text
    assert with_text.splitlines()[0].endswith(",text") and "今年发展主要预期目标是" in with_text


@pytest.mark.parametrize("params, field", [
    ({"indicator": "gdpp"}, "indicator"),
    ({"indicator": "gdp_growth,nope"}, "indicator"),
    ({"year_from": "2032", "year_to": "2031"}, "year_from"),
    ({"year_from": "二〇三一"}, "year_from"),
    ({"year_to": "20311"}, "year_to"),
    ({"kind": "plan"}, "kind"),
    ({"format": "xlsx"}, "format"),
    ({"region": "西藏"}, "region"),
    ({"with_text": "maybe"}, "with_text"),
])
def test_bad_filters_are_400s_naming_the_field(api, params, field):
    resp = api.get("/api/indicators", params=params)
    assert resp.status_code == 400, resp.text
    body = resp.json()
    assert body["error"] == "BadRequest" and body["message"].startswith(f"{field}: ")
    assert " / " in body["message"] and any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])  # Chinese + English
    assert body["hint"] and "Traceback" not in resp.text


def test_unknown_region_hint_lists_the_regions_with_data(api):
    assert "全国, 江苏" in api.get("/api/indicators", params={"region": "西藏"}).json()["hint"]


def test_route_is_in_the_openapi_docs_with_chinese_examples(api):
    spec = api.get("/openapi.json").json()["paths"]["/api/indicators"]["get"]
    assert "indicator=gdp_growth&region=全国&year_from=2015&year_to=2025" in spec["description"]
    assert "指标" in spec["summary"] and {"200", "400"} <= set(spec["responses"])
    params = {p["name"]: p for p in spec["parameters"]}
    assert set(params) == {"indicator", "region", "year_from", "year_to", "kind", "format", "with_text"}
    assert params["region"]["examples"]["全国"]["value"] == ["全国"]
    assert "text/csv" in spec["responses"]["200"]["content"]


def test_token_guards_the_route_and_other_api_paths_still_answer(ledger_runtime, ledger_settings):
    settings = ledger_settings.model_copy(update={"host": "0.0.0.0", "api_token": SecretStr("t0ken-0123456789")})
    with TestClient(create_app(Runtime(settings, ledger_runtime.index), with_ui=False)) as c:
        assert c.get("/api/indicators").status_code == 401
        ok = c.get("/api/indicators", headers={"Authorization": "Bearer t0ken-0123456789"})
        assert ok.status_code == 200 and ok.json()["count"] > 0
    with TestClient(create_app(ledger_runtime, with_ui=False)) as c:
        assert c.post("/api/indicators").status_code == 405  # the catch-alls know the new route
        assert c.get("/api/no-such-route").status_code == 404
        assert c.get("/api/documents").status_code == 200


def test_ledger_table_prefers_home_reports_and_marks_verdicts(ledger_runtime):
    table, citations = ledger_table(ledger_runtime.index, parse_query("gdp_growth", "全国"))
    assert table.kind == "timeline" and table.title == "经济增长（生产总值增速）（全国）"
    assert [(r.year, r.kind, r.verdict) for r in table.rows] == [
        (2030, "actual", ""), (2031, "target", ""), (2031, "actual", "超额完成"), (2032, "target", "")]
    by_n = {c.n: c for c in citations}
    assert len(by_n) == len(citations) == 4
    for row in table.rows:
        cited = by_n[row.citation]
        assert (cited.doc_id, cited.paragraph, cited.quote) == (row.doc_id, row.paragraph, row.text)
        assert row.text in cited.text
    both, _ = ledger_table(ledger_runtime.index, parse_query("gdp_growth", None, 2032, 2032, "target"))
    assert both.kind == "cross_region" and {r.region for r in both.rows} == {"全国", "江苏"}


def test_indicators_tab_shows_a_cited_chart_and_table(ledger_runtime):
    h = ChatHandlers(ledger_runtime)
    page = h.indicators("gdp_growth", "全国", "2031", "2031", "both")
    assert page.count('class="sq-pt ') == 2 and page.count('<tr class="sq-row-') == 2
    assert 'href="#sq-' in page and 'class="sq-cite"' in page and "2032年国务院政府工作报告 · 第3段" in page
    assert "<mark>国内生产总值增长5.2%</mark>" in page  # the card shows the paragraph, the span marked
    assert "没有符合条件的数据" in h.indicators("cpi", "江苏", "", "", "both")
    regions = h.indicator_regions()["choices"]
    assert regions[0] == ("全国", "全国") and ("江苏", "江苏") in regions


@pytest.mark.parametrize("args, words", [(("gdp_growth", "全国", "2035", "2031", "both"), "起始年份"),
                                         (("gdp_growth", "全国", "明年", "", "both"), "四位数字"),
                                         ((None, "全国", "", "", "both"), "指标")])
def test_indicators_tab_errors_are_chinese_gr_errors(ledger_runtime, args, words):
    with pytest.raises(gr.Error) as err:
        ChatHandlers(ledger_runtime).indicators(*args)
    assert words in str(err.value)
