"""`speechqa ingest`: JSON summary on stdout, progress on stderr, exit codes."""
from __future__ import annotations

import json
from pathlib import Path

from ui.cli import main

KEYS = {"added", "updated", "unchanged", "deleted", "failed", "paragraphs", "chunks", "seconds"}


def make_docs(root: Path) -> Path:
    (root / "x").mkdir(parents=True)
    (root / "x/one.txt").write_text("第一篇\n一、总体要求\n坚持稳中求进工作总基调。\n", encoding="utf-8")
    (root / "two.md").write_text("第二篇\n推动高质量发展。\n", encoding="utf-8")
    return root


def run(capsys, *argv: str) -> tuple[int, dict, str]:
    code = main(["ingest", *argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else {}), err


def test_json_summary_and_progress_on_stderr(tmp_path, capsys):
    root = make_docs(tmp_path / "docs")
    code, summary, err = run(capsys, str(root), "--index", str(tmp_path / "idx"), "--embedder", "hash", "--json")
    assert code == 0 and set(summary) == KEYS
    assert (summary["added"], summary["failed"]) == (2, [])
    assert summary["chunks"] >= 2 and summary["paragraphs"] >= 5
    assert "parse" in err and "embed" in err  # tqdm bars
    code, summary, _ = run(capsys, str(root), "--index", str(tmp_path / "idx"), "--embedder", "hash", "--json")
    assert (code, summary["unchanged"], summary["chunks"]) == (0, 2, 0)


def test_partial_failure_exits_zero_total_failure_nonzero(tmp_path, capsys):
    root = make_docs(tmp_path / "docs")
    idx = str(tmp_path / "idx")
    code, summary, _ = run(capsys, str(root), str(tmp_path / "missing.txt"), "--index", idx,
                           "--embedder", "hash", "--json")
    assert code == 0 and summary["added"] == 2
    [failed] = summary["failed"]
    assert {k: failed[k] for k in ("path", "reason")} == {"path": str(tmp_path / "missing.txt"),
                                                          "reason": "no such file or directory"}
    assert "check the path" in failed["hint"]
    code, summary, _ = run(capsys, str(tmp_path / "missing.txt"), "--index", idx, "--embedder", "hash", "--json")
    assert code != 0 and len(summary["failed"]) == 1


def test_delete_and_no_embed(tmp_path, capsys):
    root = make_docs(tmp_path / "docs")
    idx = str(tmp_path / "idx")
    code, summary, _ = run(capsys, str(root), "--index", idx, "--embedder", "hash", "--no-embed", "--json")
    assert code == 0 and summary["added"] == 2
    from rag.config import load_settings
    from rag.index import Index

    index = Index.open(load_settings(index_dir=Path(idx), embedder="hash"))
    assert index.stats()["pending"] == summary["chunks"]
    code, summary, _ = run(capsys, "--delete", "x/one", "--index", idx, "--embedder", "hash", "--json")
    assert (code, summary["deleted"]) == (0, 1)
    assert [d["doc_id"] for d in index.documents()] == ["two"]


def test_human_summary_and_mismatch_error(tmp_path, capsys, monkeypatch):
    root = make_docs(tmp_path / "docs")
    idx = str(tmp_path / "idx")
    assert main(["ingest", str(root), "--index", idx, "--embedder", "hash"]) == 0
    out, _ = capsys.readouterr()
    assert "2 added" in out and idx in out
    from rag.config import Settings

    default = Settings.model_fields["chunk_tokens"].default
    monkeypatch.setenv("SPEECHQA_CHUNK_TOKENS", str(default + 100))
    code = main(["ingest", str(root), "--index", idx, "--embedder", "hash"])
    _, err = capsys.readouterr()
    assert code == 4  # IndexMismatch
    assert f"chunk_tokens={default}" in err and str(default + 100) in err and "what to do" in err


def test_human_summary_says_what_to_do_for_each_failure(tmp_path, capsys):
    root = make_docs(tmp_path / "docs")
    (root / "empty.txt").write_bytes(b"")
    (root / "notes.csv").write_text("a,b\n", encoding="utf-8")
    code = main(["ingest", str(root), str(root / "notes.csv"), "--index", str(tmp_path / "idx"),
                 "--embedder", "hash", "--no-embed"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    for name in ("empty.txt", "notes.csv"):
        [i] = [i for i, line in enumerate(out) if line.startswith("  failed: ") and name in line]
        assert out[i + 1].startswith("    what to do: ") and len(out[i + 1]) > len("    what to do: ") + 5
