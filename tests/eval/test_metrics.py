"""Metric functions on hand-made cases whose values are worked out by hand."""
from __future__ import annotations

import math

import pytest

from eval import metrics as m
from rag.types import Citation, doc_id_for

DOC = "national_gwr/cn_gwr_2025"
EV_A = {"doc": f"{DOC}.txt", "quote": "国内生产总值增长5%左右"}
EV_B = {"doc": f"{DOC}.txt", "quote": "城镇新增就业1200万人以上"}


def cite(n: int, paragraph: int, text: str, quote: str = "", doc_id: str = DOC) -> Citation:
    return Citation(n=n, doc_id=doc_id, source=f"{doc_id}.txt", paragraph=paragraph, text=text,
                    quote=quote or text)


def test_doc_id_of_strips_only_the_extension():
    assert doc_id_for("national_gwr/cn_gwr_2025.txt") == DOC
    assert doc_id_for("a/b.c.txt") == "a/b.c"


def test_holds_is_whitespace_and_width_insensitive_but_checks_the_document():
    text = "今年发展主要预期目标是：国内生产总值增长\n５％ 左右；"
    assert m.holds(EV_A, DOC, text)
    assert not m.holds(EV_A, "national_gwr/cn_gwr_2024", text)
    assert m.holds({**EV_A, "alt_docs": ["x/other.txt"]}, "x/other", text)


def test_single_evidence_at_rank_three():
    chunks = [(DOC, "无关"), ("other/doc", "国内生产总值增长5%左右"), (DOC, "国内生产总值增长5%左右。")]
    ranks = m.first_hit_ranks([EV_A], chunks)
    assert ranks == [3]
    assert [m.hit_at_k(ranks, k) for k in (1, 3, 5)] == [0.0, 1.0, 1.0]
    assert m.reciprocal_rank(ranks) == pytest.approx(1 / 3)
    assert m.ndcg_at_k(ranks, 10) == pytest.approx(1 / math.log2(4))


def test_multi_evidence_share_and_duplicate_hits_count_once():
    chunks = [(DOC, "国内生产总值增长5%左右"), (DOC, "重复：国内生产总值增长5%左右"), (DOC, "无关")]
    ranks = m.first_hit_ranks([EV_A, EV_B], chunks)
    assert ranks == [1, None]
    assert m.hit_at_k(ranks, 10) == 0.5
    assert m.reciprocal_rank(ranks) == 0.5
    assert m.ndcg_at_k(ranks, 10) == pytest.approx(1 / (1 + 1 / math.log2(3)))


def test_one_chunk_holding_two_items_clips_ndcg():
    ranks = m.first_hit_ranks([EV_A, EV_B], [(DOC, "国内生产总值增长5%左右，城镇新增就业1200万人以上")])
    assert ranks == [1, 1]
    assert m.ndcg_at_k(ranks, 10) == 1.0


def test_no_evidence_gives_no_retrieval_or_citation_metrics():
    item = {"type": "unanswerable", "evidence": [], "answer_keys": []}
    assert all(v is None for v in m.retrieval_metrics(item, [(DOC, "x")]).values())
    assert m.citation_scores([cite(1, 3, "x")], [], []) == (None, None)


def test_quote_spanning_two_paragraphs_hits_a_chunk_covering_both():
    ev = {"doc": f"{DOC}.txt", "quote": "第一段的结尾。第二段的开头"}
    assert m.first_hit_ranks([ev], [(DOC, "第一段的结尾。\n第二段的开头，继续。")]) == [1]
    assert m.first_hit_ranks([ev], [(DOC, "第一段的结尾。")]) == [None]


def test_quote_spanning_two_cited_paragraphs_credits_exactly_that_window():
    ev = {"doc": f"{DOC}.txt", "quote": "第一段的结尾。第二段的开头"}
    cites = [cite(1, 4, "第一段的结尾。"), cite(2, 5, "第二段的开头，继续。"), cite(3, 6, "第三段无关。")]
    assert m.covering_paragraphs(ev, cites) == {(DOC, 4), (DOC, 5)}
    precision, recall = m.citation_scores(cites, [ev], [])
    assert (precision, recall) == (pytest.approx(2 / 3), 1.0)
    # Not adjacent: paragraph 5 cited alone cannot hold the quote.
    assert m.citation_scores([cite(1, 5, "第二段的开头，继续。")], [ev], []) == (0.0, 0.0)


def test_citation_supported_by_verbatim_quote_with_a_key():
    keys = [["1200万人"]]
    good = cite(1, 9, "今年城镇新增就业1200万人左右。", quote="城镇新增就业1200万人左右")
    not_verbatim = cite(2, 9, "今年城镇新增就业1200万人左右。", quote="新增就业1200万人以上")
    no_key = cite(3, 10, "其他内容。", quote="其他内容")
    precision, recall = m.citation_scores([good, not_verbatim, no_key], [EV_B], keys)
    assert precision == pytest.approx(1 / 3)
    assert recall == 0.0


def test_keys_need_every_item_and_ignore_markers_and_width():
    keys = [["5%左右", "百分之五左右"], ["1200万人"]]
    assert m.keys_found("增长５％左右[1]，新增就业1200万人[2]。", keys)
    assert not m.keys_found("增长5%左右[1]。", keys)
    assert not m.keys_found("增长5.5%左右", [["5%左右"]])
    assert not m.keys_found("造成112人死亡", [["12人"]])
    assert not m.keys_found("2025年", [["202"]])
    assert m.keys_found("增长5%左右。", [["5%左右"]]) and m.keys_found("第12人", [["12人"]])


def test_answer_correct_for_unanswerable_and_refused():
    unans = {"type": "unanswerable", "evidence": [], "answer_keys": []}
    item = {"type": "number", "evidence": [EV_A], "answer_keys": [["5%左右"]]}
    assert m.answer_correct(unans, "资料中没有找到", True) is True
    assert m.answer_correct(unans, "增长5%左右", False) is False
    assert m.answer_correct(item, "增长5%左右", True) is False
    assert m.answer_correct(item, "增长5%左右", False) is True
    assert m.answer_correct({"type": "summary", "evidence": [EV_A], "answer_keys": []}, "x", False) is None


def test_refusal_scores_and_percentiles():
    pairs = [(True, True), (True, False), (False, True), (False, False), (False, False)]
    assert m.refusal_scores(pairs) == (0.5, 0.5)
    assert m.refusal_scores([(False, False)]) == (None, None)
    assert m.percentile([10, 20, 30, 40], 50) == 25.0
    assert m.percentile([], 95) is None


def test_summarize_macro_averages_defined_values_and_groups_by_type():
    rows = [
        {"type": "number", "gold_unanswerable": False,
         "metrics": {"hit@1": 1.0, "mrr": 1.0, "key_correct": 1.0, "refused": False,
                     "citation_precision": None, "latency_ms": 100.0}},
        {"type": "number", "gold_unanswerable": False,
         "metrics": {"hit@1": 0.0, "mrr": 0.5, "key_correct": 0.0, "refused": True,
                     "citation_precision": 0.5, "latency_ms": 300.0}},
        {"type": "unanswerable", "gold_unanswerable": True,
         "metrics": {"hit@1": None, "mrr": None, "key_correct": 1.0, "refused": True,
                     "citation_precision": None, "latency_ms": 200.0}},
    ]
    s = m.summarize(rows)
    assert set(m.SUMMARY_KEYS) <= set(s)
    assert s["n"] == 3 and s["hit@1"] == 0.5 and s["mrr"] == 0.75
    assert s["citation_precision"] == 0.5 and s["hit@10"] is None
    assert s["key_accuracy"] == pytest.approx(2 / 3)
    assert (s["refusal_precision"], s["refusal_recall"]) == (0.5, 1.0)
    assert s["latency_p50_ms"] == 200.0
    by_type = m.summarize_by_type(rows)
    assert by_type["number"]["n"] == 2 and by_type["unanswerable"]["key_accuracy"] == 1.0


def test_followup_accuracy_scores_later_turns_only():
    from eval.metrics import summarize

    def row(followup, unanswerable, refused, key):
        return {"type": "number", "gold_unanswerable": unanswerable, "followup": followup,
                "metrics": {"refused": refused, "key_correct": key}}

    rows = [row(False, False, False, 0.0),            # a first turn: not counted
            row(True, False, False, 1.0),             # answered right
            row(True, False, True, 0.0),              # refused an answerable turn
            row(True, True, True, None)]              # refused an unanswerable turn: right
    assert summarize(rows)["followup_accuracy"] == 2 / 3
    assert summarize(rows[:1])["followup_accuracy"] is None


def test_fusion_shortfalls_name_where_full_falls_below_an_input():
    from eval.metrics import fusion_shortfalls

    systems = {"full": {"hit@5": 0.80, "mrr": 0.60, "key_accuracy": 0.50},
               "bm25": {"hit@5": 0.85, "mrr": 0.61, "key_accuracy": 0.50},
               "dense": {"hit@5": 0.60, "mrr": 0.40, "key_accuracy": 0.40}}
    assert fusion_shortfalls(systems) == ["full hit@5 0.800 < bm25 0.850 - 0.02"]
    assert fusion_shortfalls({"full": systems["full"]}) == []


def test_verdicts_are_read_whole_not_as_substrings():
    from eval.metrics import verdicts_in
    assert verdicts_in("2015年目标为7%左右，实际6.9%，基本完成。") == {"基本完成"}
    assert verdicts_in("超额完成（高于目标）") == {"超额完成"}
    assert verdicts_in("未完成，也没有超出目标") == {"未完成", "超出目标"}
    assert verdicts_in("资料中没有找到") == set()


def test_numbers_cited_needs_each_number_in_a_citation_its_line_marks():
    from eval.metrics import numbers_cited
    from rag.types import Citation
    cites = [Citation(n=1, doc_id="a", source="a.txt", paragraph=1, text="国内生产总值增长7%左右。", quote="国内生产总值增长7%左右"),
             Citation(n=2, doc_id="b", source="b.txt", paragraph=5, text="增长6.9%。", quote="增长6.9%")]
    assert numbers_cited("2015年目标为7%左右[1]，实际为6.9%[2]。\n计算：实际比目标低0.1个百分点。", cites)
    assert not numbers_cited("2015年目标为7%左右[1]，实际为6.9%[1]。", cites)
    assert not numbers_cited("目标为7%左右。", cites)
