"""Smoke tests of bench/retrieval_bench.py, answer_bench.py and first_answer.py on a tiny hash-embedded index."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import psutil
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import _common  # noqa: E402
import answer_bench  # noqa: E402
import first_answer  # noqa: E402
import retrieval_bench  # noqa: E402
import rewrite_bench  # noqa: E402

DOCS = ("national_gwr/cn_gwr_2025.txt", "national_gwr/cn_gwr_2024.txt")
ITEMS = [
    {"id": "a", "question": "2025年政府工作报告提出的国内生产总值增长目标是多少？", "type": "number"},
    {"id": "u", "question": "2031年的国内生产总值增长目标是多少？", "type": "unanswerable"},
    {"id": "b", "question": "2024年政府工作报告提出的城镇新增就业目标是多少？", "type": "number"},
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory, corpus_dir):
    """Settings for a two-document index built with the hash embedder, and a three-question set."""
    from ingest.pipeline import ingest
    from rag.config import load_settings

    root = tmp_path_factory.mktemp("bench")
    settings = load_settings(index_dir=root / "index", corpus_dir=corpus_dir, embedder="hash", llm="extractive")
    ingest([corpus_dir / d for d in DOCS], settings)
    set_path = root / "set.jsonl"
    set_path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in ITEMS), encoding="utf-8")
    return settings, set_path


def assert_latency(stats: dict, n: int) -> None:
    assert stats["n"] == n
    assert 0 < stats["p50_ms"] <= stats["p95_ms"]
    assert stats["mean_ms"] > 0


def test_eval_items_filters_unanswerable_and_limits(tiny):
    _, set_path = tiny
    assert [r["id"] for r in _common.eval_items(set_path)] == ["a", "u", "b"]
    assert [r["id"] for r in _common.eval_items(set_path, answerable_only=True)] == ["a", "b"]
    assert [r["id"] for r in _common.eval_items(set_path, answerable_only=True, limit=1)] == ["a"]


def test_machine_info_records_cores_load_and_rss():
    info = _common.machine_info()
    assert info["cores"] >= 1 and len(info["load_avg"]) == 3
    assert info["rss_mb"] > 0 and info["peak_rss_mb"] >= info["rss_mb"] * 0.5


def test_retrieval_bench_times_every_operation(tiny):
    settings, set_path = tiny
    record = retrieval_bench.run(settings, set_path, repeat=2)
    assert record["questions"] == 3 and record["repeat"] == 2
    assert set(record["latency"]) == {"retrieve", "lexical_search", "dense_search", "embed_query"}
    for stats in record["latency"].values():
        assert_latency(stats, 6)
        assert stats["failed"] == 0
    cold = record["cold_start"]
    assert cold["index_open_ms"] > 0 and cold["first_retrieve_ms"] > 0 and cold["first_hits"] > 0
    # each figure is rounded to 0.1 ms on its own
    assert cold["total_ms"] >= cold["embedder_load_ms"] + cold["index_open_ms"] + cold["first_retrieve_ms"] - 0.2
    assert record["index"]["fully_embedded"] is True and record["index"]["pending"] == 0
    assert record["index"]["documents"] == 2
    assert record["machine_after"]["cores"] >= 1


def test_retrieval_bench_counts_failed_calls_apart_from_the_timings():
    def flaky(question):
        if question == "bad":
            raise RuntimeError("Error finding id")

    stats = retrieval_bench.time_calls(flaky, ["ok", "bad", "ok"], repeat=2)
    assert stats["n"] == 4 and stats["failed"] == 2
    assert stats["first_error"] == "RuntimeError: Error finding id"
    assert retrieval_bench.time_calls(flaky, ["bad"], repeat=1) == {
        "n": 0, "failed": 1, "first_error": "RuntimeError: Error finding id"}


def test_retrieval_bench_warns_when_not_fully_embedded(tmp_path, corpus_dir, capsys):
    from ingest.pipeline import ingest
    from rag.config import load_settings

    settings = load_settings(index_dir=tmp_path / "index", corpus_dir=corpus_dir, embedder="hash", llm="extractive")
    ingest([corpus_dir / DOCS[0]], settings, embed=False)
    set_path = tmp_path / "set.jsonl"
    set_path.write_text(json.dumps(ITEMS[0], ensure_ascii=False) + "\n", encoding="utf-8")
    record = retrieval_bench.run(settings, set_path)
    assert record["index"]["fully_embedded"] is False
    assert record["index"]["pending"] == record["index"]["chunks"] > 0
    assert "not embedded yet" in capsys.readouterr().err


def test_retrieval_bench_main_writes_json(tiny, tmp_path):
    settings, set_path = tiny
    out = tmp_path / "retrieval.json"
    assert retrieval_bench.main(["--index", str(settings.index_dir), "--set", str(set_path), "--embedder", "hash",
                                 "--limit", "2", "--out", str(out)]) == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["questions"] == 2 and record["latency"]["retrieve"]["n"] == 2


def test_answer_bench_extractive_and_unconfigured_openai(tiny):
    settings, set_path = tiny
    record = answer_bench.run(settings, set_path, ["extractive", "openai"], limit=2)
    assert record["questions"] == 2
    assert "not configured" in record["backends"]["openai"]["error"]
    section = record["backends"]["extractive"]
    assert section["warmup_ms"] > 0 and section["answered_by"] == {"extractive": 2}
    assert_latency(section["ttft"], 2)
    assert_latency(section["total"], 2)
    assert {"retrieve", "total"} <= set(section["stages"])
    rows = section["questions"]
    assert [r["question"] for r in rows] == [ITEMS[0]["question"], ITEMS[2]["question"]]
    # extractive: time to first token is defined as the time to the final answer
    assert all(r["ttft_ms"] == r["total_ms"] > 0 for r in rows)
    gdp = rows[0]
    assert not gdp["refused"] and gdp["citations"] >= 1 and "5%" in gdp["answer"]


def test_answer_bench_main_writes_json(tiny, tmp_path):
    settings, set_path = tiny
    out = tmp_path / "answer.json"
    assert answer_bench.main(["--llm", "extractive", "--limit", "1", "--index", str(settings.index_dir),
                              "--set", str(set_path), "--embedder", "hash", "--out", str(out)]) == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    assert list(record["backends"]) == ["extractive"] and record["backends"]["extractive"]["total"]["n"] == 1


@pytest.mark.server
def test_first_answer_serves_and_stops_the_server(corpus_dir, tmp_path, monkeypatch):
    started = []
    real_server = first_answer.Server

    def recording_server(*args, **kwargs):
        server = real_server(*args, **kwargs)
        started.append(server.proc.pid)
        return server

    monkeypatch.setattr(first_answer, "Server", recording_server)
    record = first_answer.run(corpus_dir / DOCS[0], extra=["--embedder", "hash", "--llm", "extractive"],
                              timeout=240, setup_seconds=10.0)
    assert "error" not in record, record
    assert 0 < record["listening_s"] <= record["searchable_s"] <= record["first_cited_answer_s"]
    assert record["setup_plus_first_answer_s"] == pytest.approx(record["first_cited_answer_s"] + 10.0, abs=0.01)
    assert record["answer"]["llm"] == "extractive"
    assert any(c.startswith("national_gwr/cn_gwr_2025#") for c in record["answer"]["citations"])
    assert record["health_at_answer"]["index"]["documents"] == 1
    assert record["server_rss_mb_at_answer"] > 0
    assert record["server_stop"]["exit_code"] is not None and record["server_stop"]["killed"] is False
    assert any("searchable after" in line for line in record["server_log"])
    assert not psutil.pid_exists(started[0]) or psutil.Process(started[0]).status() == psutil.STATUS_ZOMBIE


def test_answer_bench_warms_up_on_a_question_it_does_not_time():
    timed = [r["question"] for r in _common.eval_items(_common.EVAL_SET, answerable_only=True, limit=50)]
    assert timed and answer_bench.WARMUP_QUESTION not in timed


def test_answer_bench_keeps_a_failed_question_out_of_the_figures(tiny, monkeypatch):
    settings, set_path = tiny
    real = answer_bench.time_answer

    def flaky(question, *args):
        if question == ITEMS[2]["question"]:
            raise RuntimeError("Error finding id")
        return real(question, *args)

    monkeypatch.setattr(answer_bench, "time_answer", flaky)
    section = answer_bench.run(settings, set_path, ["extractive"], limit=2)["backends"]["extractive"]
    assert section["failed"] == 1 and section["warmup_error"] is None
    assert section["total"]["n"] == 1 and section["answered_by"] == {"extractive": 1}
    assert section["questions"][1] == {"question": ITEMS[2]["question"], "error": "RuntimeError: Error finding id"}


def test_ledger_bench_writes_its_share_of_phase_one_and_the_gold_score(tmp_path, corpus_dir):
    import ledger_bench

    out = tmp_path / "ledger.json"
    ledger_bench.main([str(corpus_dir), "--limit", "4", "--repeat", "1", "--out", str(out)])
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["files"] == 4 and record["statements"] > 0 and 0 < record["share_of_phase1"] < 1
    assert record["target_share"] == 0.10 and record["machine"]["cores"]


def test_rewrite_score_counts_bridged_words_and_invented_numbers():
    quote = "落实好小规模纳税人增值税起征点从月销售额3万元提高到10万元"
    question = "2019年国家说小商户一个月卖多少钱以内可以不交增值税？"
    bridged = rewrite_bench.score(question, "小规模纳税人 起征点", [quote])
    assert bridged["bridges"] and "起征" in bridged["added_bigrams"] and not bridged["invents_number"]
    echoed = rewrite_bench.score(question, "小商户一个月卖多少钱", [quote])
    assert not echoed["bridges"]
    assert rewrite_bench.score(question, "月销售额不超过3万元的免征增值税", [quote])["invents_number"]
