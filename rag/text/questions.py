"""Questions: the words that ask (not what is asked about) and the question normal form.

``QUESTION_WORDS`` say what kind of answer is wanted (多少, 哪些, 如何…), so search
and overlap measures drop them. ``normalize_question`` is the form every question
reader works on: NFKC (full-width digits), simplified, years in four Arabic digits.
"""
from __future__ import annotations

import re
import unicodedata

from rag.text import alternation
from rag.text.normalize import arabic_years, to_simplified
from rag.text.years import full_years

QUESTION_WORDS = ("请问", "是多少", "多少", "是什么", "什么", "哪些", "哪个", "哪里", "哪几", "怎么样", "怎么",
                  "怎样", "如何", "是否", "有没有", "是不是", "分别", "各是", "吗", "呢")
QUESTION_WORDS_PATTERN = alternation(QUESTION_WORDS)
# Question words and the punctuation around them: what is left says what is asked about.
QUESTION_FLUFF_RE = re.compile(QUESTION_WORDS_PATTERN + r"|[?？。!！，,]")
# The question is about plans or tasks (set in that year's report), not outcomes.
TARGET_RE = re.compile(r"目标|预期|计划|安排|部署|任务|打算|提出")
# The question is about what was actually achieved in a year (stated in the next year's report).
RESULT_RE = re.compile(r"实际|完成了|实现了|达到了|取得了|最后|最终|到底[^，。？]{0,4}了")


def normalize_question(text: str) -> str:
    """NFKC (full-width digits), traditional→simplified, years in four Arabic digits
    (二〇二五年, 85年, 七九年 → 2025年, 1985年, 1979年)."""
    return full_years(arabic_years(to_simplified(unicodedata.normalize("NFKC", text or "")).strip()))
