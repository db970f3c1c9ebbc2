"""`speechqa eval`: --compare, --systems and adapted third-party sets, on a real small index."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from tests.eval.e2e import DIST, GWR25, ingest_documents, write_set
from ui.cli.eval import parse_systems, register, run


@pytest.fixture
def e2e_set(tmp_path: Path, corpus_dir: Path) -> Path:
    return write_set(tmp_path / "set.jsonl", corpus_dir)


def _eval_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    return parser.parse_args(["eval", *argv])


def test_compare_runs_all_systems_on_one_index(e2e_set: Path, settings, corpus_dir: Path, tmp_path: Path, capsys):
    ingest_documents(settings, corpus_dir)
    out = tmp_path / "cmp"
    assert run(_eval_args("--set", str(e2e_set), "--compare", "--out", str(out), "--no-progress", "--json"),
               settings) == 0
    printed = json.loads(capsys.readouterr().out)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert set(report["systems"]) == {"naive", "bm25", "dense", "full"} == set(printed["systems"])
    assert all(s["n"] == 10 for s in report["systems"].values())
    assert report["systems"]["full"] == report["summary"]
    assert report["systems"]["naive"]["citation_precision"] is None  # naive RAG does not cite paragraphs
    rows = [json.loads(x) for x in (out / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    naive = [r for r in rows if r["system"] == "naive"]
    assert len(rows) == 40 and all(r["answer"]["llm"] == "extractive (naive)" for r in naive)
    assert (out / "naive_index").is_dir()


def test_systems_picks_a_subset_without_building_the_naive_index(e2e_set: Path, settings, corpus_dir: Path,
                                                                  tmp_path: Path):
    ingest_documents(settings, corpus_dir, (GWR25, DIST))
    out = tmp_path / "sub"
    assert run(_eval_args("--set", str(e2e_set), "--systems", "bm25,full", "--out", str(out), "--no-progress"),
               settings) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert set(report["systems"]) == {"bm25", "full"} and report["systems"]["full"] == report["summary"]
    assert not (out / "naive_index").exists()


def test_unknown_system_names_are_refused():
    assert parse_systems("full, bm25,full") == ("full", "bm25")
    with pytest.raises(argparse.ArgumentTypeError, match="naive"):
        parse_systems("full,bogus")


def test_adapted_set_builds_its_own_index(settings, qa_dir: Path, tmp_path: Path):
    out = tmp_path / "ncp"
    assert run(_eval_args("--set", "ncp", "--limit", "3", "--qa-dir", str(qa_dir), "--out", str(out),
                          "--retrieval-only", "--no-progress"), settings) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["n"] == 3 and report["config"]["index"]["documents"] == 3
    assert report["summary"]["key_accuracy"] is None and report["summary"]["hit@10"] is not None
    assert (out / "data" / "ncp-3" / "index" / "index.json").is_file()
