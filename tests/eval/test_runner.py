"""The runner: scripted systems for the bookkeeping, and one end-to-end run on a real small index."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval import runner
from eval.baselines import System
from rag.errors import BadRequest
from rag.types import Answer, Citation
from tests.eval.e2e import E2E, ingest_documents, norm, write_set

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


class FakeIndex:
    def dense_search(self, query, k, filters=None):
        return [("d#1-1", 0.9)]

    def lexical_search(self, query, k, filters=None):
        return [("l#1-1", 7.0)]

    def stats(self):
        return {"chunks": 2}


def test_one_retriever_views_silence_the_other_retriever():
    from eval.baselines import OneRetrieverIndex

    lexical, dense = OneRetrieverIndex(FakeIndex(), "lexical"), OneRetrieverIndex(FakeIndex(), "dense")
    assert lexical.lexical_search("q", 5) == [("l#1-1", 7.0)] and lexical.dense_search("q", 5) == []
    assert dense.dense_search("q", 5) == [("d#1-1", 0.9)] and dense.lexical_search("q", 5) == []
    assert lexical.stats() == {"chunks": 2}


def test_naive_extractive_answer_helpers():
    from eval.baselines import best_sentence, looks_refused

    text = "今年要稳就业。国内生产总值增长5%左右；居民消费价格涨幅2%左右。"
    assert best_sentence("国内生产总值增长目标是多少", text) == "国内生产总值增长5%左右；"
    assert looks_refused("资料中没有相关信息。") and not looks_refused("增长5%左右")


def test_load_items_errors_name_the_set(tmp_path: Path):
    with pytest.raises(BadRequest, match="missing.jsonl"):
        runner.load_items(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\nnot json\n', encoding="utf-8")
    with pytest.raises(BadRequest, match="line 2"):
        runner.load_items(bad)


def test_load_items_keeps_one_split_and_refuses_a_split_the_set_lacks(tmp_path: Path):
    path = tmp_path / "set.jsonl"
    rows = [{"id": f"q{i}", "type": "number", "split": "dev" if i % 2 else "test"} for i in range(6)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert [it["id"] for it in runner.load_items(path, split="test")] == ["q0", "q2", "q4"]
    assert [it["id"] for it in runner.load_items(path, limit=1, split="dev")] == ["q1"]
    plain = tmp_path / "plain.jsonl"
    plain.write_text('{"id": "a", "type": "number"}\n', encoding="utf-8")
    with pytest.raises(BadRequest, match="split 'dev'"):
        runner.load_items(plain, split="dev")


def test_sample_items_keeps_every_type_in_proportion_and_set_order():
    types = ["number"] * 60 + ["list"] * 30 + ["unanswerable"] * 9 + ["summary"]
    items = [{"id": f"q{i}", "type": t} for i, t in enumerate(types)]
    picked = runner.sample_items(items, 20)
    counts = {t: sum(1 for p in picked if p["type"] == t) for t in set(types)}
    assert counts == {"number": 12, "list": 6, "unanswerable": 2, "summary": 1}
    order = [int(p["id"][1:]) for p in picked]
    assert order == sorted(order)
    numbers = [i for i in order if i < 60]
    assert numbers[0] < 10 and numbers[-1] > 50  # spread through the set, not its head
    assert runner.sample_items(items, 1000) == items



# ---- the config hash that decides which rows a resumed run reuses ----

REPO = Path(__file__).resolve().parents[2]


def _set_file(tmp_path: Path) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in ITEMS), encoding="utf-8")
    return path


def _hash(settings, set_path: Path, **updates) -> str:
    return runner.config_hash(set_path, "full", settings.model_copy(update=updates), {"chunks": 2},
                              k=5, retrieval_only=False)


def test_config_hash_covers_every_answer_setting_and_no_server_one(settings, tmp_path: Path):
    from pydantic import SecretStr

    from rag.config import Settings

    set_path = _set_file(tmp_path)
    base = _hash(settings, set_path)
    assert _hash(settings, set_path) == base
    for change in ({"dense_weight": 0.25}, {"hnsw_ef_search": 100}, {"chunk_tokens": 256}, {"llm_threads": 3},
                   {"max_question_chars": 100}):
        assert _hash(settings, set_path, **change) != base, change
    for change in ({"port": 9999}, {"host": "0.0.0.0"}, {"llm_queue_size": 9}, {"api_token": SecretStr("t")},
                   {"openai_api_key": SecretStr("k")}, {"cache_dir": tmp_path}):
        assert _hash(settings, set_path, **change) == base, change
    # A field added to Settings later is hashed unless someone decides to exclude it.
    assert runner.NOT_IN_HASH < set(Settings.model_fields)
    assert set(runner.hashed_settings(settings)) == set(Settings.model_fields) - runner.NOT_IN_HASH


def test_config_hash_changes_with_a_tuned_constant_in_the_source(settings, tmp_path: Path, monkeypatch):
    import shutil

    assert [r.name for r in runner.CODE_ROOTS] == ["rag", "ingest", "eval"] and all(
        (r / "__init__.py").is_file() for r in runner.CODE_ROOTS)
    code = tmp_path / "code" / "rag"
    shutil.copytree(REPO / "rag", code, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(runner, "CODE_ROOTS", (code,))
    set_path = _set_file(tmp_path)
    base = _hash(settings, set_path)
    prompts = code / "prompts.py"
    text = prompts.read_text(encoding="utf-8")
    assert "\nWINDOW_SENTENCES = 3\n" in text
    prompts.write_text(text.replace("\nWINDOW_SENTENCES = 3\n", "\nWINDOW_SENTENCES = 4\n"), encoding="utf-8")
    assert _hash(settings, set_path) != base
    prompts.write_text(text, encoding="utf-8")
    assert _hash(settings, set_path) == base


def test_an_unchanged_config_reuses_rows_and_a_changed_one_does_not(settings, tmp_path: Path):
    set_path, scripted = _set_file(tmp_path), Scripted()

    def run(**updates) -> None:
        hashes = {"full": _hash(settings, set_path, **updates)}
        runner.run_systems(ITEMS, [scripted.system()], hashes, tmp_path, k=5, retrieval_only=False,
                           resume=True, progress=False)

    run()
    run()
    assert len(scripted.asked) == 2
    run(dense_weight=1.0)
    assert len(scripted.asked) == 4


# ---- end to end: real corpus documents, real index, extractive answers, hash embedder ----


def _hit_at(row: dict, evidence: list[tuple[str, str]], k: int) -> float:
    found = sum(1 for doc, quote in evidence
                if any(d == doc[:-4] and norm(quote) in norm(t) for d, t in row["ranked"][:k]))
    return found / len(evidence)


@pytest.fixture
def e2e_set(tmp_path: Path, corpus_dir: Path) -> Path:
    return write_set(tmp_path / "set.jsonl", corpus_dir)


def test_run_eval_end_to_end(e2e_set: Path, settings, corpus_dir: Path, tmp_path: Path):
    ingest_documents(settings, corpus_dir)
    out = tmp_path / "out"
    report = runner.run_eval(e2e_set, settings, k=5, out_dir=out, progress=False)
    rows = {q["id"]: q for q in report["questions"]}
    assert list(rows) == [e[0] for e in E2E]
    spec = {e[0]: e for e in E2E}
    for k in (1, 3, 5, 10):
        per_q = [_hit_at(rows[qid], spec[qid][3], k) for qid in rows if spec[qid][3]]
        assert report["summary"][f"hit@{k}"] == pytest.approx(sum(per_q) / len(per_q))
    answerable = [q for q in rows.values() if not q["gold_unanswerable"]]
    keys_ok = [float(not q["answer"]["refused"] and all(
        any(norm(a) in norm(q["answer"]["answer"]) for a in item) for item in spec[q["id"]][4]))
        for q in answerable]
    refused_unans = [float(q["answer"]["refused"]) for q in rows.values() if q["gold_unanswerable"]]
    all_keys = keys_ok + refused_unans
    assert report["summary"]["key_accuracy"] == pytest.approx(sum(all_keys) / len(all_keys))
    # Known values: a lexically distinctive fact is retrieved and answered verbatim with its paragraph,
    # and a question about the missing 2020 report is refused (the only correct answer).
    pension = rows["pension25"]["metrics"]
    assert (pension["hit@5"], pension["key_correct"], pension["citation_precision"]) == (1.0, 1.0, 1.0)
    assert rows["una-2020"]["metrics"]["key_correct"] == 1.0 and rows["una-2020"]["answer"]["refused"]
    assert report["by_type"]["unanswerable"]["n"] == 2 and report["summary"]["n"] == 10
    assert report["config"]["embedder"].startswith("hash/")
    assert {p.name for p in out.iterdir()} >= {"questions.jsonl", "report.json", "report.md", "report.html"}
    again = runner.run_eval(e2e_set, settings, k=5, out_dir=out, progress=False)
    assert again["summary"]["hit@5"] == report["summary"]["hit@5"]
    assert len((out / "questions.jsonl").read_text(encoding="utf-8").splitlines()) == 10


def test_a_conversation_turn_is_ranked_and_asked_after_its_history():
    seen = []

    def rank(question, n, history=None):
        seen.append(("rank", question, history))
        return [(DOC, "国内生产总值增长5%左右")]

    def ask(question, history=None):
        seen.append(("ask", question, history))
        return Answer(question=question, answer="国内生产总值增长5%左右")

    turn = {**ITEMS[0], "id": "c#2", "question": "那2024年呢？", "history": ["2025年增长目标是多少？"]}
    row = runner.evaluate_question(turn, System("full", rank, ask), k=5, retrieval_only=False)
    assert seen == [("rank", "那2024年呢？", ["2025年增长目标是多少？"]),
                    ("ask", "那2024年呢？", ["2025年增长目标是多少？"])]
    assert row["followup"] is True
    assert runner.evaluate_question(ITEMS[0], Scripted().system(), k=5, retrieval_only=False)["followup"] is False
