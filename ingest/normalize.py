"""Search-side text normalisation: one canonical form for matching, never for storage."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from opencc import OpenCC


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    # Building the converter loads dictionaries; do it once per process.
    return OpenCC("t2s")


def normalize_for_search(text: str) -> str:
    """NFKC, traditional→simplified Chinese (OpenCC t2s), then lowercase.

    Used for BM25 tokens and string matching only; stored paragraph text stays
    verbatim so citations quote the original characters.
    """
    if not text:
        return ""
    return _t2s().convert(unicodedata.normalize("NFKC", text)).lower()
