"""Reports from hand-made rows: numbers, tables and the self-contained HTML."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from eval import report as rep
from eval.metrics import SUMMARY_KEYS
from rag.types import Answer


def _row(qid: str, qtype: str, hit: float | None, key: float, latency: float, refused: bool = False) -> dict:
    answer = Answer(question=qid, answer="答", refused=refused, llm="extractive").model_dump()
    return {"id": qid, "type": qtype, "gold_unanswerable": qtype == "unanswerable", "system": "full",
            "metrics": {"hit@1": hit, "hit@3": hit, "hit@5": hit, "hit@10": hit, "mrr": hit, "ndcg@10": hit,
                        "citation_precision": None, "citation_recall": hit, "key_correct": key,
                        "refused": refused, "latency_ms": latency},
            "answer": answer}


@pytest.fixture
def rows_by_system() -> dict[str, list[dict]]:
    full = [_row("a", "number", 1.0, 1.0, 100.0), _row("b", "factoid", 0.0, 0.0, 300.0),
            _row("c", "unanswerable", None, 1.0, 50.0, refused=True)]
    naive = [{**r, "system": "naive", "metrics": {**r["metrics"], "hit@5": 0.0}} for r in full]
    return {"naive": naive, "full": full}


def test_build_report_details_the_full_system(rows_by_system, settings, tmp_path: Path):
    report = rep.build_report(rows_by_system, settings, {"embedder": "hash/bigram-256", "chunks": 7},
                              set_path=tmp_path / "s.jsonl", k=5, retrieval_only=False)
    assert report["system"] == "full"
    assert set(SUMMARY_KEYS) <= set(report["summary"])
    assert report["summary"]["hit@5"] == 0.5 and report["systems"]["naive"]["hit@5"] == 0.0
    assert report["summary"]["refusal_precision"] == 1.0 and report["summary"]["latency_p50_ms"] == 100.0
    assert set(report["by_type"]) == {"number", "factoid", "unanswerable"}
    assert [q["id"] for q in report["questions"]] == ["a", "b", "c"]
    assert report["questions"][0]["answer"]["llm"] == "extractive"
    config = report["config"]
    assert config["machine"]["cores"] >= 1 and config["embedder"] == "hash/bigram-256"
    assert config["llm"]["reported"] == ["extractive"] and config["index"]["chunks"] == 7


def test_single_system_has_no_systems_block(rows_by_system, settings, tmp_path: Path):
    report = rep.build_report({"full": rows_by_system["full"]}, settings, {}, set_path=tmp_path / "s.jsonl",
                              k=5, retrieval_only=False)
    assert "systems" not in report


def test_written_reports_are_consistent_and_self_contained(rows_by_system, settings, tmp_path: Path):
    report = rep.build_report(rows_by_system, settings, {"embedder": "hash"}, set_path=tmp_path / "s.jsonl",
                              k=5, retrieval_only=False)
    paths = rep.write_report(report, tmp_path)
    assert json.loads(paths["json"].read_text(encoding="utf-8"))["summary"] == report["summary"]
    md = paths["md"].read_text(encoding="utf-8")
    assert "| full | 3 | 0.500 |" in md and "| naive |" in md and "| unanswerable | 1 | – |" in md
    page = paths["html"].read_text(encoding="utf-8")
    assert page.count("<svg") == 3
    assert not re.search(r"<(script|link|img)\b[^>]*(src|href)=", page)
