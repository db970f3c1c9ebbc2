"""rag.text.normalize: the search form (width, script, case) and the matching form."""
from __future__ import annotations

from rag.text.normalize import arabic_years, bigrams, norm, normalize_for_search

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
        want = arabic_years(full.convert(unicodedata.normalize("NFKC", text))).lower()
        assert normalize_for_search(text) == want, rel


def test_norm_keeps_only_cjk_letters_and_digits():
    assert norm("２０２５年，GDP增長5%！") == "2025年gdp增长5"


def test_bigrams_of_the_matching_form():
    assert bigrams("增長，目标") == {"增长", "长目", "目标"}
    assert bigrams("年") == {"年"}


def test_looks_traditional_tells_the_script_of_a_whole_document():
    from rag.text.normalize import looks_traditional
    assert looks_traditional("我們這個國家經過會議來說，時候到了。" * 20)
    assert not looks_traditional("我们这个国家经过会议来说，时候到了。" * 20)


def test_years_written_digit_by_digit_become_arabic_and_keep_their_length():
    text = "一九七八年到一九八五年，二〇二五年、二零一九年和一九五三至一九五七年"
    out = normalize_for_search(text)
    assert out == "1978年到1985年,2025年、2019年和1953至1957年"
    assert len(out) == len(text)


def test_numerals_that_are_not_years_stay_chinese():
    # counts and amounts around the digits, and runs that are not 19xx/20xx
    for text in ("三十一九八万吨", "一九九八五", "一二三四", "二十九届", "第一九"):
        assert normalize_for_search(text) == text
