"""Bigram overlap between a question and the sources: what the question is about, and
whether a sentence or paragraph speaks of it.

The question is read in the reports' terms first (``rag.text.vocabulary``), and the
words that only say what kind of answer is wanted, or which report (question words,
document names, years, a premier's dating), are left out. ``relevance`` orders the
closest paragraphs a refusal lists and keeps questions about nothing in the sources
from the model; ``on_topic`` is the extractive answer's topic test.
"""
from __future__ import annotations

import re
from functools import lru_cache

from rag.text import alternation
from rag.text.doctypes import REPORT_NOUNS, RESOLUTION_NOUN
from rag.text.indicators import named_indicators
from rag.text.normalize import bigrams, norm
from rag.text.premiers import DATING_RE
from rag.text.questions import QUESTION_WORDS_PATTERN
from rag.text.vocabulary import in_documents_terms
from rag.text.words import person_names, words
from rag.text.years import RELATIVE_YEAR_WORDS, YEAR_WORD
from rag.types import Evidence

# Question words and document names say what kind of answer is wanted, not what
# it is about, so they are removed before measuring overlap.
# Relative years (今年, 上一年) and a premier's dating of a report (李克强第一次作报告) say
# which report, which the plan's scope already fixed.
_QUESTION_NOISE = re.compile(rf"{QUESTION_WORDS_PATTERN}|？|\?|{alternation((*REPORT_NOUNS, RESOLUTION_NOUN))}"
                             rf"|提出|的|了|{YEAR_WORD}|{DATING_RE.pattern}|{RELATIVE_YEAR_WORDS}")

# The share of the question's content bigrams (read in the reports' terms) that some
# retrieved paragraph must hold for the question to be about anything the sources hold
# (``rag.chain.speaks_to``; an everyday word for an indicator the paragraph names also
# counts). It only keeps off-topic questions from the model; it no longer refuses a
# paraphrase whose words differ from its answer's. Measured on
# the 79 eval questions answerable from a small index (national 2024/2025,
# provincial 2025, district speech): 0.3 refused 18 of 61 answerable questions,
# often with the gold paragraph retrieved; unanswerable questions scored
# 0.10–0.75, i.e. lexical overlap does not separate them (the plan's scope check
# and verification do). So the gate only catches questions with almost no
# overlap (off-topic ones like 火星殖民计划 score ≈0.1–0.17).
RELEVANCE_MIN = 0.15

# Without an LLM to say "not in the sources", an extractive answer also needs one
# sentence on topic (``on_topic``): this share of the question's content bigrams, and
# at least two of them. Measured on the full-corpus index, 173 eval questions, with the
# word-internal bigrams of ``question_bigrams``: 0.25 → key accuracy 0.769, 13/18
# unanswerable refused; 0.3 → 0.775, 14/18; 0.35 → 0.757, 14/18.
SENTENCE_MIN = 0.3

def question_bigrams(question: str, known: frozenset[str] | None = None) -> frozenset[str]:
    """The question's content bigrams (``all_question_bigrams``) that the corpus holds, when its
    terms are ``known``: a word no document contains ("沾光", "砸钱") is the asker's own and no
    sentence could share it, so it does not count against one that shares the rest. Measured on
    the dev halves: everyday key accuracy 0.754 -> 0.772, everyday2 0.436 -> 0.455, users 0.714
    -> 0.725, refusal recall unchanged on every set."""
    full = all_question_bigrams(question)
    if known is None:
        return full
    return frozenset(b for b in full if b in known or not _CJK_PAIR.match(b)) or full


_CJK_PAIR = re.compile(r"^[\u3400-\u9fff]{2}$")


@lru_cache(maxsize=4096)
def all_question_bigrams(question: str) -> frozenset[str]:
    """The question's content bigrams: the bigrams inside its jieba words of two or more
    characters, with question words, years and document names removed; GDP/CPI/PPI spelled
    as the reports spell them.

    Bigrams across word boundaries ("总理是谁" → 理是) and one-character words (里, 作,
    谁) name nothing a source could contain and diluted the overlap: 20 of 155
    answerable eval questions were refused, most with the answer retrieved.
    """
    content: set[str] = set()
    question = in_documents_terms(question)
    for word in words(_QUESTION_NOISE.sub(" ", question)):
        if len(norm(word)) >= 2:
            content |= bigrams(word)
    for indicator in named_indicators(question):
        content |= bigrams(indicator.stem)
    return frozenset({b for b in content if not b.isdigit()} or bigrams(question))

def missing_names(question: str, paragraphs: list[Evidence]) -> list[str]:
    """Person names the question asks about that no paragraph, title or speaker mentions.

    A question about someone the sources never name (习近平会见马斯克…) cannot be
    answered from them, however well the rest of it overlaps.
    """
    names = {n for n in person_names(question) if _looks_like_name(n)}
    if not names:
        return []
    seen = "\n".join(norm(f"{ev.title}{ev.speaker or ''}{ev.text}") for ev in paragraphs)
    return sorted(n for n in names if n not in seen)

def _looks_like_name(word: str) -> bool:
    """jieba tags four-character phrases (蓝天白云) and kinship words (老祖宗) as names too;
    Chinese names have two or three characters, transliterations a middle dot."""
    return "·" in word or (len(word) <= 3 and word[0] not in "老阿小")

def relevance(question: str, ev: Evidence) -> float:
    """Share of the question's content bigrams found in the paragraph (0..1)."""
    qb = question_bigrams(question, ev.known)
    return len(qb & ev.bigrams) / len(qb) if qb else 0.0

def overlap(question: str, sentence: str, known: frozenset[str] | None = None) -> float:
    """Share of the question's content bigrams (those the corpus holds, when ``known``) in ``sentence``."""
    qb = question_bigrams(question, known)
    return len(qb & bigrams(sentence)) / len(qb) if qb else 0.0

def on_topic(question: str, sentence: str, known: frozenset[str] | None = None) -> bool:
    """Does ``sentence`` share at least ``SENTENCE_MIN`` of the question's content bigrams (those
    the corpus holds, when ``known``), and at least two of them? One shared word ("计划" for
    火星殖民计划) is not a topic."""
    qb = question_bigrams(question, known)
    shared = len(qb & bigrams(sentence))
    return shared >= min(2, len(qb)) and shared / len(qb) >= SENTENCE_MIN

def answer_overlap(question: str, ev: Evidence, sentence: str) -> float:
    """Like ``overlap``, but the sentence is read with its document's title, as verification
    reads it: question bigrams the title holds ("在…座谈会上的讲话", "新年贺词") count for
    every sentence of that document.

    Those bigrams name the document, not the answer. Counted only where they occur in
    the text, they made a speech's title line outrank the sentence that answers.
    """
    qb = question_bigrams(question, ev.known)
    return len(qb & (bigrams(sentence) | _title_bigrams(ev.title))) / len(qb) if qb else 0.0

@lru_cache(maxsize=1024)
def _title_bigrams(title: str) -> frozenset[str]:
    return frozenset(bigrams(title))

@lru_cache(maxsize=1024)
def question_text(question: str) -> str:
    """The question without its question words, normalised (computed once per question,
    not once per candidate sentence)."""
    return norm(_QUESTION_NOISE.sub(" ", question))


__all__ = ["RELEVANCE_MIN", "SENTENCE_MIN", "all_question_bigrams", "answer_overlap", "missing_names", "on_topic",
           "overlap", "question_bigrams", "question_text", "relevance"]
