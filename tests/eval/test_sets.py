"""The shipped evaluation set validates against the real corpus; the validator catches broken sets."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.validate import norm_for_match, validate_set

REPO = Path(__file__).resolve().parents[2]
SET = REPO / "eval" / "sets" / "speeches.jsonl"
DOC = "national_gwr/cn_gwr_2025.txt"
QUOTE = "今年发展主要预期目标是：国内生产总值增长5%左右"


def _item(**overrides) -> dict:
    item = {"id": "q1", "question": "2025年GDP目标？", "type": "number",
            "evidence": [{"doc": DOC, "quote": QUOTE}], "answer_keys": [["5%左右"]],
            "reference_answer": "5%左右。"}
    item.update(overrides)
    return item


def _write(tmp_path: Path, items: list[dict]) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return path


def test_real_set_validates_with_zero_problems(corpus_dir):
    assert validate_set(SET, corpus_dir) == []


def test_real_set_ids_and_types(corpus_dir):
    items = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(items) >= 150
    assert sum(i["type"] == "unanswerable" for i in items) >= 15
    assert sum(i["type"] == "comparison" for i in items) >= 15


def test_norm_for_match_removes_whitespace_and_unifies_width():
    assert norm_for_match("５％ 左右\n（一）\u3000ＧＤＰ") == "5%左右(一)GDP"


def test_tiny_valid_set_passes(tmp_path, corpus_dir):
    # Quote split across lines and full-width digits must still match (whitespace-insensitive, NFKC).
    item = _item(evidence=[{"doc": DOC, "quote": "国内生产总值\n增长５%左右"}])
    assert validate_set(_write(tmp_path, [item]), corpus_dir, minimums=False) == []


def test_catches_broken_quote(tmp_path, corpus_dir):
    item = _item(evidence=[{"doc": DOC, "quote": "国内生产总值增长9%左右"}])
    problems = validate_set(_write(tmp_path, [item]), corpus_dir, minimums=False)
    assert any("quote not found" in p for p in problems)


def test_catches_key_not_in_evidence(tmp_path, corpus_dir):
    problems = validate_set(_write(tmp_path, [_item(answer_keys=[["6%左右", "百分之六"]])]),
                            corpus_dir, minimums=False)
    assert any("no alternative of key" in p for p in problems)


def test_catches_reference_answer_missing_a_key(tmp_path, corpus_dir):
    problems = validate_set(_write(tmp_path, [_item(reference_answer="大约五个点。")]),
                            corpus_dir, minimums=False)
    assert any("reference_answer does not contain" in p for p in problems)


def test_catches_missing_doc(tmp_path, corpus_dir):
    item = _item(evidence=[{"doc": "national_gwr/cn_gwr_2020.txt", "quote": QUOTE}])
    problems = validate_set(_write(tmp_path, [item]), corpus_dir, minimums=False)
    assert any("cn_gwr_2020.txt" in p and "not found in the corpus" in p for p in problems)


def test_catches_duplicate_ids(tmp_path, corpus_dir):
    problems = validate_set(_write(tmp_path, [_item(), _item()]), corpus_dir, minimums=False)
    assert any("'q1'" in p and "unique" in p for p in problems)


@pytest.mark.parametrize("overrides, fragment", [
    ({"type": "trivia"}, "is not one of"),
    ({"type": "unanswerable"}, "need empty evidence"),
    ({"answer_keys": []}, "need evidence and answer_keys"),
    ({"answer_keys": [[]]}, "answer_keys must be"),
])
def test_catches_schema_errors(tmp_path, corpus_dir, overrides, fragment):
    problems = validate_set(_write(tmp_path, [_item(**overrides)]), corpus_dir, minimums=False)
    assert any(fragment in p for p in problems)


def test_minimums_reported_for_small_set(tmp_path, corpus_dir):
    problems = validate_set(_write(tmp_path, [_item()]), corpus_dir)
    assert any("need at least 150" in p for p in problems)
    assert any("no question cites xi_speeches/" in p for p in problems)



USERS = REPO / "eval" / "sets" / "users.jsonl"


def test_users_set_validates_with_zero_problems_and_both_splits(corpus_dir):
    assert validate_set(USERS, corpus_dir) == []
    items = [json.loads(line) for line in USERS.read_text(encoding="utf-8").splitlines() if line.strip()]
    splits = {i["split"] for i in items}
    assert splits == {"dev", "test"}
    assert all(i["overlap"] < 0.15 for i in items)


EVERYDAY = REPO / "eval" / "sets" / "everyday.jsonl"


EVERYDAY2 = REPO / "eval" / "sets" / "everyday2.jsonl"
EVERYDAY3 = REPO / "eval" / "sets" / "everyday3.jsonl"


@pytest.mark.parametrize("path", [EVERYDAY, EVERYDAY2, EVERYDAY3], ids=["everyday", "everyday2", "everyday3"])
def test_everyday_set_validates_with_both_splits_and_low_overlap(corpus_dir, path):
    assert validate_set(path, corpus_dir) == []
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert {i["split"] for i in items} == {"dev", "test"}
    assert all(i["overlap"] < 0.15 for i in items if i["type"] != "unanswerable")
    # A conversation keeps one split, so no turn of a test conversation is tuned on.
    splits = {}
    for i in items:
        splits.setdefault(i["conversation"], set()).add(i["split"])
    assert all(len(s) == 1 for s in splits.values())


def test_catches_a_question_that_copies_its_quote(tmp_path, corpus_dir):
    copied = _item(question="今年发展主要预期目标是国内生产总值增长多少？", overlap=0.0, split="dev")
    problems = validate_set(_write(tmp_path, [copied]), corpus_dir, minimums=False)
    assert any("stored overlap 0.0" in p for p in problems)
    assert any("too much wording" in p for p in problems)


def test_users_wording_item_passes_and_bad_split_is_caught(tmp_path, corpus_dir):
    ok = _item(question="国家定的经济涨幅目标是啥？", overlap=0.0, split="test")
    from eval.validate import question_overlap
    ok["overlap"] = question_overlap(ok)
    assert validate_set(_write(tmp_path, [ok]), corpus_dir, minimums=False) == []
    problems = validate_set(_write(tmp_path, [{**ok, "split": "train"}]), corpus_dir, minimums=False)
    assert any("split 'train'" in p for p in problems)
    no_split = {k: v for k, v in ok.items() if k != "split"}
    problems = validate_set(_write(tmp_path, [no_split]), corpus_dir, minimums=False)
    assert any("split None" in p for p in problems)
def test_a_conversation_turn_must_carry_the_earlier_questions(tmp_path, corpus_dir):
    import json

    from eval.validate import MIN_CONVERSATIONS, validate_set

    turn = {"type": "unanswerable", "evidence": [], "answer_keys": [], "reference_answer": "无"}
    items = [{**turn, "id": "c#1", "conversation": "c", "turn": 1, "question": "2019年赤字率？", "history": []},
             {**turn, "id": "c#2", "conversation": "c", "turn": 2, "question": "那2018年呢？", "history": ["别的问题"]}]
    path = tmp_path / "conv.jsonl"
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items), encoding="utf-8")
    problems = validate_set(path, corpus_dir)
    assert any("turn 2: history must be the earlier turns" in p for p in problems)
    assert any(f"need at least {MIN_CONVERSATIONS}" in p for p in problems)
    items[1]["history"] = "2019年赤字率？"
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items), encoding="utf-8")
    assert any("history must be a list" in p for p in validate_set(path, corpus_dir, minimums=False))


@pytest.mark.parametrize("name", ["conversations.jsonl", "refusals.jsonl"])
def test_conversation_and_refusal_sets_validate_with_zero_problems(corpus_dir, name):
    path = REPO / "eval" / "sets" / name
    assert validate_set(path, corpus_dir) == []
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert {it["split"] for it in items} == {"dev", "test"}


def test_a_refusal_set_needs_every_kind(tmp_path, corpus_dir):
    from eval.validate import _refusal_problems

    items = [{"kind": "missing_scope", "type": "unanswerable"}] * 3
    problems = _refusal_problems(items)
    assert any("3 missing_scope questions, need 14" in p for p in problems)
    assert any("premise questions, need 14" in p for p in problems)
    assert any("3 unanswerable questions, need 60" in p for p in problems)


def test_the_ledger_set_is_valid_and_every_outcome_question_has_its_verdict(corpus_dir):
    ledger_set = Path(__file__).parents[2] / "eval" / "sets" / "ledger.jsonl"
    assert validate_set(ledger_set, corpus_dir) == []
    items = [json.loads(line) for line in ledger_set.read_text(encoding="utf-8").splitlines()]
    assert sum(it["type"] != "unanswerable" for it in items) >= 40
    assert {it["split"] for it in items} == {"dev", "test"}


def test_a_ledger_outcome_without_a_verdict_is_a_problem(tmp_path, corpus_dir):
    item = _item(ledger="outcome")
    problems = validate_set(_write(tmp_path, [item]), corpus_dir, minimums=True)
    assert any("needs its verdict" in p for p in problems)
