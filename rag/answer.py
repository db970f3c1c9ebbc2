"""Public answer API: ``answer()`` and ``answer_stream()`` over the LCEL chain.

``llm`` may be a backend name ("local", "openai", "extractive") overriding
``settings.llm``, a ready LangChain chat model (tests, the server's shared
model), or None for ``settings.llm``. An unavailable/busy LLM falls back to the
extractive answer and says so in ``Answer.llm``.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from time import perf_counter

from langchain_core.language_models.chat_models import BaseChatModel

from rag.chain import Deps, Stages, build_chain, fallback_label, timed_call, to_answer
from rag.config import Settings
from rag.errors import BadRequest, LLMBusy, LLMUnavailable
from rag.types import Answer, Filters

MODES = ("answer", "quote")
_SPACES = re.compile(r"\s+")


def clean_question(question: object, max_chars: int) -> str:
    """The question with control characters removed and whitespace collapsed; BadRequest if
    it is not text, empty, or longer than ``max_chars``."""
    if not isinstance(question, str):
        raise BadRequest("question", f"must be text, got {type(question).__name__}", "send the question as a string")
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in question)
    text = _SPACES.sub(" ", text).strip()
    if not text:
        raise BadRequest("question", "is empty", "type a question, e.g. 2025年国内生产总值增长目标是多少？")
    if len(text) > max_chars:
        raise BadRequest("question", f"is {len(text)} characters, the limit is {max_chars}",
                         "shorten the question or raise SPEECHQA_MAX_QUESTION_CHARS")
    return text


def resolve_llm(settings: Settings, llm: str | BaseChatModel | None) -> tuple[BaseChatModel | None, str]:
    """The chat model to use and its label; an unavailable backend becomes the extractive fallback."""
    if isinstance(llm, BaseChatModel):  # e.g. the server's shared, already loaded model
        from rag.llm import describe

        return llm, describe(settings) if settings.llm != "extractive" else f"custom/{llm._llm_type}"
    chosen = settings if llm in (None, settings.llm) else _with_backend(settings, llm)
    if chosen.llm == "extractive":  # no need to import the LLM clients
        return None, "extractive"
    from rag.llm import describe, get_chat_model

    label = describe(chosen)
    try:
        return get_chat_model(chosen), label
    except (LLMUnavailable, LLMBusy) as exc:
        return None, fallback_label(label, exc)


def _with_backend(settings: Settings, backend: str) -> Settings:
    if backend not in ("local", "openai", "extractive"):
        raise BadRequest("llm", f"unknown backend {backend!r}", "use local, openai or extractive")
    return settings.model_copy(update={"llm": backend})


def _state(question: str, settings: Settings, history, filters, mode) -> dict:
    if mode not in MODES:
        raise BadRequest("mode", f"unknown mode {mode!r}", "use 'answer' or 'quote' (原文引用)")
    if filters is not None and not isinstance(filters, Filters):
        raise BadRequest("filters", "must be a rag.types.Filters", "build Filters(year_from=…, regions=(…))")
    return {"question": clean_question(question, settings.max_question_chars),
            "history": list(history or []), "filters": filters, "mode": mode}


def answer(question: str, settings: Settings, index, *, history=None, filters: Filters | None = None,
           mode: str = "answer", llm: str | BaseChatModel | None = None, deps: Deps | None = None) -> Answer:
    """Answer ``question`` from ``index`` with verified paragraph citations.

    ``history`` is a list of earlier turns (as ``rag.query.condense`` takes them);
    ``mode="quote"`` returns only verbatim cited sentences (原文引用).
    """
    start = perf_counter()
    state = _state(question, settings, history, filters, mode)
    model, label = resolve_llm(settings, llm)
    result = build_chain(Stages(settings, index, model, label, deps)).invoke(state)
    result.timings_ms["total"] = round((perf_counter() - start) * 1000, 1)
    return result


def answer_stream(question: str, settings: Settings, index, *, history=None, filters: Filters | None = None,
                  mode: str = "answer", llm: str | BaseChatModel | None = None,
                  deps: Deps | None = None) -> Iterator[tuple[str, str | Answer]]:
    """Like ``answer`` but yields ``("token", text)`` as the draft is generated, then
    ``("answer", Answer)``. Tokens are the unverified draft; only the Answer is checked."""
    start = perf_counter()
    state = _state(question, settings, history, filters, mode)
    model, label = resolve_llm(settings, llm)
    stages = Stages(settings, index, model, label, deps)
    state = timed_call("retrieve", stages.prepare, state)
    gen_start = perf_counter()
    out = yield from _stream_draft(stages, state)
    state = {**state, **out, "timings": {**state["timings"], "generate": round((perf_counter() - gen_start) * 1000, 1)}}
    state = timed_call("verify", stages.finalize, state)
    result = to_answer(state)
    result.timings_ms["total"] = round((perf_counter() - start) * 1000, 1)
    yield "answer", result


def _stream_draft(stages: Stages, state: dict):
    """Yield draft tokens; return the generate-stage output (draft, llm label, extractive picks)."""
    if not state["answerable"] or stages.generator is None:
        out = stages.generate(state)
        if out["draft"]:
            yield "token", out["draft"]
        return out
    parts: list[str] = []
    try:
        for token in stages.generator.stream(stages.prompt_vars(state)):
            parts.append(token)
            yield "token", token
    except (LLMUnavailable, LLMBusy) as exc:
        # A backend failing mid-answer: the partial draft is dropped, the extractive one replaces it.
        out = stages.extractive(state, fallback_label(stages.label, exc))
        yield "token", out["draft"]
        return out
    return {"draft": "".join(parts), "llm": stages.label}
