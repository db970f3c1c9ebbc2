"""Chunking: sentence-aligned, budgeted, section-bounded, headings kept with their body."""
from __future__ import annotations

import re

import pytest

from ingest.chunking import chunk_document
from rag.text.sentences import sentence_pieces
from rag.tokens import cl100k
from rag.types import Document, Paragraph, embed_text

SENT_END = re.compile(r"[。！？!?；;…][”’\"'」』）)》〉]*$")


@pytest.fixture(scope="module")
def enc(tmp_path_factory):
    from rag.config import load_settings

    return cl100k(load_settings().cache_dir)


def make_doc(paras: list[tuple[tuple[str, ...], str]], doc_id: str = "t/doc") -> Document:
    return Document(doc_id=doc_id, source=f"{doc_id}.txt", title="测试", year=2024, doc_type="other",
                    paragraphs=[Paragraph(doc_id, i + 1, sec, text) for i, (sec, text) in enumerate(paras)])


def ntok(enc, text: str) -> int:
    return len(enc.encode(text))


def test_sentence_pieces_are_lossless_and_keep_closing_quotes():
    text = "他说：“我们要发展。”大家同意！真的吗？是的；好……结束"
    parts = sentence_pieces(text)
    assert "".join(parts) == text
    assert parts == ["他说：“我们要发展。”", "大家同意！", "真的吗？", "是的；", "好……", "结束"]


def test_small_paragraphs_pack_together_within_section(enc):
    doc = make_doc([(("一、总体",), "一、总体"), (("一、总体",), "第一段。"), (("一、总体",), "第二段。"),
                    (("二、任务",), "二、任务"), (("二、任务",), "第三段。")])
    chunks = chunk_document(doc, 200, enc)
    assert [c.chunk_id for c in chunks] == ["t/doc#1-3", "t/doc#4-5"]
    assert chunks[0].text == "一、总体\n第一段。\n第二段。"
    assert chunks[0].paragraphs == (1, 2, 3)
    assert chunks[1].section == "二、任务"
    assert chunks[0].meta["year"] == 2024 and chunks[0].meta["doc_id"] == "t/doc"


def test_long_paragraph_split_at_sentence_ends_within_budget(enc):
    long = "".join(f"第{i}项工作要稳步推进并取得实效。" for i in range(60))
    doc = make_doc([((), "开头。"), ((), long), ((), "结尾。")])
    budget = 64
    chunks = chunk_document(doc, budget, enc)
    parts = [c for c in chunks if c.paragraphs == (2,)]
    assert len(parts) > 2
    assert [c.chunk_id for c in parts] == [f"t/doc#2-2.{i}" for i in range(1, len(parts) + 1)]
    assert "".join(c.text for c in parts) == long
    for c in chunks:
        assert ntok(enc, c.text) <= budget
        assert SENT_END.search(c.text), c.text


def test_long_paragraph_splits_at_ascii_semicolons_too(enc):
    # The district speech ends clauses with ASCII ';' and '!': those are sentence ends as well.
    long = "".join(f"第{i}项工作要稳步推进并取得实效;" for i in range(40)) + "全面推进!"
    chunks = chunk_document(make_doc([((), long)]), 64, enc)
    assert len(chunks) > 2 and "".join(c.text for c in chunks) == long
    assert all(c.text.endswith((";", "!")) for c in chunks)


def test_single_overlong_sentence_stays_whole(enc):
    sentence = "这是一个非常长而且没有任何句末标点的句子" * 20 + "。"
    doc = make_doc([((), "短句。"), ((), sentence)])
    chunks = chunk_document(doc, 40, enc)
    assert [c.text for c in chunks] == ["短句。", sentence]
    assert chunks[1].chunk_id == "t/doc#2-2"


def test_heading_never_closes_a_chunk(enc):
    body = "这一段正文内容比较长，需要占据较多的令牌预算。" * 3
    doc = make_doc([(("一、甲",), "一、甲"), (("一、甲",), body), (("一、甲", "（一）乙"), "（一）乙"),
                    (("一、甲", "（一）乙"), body)])
    budget = ntok(enc, "一、甲\n" + body + "\n（一）乙") + 1
    chunks = chunk_document(doc, budget, enc)
    assert [c.paragraphs for c in chunks] == [(1, 2), (3, 4)]
    assert chunks[1].section == "一、甲 › （一）乙"


def test_heading_before_long_paragraph_joins_first_part(enc):
    long = "".join(f"第{i}条措施落实到位。" for i in range(30))
    doc = make_doc([(("三、丙",), "三、丙"), (("三、丙",), long)])
    chunks = chunk_document(doc, 50, enc)
    assert chunks[0].text.startswith("三、丙\n") and chunks[0].paragraphs == (1, 2)
    assert all(c.paragraphs == (2,) for c in chunks[1:])
    assert "".join(c.text for c in chunks) == "三、丙\n" + long


def test_no_merge_across_top_level_sections(enc):
    doc = make_doc([(("一、甲",), "甲的内容。"), (("二、乙",), "乙的内容。")])
    assert [c.chunk_id for c in chunk_document(doc, 500, enc)] == ["t/doc#1-1", "t/doc#2-2"]


def test_embed_text_prefixes_section_only_when_asked(enc):
    doc = make_doc([(("一、甲",), "正文。")])
    chunk = chunk_document(doc, 100, enc)[0]
    assert embed_text(chunk, True) == "一、甲\n正文。"
    assert embed_text(chunk, False) == "正文。"


def test_real_document_every_chunk_ends_at_sentence_or_paragraph_end(enc, corpus_dir):
    lines = [ln.strip() for ln in (corpus_dir / "national_gwr/cn_gwr_2024.txt").read_text().splitlines()]
    doc = make_doc([((), ln) for ln in lines if ln])
    budget = 128
    chunks = chunk_document(doc, budget, enc)
    paragraph_texts = {p.n: p.text for p in doc.paragraphs}
    covered = sorted({n for c in chunks for n in c.paragraphs})
    assert covered == sorted(paragraph_texts)
    for c in chunks:
        if "." in c.chunk_id.rsplit("#", 1)[1]:  # a part of one long paragraph
            para = paragraph_texts[c.paragraphs[-1]]
            assert c.text in para
            assert SENT_END.search(c.text) or para.endswith(c.text), c.chunk_id
        else:
            assert c.text == "\n".join(paragraph_texts[n] for n in c.paragraphs)
        if ntok(enc, c.text) > budget:  # only a single over-long sentence may exceed
            assert len(sentence_pieces(c.text)) == 1


def test_heading_detection_ignores_canonicalised_punctuation():
    from ingest.chunking import is_heading

    assert is_heading(Paragraph("d", 1, ("一、总体要求",), "一、总体要求："))
    assert is_heading(Paragraph("d", 1, ("（一）稳增长",), "(一)稳增长"))
    assert not is_heading(Paragraph("d", 2, ("（一）稳增长",), "（一）稳增长。全年经济增长5%。"))
    assert not is_heading(Paragraph("d", 3, (), "正文。"))
