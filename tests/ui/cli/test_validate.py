"""`speechqa eval validate` (formerly `python -m eval.validate`): counts, problems, exit codes 0/1/2."""
from __future__ import annotations

import json
from pathlib import Path

from ui.cli import main

REPO = Path(__file__).resolve().parents[3]
SET = REPO / "eval" / "sets" / "speeches.jsonl"
ITEM = {"id": "q1", "question": "2025年GDP目标？", "type": "number",
        "evidence": [{"doc": "national_gwr/cn_gwr_2025.txt", "quote": "国内生产总值增长5%左右"}],
        "answer_keys": [["5%左右"]], "reference_answer": "5%左右。"}


def test_the_shipped_set_is_valid_with_counts(corpus_dir, capsys):
    assert main(["eval", "validate", str(SET), "--corpus", str(corpus_dir)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("type: comparison=") and out[1].startswith("folder: cpc_congress=")
    assert out[2].startswith("total: ") and out[-1] == "OK"


def test_the_shipped_set_and_the_settings_corpus_are_the_defaults(corpus_dir, capsys, monkeypatch):
    monkeypatch.setenv("SPEECHQA_CORPUS_DIR", str(corpus_dir))
    assert main(["eval", "validate"]) == 0
    assert capsys.readouterr().out.endswith("OK\n")


def test_problems_are_listed_and_exit_1(tmp_path, corpus_dir, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text((json.dumps(ITEM, ensure_ascii=False) + "\n") * 2, encoding="utf-8")
    assert main(["eval", "validate", str(bad), "--corpus", str(corpus_dir)]) == 1
    out = capsys.readouterr().out
    assert "id 'q1': used 2 times, ids must be unique" in out and "need at least 150" in out
    assert out.splitlines()[-1].endswith(" problem(s)")


def test_a_missing_set_or_corpus_exits_2(tmp_path, corpus_dir, capsys):
    assert main(["eval", "validate", str(tmp_path / "none.jsonl"), "--corpus", str(corpus_dir)]) == 2
    err = capsys.readouterr().err
    assert "pass the set file and --corpus <corpus root>" in err
    assert f"{tmp_path / 'none.jsonl'} does not exist" in err and str(corpus_dir) not in err
    assert main(["eval", "validate", str(SET), "--corpus", str(tmp_path / "nowhere")]) == 2
