"""Tests for ingest/parse.py."""
from __future__ import annotations

import hashlib
import re
import time

import pytest

from ingest.parse import load_manifest, parse_file
from rag.errors import BadDocument
from rag.types import DOC_TYPES

DISTRICT = "district_speeches/district_party_secretary_econ_work_2022.txt"
WIKI_DIRS = ("national_gwr", "npc_resolutions", "cpc_congress")


@pytest.fixture(scope="module")
def manifest(corpus_dir):
    return load_manifest(corpus_dir)


@pytest.fixture(scope="module")
def timed_parse(corpus_dir, manifest):
    """Every corpus file parsed once, and how long that took."""
    start = time.perf_counter()
    docs = {p.relative_to(corpus_dir).as_posix(): parse_file(p, corpus_dir, manifest)
            for p in sorted(corpus_dir.rglob("*.txt"))}
    return docs, time.perf_counter() - start


@pytest.fixture(scope="module")
def corpus_docs(timed_parse):
    return timed_parse[0]


def test_all_corpus_files_parse_quickly(timed_parse, manifest):
    corpus_docs, seconds = timed_parse
    assert len(corpus_docs) == 224 == len(manifest)
    assert seconds < 30, f"corpus took {seconds:.1f}s to parse"
    for source, doc in corpus_docs.items():
        assert doc.source == source and doc.doc_id == source.removesuffix(".txt")
        assert [p.n for p in doc.paragraphs] == list(range(1, len(doc.paragraphs) + 1))
        assert doc.sha256 == manifest[source]["sha256"], source
        assert doc.doc_type in DOC_TYPES and doc.title and doc.year


def test_district_speech(corpus_docs):
    doc = corpus_docs[DISTRICT]
    assert doc.title == "区委书记在区委全会暨区委经济工作会议上的讲话" and doc.year == 2022
    text = "\n".join(p.text for p in doc.paragraphs)
    for chrome in ("观山文库", "记住我", "admin 分享", "加入收藏", "共计20050个字", "领取福利", "微信扫码", "221381"):
        assert chrome not in text
    (hit,) = [p for p in doc.paragraphs if "414亿元" in p.text]
    assert hit.section_path.startswith("一、充分肯定成绩，以生动实践坚定发展信心决心 › （三）强化项目支撑")
    assert doc.occasion == "区委十届四次全会暨区委经济工作会议"


def test_every_xi_speech_has_several_paragraphs(corpus_docs):
    xi = {s: d for s, d in corpus_docs.items() if s.startswith("xi_speeches/")}
    assert len(xi) == 105
    assert all(len(d.paragraphs) > 1 for d in xi.values()), [s for s, d in xi.items() if len(d.paragraphs) < 2]


def test_wiki_docs_have_no_footer_or_dangling_link_pieces(corpus_docs):
    footer = re.compile(r"本作品是|Public domain|公有领域|中文维基文库社群")
    for source, doc in corpus_docs.items():
        if source.split("/")[0] not in WIKI_DIRS:
            continue
        assert not [p.n for p in doc.paragraphs if footer.search(p.text)], source
        assert not [p.n for p in doc.paragraphs if p.text in ("》", "《", "、", "。", "false")], source


def test_provincial_header_is_metadata_not_headings(corpus_docs):
    for source, doc in corpus_docs.items():
        if not source.startswith("provincial_gwr_2025/"):
            continue
        for p in doc.paragraphs[:5]:
            if p.text.startswith("来源") or p.text == doc.title or re.match(r"^(——|--)?\d{4}年\d{1,2}月", p.text):
                assert p.section == (), (source, p.n)
        assert doc.date and doc.date.startswith("2025-01"), source


def test_doc_id_and_source_for_nested_and_outside_files(tmp_path):
    root = tmp_path / "corpus"
    (root / "a" / "b").mkdir(parents=True)
    inner = root / "a" / "b" / "speech.v2.md"
    inner.write_text("标题\n\n第一段。\n\n第二段。\n", encoding="utf-8")
    doc = parse_file(inner, root)
    assert (doc.doc_id, doc.source) == ("a/b/speech.v2", "a/b/speech.v2.md")
    assert doc.sha256 == hashlib.sha256(inner.read_bytes()).hexdigest()
    outside = tmp_path / "loose.txt"
    outside.write_text("第一段。\n第二段。", encoding="utf-8")
    assert parse_file(outside, root).doc_id == "loose"


def test_loader_warnings_are_kept_on_the_document(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes("第一段，UTF-8。\n".encode("utf-8") + "第二段，GBK编码。".encode("gbk"))
    doc = parse_file(path, tmp_path)
    assert [p.text for p in doc.paragraphs] == ["第一段，UTF-8。", "第二段，GBK编码。"]
    assert "mixed encodings" in doc.meta["warnings"][0]


def test_bad_files_name_the_file(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(BadDocument, match="empty.txt: file is empty"):
        parse_file(empty, tmp_path)
    chrome = tmp_path / "chrome.txt"
    chrome.write_text("微信扫码领取福利\n\n221381\n", encoding="utf-8")
    with pytest.raises(BadDocument, match="chrome.txt: no document text left"):
        parse_file(chrome, tmp_path)


def test_load_manifest(tmp_path, corpus_dir):
    assert load_manifest(tmp_path) == {}
    rows = load_manifest(corpus_dir)
    assert rows[DISTRICT]["year"] == 2022
    (tmp_path / "manifest.jsonl").write_text('{"file": "a.txt"}\n{broken\n', encoding="utf-8")
    with pytest.raises(BadDocument, match="manifest.jsonl: line 2 is not valid JSON"):
        load_manifest(tmp_path)
    (tmp_path / "manifest.jsonl").write_text('{"title": "no file"}\n', encoding="utf-8")
    with pytest.raises(BadDocument, match="line 1 has no 'file' field"):
        load_manifest(tmp_path)
