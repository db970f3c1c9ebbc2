"""Verify a drafted answer against the retrieved paragraphs, sentence by sentence.

The model's own [n] markers are ignored. Every sentence is aligned to the
paragraph(s) that support it: all its numbers (kind and value, see
``rag.text.numerals.extract_numbers``) and names must occur there, as must its quoted
terms, and enough of its character bigrams (``MIN_COVERAGE``). Sentences that
fail are removed and reported as unsupported; when a sentence failed only on a
number, the source text wins and its verbatim sentence replaces the claim.
Only paragraphs ``in_scope`` of the question (the years/regions it names) may
support a sentence: that catches the commonest wrong answer, a number taken
from a look-alike report of another year or province.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations

from rag.scoring import asked_phrasings
from rag.text.normalize import bigrams, norm
from rag.text.numerals import extract_numbers, number_supported
from rag.text.quantities import keep_qualifiers
from rag.text.places import PLACE_SUFFIXES
from rag.text.recognizers import is_refusal, quoted_terms, strip_citations
from rag.text.sentences import sentence_spans, split_sentences
from rag.text.words import entities
from rag.types import Evidence

# Share of a sentence's bigrams (those not copied from the question) that must
# occur in the supporting paragraph. Paraphrases of government text keep most
# bigrams: with 0.45 the eval set's hand-written reference answers, used as
# drafts, kept every sentence in 49 of 61 questions (the rest mostly lacked the
# gold paragraph in retrieval), while invented filler is rejected.
MIN_COVERAGE = 0.45
ATTACHED_COVERAGE = 0.2
# Sentences with fewer content bigrams are connectives ("答案如下：") and are skipped.
MIN_BIGRAMS = 2
_LIST_MARK = re.compile(r"^\s*(?:(?:\d{1,2}[.、)）](?!\d)|[（(]\d{1,2}[)）])\s*|[-*•·]\s+)")
_LEAD_IN = re.compile(r"^(?:答[:：]|根据(?:所?提供的|以上|上述)?(?:资料|材料|信息|报告)(?:内容)?[，,：:]?|(?:资料|材料)(?:中)?(?:显示|指出)[，,：:]?"
                      # The model echoes the source label it was shown: "根据《…》（2025年）第52段，", "第33段提到："
                      r"|(?:根据|据|在)?(?:《[^》]{1,60}》)?(?:[（(]\d{4}年[)）])?第\d+段(?:中|里)?(?:提到|指出|显示|说)?[，,：:]"
                      r"|(?:根据|据)《[^》]{1,60}》(?:[（(]\d{4}年[)）])?[，,：:])\s*")
_LABEL_CHARS = 15


@dataclass
class Claim:
    """A supported sentence: its display text and the evidence (index, quote span) behind it."""

    text: str
    line: int
    support: list[tuple[int, tuple[int, int]]]
    replaced: str = ""  # the model's sentence when the source's own sentence replaced it


@dataclass
class Verified:
    claims: list[Claim] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return not self.claims

    @classmethod
    def from_picks(cls, picks: list[tuple[int, tuple[int, int]]], evidence: list[Evidence]) -> "Verified":
        """Verbatim source sentences (extractive answers): supported by construction, one per
        line. When they come from several documents each line names its document, since
        look-alike reports state look-alike sentences."""
        several = len({evidence[i].doc_id for i, _ in picks}) > 1

        def shown(i: int, s: int, e: int) -> str:
            label = f"《{evidence[i].title or evidence[i].doc_id}》：" if several else ""
            return label + evidence[i].text[s:e]
        return cls(claims=[Claim(shown(i, s, e), line, [(i, (s, e))]) for line, (i, (s, e)) in enumerate(picks)])


def answer_sentences(text: str) -> list[tuple[int, str]]:
    """(line number, sentence) of a drafted answer: citation markers, list bullets, markdown
    emphasis and lead-ins (根据资料，) removed; a short label ending in a colon ("2024年：")
    is joined to the sentence after it, which it qualifies."""
    out, label = [], ""
    for i, line in enumerate(strip_citations(text.replace("**", "")).splitlines()):
        for sentence in split_sentences(_LIST_MARK.sub("", line)):
            sentence = _LEAD_IN.sub("", sentence.strip())
            if sentence.endswith(("：", ":")) and len(sentence) <= _LABEL_CHARS:
                label += sentence
            elif sentence:
                out.append((i, label + sentence))
                label = ""
    return out


def _coverage(sentence_bigrams: set[str], ev: Evidence, question_bigrams: set[str] = frozenset()) -> float:
    """Share of the sentence's bigrams found in ``ev``; bigrams copied from the question
    are left out (restating the question is neither support nor evidence against)."""
    own = sentence_bigrams - question_bigrams or sentence_bigrams
    return len(own & ev.bigrams) / len(own) if own else 0.0


def _facts_ok(sentence: str, evs: list[Evidence], question: str = "") -> tuple[bool, bool]:
    """(numbers all found, names and quoted terms all found) in the union of ``evs``. The
    years and names the question itself states are its scope, checked by ``in_scope``, not
    claims ("赵紫阳当总理那五年…3700多万人" needs 3700万, not 赵紫阳, in the paragraph); every
    other number it repeats is checked (a false premise's 5000元 must still be found)."""
    nums = set().union(*(e.numbers for e in evs))
    names = "\n".join(e.names for e in evs)
    asked = {x for x in extract_numbers(question) if x[0] == "year"}
    nums_ok = all(number_supported(x, nums) for x in extract_numbers(sentence) if x not in asked)
    terms = {t for t in entities(sentence) | quoted_terms(sentence) if not question or t not in norm(question)}
    names_ok = all(t in names or t.rstrip(PLACE_SUFFIXES) in names for t in terms)
    return nums_ok, names_ok


def best_span(claim: str, ev: Evidence) -> tuple[int, int]:
    """The span of ``ev.text`` that best supports ``claim``: the best sentence, widened to
    neighbouring sentences that hold the claim's remaining numbers."""
    spans = ev.spans or sentence_spans(ev.text)
    cb, need = bigrams(claim), extract_numbers(claim)

    def score(span):
        s = ev.text[span[0]:span[1]]
        hit = sum(number_supported(x, extract_numbers(s)) for x in need)
        return (hit, len(cb & bigrams(s)))

    start, end = max(spans, key=score)
    missing = {x for x in need if not number_supported(x, extract_numbers(ev.text[start:end]))}
    for s, e in spans:
        found = {x for x in missing if number_supported(x, extract_numbers(ev.text[s:e]))}
        if found:
            start, end, missing = min(start, s), max(end, e), missing - found
    return start, end


def _attached(sentence: str, evidence: list[Evidence], cov: list[float], question: str) -> list[int]:
    """A paraphrase that restates the question in the user's words shares few bigrams with the
    source; it is supported by a paragraph (coverage ``ATTACHED_COVERAGE``) where each of its
    figures stands in a clause naming the indicator the sentence's own clause names for it
    ("想吸引2000名应届大学生" ← "高校毕业生到*就业创业2000人"). A figure of another subject
    (贵州能源集团收入1000亿元 said of 工业) is not tied and fails."""
    numbers = {x for x in extract_numbers(sentence) if x[0] != "year"}
    if not numbers or not question:
        return []
    ranked = sorted((i for i in range(len(evidence)) if cov[i] >= ATTACHED_COVERAGE), key=lambda i: -cov[i])
    return next(([i] for i in ranked if all(_facts_ok(sentence, [evidence[i]], question))
                 and all(_tied(x, sentence, evidence[i].text) for x in numbers)), [])


def _tied(number, sentence: str, source: str) -> bool:
    """Does a clause of ``source`` state ``number`` and name an indicator that the sentence's
    clause stating it names (in the reports' terms or the user's)?"""
    named = {t for c in _CLAUSE_END.split(sentence) if number_supported(number, extract_numbers(c))
             for t in asked_phrasings(c)}
    return bool(named) and value_attached(named, source, {number})


def _align(sentence: str, evidence: list[Evidence], qb: set[str], prefer: set[int],
           question: str = "") -> tuple[list[int], str]:
    """Indices of the evidence supporting ``sentence`` (empty if none) and the failure reason.

    Among candidates that pass, the best full-sentence overlap wins; near-ties go
    to ``prefer`` (paragraphs already cited, or of the year the question asks
    about), then to retrieval order.
    """
    sb = bigrams(sentence)
    cov = [_coverage(sb, ev, qb) for ev in evidence]
    passing, reason = [], "coverage"
    for i in (i for i in range(len(evidence)) if cov[i] >= MIN_COVERAGE):
        nums_ok, names_ok = _facts_ok(sentence, [evidence[i]], question)
        if nums_ok and names_ok:
            passing.append(i)
        elif reason != "number":
            reason = "number" if not nums_ok else "name"
    if passing:
        raw = {i: _coverage(sb, evidence[i]) for i in passing}
        top = max(raw.values())
        near = [i for i in passing if raw[i] >= top - 0.05]
        return [min(near, key=lambda i: (i not in prefer, -raw[i], i))], ""
    # A comparison sentence may draw its numbers from two documents (years, regions).
    ranked = sorted(range(len(evidence)), key=lambda i: -cov[i])
    for i, j in combinations([i for i in ranked[:6] if cov[i] >= MIN_COVERAGE / 2], 2):
        pair = [evidence[i], evidence[j]]
        if (pair[0].doc_id != pair[1].doc_id and max(cov[i], cov[j]) >= MIN_COVERAGE
                and all(_facts_ok(sentence, pair))):  # strict: the question's names must be found too
            return [i, j], ""
    return (attached, "") if (attached := _attached(sentence, evidence, cov, question)) else ([], reason)


def _source_wins(sentence: str, line: int, evidence: list[Evidence], prefer: set[int]) -> Claim | None:
    """When the model's number disagrees with the best-matching paragraph, quote that paragraph.

    "Best" prefers the paragraph holding most of the sentence's other numbers (its
    year, say), so a wrong figure for 2025 is replaced from the 2025 report.
    """
    sb, nums = bigrams(sentence), extract_numbers(sentence)

    def score(i: int) -> tuple[int, bool, float]:
        ev = evidence[i]
        return sum(number_supported(x, ev.numbers) for x in nums), i in prefer, _coverage(sb, ev)

    if not evidence:
        return None
    best = max(range(len(evidence)), key=score)
    ev = evidence[best]
    if all(number_supported(x, ev.numbers) for x in nums):
        return None  # it failed for another reason (a name, weak overlap): no disagreement to settle
    # The sentence saying the same thing with the source's figure: most shared wording.
    numbered = [sp for sp in ev.spans if extract_numbers(ev.text[sp[0]:sp[1]])]
    if not numbered or _coverage(sb, ev) < MIN_COVERAGE:
        return None
    start, end = max(numbered, key=lambda sp: len(sb & bigrams(ev.text[sp[0]:sp[1]])))
    quote = ev.text[start:end]
    return Claim(quote, line, [(best, (start, end))], replaced=sentence)


def asked_regions(question: str, evidence: list[Evidence]) -> set[str]:
    """The regions of retrieved documents that the question names (e.g. {"河南", "全国"})."""
    q = norm(question)
    return {norm(ev.region) for ev in evidence if ev.region and norm(ev.region) and norm(ev.region) in q}


def in_scope(question: str, ev: Evidence, regions: set[str] = frozenset()) -> bool:
    """May ``ev`` support an answer to ``question``? The look-alike check: when the
    question names years, the paragraph's document must be of such a year (or the
    next, which reports on it) or the paragraph must name the year itself; when it
    names ``regions`` (see ``asked_regions``), the document must be of one of them or
    the paragraph must name one."""
    years = {int(v) for k, v in extract_numbers(question) if k == "year"}
    # A title may name another year than the document's date (二〇二四年新年贺词, given 2023-12-31).
    stated = {int(v) for k, v in extract_numbers(ev.text + " " + ev.title) if k == "year"}
    if years and not (ev.year in years or (ev.year and ev.year - 1 in years) or years & stated):
        return False
    if not regions or norm(ev.region or "") in regions:
        return True
    return any(r in norm(ev.text) for r in regions)


def verify(answer_text: str, evidence: list[Evidence], question: str = "") -> Verified:
    """Align each sentence of ``answer_text`` to ``evidence``; drop what is unsupported.

    Only paragraphs ``in_scope`` of the question may support a sentence.
    """
    out = Verified()
    qb = bigrams(question)
    regions = asked_regions(question, evidence)
    keep = [i for i, ev in enumerate(evidence) if not question or in_scope(question, ev, regions)]
    scoped = [evidence[i] for i in keep]
    years = {v for k, v in extract_numbers(question) if k == "year"}
    asked = {j for j, ev in enumerate(scoped) if ev.year is not None and Decimal(ev.year) in years}
    for line, sentence in answer_sentences(answer_text):
        if is_refusal(sentence):
            out.refusals.append(sentence)
            continue
        if len(bigrams(sentence)) < MIN_BIGRAMS:
            continue
        prefer = asked | {keep.index(i) for c in out.claims for i, _ in c.support}
        idx, reason = _align(sentence, scoped, qb, prefer, question) if scoped else ([], "coverage")
        if idx:
            support = [(keep[j], best_span(sentence, scoped[j])) for j in idx]
            quoted = "".join(evidence[i].text[a:b] for i, (a, b) in support)
            out.claims.append(Claim(keep_qualifiers(sentence, quoted), line, support))
            continue
        out.unsupported.append(sentence)
        # A figure the sources state differently: the source's own sentence is shown instead.
        sub = _source_wins(sentence, line, scoped, asked) if reason != "name" and extract_numbers(sentence) else None
        if sub:
            sub.support = [(keep[j], span) for j, span in sub.support]
            if all(c.support != sub.support for c in out.claims):
                out.claims.append(sub)
    return out


def numbers_cover(answer: str, source: str) -> bool:
    """Does ``answer`` state at least one of the numbers (years aside) that ``source`` states?
    True when ``source`` states none: there is nothing to miss."""
    wanted = {x for x in extract_numbers(source) if x[0] != "year"}
    have = {x for x in extract_numbers(answer) if x[0] != "year"}
    return not wanted or any(number_supported(x, have) for x in wanted)


_CLAUSE_END = re.compile(r"[，,；;。！？!?]")


def value_attached(terms: set[str], quote: str, numbers: set) -> bool:
    """Does a clause of ``quote`` name one of ``terms`` and state one of ``numbers``? The
    figure belongs to that indicator ("新增就业近3万人"), not to a neighbour in the same list."""
    return any(any(t in clause for t in terms) and any(number_supported(x, extract_numbers(clause)) for x in numbers)
               for clause in _CLAUSE_END.split(quote))
