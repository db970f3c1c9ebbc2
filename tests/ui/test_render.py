import re
import xml.etree.ElementTree as ET

from rag.types import Answer, Citation, Table, TableRow
from ui.charts import _ticks, chart_svg
from ui.render import answer_html, highlight, ledger_html, paragraph_html, status_text, table_csv, table_html

SVG = "{http://www.w3.org/2000/svg}"


def _citation(n=1, text="今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上。",
              quote="国内生产总值增长5%左右；"):
    return Citation(n=n, doc_id="national_gwr/cn_gwr_2024", source="national_gwr/cn_gwr_2024.txt",
                    title="2024年政府工作报告", year=2024, paragraph=30, section="二、总体要求",
                    text=text, quote=quote)


def test_highlight_escapes_and_marks_the_quote():
    out = highlight("a<b> 增长5%左右 c", "增长5%左右")
    assert out == "a&lt;b&gt; <mark>增长5%左右</mark> c"
    assert highlight("no match here", "absent") == "no match here"


def test_answer_html_links_known_citations_and_builds_cards():
    ans = Answer(question="q", answer="增长5%左右[1]，另见[9]。", citations=[_citation()], llm="extractive")
    out = answer_html(ans, key="k1")
    assert 'href="#sq-k1-1"' in out and 'id="sq-k1-1"' in out
    assert "[9]" in out and "sq-k1-9" not in out  # unknown markers stay plain text
    assert "2024年政府工作报告（2024） · 第30段" in out and "二、总体要求" in out
    assert "<mark>国内生产总值增长5%左右；</mark>" in out
    assert "\n\n" not in out  # one HTML block: Markdown must not re-interpret it


def test_answer_html_marks_unsupported_and_refusals_and_escapes():
    ans = Answer(question="q", answer="第一句<script>x</script>。未经核实的话。", unsupported=["未经核实的话。"],
                 refused=False)
    out = answer_html(ans, key="k")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert '<span class="sq-unsupported" title="未能在引用原文中核实">未经核实的话。</span>' in out
    assert "1 句未能在原文中核实" in out
    refused = answer_html(Answer(question="q", answer="资料中没有相关内容。", refused=True))
    assert "拒答" in refused and "sq-cite" not in refused


def test_paragraph_html_shows_neighbours_and_quote():
    view = {"doc_id": "d", "anchor": "d#2", "title": "标题", "year": 2025, "section": "一、甲", "n": 2,
            "text": "本段含引用句。其余。", "prev": {"n": 1, "text": "前一段"}, "next": None}
    out = paragraph_html(view, "本段含引用句。")
    assert "上一段 第1段" in out and "前一段" in out and "下一段" not in out
    assert "<mark>本段含引用句。</mark>" in out and "标题（2025）" in out and "一、甲" in out


def test_status_text_names_progress_and_backend():
    health = {"index": {"loaded": True, "documents": 4, "chunks": 300, "embedded": 120},
              "indexing": {"phase": "embedding", "done": 120, "total": 300},
              "llm": {"backend": "local", "answering": "extractive", "loading": True, "error": ""}}
    out = status_text(health)
    assert "4 篇文档" in out and "已向量化 120/300" in out and "向量化中 120/300" in out
    assert "抽取式" in out and "加载中" in out
    health["llm"] = {"backend": "local", "answering": "local", "loading": False, "error": ""}
    assert "大模型 local" in status_text(health)


def test_answer_html_shows_how_the_question_was_read():
    from rag.types import Reading

    ans = Answer(question="q", answer="城镇新增就业1200万人以上[1]。", citations=[_citation()],
                 reading=Reading(scope="2025年国务院政府工作报告", query="今年城镇新增就业多少？", asks="数值"))
    out = answer_html(ans, key="k")
    assert "范围：2025年国务院政府工作报告" in out and "按报告用语：今年城镇新增就业多少？" in out
    assert "要找的是：数值" in out
    assert "问题理解" not in answer_html(Answer(question="q", answer="x"), key="k")



# ---- ledger tables and charts ----

def _row(year, kind, value, text, citation, high=None, region="全国", unit="%", verdict=""):
    return TableRow(region=region, year=year, indicator="gdp_growth", label="经济增长（生产总值增速）", kind=kind,
                    value=value, value_high=high, unit=unit, qualifier="range" if high else "", text=text,
                    doc_id=f"national_gwr/cn_gwr_{year + (kind == 'actual')}", paragraph=5 + citation,
                    citation=citation, verdict=verdict)


def _cites(rows) -> list[Citation]:
    return [Citation(n=r.citation, doc_id=r.doc_id, source=r.doc_id + ".txt", title=f"{r.year}年报告<i>",
                     year=r.year, paragraph=r.paragraph, text=f"段落：{r.text}。", quote=r.text) for r in rows]


def _timeline() -> Answer:
    rows = [_row(2015, "target", 7.0, "国内生产总值增长7%左右", 1), _row(2015, "actual", 6.9, "增长6.9%", 2),
            _row(2016, "target", 6.5, "国内生产总值增长6.5%－7%", 3, high=7.0),
            _row(2016, "actual", 6.7, "增长6.7%<b>", 4, verdict="完成")]
    return Answer(question="q", answer="2015年：目标7%左右[1]，实际6.9%[2]", citations=_cites(rows),
                  llm="indicator ledger", table=Table(kind="timeline", title="经济增长<script>", rows=rows))


def _svg(html_text: str) -> ET.Element:
    """The one chart in ``html_text``, parsed as XML (so it is well-formed too)."""
    found = re.findall(r"<svg .*?</svg>", html_text, re.S)
    assert len(found) == 1
    return ET.fromstring(found[0])


def _links(svg: ET.Element) -> dict[str, ET.Element]:
    return {a.get("href"): a for a in svg.iter(f"{SVG}a")}


def test_timeline_chart_links_every_point_to_its_citation_card():
    out = answer_html(_timeline(), key="k")
    svg = _svg(out)
    links = _links(svg)
    assert list(links) == ["#sq-k-1", "#sq-k-3", "#sq-k-2", "#sq-k-4"]  # the target series, then the outcomes
    for href in links:
        assert f'id="{href[1:]}"' in out  # the card it opens is in the same answer
    assert len(svg.findall(f"{SVG}polyline")) == 2
    cy = {href: float(a.find(f"{SVG}circle").get("cy")) for href, a in links.items()}
    cx = {href: float(a.find(f"{SVG}circle").get("cx")) for href, a in links.items()}
    assert cy["#sq-k-1"] < cy["#sq-k-2"] < cy["#sq-k-4"]  # 7 above 6.9 above 6.7 (y grows downwards)
    assert cx["#sq-k-1"] == cx["#sq-k-2"] < cx["#sq-k-3"] == cx["#sq-k-4"]  # x is the year
    ranged = links["#sq-k-3"].find(f"{SVG}line")  # the 6.5%－7% target: an error bar from 6.5 to 7
    assert float(ranged.get("y1")) > cy["#sq-k-3"] > float(ranged.get("y2"))
    assert links["#sq-k-1"].find(f"{SVG}line") is None
    assert "2016年 全国 实际：6.7%" in links["#sq-k-4"].find(f"{SVG}title").text


def test_table_rows_cite_their_paragraph_and_everything_is_escaped():
    out = answer_html(_timeline(), key="k")
    rows = re.findall(r'<tr class="sq-row-.*?</tr>', out)
    assert len(rows) == 4
    assert '<a class="sq-ref" href="#sq-k-4">[4]</a>' in rows[3] and "2016年报告&lt;i&gt; · 第9段" in rows[3]
    assert "<td>目标</td>" in rows[2] and "<td>6.5%－7%</td>" in rows[2] and "<td>完成</td>" in rows[3]
    assert "<script>" not in out and "<b>" not in out and "<i>" not in out
    assert "经济增长&lt;script&gt; · 历年变化" in out and "增长6.7%&lt;b&gt;" in out
    assert 'class="sq-csv"' in out and "下载CSV" in out


def test_answers_without_a_table_render_as_before():
    with_table = _timeline()
    plain = with_table.model_copy(update={"table": None})
    before, after = answer_html(plain, key="k"), answer_html(with_table, key="k")
    assert "sq-ledger" not in before and "<svg" not in before
    block = re.search(r'<div class="sq-ledger".*?</div></div>(?=<div class="sq-cites">)', after).group(0)
    assert after.replace(block, "") == before  # the table is inserted; nothing else changes


def test_csv_copy_holds_every_row_and_defuses_formulas():
    rows = [_row(2015, "target", 7.0, "=HYPERLINK(1)增长7%", 1), _row(2015, "actual", -0.5, "增长-0.5%", 2)]
    text = table_csv(Table(kind="outcome", title="t", rows=rows), _cites(rows))
    lines = text.splitlines()
    assert lines[0].startswith("地区,年份,指标,目标或实际,数值（原文）") and len(lines) == 3
    assert ",'=HYPERLINK(1)增长7%," in lines[1] and ",-0.5," in lines[2]  # numbers stay numbers
    hidden = re.search(r'<div class="sq-csv-data" id="sq-k-csv" hidden>(.*?)</div>',
                       table_html(Table(kind="outcome", title="t", rows=rows), _cites(rows), "k")).group(1)
    assert "\n" not in hidden and hidden.count("&#10;") == 3  # one HTML line: the chat's Markdown leaves it alone


def test_cross_region_and_outcome_tables_are_bar_charts():
    rows = [_row(2025, "target", 5.5, "增长5.5%左右", 1, region="江苏"), _row(2025, "target", 5.0, "增长5%左右", 2),
            _row(2025, "target", 6.0, "增长6%以上", 3, region="西藏")]
    svg = _svg(chart_svg(Table(kind="cross_region", title="t", rows=rows), "k"))
    bars = {href: a.find(f"{SVG}rect") for href, a in _links(svg).items()}
    assert list(bars) == ["#sq-k-1", "#sq-k-2", "#sq-k-3"] and svg.find(f"{SVG}polyline") is None
    height = {href: float(r.get("height")) for href, r in bars.items()}
    assert height["#sq-k-2"] < height["#sq-k-1"] < height["#sq-k-3"]
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"江苏", "全国", "西藏"} <= set(labels)
    outcome = [_row(2024, "target", 5.0, "增长5%左右", 1), _row(2024, "actual", 5.0, "增长5%", 2)]
    svg = _svg(chart_svg(Table(kind="outcome", title="t", rows=outcome), "k"))
    assert list(_links(svg)) == ["#sq-k-1", "#sq-k-2"] and "2024年" in [t.text for t in svg.iter(f"{SVG}text")]


def test_chart_converts_units_and_leaves_out_other_kinds_of_unit():
    rows = [_row(2023, "actual", 126.0, "超过126万亿元", 1, unit="万亿元"),
            _row(2024, "actual", 1349000.0, "1349000亿元", 2, unit="亿元"),
            _row(2025, "actual", 3.0, "3万吨", 3, unit="万吨")]
    out = chart_svg(Table(kind="timeline", title="t", rows=rows), "k")
    links = _links(_svg(out))
    assert list(links) == ["#sq-k-1", "#sq-k-2"] and "1 个数值未绘入图中" in out
    cy = {h: float(a.find(f"{SVG}circle").get("cy")) for h, a in links.items()}
    assert cy["#sq-k-2"] < cy["#sq-k-1"]  # 134.9万亿 drawn above 126万亿, not a million times higher
    assert "单位：万亿元" in out


def test_ticks_are_round_and_cover_the_values():
    assert _ticks(4.8, 5.2) == [4.8, 4.9, 5.0, 5.1, 5.2]
    assert _ticks(0, 1180)[0] == 0 and _ticks(0, 1180)[-1] >= 1180
    flat = _ticks(5.0, 5.0)
    assert flat[0] < 5.0 < flat[-1]


def test_ledger_html_for_the_tab_has_the_cards_its_points_open():
    ans = _timeline()
    out = ledger_html(ans.table, ans.citations, key="t")
    assert all(f'id="{h[1:]}"' in out for h in _links(_svg(out)))
    assert "<mark>增长6.7%&lt;b&gt;</mark>" in out
    assert "没有符合条件的数据" in ledger_html(Table(kind="timeline", title="t"), [], key="t")
