"""Search-side text normalisation: one canonical form for matching, never for storage.

``normalize_for_search`` (NFKC, OpenCC t2s, years in Arabic digits, lowercase) feeds BM25
and every string comparison; ``norm`` keeps only its CJK letters and digits; ``bigrams`` are the
character pairs that overlap measures count.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC

_CJK_OR_ALNUM = re.compile(r"[\u3400-\u9fff0-9a-z]")
# Bump when normalize_for_search changes: an index whose stored search texts were made
# with another form re-normalises them (Index.ensure_search_form) instead of mixing forms.
SEARCH_FORM = 2
# Digits as years are written one by one (二〇二五, 二零一九); older reports write zero as ○.
YEAR_DIGITS = "〇○零一二三四五六七八九"
_YEAR_TO_ARABIC = str.maketrans(YEAR_DIGITS, "000123456789")
_NUMERAL_NEIGHBOUR = YEAR_DIGITS + "十百千万亿点两"
# Four digit-by-digit numerals from 1800 to 2099, not inside a longer numeral (三十一九… is not a year).
_CN_YEAR = re.compile(rf"(?<![{_NUMERAL_NEIGHBOUR}])(?:一[八九]|二[〇○零])[{YEAR_DIGITS}]{{2}}(?![{_NUMERAL_NEIGHBOUR}])")


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    # Building the converter loads dictionaries; do it once per process.
    converter = OpenCC("t2s")
    converter.convert("")
    return converter


@lru_cache(maxsize=1)
def _triggers() -> frozenset[str] | None:
    """Characters without which a piece of text cannot change under t2s (None: unknown).

    The pure-Python OpenCC is slow (~150k chars/s) and almost all of our text is
    already simplified. A dictionary entry can only change a piece if the piece
    contains a character the entry rewrites, so pieces free of those characters
    are skipped; the result is identical to converting everything.
    """
    try:
        entries = [(k, v) for group in _t2s()._dict_chain_data for _, _, table in group
                   for k, v in table.items()]
    except (AttributeError, TypeError, ValueError):  # another opencc build: convert everything
        return None
    chars: set[str] = set()
    for key, value in entries:
        for option in value.split(" "):
            if len(option) != len(key):
                chars.update(key)
            else:
                chars.update(k for k, o in zip(key, option) if k != o)
    return frozenset(chars)


def to_simplified(text: str) -> str:
    """OpenCC t2s, converting only the pieces (between separators) that can change."""
    converter, triggers = _t2s(), _triggers()
    if triggers is None:
        return converter.convert(text)
    if triggers.isdisjoint(text):
        return text
    # OpenCC itself converts piece by piece between these separators.
    pieces = converter.split_chars_re.split(text)
    return "".join(converter.convert(p) if i % 2 == 0 and not triggers.isdisjoint(p) else p
                   for i, p in enumerate(pieces))


_COMMON_TRADITIONAL = "國們這經會產發個時來說對過"


def looks_traditional(text: str) -> bool:
    """Is ``text`` (a whole document) written in traditional characters? A cheap test on the
    commonest characters that differ, for callers that may skip t2s on simplified text."""
    return sum(text.count(c) for c in _COMMON_TRADITIONAL) * 2000 > len(text)


def arabic_years(text: str) -> str:
    """Years written digit by digit in Chinese (一九七八年, 二〇二五) in Arabic digits
    (1978年, 2025): the reports before 1987 write every year so, their readers never do.
    Length-preserving, so offsets into the text stay valid."""
    return _CN_YEAR.sub(lambda m: m.group().translate(_YEAR_TO_ARABIC), text)


def normalize_for_search(text: str) -> str:
    """NFKC, traditional→simplified Chinese (OpenCC t2s), Arabic years, then lowercase.

    Used for BM25 tokens and string matching only; stored paragraph text stays
    verbatim so citations quote the original characters.
    """
    if not text:
        return ""
    return arabic_years(to_simplified(unicodedata.normalize("NFKC", text))).lower()


def norm(text: str) -> str:
    """Matching form: NFKC, simplified, lowercase, only CJK letters and digits kept."""
    return "".join(_CJK_OR_ALNUM.findall(normalize_for_search(text)))


def bigrams(text: str) -> set[str]:
    """Character bigrams of the matching form (a single character counts as itself)."""
    t = norm(text)
    if len(t) == 1:
        return {t}
    return {t[i:i + 2] for i in range(len(t) - 1)}
