"""Surface overlap between a question and the passage it is answered from.

A question written while reading a passage tends to reuse the passage's words, so a
lexical retriever finds it easily. ``bigram_jaccard`` measures that reuse on character
bigrams, the natural unit for Chinese text without word segmentation. The users' set
(``eval/sets/users.jsonl``) keeps every answerable question below 0.15 against each of
its evidence quotes.

Pure functions only: no I/O, no corpus access.
"""
from __future__ import annotations

import unicodedata

__all__ = ["normalize", "char_bigrams", "bigram_jaccard"]


def _dropped(ch: str) -> bool:
    """True for whitespace, punctuation (Unicode P*) and symbols (Unicode S*)."""
    return ch.isspace() or unicodedata.category(ch)[0] in ("P", "S")


def normalize(text: str) -> str:
    """NFKC-normalise ``text`` and remove all whitespace, punctuation and symbols.

    NFKC folds full-width digits and letters to ASCII (``５`` -> ``5``), so the
    same number written in either width compares equal. Case is kept.

    >>> normalize("５％ 左右，（一）")
    '5左右一'
    """
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not _dropped(ch))


def char_bigrams(text: str) -> set[str]:
    """The set of adjacent character pairs of ``normalize(text)``.

    A text with fewer than two characters left after normalisation has no bigrams.

    >>> sorted(char_bigrams("物价，物价"))
    ['价物', '物价']
    """
    s = normalize(text)
    return {s[i:i + 2] for i in range(len(s) - 1)}


def bigram_jaccard(a: str, b: str) -> float:
    """Jaccard similarity |A∩B| / |A∪B| of the character-bigram sets of ``a`` and ``b``.

    Returns 0.0 when both sets are empty (nothing to share), so an empty quote
    never counts as overlapping.

    >>> bigram_jaccard("物价涨幅", "物价涨幅")
    1.0
    >>> bigram_jaccard("涨工资", "居民收入")
    0.0
    """
    x, y = char_bigrams(a), char_bigrams(b)
    union = x | y
    if not union:
        return 0.0
    return len(x & y) / len(union)
