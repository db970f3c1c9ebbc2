"""The hand-checked ledger sample in eval/gold/, and the extractor's score on it.

The gold is read against the documents as ingest numbers them, so a change to the
paragraph rules that moves a gold statement fails here first."""
import pytest

from eval.ledger import GOLD_DIR, base_value, load_gold, score_ledger
from ingest.parse import load_manifest, parse_file
from rag.ledger import ACTUAL, TARGET, Statement, extract_statements
from rag.text.indicators import MEASURES


@pytest.fixture(scope="module")
def parsed(corpus_dir):
    manifest = load_manifest(corpus_dir)
    gold = load_gold()
    docs = {}
    for doc_id in sorted({a.split("#")[0] for a in gold}):
        path = next(corpus_dir.glob(f"{doc_id}.*"))
        docs[doc_id] = parse_file(path, corpus_dir, manifest)
    return gold, docs


def test_the_sample_is_large_and_spread_over_decades_and_provinces(parsed):
    gold, docs = parsed
    rows = [s for statements in gold.values() for s in statements]
    national = {d.year for d in docs.values() if d.doc_type == "national_government_work_report"}
    provinces = {d.region for d in docs.values() if d.doc_type == "provincial_government_work_report"}
    assert len(rows) >= 250 and len(national) >= 30 and len(provinces) >= 15
    assert {y // 10 * 10 for y in national} >= {1950, 1970, 1980, 1990, 2000, 2010, 2020}
    assert {r["kind"] for r in rows} == {TARGET, ACTUAL} and {r["indicator"] for r in rows} <= set(MEASURES)


def test_every_gold_span_is_in_its_paragraph(parsed):
    gold, docs = parsed
    problems = []
    for anchor, statements in gold.items():
        doc_id, n = anchor.split("#")
        text = docs[doc_id].paragraphs[int(n) - 1].text
        problems += [f"{anchor}: {s['span']}" for s in statements if s["span"] not in text]
    assert problems == []


def test_the_extractor_meets_the_precision_and_recall_targets(parsed):
    gold, docs = parsed
    result = score_ledger(gold, [s for d in docs.values() for s in extract_statements(d)])
    assert result["precision"] >= 0.95 and result["recall"] >= 0.90, (result["missed"][:5], result["extra"][:5])


def test_score_counts_a_wrong_field_as_a_miss_and_an_extra():
    gold = {"d#1": [{"indicator": "cpi", "year": 2024, "kind": "actual", "value": 0.2, "value_high": None,
                     "unit": "%", "qualifier": "", "span": "居民消费价格上涨0.2%"}]}
    right = Statement("d", 1, "cpi", "全国", 2024, ACTUAL, 0.2, None, "%", "", "x", 0.2)
    wrong_year = Statement("d", 1, "cpi", "全国", 2025, ACTUAL, 0.2, None, "%", "", "x", 0.2)
    elsewhere = Statement("d", 2, "cpi", "全国", 2025, ACTUAL, 0.2, None, "%", "", "x", 0.2)
    assert score_ledger(gold, [right, elsewhere])["precision"] == 1.0
    result = score_ledger(gold, [wrong_year])
    assert (result["precision"], result["recall"], len(result["missed"]), len(result["extra"])) == (0.0, 0.0, 1, 1)


def test_base_value_reads_the_scale_of_the_unit():
    assert base_value(1.4, "万亿斤") == base_value(14000, "亿斤") == 1.4e12
    assert base_value(5, "%") == 5
