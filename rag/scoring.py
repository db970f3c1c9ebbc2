"""How well one source sentence answers a question (``sentence_score``) and its parts:
overlap, the kind of item asked (``rag.text.asks``), the indicator named, target or
result, the years, an enumeration for a list question, the retrieval rank.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from rag.overlap import answer_overlap, question_text
from rag.text.asks import NUMBER, OTHER, asked_kind, holds, value_near
from rag.text.indicators import named_indicators
from rag.text.normalize import norm
from rag.text.numerals import SMALL_NUMERALS, cn_number, extract_numbers, number_supported
from rag.text.recognizers import quoted_terms
from rag.text.sentences import TERMINATORS
from rag.text.years import RELATIVE_YEAR_WORDS
from rag.text.vocabulary import names_topic, official_terms, topics
from rag.types import Evidence

MAX_SENTENCES = 3
# Questions asking for a quantity: sentences with a number get a bonus.
_WANTS_NUMBER = re.compile(r"多少|几|目标|增长|比例|比重|增速|规模|总额|总量|率")

NUMBER_BONUS = 0.25

# A sentence holding an item of the kind asked for (``rag.text.asks``), or holding none.
KIND_BONUS = 0.1

KIND_PENALTY = 0.3

# A sentence that does not name the indicator or policy the question asks about.
TOPIC_PENALTY = 0.2

# Questions asking for several items ("哪些", "哪三类", "分别是什么"): sentences that
# enumerate (一是/二是, 第一, （一）, "甲、乙、丙") get a bonus, and up to as many
# sentences as the items asked for (at most MAX_LIST_SENTENCES) may be picked.
_WANTS_LIST = re.compile(r"哪些|哪几|哪[两二三四五六七八九十0-9]+[个项类种条句点方面大]|有哪|分别是什么|列举")

_LIST_COUNT = re.compile(r"哪([两二三四五六七八九十0-9]+)")

_ENUMERATES = re.compile(rf"^[（(]?[{SMALL_NUMERALS}]+[）)、]|^(?:第[{SMALL_NUMERALS}]+|[{SMALL_NUMERALS}]+是)"
                         r"|[^、，。；]+、[^、，。；]+、")

LIST_BONUS = 0.15

MAX_LIST_SENTENCES = 6

# A numbered heading line ("二、全面准确把握……的目标要求") names a topic, it does not list
# answers: it gets no enumeration bonus.
_HEADING = re.compile(rf"^(?:[（(]?[{SMALL_NUMERALS}]+[）)、]|[0-9]+[.．、])[^{TERMINATORS}]{{0,48}}$")

# Reports state last year's results and this year's targets side by side, in the same words.
# A question about what was achieved (完成/实际) should not get the target sentence, and
# one about a target should prefer it.
_ASKS_TARGET = re.compile(r"目标|预期|计划|力争|打算|定了|定为|定在|拟")

_ASKS_ACTUAL = re.compile(r"完成|实际|实现了|达到了|取得了|增长了|回顾|去年|上一年|上年|最后|最终|到底[^，。？]{0,4}了|一整年")

TARGET_LEAD = 24  # characters of a paragraph's start that may announce a target list

STATES_TARGET = re.compile(r"预期目标|目标[是为：:]|力争|拟[按安]")

_RELATIVE_RE = re.compile(RELATIVE_YEAR_WORDS)


def _year_match(question: str, ev: Evidence, sentence: str) -> float:
    """For a question naming years: + when the sentence states one, a little less when the
    document is of that year or the next (which reviews it), − otherwise."""
    years = {int(v) for k, v in extract_numbers(question) if k == "year"}
    if not years:
        return 0.0
    stated = {int(v) for k, v in extract_numbers(sentence) if k == "year"}
    if years & stated:
        return 0.2
    # A sentence dated to another past year is about that year ("2000年底外汇储备…" for
    # 2001年底), unless the question itself counts from its year (去年, 头一年). Later years
    # are horizons ("2030年前碳达峰"), not dates.
    if ev.year and any(y <= ev.year for y in stated) and not _RELATIVE_RE.search(question):
        return -0.1
    if ev.year in years:
        return 0.15
    return 0.05 if ev.year and ev.year - 1 in years else -0.2

def answers_topic(question: str, asked: tuple, sentence: str) -> bool:
    """Does ``sentence`` name an indicator or policy the question asks about (in whatever
    words) and hold the kind of item asked? Everyday wording shares too few bigrams
    with the report's sentence for ``on_topic``; the vocabulary bridges it. A term the
    question quotes (“六保”), written in the sentence, names its topic too."""
    quoted = quoted_terms(question)
    named = any(names_topic(t, sentence) for t in asked) or bool(quoted) and all(t in norm(sentence) for t in quoted)
    return named and holds(asked_kind(question), sentence)

def list_size(question: str) -> int:
    """How many items a list question asks for (哪三类 → 3, 哪些 → MAX_SENTENCES); 0 if none."""
    if not _WANTS_LIST.search(question):
        return 0
    found = _LIST_COUNT.search(question)
    word = found.group(1) if found else ""
    value = int(word) if word.isdigit() else (2 if word == "两" else cn_number(word) or 0)
    return min(max(value, MAX_SENTENCES), MAX_LIST_SENTENCES)

def sentence_score(question: str, ev: Evidence, sentence: str, rank: int) -> float:
    """Question bigram overlap + number/year/name match + a small retrieval-rank prior."""
    score = answer_overlap(question, ev, sentence)
    q_numbers = {x for x in extract_numbers(question) if x[0] != "year"}
    score += 0.2 * sum(number_supported(x, extract_numbers(sentence)) for x in q_numbers)
    # Names the question quotes (《…》, “…”) must match; jieba NER is too slow to load here.
    score += 0.1 * sum(t in norm(sentence) for t in quoted_terms(question))
    if _WANTS_NUMBER.search(question) and extract_numbers(sentence):
        score += NUMBER_BONUS
    score += kind_match(question, sentence)
    stripped = sentence.strip()
    if _WANTS_LIST.search(question) and _ENUMERATES.search(stripped) and not _HEADING.match(stripped):
        score += LIST_BONUS
    return (score + _year_match(question, ev, sentence) + target_match(question, sentence, ev)
            + phrase_bonus(question, sentence) + 0.05 / (1 + rank))

def phrase_bonus(question: str, sentence: str) -> float:
    """A little for the longest stretch of the question the sentence repeats verbatim
    (区GDP完成 → "*区GDP完成414亿元"): 0.025 per character past two, at most 0.15."""
    q, t = question_text(question), norm(sentence)
    longest = SequenceMatcher(None, q, t, autojunk=False).find_longest_match(0, len(q), 0, len(t)).size
    return min(max(longest - 2, 0) * 0.025, 0.15)

def states_target(sentence: str, ev: Evidence | None = None) -> bool:
    """Does the sentence state a target, itself or as an item of a target list? The items
    ("居民消费价格涨幅2%左右；") are split from the paragraph's lead-in ("今年发展主要预期目标是：")
    that makes them targets."""
    if STATES_TARGET.search(sentence):
        return True
    if ev is None:
        return False
    # The lead-in may follow a long preamble ("根据省委…会议部署，今年…主要预期目标是："): the
    # sentence is an item of the list its colon opens.
    at = ev.text.find(sentence)
    colon = max(ev.text.rfind("：", 0, at), ev.text.rfind(":", 0, at)) if at > 0 else -1
    lead = ev.text[max(0, colon - TARGET_LEAD):colon + 1] if colon >= 0 else ev.text[:TARGET_LEAD]
    return bool(STATES_TARGET.search(lead) or STATES_TARGET.search(ev.text[:TARGET_LEAD]))


def target_match(question: str, sentence: str, ev: Evidence | None = None) -> float:
    """+ for a target sentence when a target is asked, − when an actual result is asked.

    A report states the targets of its own year and the results of the year before: a
    question about the report's own year ("陕西2025年粮食要打多少吨", in the 2025 report)
    asks a target even without the word 目标.
    """
    years = {int(v) for k, v in extract_numbers(question) if k == "year"}
    asks_target = bool(_ASKS_TARGET.search(question)) or (
        ev is not None and ev.year in years and not _ASKS_ACTUAL.search(question))
    if not states_target(sentence, ev):
        return 0.0
    if asks_target:
        return 0.1
    return -0.3 if _ASKS_ACTUAL.search(question) else 0.0

def kind_match(question: str, sentence: str) -> float:
    """+ when the sentence holds an item of the kind asked (a number, a name, a year, a
    place, a list), − when it holds none; for a number, more when it stands right after
    the indicator asked about, less when the indicator is named with no value."""
    kind = asked_kind(question)
    if kind == OTHER:
        return 0.0
    score = KIND_BONUS if holds(kind, sentence) else -KIND_PENALTY
    asked = topics(question)
    if asked and not any(names_topic(t, sentence) for t in asked):
        score -= TOPIC_PENALTY  # a number, but of another indicator
    if kind == NUMBER:
        near = [value_near(term, norm(sentence)) for term in asked_terms(question)]
        score += 0.2 if True in near else (-0.1 if False in near else 0.0)
    return score

@lru_cache(maxsize=1024)
def asked_terms(question: str) -> tuple[str, ...]:
    """The official terms the question asks about: bridged from its everyday words, or
    the indicator it names."""
    written = (t.phrasings[0] for t in topics(question) if t.phrasings[0] in question)  # 固定资产投资 as such
    return tuple(dict.fromkeys((*official_terms(question), *written,
                                *(p for i in named_indicators(question) for p in i.phrasings[:1]))))



def asked_phrasings(question: str) -> set[str]:
    """Every phrasing that names what the question asks about: the asked terms and all the
    official phrasings of its topics (生产总值增长 as well as 经济增长)."""
    return {*asked_terms(question), *(p for t in topics(question) for p in t.phrasings)}


__all__ = ["KIND_BONUS", "KIND_PENALTY", "LIST_BONUS", "MAX_LIST_SENTENCES", "MAX_SENTENCES", "NUMBER_BONUS", "TOPIC_PENALTY",
           "answers_topic", "asked_phrasings", "asked_terms", "kind_match", "list_size", "phrase_bonus", "sentence_score", "states_target",
           "target_match"]
