"""rag.text.sentences: one terminator set, trimmed spans and lossless pieces."""
from __future__ import annotations

from rag.text.sentences import FULL_STOPS, PARAGRAPH_END, TERMINATORS, sentence_pieces, split_sentences


def test_terminator_sets_nest():
    assert set(FULL_STOPS) < set(TERMINATORS) < set(PARAGRAPH_END)
    assert set(";!?") <= set(TERMINATORS) and "：" in PARAGRAPH_END and "：" not in TERMINATORS


def test_pieces_split_at_ascii_terminators_and_keep_everything():
    text = "第一;第二!第三?第四……“第五。”《怎么办？》结尾"
    pieces = sentence_pieces(text)
    assert "".join(pieces) == text
    assert pieces == ["第一;", "第二!", "第三?", "第四……", "“第五。”", "《怎么办？》", "结尾"]


def test_sentences_also_break_at_newlines_and_are_trimmed():
    assert split_sentences(" 甲\n\n乙。 丙 ") == ["甲", "乙。", "丙"]
