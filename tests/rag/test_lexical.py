"""BM25 lexical index: tokenisation, filtering by allowed ids, persistence."""
from __future__ import annotations

from rag.lexical import LexicalIndex, tokenize
from rag.text.normalize import normalize_for_search

RAW = [("a#1-1", "发展新质生产力，推动科技创新。"), ("b#1-1", "稳定就业，增加居民收入。"),
       ("c#1-1", "科技自立自強，GDP增长5.0%。"), ("d#1-1", "加强生态环境保护。")]
ITEMS = [(cid, normalize_for_search(text)) for cid, text in RAW]


def test_bigram_tokens_cover_unigrams_bigrams_and_ascii():
    assert tokenize("科技创新 GDP 5.0") == ["科", "技", "创", "新", "科技", "技创", "创新", "gdp", "5.0"]


def test_tokenize_normalizes_traditional_and_width():
    assert tokenize("經濟") == tokenize("经济")
    assert tokenize("ＧＤＰ") == ["gdp"]


def test_jieba_tokenizer_gives_words():
    toks = tokenize("推动科技创新", "jieba")
    assert "科技" in toks and "，" not in toks


def test_search_ranks_and_respects_allowed():
    lex = LexicalIndex.build(ITEMS, "bigram", generation=3)
    hits = lex.search("科技创新", 10)
    assert hits[0][0] == "a#1-1" and {h[0] for h in hits} == {"a#1-1", "c#1-1"}
    assert [h[0] for h in lex.search("科技创新", 10, allowed={"c#1-1", "d#1-1"})] == ["c#1-1"]
    assert lex.search("科技创新", 10, allowed={"b#1-1"}) == []
    assert lex.search("zzz", 5) == []
    assert lex.search("自强 gdp", 1)[0][0] == "c#1-1"  # query and index both normalised


def test_save_and_load_roundtrip(tmp_path):
    lex = LexicalIndex.build(ITEMS, "bigram", generation=7)
    lex.save(tmp_path / "lexical")
    lex.save(tmp_path / "lexical")  # overwriting keeps one consistent copy
    loaded = LexicalIndex.load(tmp_path / "lexical")
    assert loaded.generation == 7 and loaded.ids == [i for i, _ in ITEMS]
    assert loaded.search("居民收入", 2) == lex.search("居民收入", 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lexical"]


def test_empty_index(tmp_path):
    lex = LexicalIndex.build([], "bigram", generation=0)
    lex.save(tmp_path / "lx")
    assert LexicalIndex.load(tmp_path / "lx").search("科技", 3) == []
    assert LexicalIndex.load(tmp_path / "missing") is None


def test_terms_are_every_token_the_corpus_holds():
    terms = LexicalIndex.build(ITEMS, "bigram", generation=1).terms()
    assert {"科技", "居民", "gdp"} <= terms and "沾光" not in terms
    assert LexicalIndex.build([], "bigram", generation=1).terms() == frozenset()
