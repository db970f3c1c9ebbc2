"""Tests for ui/cli/parse.py through the real ``speechqa`` dispatcher."""
from __future__ import annotations

import json

from ui.cli import main
from ui.cli.parse import root_for

DISTRICT = "district_speeches/district_party_secretary_econ_work_2022.txt"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["parse", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output_for_a_corpus_file_uses_the_manifest(capsys, corpus_dir):
    code, out, _ = run(capsys, str(corpus_dir / DISTRICT), "--json", "--corpus", str(corpus_dir))
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"doc_id", "source", "title", "year", "date", "speaker", "region", "doc_type", "paragraphs"}
    assert data["doc_id"] == "district_speeches/district_party_secretary_econ_work_2022"
    assert data["speaker"] == "区委书记 (name not given)"  # manifest value, not text extraction
    paras = data["paragraphs"]
    assert [p["n"] for p in paras] == list(range(1, len(paras) + 1))
    assert paras[0]["anchor"] == data["doc_id"] + "#1"
    (hit,) = [p for p in paras if "414亿元" in p["text"]]
    assert hit["section"].startswith("一、充分肯定成绩") and " › （三）强化项目支撑" in hit["section"]


def test_readable_listing(capsys, corpus_dir):
    code, out, _ = run(capsys, str(corpus_dir / "provincial_gwr_2025" / "prov_2025_henan.txt"),
                       "--corpus", str(corpus_dir))
    assert code == 0
    assert "title      2025年河南省政府工作报告" in out and "speaker    王凯" in out
    assert "\n== 一、2024 年工作回顾 › （一）经济运行持续向好\n" in out
    assert "[1] 2025年河南省政府工作报告" in out


def test_file_outside_the_corpus_uses_its_folder_as_root(capsys, tmp_path, corpus_dir):
    path = tmp_path / "upload.md"
    path.write_text("县长在全县经济工作会议上的讲话\n\n同志们：\n\n一、去年工作回顾\n\n全县生产总值增长6%。\n",
                    encoding="utf-8")
    code, out, _ = run(capsys, str(path), "--json", "--corpus", str(corpus_dir))
    data = json.loads(out)
    assert code == 0 and data["doc_id"] == "upload" and data["source"] == "upload.md"
    assert data["paragraphs"][-1]["section"] == "一、去年工作回顾"
    assert root_for(path, corpus_dir) == tmp_path.resolve()
    assert root_for(corpus_dir / DISTRICT, corpus_dir) == corpus_dir.resolve()


def test_bad_file_gives_exit_code_and_names_it(capsys, tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"not a zip")
    code, out, err = run(capsys, str(path))
    assert code == 5 and out == ""
    assert "broken.docx" in err and "what to do:" in err
    code, _, err = run(capsys, str(path), "--json")
    assert code == 5 and json.loads(err)["error"] == "BadDocument"
