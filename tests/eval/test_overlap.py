"""Known values for eval.overlap (normalisation, bigrams, Jaccard)."""
from __future__ import annotations

import doctest

import pytest

import eval.overlap as overlap
from eval.overlap import bigram_jaccard, char_bigrams, normalize


def test_normalize_nfkc_and_strips_space_punct_symbols():
    # Full-width digits/percent fold to ASCII; % (Po), ， (Po), （） (Ps/Pe), + (Sm) and
    # all whitespace kinds (space, ideographic space, newline, tab) are removed.
    assert normalize("５％ 左右，\n（一）\u3000ＧＤＰ+1\t") == "5左右一GDP1"


def test_normalize_keeps_letters_digits_and_case():
    assert normalize("CPI 3%") == "CPI3"
    assert normalize("国内生产总值") == "国内生产总值"


def test_normalize_empty_and_only_punctuation():
    assert normalize("") == ""
    assert normalize("，。！？、“”《》%￥$") == ""


def test_char_bigrams_known_set():
    assert char_bigrams("物价涨幅") == {"物价", "价涨", "涨幅"}
    # Punctuation between characters is removed first, so it does not break a bigram.
    assert char_bigrams("物，价") == {"物价"}
    # Repeated pairs collapse in the set.
    assert char_bigrams("哈哈哈") == {"哈哈"}


def test_char_bigrams_short_texts():
    assert char_bigrams("") == set()
    assert char_bigrams("价") == set()
    assert char_bigrams("%价。") == set()


def test_jaccard_identical_and_disjoint():
    assert bigram_jaccard("居民消费价格", "居民消费价格") == 1.0
    assert bigram_jaccard("涨工资", "居民收入增长") == 0.0


def test_jaccard_known_fraction():
    # {物价, 价涨, 涨幅} vs {价涨, 涨幅, 幅3} (the % is dropped): 2 shared of 4.
    assert bigram_jaccard("物价涨幅", "价涨幅3%") == pytest.approx(0.5)
    # {ab, bc} vs {bc, cd, de}: 1 shared of 4.
    assert bigram_jaccard("abc", "bcde") == pytest.approx(0.25)


def test_jaccard_is_symmetric_and_whitespace_insensitive():
    a, b = "2019年国家定的物价涨幅上限是多少？", "居民消费价格涨幅3%左右"
    assert bigram_jaccard(a, b) == bigram_jaccard(b, a)
    assert bigram_jaccard("物 价\n涨幅", "物价涨幅") == 1.0
    # 涨幅 is the only shared bigram: 17 question bigrams, 10 quote bigrams, union 26.
    assert bigram_jaccard(a, b) == pytest.approx(1 / 26)


def test_jaccard_empty_is_zero():
    assert bigram_jaccard("", "") == 0.0
    assert bigram_jaccard("物价", "") == 0.0


def test_doctests_pass():
    result = doctest.testmod(overlap)
    assert result.attempted > 0 and result.failed == 0
