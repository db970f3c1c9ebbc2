"""Extractive answers: the best supporting sentences, verbatim, no LLM.

A sentence is picked when it is on topic (the question's content bigrams, read in
the reports' terms by ``rag.text.vocabulary``) and holds the kind of item the
question asks for (``rag.text.asks``); no pick means the extractive answer refuses.
``relevance`` (bigram share per paragraph) now only orders the closest paragraphs
a refusal lists: as a gate it refused paraphrased questions whose answer was found.
"""
from __future__ import annotations

import re

from rag.overlap import on_topic, overlap, question_bigrams
from rag.scoring import MAX_SENTENCES, answers_topic, asked_phrasings, asked_terms, list_size, sentence_score, states_target
from rag.text.asks import NUMBER, PLACE, YEAR, asked_kind, value_near
from rag.text.normalize import norm
from rag.text.numerals import extract_numbers
from rag.text.recognizers import is_byline
from rag.text.vocabulary import names_topic, topics
from rag.text.words import named_before
from rag.types import Evidence

# A question in several parts ("赤字率是多少？财政赤字总额呢？") gets a sentence per part.
_PARTS = re.compile(r"[^？?]+[？?]?")


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
    scored = ranked_sentences(question, paragraphs)
    asked, known = topics(question), _known(paragraphs)
    if not any(on_topic(question, paragraphs[i].text[a:b], known) or answers_topic(question, asked, paragraphs[i].text[a:b])
               for _, i, (a, b) in scored):
        if not (scored := _lead_answers(question, paragraphs, scored)):
            return []
    if asked and asked_kind(question) == NUMBER and not any(
            names_topic(t, paragraphs[i].text[a:b]) for _, i, (a, b) in scored for t in asked):
        return []  # numbers, but none of them of the indicator asked about
    # A speech's byline answers only when or where it was given: it shares the occasion's words
    # with every question about the speech, and outranked the sentence that answers.
    if asked_kind(question) not in (YEAR, PLACE):
        scored = [x for x in scored if not is_byline(paragraphs[x[1]].text[x[2][0]:x[2][1]])]
    max_sentences = max(max_sentences, list_size(question))
    picks: list[Pick] = []
    for group in _groups(question, paragraphs):
        best = next(((i, span) for _, i, span in scored if i in group), None)
        if best and best not in picks:
            picks.append(best)
    if not picks:
        return []
    docs = {paragraphs[i].doc_id for i, _ in picks}
    picks += [p for p in _part_picks(question, paragraphs, scored, docs) if p not in picks]
    top = scored[0][0]
    for score, i, span in scored:
        if len(picks) >= max_sentences or score < 0.8 * top:
            break
        if paragraphs[i].doc_id in docs and (i, span) not in picks:
            picks.append((i, span))
    return list(dict.fromkeys((i, narrow(question, paragraphs[i].text, span)) for i, span in picks))


def _known(paragraphs: list[Evidence]) -> frozenset[str] | None:
    """The terms of the corpus the paragraphs came from (one index per request)."""
    return paragraphs[0].known if paragraphs else None


def ranked_sentences(question: str, paragraphs: list[Evidence]) -> list[tuple[float, int, tuple[int, int]]]:
    """Every sentence of ``paragraphs`` as (``sentence_score``, paragraph index, span), best first."""
    scored = []
    for i, ev in enumerate(paragraphs):
        for span in ev.spans:
            if len(norm(ev.text[span[0]:span[1]])) >= 4:
                scored.append((sentence_score(question, ev, ev.text[span[0]:span[1]], i), i, span))
    scored.sort(key=lambda x: -x[0])
    return scored


def shown_sentences(question: str, paragraphs: list[Evidence], picks: list[Pick], *,
                    limit: int = 5, budget: int = 420) -> dict[int, list[tuple[int, int]]]:
    """What the model is shown of each paragraph when it only judges and writes: the code's
    picks first, then the next best sentences, at most ``limit`` and ``budget`` characters.
    A pick shows its whole sentence, so a list item keeps its lead-in's year and subject."""
    chosen: list[Pick] = []
    for i, span in [(i, _sentence_of(paragraphs[i], span)) for i, span in picks] + [
            (i, span) for _, i, span in ranked_sentences(question, paragraphs)]:
        if (i, span) in chosen or len(chosen) >= limit or is_byline(paragraphs[i].text[span[0]:span[1]]):
            continue
        used = sum(b - a for _, (a, b) in chosen)
        if chosen and used + span[1] - span[0] > budget:
            continue
        chosen.append((i, span))
    shown: dict[int, list[tuple[int, int]]] = {}
    for i, span in chosen:
        shown.setdefault(i, []).append(span)
    return {i: sorted(spans) for i, spans in shown.items()}


def _sentence_of(ev: Evidence, span: tuple[int, int]) -> tuple[int, int]:
    """The sentence span of ``ev`` holding the (possibly narrowed) ``span``."""
    return next(((a, b) for a, b in ev.spans if a <= span[0] and span[1] <= b), span)


# How many paragraphs of the top-ranked passage may answer a "哪种X" question in other words.
LEAD_PARAGRAPHS = 6
_NAMED_KIND = re.compile(r"哪(?:一)?(?:种|个|款|项|件|部|类|支|颗|艘|架)([\u4e00-\u9fff]{2})")


def _lead_answers(question: str, paragraphs: list[Evidence], scored: list) -> list:
    """For "上一年冒出来的是哪种疫情": sentences of the top-ranked passage that name an X of
    the kind asked ("非典疫情": the noun with a name before it the question does not hold).
    Everyday wording shares too few bigrams with such a sentence for ``on_topic``."""
    found = _NAMED_KIND.search(question)
    if not found:
        return []
    head, asked_text = found.group(1), norm(question)
    lead = [i for i, ev in enumerate(paragraphs[:LEAD_PARAGRAPHS]) if ev.doc_id == paragraphs[0].doc_id]
    return [(score, i, (a, b)) for score, i, (a, b) in scored
            if i in lead and named_before(paragraphs[i].text[a:b], head, besides=asked_text)]


_CLAUSE = re.compile(r"[^，,；;：:]+[，,；;：:]?")
# A sentence this long that answers with one clause is cut to that clause.
LONG_SENTENCE = 60
# Questions relating values (target against result, two parts): the whole sentence relates them.
_RELATES = re.compile(r"比(?:去年|上年|前一年|上一年)|相比|对比|比较|差距|达到|完成|实现|分别|各自|各是|超过|低于|高于")


def narrow(question: str, text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The clause of a long sentence that states the value asked for ("国内生产总值增长5%左右；"
    out of a 200-character list of targets), else the sentence: a number question about
    a named indicator is answered by the clause naming it with its value."""
    start, end = span
    if (end - start <= LONG_SENTENCE or asked_kind(question) != NUMBER or _RELATES.search(question)
            or not (terms := asked_terms(question))):
        return span
    found = [(m.start(), m.start() + len(m.group().rstrip("，,：:")))  # a clause ending in a comma is cut there
             for m in _CLAUSE.finditer(text, start, end)
             if any(value_near(t, m.group()) for t in terms) and len(norm(m.group())) >= 6]
    # Several indicators asked: the clauses from the first to the last that states one.
    return (found[0][0], found[-1][1]) if found else span


def value_absent(question: str, paragraphs: list[Evidence], picks: list[Pick]) -> tuple[str, Pick] | None:
    """(indicator, the clause naming it) when a number question's picks name the indicator
    asked about but none states a value for it: the sources speak to the topic and give
    no number ("固定资产投资提质提效"), which is said, cited, instead of quoting another
    indicator's number."""
    terms = asked_terms(question)
    if asked_kind(question) != NUMBER or not terms or _RELATES.search(question) or not picks:
        return None
    # Any of the topic's phrasings with a value answers (生产总值增长5.5% for 经济增长).
    phrasings = asked_phrasings(question)
    texts = [paragraphs[i].text[a:b] for i, (a, b) in picks]
    if any(value_near(t, text) for t in phrasings for text in texts):
        return None
    for i, (a, b) in picks:
        ev = paragraphs[i]
        # Only in a list of targets is a named indicator without a number a statement that
        # there is none ("居民消费价格保持合理水平"); elsewhere the value may come later.
        if not states_target(ev.text[a:b], ev):
            continue
        for m in _CLAUSE.finditer(ev.text, a, b):
            # The indicator must be the clause's subject: "居民收入增长和经济增长基本同步"
            # relates incomes to growth, it does not set the growth target.
            subject = _LIST_LEAD.sub("", m.group())
            if (term := next((t for t in terms if subject.startswith(t)), None)) and not extract_numbers(m.group()):
                return term, (i, (m.start(), m.start() + len(m.group().rstrip("，,；;：:。"))))
    return None


_LIST_LEAD = re.compile(r"^[\s（(一二三四五六七八九十0-9、.．）)是]*(?:全社会|全省|全市|全区|全国)?")


def confident(question: str, paragraphs: list[Evidence], picks: list[Pick]) -> bool:
    """Are the picks an answer the code can stand behind against a model that found none?
    The first pick names the indicator asked about with an item of the kind asked, or
    shares at least ``CONFIDENT_OVERLAP`` of the question's words."""
    if not picks:
        return False
    i, (a, b) = picks[0]
    sentence = paragraphs[i].text[a:b]
    return answers_topic(question, topics(question), sentence) or overlap(
        question, sentence, _known(paragraphs)) >= CONFIDENT_OVERLAP


CONFIDENT_OVERLAP = 0.6


def question_parts(question: str) -> list[str]:
    """The sub-questions of a question asked in several parts (split at ？), or [] for one part."""
    parts = [p.strip() for p in _PARTS.findall(question) if p.strip() and question_bigrams(p.strip())]
    return parts if len(parts) >= 2 else []


def _part_picks(question: str, paragraphs: list[Evidence], scored: list, docs: set[str]) -> list[Pick]:
    """For a several-part question, each part's best sentence from the documents already picked."""
    picks: list[Pick] = []
    known = _known(paragraphs)
    for part in question_parts(question):
        candidates = [(sentence_score(part, paragraphs[i], paragraphs[i].text[a:b], i), i, (a, b))
                      for _, i, (a, b) in scored if paragraphs[i].doc_id in docs]
        best = max(candidates, default=None, key=lambda c: c[0])
        sentence = paragraphs[best[1]].text[best[2][0]:best[2][1]] if best else ""
        if best and (on_topic(part, sentence, known) or on_topic(question, sentence, known)):
            picks.append((best[1], best[2]))
    return picks


def extractive_answer(question: str, paragraphs: list[Evidence], *, max_sentences: int = MAX_SENTENCES) -> str:
    """1–``max_sentences`` verbatim sentences that best answer ``question``, one per line
    ("" when no paragraph is relevant). See ``extractive_picks``."""
    picks = extractive_picks(question, paragraphs, max_sentences=max_sentences)
    return "\n".join(paragraphs[i].text[s:e] for i, (s, e) in picks)
