"""Extractive answers: the best supporting sentences, verbatim, no LLM.

Also home of the lexical relevance test the answer stage uses to refuse: a
question is answerable from the retrieved paragraphs only if some paragraph
shares at least ``RELEVANCE_MIN`` of the question's content bigrams.
"""
from __future__ import annotations

import re
from functools import lru_cache

from rag.regions import cn_number
from rag.sentences import bigrams, extract_numbers, norm, number_supported, quoted_terms
from rag.verify import Evidence

# Question words and document names say what kind of answer is wanted, not what
# it is about, so they are removed before measuring overlap.
_QUESTION_NOISE = re.compile(
    r"请问|多少|什么|哪些|哪个|哪里|哪几|怎么|怎样|如何|是否|有没有|是不是|分别|吗|呢|？|\?"
    r"|政府工作报告|工作报告|报告|讲话|决议|提出|的|了|[0-9０-９〇零一二三四五六七八九]{2,4}年")
_SPELLED_OUT = (("gdp", "生产总值"), ("cpi", "居民消费价格"))
# Questions asking for a quantity: sentences with a number get a bonus.
_WANTS_NUMBER = re.compile(r"多少|几|目标|增长|比例|比重|增速|规模|总额|总量|率")
# Share of the question's content bigrams that some retrieved paragraph must
# contain, else "nothing relevant was found" and the answer refuses. Measured on
# the 79 eval questions answerable from a small index (national 2024/2025,
# provincial 2025, district speech): 0.3 refused 18 of 61 answerable questions,
# often with the gold paragraph retrieved; unanswerable questions scored
# 0.10–0.75, i.e. lexical overlap does not separate them (the plan's scope check
# and verification do). So the gate only catches questions with almost no
# overlap (off-topic ones like 火星殖民计划 score ≈0.1–0.17).
RELEVANCE_MIN = 0.15
# Without an LLM to say "not in the sources", an extractive answer also needs one
# sentence sharing this much of the question's content. On the same 61+18 eval
# questions (hash-embedder index): no guard → 32 keys right, 12/18 unanswerable
# refused; 0.25 → 31 right, 15/18 refused (most extra refusals were wrong answers).
SENTENCE_MIN = 0.25
NUMBER_BONUS = 0.25
MAX_SENTENCES = 3
# Questions asking for several items ("哪些", "哪三类", "分别是什么"): sentences that
# enumerate (一是/二是, 第一, （一）, "甲、乙、丙") get a bonus, and up to as many
# sentences as the items asked for (at most MAX_LIST_SENTENCES) may be picked.
_WANTS_LIST = re.compile(r"哪些|哪几|哪[两二三四五六七八九十0-9]+[个项类种条句点方面大]|有哪|分别是什么|列举")
_LIST_COUNT = re.compile(r"哪([两二三四五六七八九十0-9]+)")
_ENUMERATES = re.compile(r"^[（(]?[一二三四五六七八九十]+[）)、]|^(?:第[一二三四五六七八九十]+|[一二三四五六七八九十]+是)"
                         r"|[^、，。；]+、[^、，。；]+、")
LIST_BONUS = 0.15
MAX_LIST_SENTENCES = 6


def question_bigrams(question: str) -> set[str]:
    """The question's content bigrams (question words, years and document names removed;
    GDP/CPI spelled as the reports spell them)."""
    content = bigrams(_QUESTION_NOISE.sub(" ", question))
    for short, long in _SPELLED_OUT:
        if re.search(short, question, flags=re.IGNORECASE):
            content |= bigrams(long)
    return {b for b in content if not b.isdigit()} or bigrams(question)


def relevance(question: str, ev: Evidence) -> float:
    """Share of the question's content bigrams found in the paragraph (0..1)."""
    qb = question_bigrams(question)
    return len(qb & ev.bigrams) / len(qb) if qb else 0.0


def _year_match(question: str, ev: Evidence, sentence: str) -> float:
    """For a question naming years: + when the sentence states one, a little less when the
    document is of that year or the next (which reviews it), − otherwise."""
    years = {int(v) for k, v in extract_numbers(question) if k == "year"}
    if not years:
        return 0.0
    if years & {int(v) for k, v in extract_numbers(sentence) if k == "year"}:
        return 0.2
    if ev.year in years:
        return 0.15
    return 0.05 if ev.year and ev.year - 1 in years else -0.2


def overlap(question: str, sentence: str) -> float:
    """Share of the question's content bigrams found in ``sentence``."""
    qb = question_bigrams(question)
    return len(qb & bigrams(sentence)) / len(qb) if qb else 0.0


def answer_overlap(question: str, ev: Evidence, sentence: str) -> float:
    """Like ``overlap``, but the sentence is read with its document's title, as verification
    reads it: question bigrams the title holds ("在…座谈会上的讲话", "新年贺词") count for
    every sentence of that document.

    Those bigrams name the document, not the answer. Counted only where they occur in
    the text, they made a speech's title line outrank the sentence that answers.
    """
    qb = question_bigrams(question)
    return len(qb & (bigrams(sentence) | _title_bigrams(ev.title))) / len(qb) if qb else 0.0


@lru_cache(maxsize=1024)
def _title_bigrams(title: str) -> frozenset[str]:
    return frozenset(bigrams(title))


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
    if _WANTS_LIST.search(question) and _ENUMERATES.search(sentence.strip()):
        score += LIST_BONUS
    return score + _year_match(question, ev, sentence) + 0.05 / (1 + rank)


Pick = tuple[int, tuple[int, int]]  # (index into paragraphs, sentence span)


def _groups(question: str, paragraphs: list[Evidence]) -> list[set[int]]:
    """Paragraph groups that each deserve a sentence: one per year (or region) a comparison
    question names; otherwise a single group of all paragraphs."""
    years = {int(v) for k, v in extract_numbers(question) if k == "year"}
    if len(years) >= 2:
        return [{i for i, ev in enumerate(paragraphs) if ev.year == y} for y in sorted(years)]
    q = norm(question)
    regions = {ev.region for ev in paragraphs if ev.region and norm(ev.region) in q}
    if len(regions) >= 2:
        return [{i for i, ev in enumerate(paragraphs) if ev.region == r} for r in sorted(regions)]
    return [set(range(len(paragraphs)))]


def extractive_picks(question: str, paragraphs: list[Evidence], *, max_sentences: int = MAX_SENTENCES) -> list[Pick]:
    """The best supporting sentences as (paragraph index, span), at most ``max_sentences``.

    ``paragraphs`` are in retrieval order (a small prior). Only relevant paragraphs
    count, instruction-like sentences are never picked. A comparison gets the best
    sentence per named year/region; further sentences (within 80% of the best
    score) come only from a document already picked, so look-alike reports of other
    provinces or years do not creep in.
    """
    scored = []
    for i, ev in enumerate(paragraphs):
        if relevance(question, ev) < RELEVANCE_MIN:
            continue
        for span in ev.spans:
            if len(norm(ev.text[span[0]:span[1]])) >= 4:
                scored.append((sentence_score(question, ev, ev.text[span[0]:span[1]], i), i, span))
    scored.sort(key=lambda x: -x[0])
    if not any(overlap(question, paragraphs[i].text[a:b]) >= SENTENCE_MIN for _, i, (a, b) in scored):
        return []
    max_sentences = max(max_sentences, list_size(question))
    picks: list[Pick] = []
    for group in _groups(question, paragraphs):
        best = next(((i, span) for _, i, span in scored if i in group), None)
        if best and best not in picks:
            picks.append(best)
    if not picks:
        return []
    top, docs = scored[0][0], {paragraphs[i].doc_id for i, _ in picks}
    for score, i, span in scored:
        if len(picks) >= max_sentences or score < 0.8 * top:
            break
        if paragraphs[i].doc_id in docs and (i, span) not in picks:
            picks.append((i, span))
    return picks


def extractive_answer(question: str, paragraphs: list[Evidence], *, max_sentences: int = MAX_SENTENCES) -> str:
    """1–``max_sentences`` verbatim sentences that best answer ``question``, one per line
    ("" when no paragraph is relevant). See ``extractive_picks``."""
    picks = extractive_picks(question, paragraphs, max_sentences=max_sentences)
    return "\n".join(paragraphs[i].text[s:e] for i, (s, e) in picks)
