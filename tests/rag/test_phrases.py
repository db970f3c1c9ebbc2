"""Questions about a phrase as a phrase: reading them, and answering from a full scan."""
from __future__ import annotations

import pytest

from rag.phrases import FIRST, MENTION, PhraseAsk, asked_phrase, phrase_answer
from rag.query import QueryPlan
from rag.types import Filters, Paragraph


@pytest.mark.parametrize("question, ask", [
    ("“共同富裕”是哪年开始提的？", PhraseAsk("共同富裕", FIRST, quoted=True)),
    ("十九大报告对“中国式现代化”是怎么阐述的？", PhraseAsk("中国式现代化", MENTION, quoted=True)),
    ("2015年政府工作报告对供给侧改革是怎么安排的？", PhraseAsk("供给侧改革", MENTION)),
    ("十八大报告里有没有讲到人类命运共同体？怎么讲的？", PhraseAsk("人类命运共同体", MENTION)),
    ("新质生产力最早是什么时候提出的？", PhraseAsk("新质生产力", FIRST)),
    ("2015年政府工作报告里有没有提到新质生产力？", PhraseAsk("新质生产力", MENTION)),
    ("2015年政府工作报告里怎么部署新质生产力的？", PhraseAsk("新质生产力", MENTION)),
])
def test_asked_phrase(question, ask):
    assert asked_phrase(question) == ask


@pytest.mark.parametrize("question", ["2025年的经济增长目标是多少？", "十九大提出了哪些目标？"])
def test_ordinary_questions_ask_no_phrase(question):
    assert asked_phrase(question) is None


class ScanIndex:
    """Three documents; 新质生产力 occurs in the 2024 and 2025 ones only."""

    DOCS = [{"doc_id": "g2015", "title": "2015年报告", "year": 2015, "doc_type": "national_government_work_report"},
            {"doc_id": "g2024", "title": "2024年报告", "year": 2024, "doc_type": "national_government_work_report"},
            {"doc_id": "g2025", "title": "2025年报告", "year": 2025, "doc_type": "national_government_work_report"}]
    TEXT = {("g2015", 1): "大众创业、万众创新。", ("g2024", 7): "加快发展新质生产力。推进产业升级。",
            ("g2025", 3): "因地制宜发展新质生产力。", ("g2025", 9): "新质生产力稳步发展。"}

    def documents(self):
        return self.DOCS

    def find_phrase(self, phrase):
        return [key for key, text in self.TEXT.items() if phrase in text]

    def paragraph(self, doc_id, n):
        return Paragraph(doc_id, n, ("一、工作",), self.TEXT[(doc_id, n)])


def _plan(question, **filters):
    return QueryPlan(question=question, query=question, filters=Filters(**filters))


def test_first_use_is_cited_with_a_count_per_year():
    found = phrase_answer(PhraseAsk("新质生产力", FIRST), _plan("q"), ScanIndex())
    assert not found["refused"]
    assert found["citations"][0]["doc_id"] == "g2024" and found["citations"][0]["quote"] == "加快发展新质生产力。"
    assert "2024年1段、2025年2段" in found["answer"] and "共2份文件、3段" in found["answer"]


def test_a_named_document_without_the_phrase_refuses_with_proof_and_a_pointer():
    found = phrase_answer(PhraseAsk("新质生产力", MENTION), _plan("q", year_from=2015, year_to=2015), ScanIndex())
    assert found["refused"] and "《2015年报告》全文没有出现“新质生产力”" in found["answer"]
    assert found["citations"][0]["doc_id"] == "g2024"


def test_a_named_document_with_the_phrase_is_answered_as_usual():
    assert phrase_answer(PhraseAsk("新质生产力", MENTION), _plan("q", year_from=2025, year_to=2025),
                         ScanIndex()) is None
    assert phrase_answer(PhraseAsk("新质生产力", MENTION), _plan("q"), ScanIndex()) is None  # no document named


def test_a_phrase_nowhere_in_the_corpus_is_refused():
    found = phrase_answer(PhraseAsk("火星殖民", FIRST), _plan("q"), ScanIndex())
    assert found["refused"] and "3份文件中都没有出现“火星殖民”" in found["answer"]


def test_unquoted_words_no_document_uses_are_a_paraphrase_not_a_phrase():
    plan = _plan("q", year_from=2015, year_to=2015)
    assert phrase_answer(PhraseAsk("老百姓看病难", MENTION), plan, ScanIndex()) is None
    assert phrase_answer(PhraseAsk("老百姓看病难", MENTION, quoted=True), plan, ScanIndex())["refused"]
