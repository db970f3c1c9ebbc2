"""rag.text.normalize: the search form (width, script, case) and the matching form."""
from __future__ import annotations

from rag.text.normalize import bigrams, norm, normalize_for_search

DISTRICT = "district_speeches/district_party_secretary_econ_work_2022.txt"


def test_normalize_for_search_folds_width_script_and_case():
    assert normalize_for_search("國務院ＡＢＣ１２３，關於GDP") == "国务院abc123,关于gdp"


def test_normalize_for_search_empty():
    assert normalize_for_search("") == ""


def test_normalize_for_search_phrase_conversions():
    # phrase entries: 沈 alone is unchanged, 乾 alone becomes 干, 乾隆 is kept
    assert normalize_for_search("沈默，乾淨，乾隆年間") == "沉默,干净,乾隆年间"


def test_normalize_for_search_equals_full_opencc(corpus_dir):
    import unicodedata

    from opencc import OpenCC

    full = OpenCC("t2s")
    for rel in ("national_gwr/cn_gwr_1954.txt", "cpc_congress/cpc03_report.txt", DISTRICT,
                "xi_speeches/xi_20250901_2.txt"):
        text = (corpus_dir / rel).read_text(encoding="utf-8")[:4000]
        assert normalize_for_search(text) == full.convert(unicodedata.normalize("NFKC", text)).lower(), rel


def test_norm_keeps_only_cjk_letters_and_digits():
    assert norm("２０２５年，GDP增長5%！") == "2025年gdp增长5"


def test_bigrams_of_the_matching_form():
    assert bigrams("增長，目标") == {"增长", "长目", "目标"}
    assert bigrams("年") == {"年"}


def test_looks_traditional_tells_the_script_of_a_whole_document():
    from rag.text.normalize import looks_traditional
    assert looks_traditional("我們這個國家經過會議來說，時候到了。" * 20)
    assert not looks_traditional("我们这个国家经过会议来说，时候到了。" * 20)
