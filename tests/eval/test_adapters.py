"""Adapters on the real ../shared/qa files, with tiny limits."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval import adapters
from eval.metrics import holds
from rag.types import doc_id_for as doc_id_of
from eval.validate import TYPES
from rag.errors import BadDocument, ConfigError

FIELDS = {"id", "question", "type", "evidence", "answer_keys", "reference_answer"}


def _check_format(documents: dict[str, str], items: list[dict]) -> None:
    assert items and documents
    for item in items:
        assert set(item) == FIELDS and item["type"] in TYPES
        for ev in item["evidence"]:
            for doc in [ev["doc"], *ev.get("alt_docs", [])]:
                assert holds(ev, doc_id_of(doc), documents[doc]), (item["id"], doc)


def test_ncp_matches_the_raw_lines(qa_dir: Path):
    documents, items = adapters.ncp_policy_qa(qa_dir, limit=3)
    _check_format(documents, items)
    raw = [json.loads(line) for line in
           (qa_dir / "ncp_policy_qa/data/local/train.json").read_text(encoding="utf-8").splitlines()[:3]]
    assert [i["question"] for i in items] == [r["question"] for r in raw]
    assert items[0]["answer_keys"] == [[raw[0]["answer"]["text"]]]
    assert documents[f"ncp/{raw[0]['docid']}.txt"] == raw[0]["context"]
    assert len(documents) == len({r["docid"] for r in raw})


def test_cmrc_keeps_alternatives_and_only_needed_paragraphs(qa_dir: Path):
    documents, items = adapters.cmrc2018(qa_dir, limit=5)
    _check_format(documents, items)
    raw = json.loads((qa_dir / "cmrc2018/squad-style-data/cmrc2018_dev.json").read_text(encoding="utf-8"))
    paragraphs = [p for article in raw["data"] for p in article["paragraphs"]]
    needed, count = set(), 0
    for para in paragraphs:
        if count >= 5:
            break
        needed.add(f"cmrc/{para['id']}.txt")
        count += len(para["qas"])
    assert len(items) == 5 and set(documents) == needed
    first = raw["data"][0]["paragraphs"][0]["qas"][0]
    assert set(items[0]["answer_keys"][0]) == {a["text"] for a in first["answers"]}


def test_rgb_positive_and_negative_variants(qa_dir: Path):
    documents, items = adapters.rgb_zh(qa_dir, limit=2)
    _check_format(documents, items)
    assert items[0]["answer_keys"] == [["12人"]]
    assert items[0]["evidence"][0]["doc"].startswith("rgb/q0_pos")
    neg_docs, neg_items = adapters.rgb_zh_negative(qa_dir, limit=2)
    assert neg_docs and all("_neg" in d for d in neg_docs) and set(neg_docs) < set(documents)
    assert all(i["type"] == "unanswerable" and not i["evidence"] and not i["answer_keys"] for i in neg_items)


def test_guess_type():
    assert adapters.guess_type("12人") == "number"
    assert adapters.guess_type("三个月") == "number"
    assert adapters.guess_type("北京北铃专用汽车有限公司") == "factoid"


def test_prepare_writes_corpus_and_set(qa_dir: Path, tmp_path: Path):
    corpus, set_path = adapters.prepare("ncp", qa_dir, tmp_path, limit=2)
    items = [json.loads(line) for line in set_path.read_text(encoding="utf-8").splitlines()]
    assert len(items) == 2
    for item in items:
        ev = item["evidence"][0]
        assert holds(ev, doc_id_of(ev["doc"]), (corpus / ev["doc"]).read_text(encoding="utf-8"))
    mtimes = {p: p.stat().st_mtime_ns for p in corpus.rglob("*.txt")}
    adapters.prepare("ncp", qa_dir, tmp_path, limit=2)
    assert {p: p.stat().st_mtime_ns for p in corpus.rglob("*.txt")} == mtimes


def test_errors_name_the_problem(tmp_path: Path, qa_dir: Path):
    with pytest.raises(ConfigError, match="squad"):
        adapters.prepare("squad", qa_dir, tmp_path)
    with pytest.raises(BadDocument, match="train.json") as info:
        adapters.ncp_policy_qa(tmp_path)
    assert "qa-dir" in info.value.hint
