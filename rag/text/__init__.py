"""Chinese text rules, defined once: every other module imports them from here.

* ``normalize`` — the search form (NFKC, OpenCC t2s, lowercase), the matching form, bigrams;
* ``sentences`` — sentence terminators and sentence spans;
* ``numerals`` — Chinese numerals, numbers with units, ``extract_numbers``;
* ``years`` — year mentions, relative-year words, CPC congress years;
* ``places`` — provinces, other places, national cues;
* ``doctypes`` — document types, their labels and the words that name them;
* ``indicators`` — indicator abbreviations (GDP/CPI/PPI) and the reports' wording;
* ``questions`` — question words and the question normal form;
* ``words`` — jieba words and proper names;
* ``recognizers`` — instructions (prompt injection), refusals, quoted terms, citation marks.

Pure functions and constants; nothing here imports ``ingest`` or the index.
"""
from __future__ import annotations

from collections.abc import Iterable


def alternation(words: Iterable[str]) -> str:
    """A regex alternative of literal ``words``, longest first (so 政府工作报告 wins over 报告)."""
    return "|".join(sorted(words, key=len, reverse=True))
