"""The answer chain in LCEL: condense → plan + retrieve → windows/prompt → LLM → verify.

``build_chain`` returns one ``Runnable`` taking ``{"question", "history",
"filters", "mode"}`` and returning an ``Answer``. Its stages are exposed
separately (``Stages``) so ``answer_stream`` can stream the LLM's tokens between
retrieval and verification. Each stage adds its wall time to ``timings_ms``.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from rag.config import Settings
from rag.errors import LLMBusy, LLMUnavailable
from rag.extractive import RELEVANCE_MIN, extractive_picks, missing_names, relevance
from rag.prompts import PROMPT, build_context
from rag.text.sentences import TERMINATORS as _TERMINAL
from rag.types import Answer, Evidence, Passage
from rag.verify import Verified, verify

REFUSAL_TEXT = "资料中没有找到与该问题相关的内容。"
CLOSEST = 3


@dataclass
class Deps:
    """The collaborators a chain calls; tests replace them with fakes."""

    analyze: Callable[..., Any]
    retrieve: Callable[..., list]
    condense: Callable[[str, list], str]

    @classmethod
    def default(cls) -> "Deps":
        from rag.followup import condense
        from rag.query import analyze
        from rag.retrieve import retrieve

        return cls(analyze=analyze, retrieve=retrieve, condense=condense)


def timed_call(name: str, fn: Callable[[dict], dict], state: dict) -> dict:
    """Merge ``fn(state)`` into the state and record its wall time in ms under ``name``."""
    start = perf_counter()
    out = fn(state)
    timings = {**state.get("timings", {}), name: round((perf_counter() - start) * 1000, 1)}
    return {**state, **out, "timings": timings}


def _timed(name: str, fn: Callable[[dict], dict]) -> RunnableLambda:
    return RunnableLambda(lambda state: timed_call(name, fn, state), name=name)


def evidence_of(passages: Sequence[Passage], index) -> list[Evidence]:
    """Each paragraph of each passage, once, in retrieval order, with its document metadata."""
    seen, out = set(), []
    for passage in passages:
        for n in passage.paragraphs:
            para = None if (passage.doc_id, n) in seen else index.paragraph(passage.doc_id, n)
            seen.add((passage.doc_id, n))
            if para is not None:
                out.append(Evidence.of(para, passage))
    return out


class Stages:
    """The chain's stages, bound to one settings/index/model."""

    def __init__(self, settings: Settings, index, llm: BaseChatModel | None, label: str,
                 deps: Deps | None = None) -> None:
        self.settings, self.index, self.llm, self.label = settings, index, llm, label
        self.deps = deps or Deps.default()
        self.generator = PROMPT | llm | StrOutputParser() if llm is not None else None

    def prepare(self, state: dict) -> dict:
        """Condense the follow-up, plan, retrieve, and collect evidence paragraphs."""
        question = state["question"]
        if state.get("history"):
            question = self.deps.condense(question, state["history"])
        plan = self.deps.analyze(question, self.index.documents(), scope=state.get("filters"))
        hits = self.deps.retrieve(plan, self.index, self.settings, state.get("filters"))
        evidence = evidence_of(hits, self.index)
        relevant = any(relevance(question, ev) >= RELEVANCE_MIN for ev in evidence)
        missing = missing_names(question, evidence) if relevant else []
        return {"standalone": question, "plan": plan, "hits": hits, "evidence": evidence, "missing": missing,
                "answerable": relevant and not missing and not getattr(plan, "unanswerable_scope", False)}

    def prompt_vars(self, state: dict) -> dict:
        return {"question": state["standalone"], "context": build_context(state["standalone"], state["evidence"])}

    def generate(self, state: dict) -> dict:
        """The LLM draft, or the extractive one without/instead of an unavailable LLM."""
        if not state["answerable"]:
            return {"draft": "", "llm": self.label}
        if self.generator is None:
            return self.extractive(state, self.label)
        try:
            return {"draft": self.generator.invoke(self.prompt_vars(state)), "llm": self.label}
        except (LLMUnavailable, LLMBusy) as exc:
            return self.extractive(state, fallback_label(self.label, exc))

    def extractive(self, state: dict, label: str) -> dict:
        """Verbatim best sentences; ``picks`` carries their exact sources to ``finalize``."""
        picks = extractive_picks(state["standalone"], state["evidence"])
        draft = "\n".join(state["evidence"][i].text[s:e] for i, (s, e) in picks)
        return {"draft": draft, "picks": picks, "llm": label}

    def finalize(self, state: dict) -> dict:
        """Verify the draft and build the Answer (or the refusal)."""
        evidence = state["evidence"]
        if state.get("picks") is not None:
            checked = Verified.from_picks(state["picks"], evidence)
        else:
            checked = verify(state.get("draft", ""), evidence, state["standalone"])
        base = {"question": state["question"], "unsupported": checked.unsupported,
                "retrieval": [p.to_retrieved() for p in state["hits"]], "llm": state.get("llm", self.label),
                "searched": list(getattr(state["plan"], "searched", ()))}
        if not state["answerable"] or checked.refused:
            text = refusal_text(state["plan"], evidence, state["standalone"], state.get("missing", []))
            return {"result": base | {"answer": text, "refused": True}}
        text, citations = render(checked, evidence, quote_mode=state.get("mode") == "quote")
        if checked.refusals and state.get("mode") != "quote":
            text += "\n" + "\n".join(checked.refusals)  # the parts the sources do not answer
        return {"result": base | {"answer": text, "citations": citations}}


def _with_marks(text: str, marks: list[int]) -> str:
    """``text`` with [n] markers placed before its final punctuation."""
    body = text.rstrip(_TERMINAL)
    return body + "".join(f"[{n}]" for n in marks) + text[len(body):]


def _merge_spans(spans: list[tuple[int, int]]) -> tuple[int, int]:
    """One quote span for a paragraph cited by several claims: contiguous cover if short."""
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    return (start, end) if end - start <= 400 else spans[0]


def render(verified: Verified, evidence: list[Evidence], *, quote_mode: bool = False) -> tuple[str, list[dict]]:
    """Answer text with [n] after each supported sentence, and the citations (dicts in the
    ``Citation`` shape) numbered by first use. In quote mode each line is the verbatim quote."""
    order: dict[int, int] = {}
    spans: dict[int, list[tuple[int, int]]] = {}
    lines: dict[int, list[str]] = {}
    for claim in verified.claims:
        marks = []
        for i, span in claim.support:
            marks.append(order.setdefault(i, len(order) + 1))
            spans.setdefault(i, []).append(span)
        if not quote_mode:
            lines.setdefault(claim.line, []).append(_with_marks(claim.text, marks))
    citations = []
    for i, n in order.items():
        ev = evidence[i]
        start, end = _merge_spans(spans[i])
        quote = ev.text[start:end]
        assert quote and quote in ev.text, "a quote must be an exact substring of its paragraph"
        citations.append({"n": n, "doc_id": ev.doc_id, "source": ev.source, "title": ev.title,
                          "year": ev.year, "paragraph": ev.n, "section": ev.section,
                          "text": ev.text, "quote": quote})
    if quote_mode:
        return "\n".join(_with_marks(c["quote"], [c["n"]]) for c in citations), citations
    return "\n".join("".join(parts) for _, parts in sorted(lines.items())), citations


def fallback_label(label: str, exc: Exception) -> str:
    """How the answer names an extractive fallback, e.g. 'extractive (fallback: local unavailable)'."""
    backend = label.split("/")[0]
    why = "busy" if isinstance(exc, LLMBusy) else "unavailable"
    return f"extractive (fallback: {backend} {why})"


def refusal_text(plan, evidence: list[Evidence], plan_question: str, missing: Sequence[str] = ()) -> str:
    """The refusal, the plan's reason if any, names the sources never mention, and the
    closest paragraphs (no [n] markers)."""
    lines = [REFUSAL_TEXT]
    if getattr(plan, "reason", ""):
        lines.append(f"（{plan.reason}）")
    if missing:
        lines.append(f"（检索到的资料中没有提到：{'、'.join(missing)}）")
    ranked = sorted(evidence, key=lambda ev: -relevance(plan_question, ev))
    closest = [f"《{ev.title or ev.doc_id}》第{ev.n}段" for ev in ranked[:CLOSEST]]
    if closest:
        lines.append("最接近的段落：" + "；".join(closest))
    return "\n".join(lines)


def build_chain(stages: Stages) -> Runnable:
    """The whole answer chain as one LCEL runnable returning an ``Answer``."""
    return (RunnablePassthrough()
            | _timed("retrieve", stages.prepare)
            | _timed("generate", stages.generate)
            | _timed("verify", stages.finalize)
            | RunnableLambda(to_answer, name="answer"))


def to_answer(state: dict) -> Answer:
    timings = dict(state["timings"])
    timings["total"] = round(sum(timings.values()), 1)
    return Answer(**state["result"], timings_ms=timings)
