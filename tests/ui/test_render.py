from rag.types import Answer, Citation
from ui.render import answer_html, highlight, paragraph_html, status_text


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
