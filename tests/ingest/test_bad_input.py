"""Bad input through the whole ingest pipeline: every bad file gets a clear failure entry,
the rest of the batch goes on, and nothing already indexed is lost.

Fixtures are generated in tmp_path (no binary files are committed). Each batch
test first ingests a good document, then a batch holding the bad file and a
second good document, and checks the catalog, BM25 and Chroma afterwards.
"""
from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest

from ingest.loaders import MAX_BYTES
from ingest.pipeline import ingest
from rag.index import Index

GOOD_A = ("2024年青山市政府工作报告\n一、过去一年工作回顾\n全市地区生产总值增长6.1%，粮食产量创历史新高。\n"
          "二、今年工作安排\n（一）推动科技创新\n建设青山科学城，培育新质生产力。\n")
GOOD_B = ("2025年绿水县政府工作报告\n一、工作回顾\n县域经济稳步增长，新增就业岗位八千个。\n"
          "二、工作任务\n推进乡村振兴，完善茶叶种植补贴办法。\n")


def docx_bytes(paragraphs: list[str]) -> bytes:
    """A real .docx made with python-docx."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF with a Chinese text layer (the loader tests' generator)."""
    from tests.ingest.test_loaders import cjk_pdf

    return cjk_pdf(lines)


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def snapshot(settings) -> dict:
    """Documents, chunk ids per document, embedded count and Chroma ids, from a fresh Index."""
    index = Index.open(settings)
    try:
        ids = index.catalog.chunk_ids()
        by_doc: dict[str, list[str]] = {}
        for cid in ids:
            by_doc.setdefault(cid.split("#", 1)[0], []).append(cid)
        return {"docs": sorted(d["doc_id"] for d in index.documents()), "chunks": by_doc,
                "vectors": index.vectors.ids(), "catalog": set(ids),
                "bm25_b": [cid for cid, _ in index.lexical_search("茶叶种植补贴", 3)]}
    finally:
        index.close()


@pytest.fixture
def seeded(tmp_path, settings):
    """The index after a first good document; returns its snapshot."""
    ingest([write(tmp_path / "first" / "good_a.txt", GOOD_A)], settings)
    before = snapshot(settings)
    assert before["docs"] == ["good_a"] and before["chunks"]["good_a"]
    return before


def run_batch(tmp_path: Path, settings, name: str, data: bytes | str):
    """Ingest [bad file, good_b] in one call; the report."""
    bad = write(tmp_path / "batch" / name, data)
    good = write(tmp_path / "batch" / "good_b.txt", GOOD_B)
    return ingest([bad, good], settings)


def assert_batch_went_on(settings, before: dict, report) -> dict:
    """good_a is untouched, good_b was added (catalog, BM25, vectors agree)."""
    after = snapshot(settings)
    assert report.added == 1, report.summary()
    assert after["docs"] == ["good_a", "good_b"]
    assert after["chunks"]["good_a"] == before["chunks"]["good_a"]
    assert after["vectors"] == after["catalog"], "every catalog chunk has its vector, no orphans"
    assert after["bm25_b"] and after["bm25_b"][0].startswith("good_b#")
    return after


def large_text_file(path: Path, size: int) -> Path:
    """A text file of ``size`` bytes of repeated Chinese lines (written in 1 MiB blocks)."""
    line = "各地区各部门要坚持稳中求进工作总基调，完整准确全面贯彻新发展理念。\n".encode()
    block = line * (((1 << 20) // len(line)) + 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        left = size
        while left > 0:
            fh.write(block[:min(left, len(block))])
            left -= len(block)
    return path


BAD_FILES = {
    "empty": ("empty.txt", b"", r"empty"),
    "blank": ("blank.txt", "   \n\u3000\n\t\n", r"empty|no text|no document text"),
    "binary_named_txt": ("photo.txt", bytes(range(256)) * 64, r"binary"),
    "truncated_docx": ("report.docx", None, r"\.docx"),
    "not_a_docx": ("fake.docx", "这不是Word文件".encode(), r"\.docx"),
    "corrupt_pdf": ("report.pdf", None, r"PDF"),
}


def bad_bytes(case: str) -> bytes | str:
    name, data, _ = BAD_FILES[case]
    if case == "truncated_docx":
        full = docx_bytes(["2023年工作报告", "一、回顾", "经济运行总体平稳。"])
        return full[: len(full) // 2]
    if case == "corrupt_pdf":
        full = pdf_bytes(["区委书记在区委全会上的讲话", "地区生产总值完成414亿元。"])
        # Keep the header and the first objects, garble the rest: no xref, no trailer, broken streams.
        return full[: len(full) // 3] + b"\x00garbage" * 40
    return data


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_fails_alone_and_the_batch_goes_on(case, tmp_path, settings, seeded):
    name, _, reason = BAD_FILES[case]
    report = run_batch(tmp_path, settings, name, bad_bytes(case))
    assert [Path(f["path"]).name for f in report.failed] == [name]
    assert re.search(reason, report.failed[0]["reason"], re.I), report.failed[0]
    assert_batch_went_on(settings, seeded, report)


def test_file_over_the_loader_limit_is_refused_quickly_with_its_size(tmp_path, settings, seeded):
    """A 50 MB text file is refused by size before parsing (no 50 MB chunking/embedding)."""
    assert MAX_BYTES < 50 * 1024 * 1024
    big = large_text_file(tmp_path / "batch" / "huge report.txt", 50 * 1024 * 1024)
    write(tmp_path / "batch" / "good_b.txt", GOOD_B)
    start = time.perf_counter()
    report = ingest([big, tmp_path / "batch" / "good_b.txt"], settings)
    assert time.perf_counter() - start < 60
    [failed] = report.failed
    assert Path(failed["path"]).name == "huge report.txt"
    assert "too large" in failed["reason"] and "MB" in failed["reason"]
    assert_batch_went_on(settings, seeded, report)


def test_failure_entries_say_what_to_do(tmp_path, settings, seeded):
    report = run_batch(tmp_path, settings, "empty.txt", b"")
    [failed] = report.failed
    assert failed.get("hint"), failed


def test_mixed_gbk_and_utf8_lines_are_ingested_with_a_warning(tmp_path, settings, seeded):
    lines = ["2022年某县政府工作报告", "一、工作回顾", "全县粮食总产量稳定在十万吨。", "二、今年任务", "推进茶叶种植补贴落实。"]
    data = b"\n".join(ln.encode("gbk" if i % 2 else "utf-8") for i, ln in enumerate(lines)) + b"\n"
    report = run_batch(tmp_path, settings, "mixed.txt", data)
    assert not report.failed and report.added == 2
    index = Index.open(settings)
    try:
        doc = index.document("mixed")
        assert [p.text for p in doc.paragraphs if "粮食" in p.text] == ["全县粮食总产量稳定在十万吨。"]
        assert "\ufffd" not in "".join(p.text for p in doc.paragraphs)
    finally:
        index.close()


@pytest.mark.parametrize("rel", ["政府 工作报告 2024.txt", "青山市/2024年 政府工作报告（终稿）.md",
                                 "with space/讲话稿.docx"])
def test_odd_file_names_get_stable_doc_ids(rel, tmp_path, settings):
    root = tmp_path / "docs"
    data = docx_bytes(GOOD_A.splitlines()) if rel.endswith(".docx") else GOOD_A
    write(root / rel, data)
    report = ingest([root], settings)
    assert report.added == 1 and not report.failed, report.summary()
    [doc] = Index.open(settings).documents()
    assert doc["doc_id"] == rel.rsplit(".", 1)[0] and doc["source"] == rel


def test_dot_dot_paths_resolve_inside_their_root(tmp_path, settings):
    """``a/../b.txt`` is the file b.txt: doc_ids never carry '..' or absolute parts."""
    root = tmp_path / "docs"
    write(root / "sub" / "x.txt", GOOD_A)
    write(root / "b.txt", GOOD_B)
    report = ingest([root / "sub" / ".." / "b.txt", root / "sub" / ".." / "sub" / "x.txt"], settings)
    assert report.added == 2 and not report.failed
    ids = sorted(d["doc_id"] for d in Index.open(settings).documents())
    assert ids == ["b", "x"]
    assert not any(".." in i or i.startswith("/") for i in ids)


def test_missing_path_with_dot_dot_is_reported_not_raised(tmp_path, settings, seeded):
    write(tmp_path / "batch" / "good_b.txt", GOOD_B)
    report = ingest([tmp_path / "batch" / ".." / "nowhere" / "x.txt", tmp_path / "batch" / "good_b.txt"], settings)
    assert [f["reason"] for f in report.failed] == ["no such file or directory"]
    assert_batch_went_on(settings, seeded, report)


def test_one_repeated_character_document_does_not_hang(tmp_path, settings, seeded):
    """200k characters with no sentence end: one over-long 'sentence' stays one chunk, quickly."""
    start = time.perf_counter()
    report = run_batch(tmp_path, settings, "repeated.txt", "好" * 200_000)
    elapsed = time.perf_counter() - start
    assert elapsed < 60, f"ingesting 200k repeated characters took {elapsed:.0f}s"
    assert report.added == 2 and not report.failed, report.summary()
    after = snapshot(settings)
    assert after["chunks"]["good_a"] == seeded["chunks"]["good_a"]
    assert after["chunks"]["repeated"] and after["vectors"] == after["catalog"]
    assert Index.open(settings).paragraph("repeated", 1).text == "好" * 200_000


def test_repeated_punctuation_and_many_tiny_sentences_do_not_hang(tmp_path, settings):
    """100k one-character sentences in one paragraph: linear packing, not quadratic."""
    write(tmp_path / "docs" / "tiny.txt", "好。" * 100_000)
    start = time.perf_counter()
    report = ingest([tmp_path / "docs"], settings)
    assert time.perf_counter() - start < 90
    assert report.added == 1 and report.chunks > 100


def test_cli_reports_bad_files_and_exits_zero_when_others_worked(tmp_path, settings, capsys):
    from ui.cli import main

    write(tmp_path / "docs" / "empty.txt", b"")
    write(tmp_path / "docs" / "broken.pdf", b"%PDF-1.4\n\x00\x01broken")
    write(tmp_path / "docs" / "good_b.txt", GOOD_B)
    code = main(["ingest", str(tmp_path / "docs"), "--index", str(settings.index_dir), "--embedder", "hash"])
    out = capsys.readouterr().out
    assert code == 0
    assert "1 added" in out and "2 failed" in out
    assert "empty.txt: file is empty" in out and "broken.pdf" in out
