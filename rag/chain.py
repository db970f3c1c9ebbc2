"""The answer stages over typed state: ``Request`` → ``Retrieved`` → ``Draft`` → ``Answer``.

``retrieve_stage`` condenses a follow-up, plans, retrieves and gathers the evidence
paragraphs; the draft is written by a ``rag.backend.Backend`` (or extractively,
``extractive_draft``); ``finalize`` verifies it and renders the answer fields.
``rag.answer.answer_events`` runs them in order, once, for the blocking and the
streaming answer alike.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from rag.extractive import Pick, confident, extractive_picks, shown_sentences, value_absent
from rag.ledger_answer import ledger_answer
from rag.ledger_ask import ledger_ask
from rag.overlap import RELEVANCE_MIN, missing_names, relevance
from rag.phrases import asked_phrase, phrase_answer
from rag.premise import correction
from rag.prompts import build_context
from rag.query import QueryPlan, describe_scope
from rag.render import render
from rag.scoring import asked_phrasings
from rag.text.asks import KIND_LABELS, NUMBER, OTHER, asked_kind
from rag.text.numerals import extract_numbers
from rag.text.vocabulary import in_documents_terms, names_topic, topics
from rag.types import Evidence, Filters, Passage
from rag.verify import Verified, numbers_cover, value_attached, verify

REFUSAL_TEXT = "资料中没有找到与该问题相关的内容。"
# Appended to the backend label when the model declined and the verbatim picks answer instead.
MODEL_DECLINED = " + 原文摘录（模型未能作答）"
# … when the model's number is not the one the source's own pick states for the value asked.
MODEL_MISSED = " + 原文摘录（模型所答数值与原文不符）"
# … when some sentence the model wrote failed verification and the picks fill its place.
MODEL_PATCHED = " + 原文摘录（补上模型未通过核对的部分）"
# … when the model's verified lines cite other sentences than the code's confident picks.
WITH_PICKS = " + 原文摘录"
# "给没给具体数？怎么说的？": the sources' wording without a number is the answer.
ASKS_IF_GIVEN = re.compile(r"给没给|有没有(?:给出|定|具体)|是否(?:给出|定了)|怎么说的|怎么表述|怎么提的")
CLOSEST = 3
# A model refusal is overruled by picks holding the kind of item asked, confident or not; only
# a question asking for no kind of item needs confident picks: any sentence holds "an
# explanation" (火星基地建设计划是什么). everyday.jsonl dev, local model: false refusal
# 0.458 -> 0.250, refusal recall 0.889 -> 0.667.


@dataclass
class Deps:
    """The collaborators the retrieval stage calls; tests replace them with fakes."""

    analyze: Callable[..., QueryPlan]
    retrieve: Callable[..., list[Passage]]
    condense: Callable[[str, list], str]

    @classmethod
    def default(cls) -> "Deps":
        from rag.followup import condense
        from rag.query import analyze
        from rag.retrieve import retrieve

        return cls(analyze=analyze, retrieve=retrieve, condense=condense)


@dataclass(frozen=True)
class Request:
    """One checked question: cleaned text, earlier turns, the user's filters, the mode."""

    question: str
    history: tuple = ()
    filters: Filters | None = None
    mode: str = "answer"


@dataclass(frozen=True)
class Retrieved:
    """What retrieval found for a request, and whether it can be answered from it."""

    standalone: str  # the question with a follow-up condensed into it
    plan: QueryPlan
    passages: tuple[Passage, ...]
    evidence: tuple[Evidence, ...]
    missing: tuple[str, ...]  # person names asked about that no paragraph mentions
    answerable: bool

    @cached_property
    def picks(self) -> tuple[Pick, ...]:
        """The extractive picks for the standalone question, computed once per request: the
        prompt, the fallbacks and the checks that make the model only add all read them."""
        return tuple(extractive_picks(self.standalone, list(self.evidence)))

    def prompt_vars(self, context: str = "picks") -> dict[str, str]:
        """The generation prompt's variables. ``context`` "picks" shows the model only the
        code's picks and the next best sentences (it judges and writes); "windows" shows
        each paragraph's best sentences with their neighbours."""
        evidence = list(self.evidence)
        shown = None
        if context == "picks":
            shown = shown_sentences(self.standalone, evidence, list(self.picks))
        return {"question": self.standalone, "context": build_context(self.standalone, evidence, shown)}


@dataclass(frozen=True)
class Draft:
    """An unverified answer text, the backend label, and (extractive) its exact sources."""

    text: str
    llm: str
    picks: tuple[Pick, ...] | None = None
    no_value: str = ""  # the indicator the sources name without giving the number asked


def evidence_of(passages: Sequence[Passage], index) -> list[Evidence]:
    """Each paragraph of each passage, once, in retrieval order, with its document metadata and
    the terms of the corpus (``Index.known_terms``; an index without them counts every word)."""
    seen, out = set(), []
    known = index.known_terms() if hasattr(index, "known_terms") else None
    for passage in passages:
        for n in passage.paragraphs:
            para = None if (passage.doc_id, n) in seen else index.paragraph(passage.doc_id, n)
            seen.add((passage.doc_id, n))
            if para is not None:
                out.append(Evidence.of(para, passage, known))
    return out


def retrieve_stage(request: Request, settings, index, deps: Deps) -> Retrieved:
    """Condense the follow-up, plan, retrieve, and collect evidence paragraphs."""
    question = request.question
    if request.history:
        question = deps.condense(question, list(request.history))
    plan = deps.analyze(question, index.documents(), scope=request.filters)
    passages = deps.retrieve(plan, index, settings, request.filters)
    evidence = evidence_of(passages, index)
    missing = missing_names(question, evidence)
    return Retrieved(question, plan, tuple(passages), tuple(evidence), tuple(missing),
                     answerable=speaks_to(question, evidence) and not missing and not plan.unanswerable_scope)


def speaks_to(question: str, evidence: Sequence[Evidence]) -> bool:
    """Does any retrieved paragraph speak to the question at all? It shares
    ``RELEVANCE_MIN`` of the question's words read in the reports' terms, or names an
    indicator the question asks about in everyday words. Only questions about nothing the
    sources hold (恐龙灭绝的原因) fail; they are refused before any model is asked, and
    without taking a place in its queue. Whether a paraphrase is *answered* is decided
    later, by the draft and verification."""
    asked = topics(question)
    return any(relevance(question, ev) >= RELEVANCE_MIN or any(names_topic(t, ev.text) for t in asked)
               for ev in evidence)


def extractive_draft(retrieved: Retrieved, label: str) -> Draft:
    """Verbatim best sentences; ``picks`` carries their exact sources to ``finalize``."""
    evidence = retrieved.evidence
    picks = list(retrieved.picks)
    if absent := value_absent(retrieved.standalone, list(evidence), picks):
        term, (i, (s, e)) = absent
        return Draft(evidence[i].text[s:e], label, ((i, (s, e)),), no_value=term)
    return Draft("\n".join(evidence[i].text[s:e] for i, (s, e) in picks), label, tuple(picks))


def phrase_stage(request: Request, retrieved: Retrieved, index) -> dict[str, Any] | None:
    """The ``Answer`` fields of a question about a phrase as a phrase (its first use, or its
    absence from a named document), proved by a full scan (``rag.phrases``); else None."""
    ask = asked_phrase(retrieved.standalone)
    found = phrase_answer(ask, retrieved.plan, index) if ask else None
    if found is None:
        return None
    return {"question": request.question, "unsupported": [], "llm": "phrase scan",
            "retrieval": [p.to_retrieved() for p in retrieved.passages],
            "searched": list(retrieved.plan.searched), "reading": reading_of(retrieved), **found}


def ledger_stage(request: Request, retrieved: Retrieved, index) -> dict[str, Any] | None:
    """The ``Answer`` fields of a target/outcome, timeline or cross-region question about a
    ledger indicator, built from the ledger's rows in code (``rag.ledger_answer``); else None."""
    ask = ledger_ask(retrieved.standalone, followup=bool(request.history))
    found = ledger_answer(ask, index) if ask and request.mode != "quote" else None
    if found is None:
        return None
    return {"question": request.question, "unsupported": [], "llm": "indicator ledger",
            "retrieval": [p.to_retrieved() for p in retrieved.passages],
            "searched": list(retrieved.plan.searched), "reading": reading_of(retrieved), **found}


def finalize(request: Request, retrieved: Retrieved, draft: Draft) -> dict[str, Any]:
    """Verify the draft; the ``Answer`` fields (all but timings) of the answer or the refusal."""
    evidence = list(retrieved.evidence)
    if draft.picks is not None:
        checked = Verified.from_picks(list(draft.picks), evidence)
    else:
        checked = verify(draft.text, evidence, retrieved.standalone)
        fallback = extractive_draft(retrieved, f"{draft.llm}{MODEL_DECLINED}") if (
            checked.refused and retrieved.answerable) else None
        if fallback and fallback.picks and (asked_kind(retrieved.standalone) != OTHER or confident(
                retrieved.standalone, list(evidence), list(fallback.picks))):
            # A refusal needs the model and the code's answer-type check to agree (note at CLOSEST).
            return finalize(request, retrieved, fallback) | {"unsupported": checked.unsupported}
        if (missed := _missed_value(retrieved, checked, draft.llm)) is not None:
            # The model can only add: a number question answered with another number than the
            # one the code's confident pick states (often a neighbouring clause's) gets the pick.
            return finalize(request, retrieved, missed) | {"unsupported": checked.unsupported + [c.text for c in checked.claims]}
        if (patched := _with_picks(retrieved, checked)) is not None:
            checked, draft = patched[0], replace(draft, llm=f"{draft.llm}{patched[1]}")
    base = {"question": request.question, "unsupported": checked.unsupported,
            "retrieval": [p.to_retrieved() for p in retrieved.passages], "llm": draft.llm,
            "searched": list(retrieved.plan.searched), "reading": reading_of(retrieved)}
    if not retrieved.answerable or checked.refused:
        text = refusal_text(retrieved.plan, evidence, retrieved.standalone, retrieved.missing)
        return base | {"answer": text, "refused": True}
    text, citations = render(checked, evidence, quote_mode=request.mode == "quote")
    if draft.no_value:
        quote = citations[0]["quote"].rstrip("，,；;：:。")
        # It declines the number asked for, unless the question asks whether one was given.
        return base | {"answer": f"资料提到了{draft.no_value}，但没有给出具体数值：“{quote}”[1]。",
                       "citations": citations, "refused": not ASKS_IF_GIVEN.search(request.question)}
    if citations and (note := correction(retrieved.standalone, evidence, citations[0]["quote"], citations[0]["n"])):
        text = f"{note}\n{text}"  # a false premise is corrected, not answered as asked
    if checked.refusals and request.mode != "quote":
        text += "\n" + "\n".join(checked.refusals)  # the parts the sources do not answer
    return base | {"answer": text, "citations": citations}


def _missed_value(retrieved: Retrieved, checked: Verified, label: str) -> Draft | None:
    """The extractive draft when the model's verified answer to a number question omits every
    number of the code's confident first pick; None when it states one (or there is no such pick)."""
    question, evidence = retrieved.standalone, list(retrieved.evidence)
    if checked.refused or not retrieved.answerable or asked_kind(question) != NUMBER:
        return None
    draft = extractive_draft(retrieved, f"{label}{MODEL_MISSED}")
    if not draft.picks or draft.no_value or not confident(question, evidence, list(draft.picks)):
        return None
    i, (a, b) = draft.picks[0]
    if numbers_cover("\n".join(c.text for c in checked.claims), evidence[i].text[a:b]):
        return None
    # The model's figure may be right and the pick wrong (last year's result beside this year's
    # target): the model keeps its answer when its source ties the figure to the indicator asked.
    terms = asked_phrasings(question)
    said = {x for c in checked.claims for x in extract_numbers(c.text) if x[0] != "year"}
    if any(value_attached(terms, evidence[j].text[s:e], said) for c in checked.claims for j, (s, e) in c.support):
        return None
    return draft


def _with_picks(retrieved: Retrieved, checked: Verified) -> tuple[Verified, str] | None:
    """The model's verified lines, then the code's confident picks they do not cite, and the
    label saying so. The model's line leads, the verbatim picks stand beside it as proof, so
    the model can only add: a failed line ("全国总工会在北京成立", dropped) or a line about
    another sentence than the pick (last year's result for this year's target) no longer
    hides the source's own answer. None when the model already cites every pick."""
    if checked.refused or not retrieved.answerable:
        return None
    evidence = list(retrieved.evidence)
    draft = extractive_draft(retrieved, "")
    if not draft.picks or draft.no_value or not confident(retrieved.standalone, evidence, list(draft.picks)):
        return None
    cited = [(j, span) for c in checked.claims for j, span in c.support]
    new = [(i, (a, b)) for i, (a, b) in draft.picks if not any(j == i and s < b and a < e for j, (s, e) in cited)]
    replaced = {c.replaced for c in checked.claims}
    failed = any(u not in replaced for u in checked.unsupported)
    if not failed:
        # Nothing failed: only the best pick, and only when no verified line states it (the
        # model citing the same clause in the target list's explanation needs no second quote).
        said = "\n".join(c.text for c in checked.claims)
        new = [(i, (a, b)) for i, (a, b) in new[:1] if draft.picks[0] == (i, (a, b)) and not (
            extract_numbers(evidence[i].text[a:b]) and numbers_cover(said, evidence[i].text[a:b]))]
    if not new:
        return None
    after = max(c.line for c in checked.claims) + 1
    extra = [replace(c, line=c.line + after) for c in Verified.from_picks(new, evidence).claims]
    return Verified(checked.claims + extra, checked.unsupported, checked.refusals), (
        MODEL_PATCHED if failed else WITH_PICKS)


def reading_of(retrieved: Retrieved) -> dict[str, str]:
    """The ``Reading`` fields: the plan's hard scope, the reports'-terms rewrite, the kind asked."""
    question = retrieved.standalone
    rewritten = in_documents_terms(question)
    filters = retrieved.plan.filters
    return {"scope": "" if filters.is_empty() else describe_scope(filters),
            "query": rewritten if rewritten != question else "", "asks": KIND_LABELS[asked_kind(question)]}


def refusal_text(plan, evidence: list[Evidence], plan_question: str, missing: Sequence[str] = ()) -> str:
    """The refusal, the plan's reason if any, names the sources never mention, and the
    closest paragraphs (no [n] markers)."""
    lines = [REFUSAL_TEXT]
    if plan.reason:
        lines.append(f"（{plan.reason}）")
    if missing:
        lines.append(f"（检索到的资料中没有提到：{'、'.join(missing)}）")
    ranked = sorted(evidence, key=lambda ev: -relevance(plan_question, ev))
    closest = [f"《{ev.title or ev.doc_id}》第{ev.n}段" for ev in ranked[:CLOSEST]]
    if closest:
        lines.append("最接近的段落：" + "；".join(closest))
    return "\n".join(lines)
