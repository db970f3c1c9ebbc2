"""The runner: scripted systems for the bookkeeping, and one end-to-end run on a real small index."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval import runner
from eval.baselines import System
from rag.errors import BadRequest
from rag.types import Answer, Citation

DOC = "national_gwr/cn_gwr_2025"
ITEMS = [
    {"id": "q1", "question": "目标是多少？", "type": "number",
     "evidence": [{"doc": f"{DOC}.txt", "quote": "增长5%左右"}], "answer_keys": [["5%左右"]],
     "reference_answer": "5%左右"},
    {"id": "q2", "question": "2020年报告说了什么？", "type": "unanswerable", "evidence": [], "answer_keys": [],
     "reference_answer": "无"},
]


class Scripted:
    """A system that finds the evidence at rank 2 and answers correctly; counts its calls."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def system(self, name: str = "full") -> System:
        return System(name, self.rank, self.ask)

    def rank(self, question: str, n: int) -> list[tuple[str, str]]:
        return [(DOC, "无关"), (DOC, "国内生产总值增长5%左右")][:n]

    def ask(self, question: str) -> Answer:
        self.asked.append(question)
        if question.startswith("2020"):
            return Answer(question=question, answer="资料中没有找到与该问题相关的内容。", refused=True)
        text = "国内生产总值增长5%左右"
        return Answer(question=question, answer=f"{text}[1]", citations=[
            Citation(n=1, doc_id=DOC, source=f"{DOC}.txt", paragraph=3, text=text + "。", quote=text)])


def test_evaluate_question_scores_one_row():
    row = runner.evaluate_question(ITEMS[0], Scripted().system(), k=5, retrieval_only=False)
    m = row["metrics"]
    assert (m["hit@1"], m["hit@3"], m["mrr"]) == (0.0, 1.0, 0.5)
    assert (m["citation_precision"], m["citation_recall"], m["key_correct"]) == (1.0, 1.0, 1.0)
    assert m["latency_ms"] >= 0 and row["answer"]["citations"][0]["paragraph"] == 3


def test_retrieval_only_never_asks():
    scripted = Scripted()
    row = runner.evaluate_question(ITEMS[0], scripted.system(), k=5, retrieval_only=True)
    assert scripted.asked == [] and row["answer"] is None and "key_correct" not in row["metrics"]


def test_resume_skips_done_questions_with_the_same_hash(tmp_path: Path):
    scripted = Scripted()
    kwargs = dict(k=5, retrieval_only=False, progress=False)
    first = runner.run_systems(ITEMS, [scripted.system()], {"full": "h1"}, tmp_path, resume=True, **kwargs)
    assert len(scripted.asked) == 2 and first["full"][1]["metrics"]["key_correct"] == 1.0
    again = runner.run_systems(ITEMS, [scripted.system()], {"full": "h1"}, tmp_path, resume=True, **kwargs)
    assert len(scripted.asked) == 2 and again == first
    runner.run_systems(ITEMS, [scripted.system()], {"full": "h2"}, tmp_path, resume=True, **kwargs)
    assert len(scripted.asked) == 4
    lines = (tmp_path / runner.QUESTIONS_FILE).read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["config_hash"] for x in lines] == ["h1", "h1", "h2", "h2"]


def test_a_line_cut_by_a_kill_is_redone(tmp_path: Path):
    scripted = Scripted()
    kwargs = dict(k=5, retrieval_only=False, progress=False, resume=True)
    runner.run_systems(ITEMS, [scripted.system()], {"full": "h"}, tmp_path, **kwargs)
    path = tmp_path / runner.QUESTIONS_FILE
    path.write_text(path.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    rows = runner.run_systems(ITEMS, [scripted.system()], {"full": "h"}, tmp_path, **kwargs)
    assert len(scripted.asked) == 3 and [r["id"] for r in rows["full"]] == ["q1", "q2"]
    assert len(runner.load_done(path)) == 2


def test_load_items_errors_name_the_set(tmp_path: Path):
    with pytest.raises(BadRequest, match="missing.jsonl"):
        runner.load_items(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\nnot json\n', encoding="utf-8")
    with pytest.raises(BadRequest, match="line 2"):
        runner.load_items(bad)
