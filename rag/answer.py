"""Public answer API: one path, ``answer_events()``; ``answer()`` is its blocking form.

``backend`` may be a ``rag.backend.Backend`` (the server's, with its queued model),
a backend name ("local", "openai", "extractive") overriding ``settings.llm``, a
ready LangChain chat model (tests), or None for ``settings.llm``. An LLM failing
with one of the backend's ``fallback_on`` errors is replaced by the extractive
answer, and ``Answer.llm`` says so.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Generator, Iterator
from time import perf_counter

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableLambda

from rag.backend import Backend, choose_backend
from rag.chain import (Deps, Draft, Request, Retrieved, extractive_draft, finalize, ledger_stage, phrase_stage,
                       retrieve_stage)
from rag.config import Settings
from rag.errors import BadRequest, QueueFull
from rag.types import Answer, Filters

MODES = ("answer", "quote")
_SPACES = re.compile(r"\s+")
Event = tuple[str, "str | Answer"]


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


def make_request(question: object, settings: Settings, history=None, filters: Filters | None = None,
                 mode: str = "answer") -> Request:
    """The checked ``Request``; BadRequest naming the field that is wrong."""
    if mode not in MODES:
        raise BadRequest("mode", f"unknown mode {mode!r}", "use 'answer' or 'quote' (原文引用)")
    if filters is not None and not isinstance(filters, Filters):
        raise BadRequest("filters", "must be a rag.types.Filters", "build Filters(year_from=…, regions=(…))")
    return Request(clean_question(question, settings.max_question_chars), tuple(history or ()), filters, mode)


def as_backend(settings: Settings, backend: Backend | str | BaseChatModel | None) -> Backend:
    """``backend`` as a ``Backend`` (see the module docstring)."""
    if isinstance(backend, Backend):
        return backend
    if isinstance(backend, BaseChatModel):
        return choose_backend(settings, model=backend)
    return choose_backend(settings, requested=backend)


def answer_events(question: str, settings: Settings, index, *, history=None, filters: Filters | None = None,
                  mode: str = "answer", backend: Backend | str | BaseChatModel | None = None,
                  deps: Deps | None = None, stream: bool = True) -> Iterator[Event]:
    """Answer ``question`` from ``index``: ``("token", text)`` events while the draft is
    written (unverified), then one ``("answer", Answer)`` with verified paragraph citations.

    ``history`` is a list of earlier turns (as ``rag.followup.condense`` takes them);
    ``mode="quote"`` returns only verbatim cited sentences (原文引用). ``stream=False``
    asks the LLM for the whole draft at once (one token event).
    """
    start = perf_counter()
    request = make_request(question, settings, history, filters, mode)
    chosen = as_backend(settings, backend)
    timings: dict[str, float] = {}
    began = perf_counter()
    retrieved = retrieve_stage(request, settings, index, deps or Deps.default())
    timings["retrieve"] = _ms(began)
    if (scanned := ledger_stage(request, retrieved, index) or phrase_stage(request, retrieved, index)) is not None:
        yield "answer", Answer(**scanned, timings_ms=timings | {"total": _ms(start)})
        return
    began = perf_counter()
    draft = yield from _draft(retrieved, chosen, stream, settings.llm_context)
    timings["generate"] = _ms(began)
    began = perf_counter()
    fields = finalize(request, retrieved, draft)
    timings["verify"] = _ms(began)
    timings["total"] = _ms(start)
    yield "answer", Answer(**fields, timings_ms=timings)


def answer(question: str, settings: Settings, index, *, history=None, filters: Filters | None = None,
           mode: str = "answer", backend: Backend | str | BaseChatModel | None = None,
           deps: Deps | None = None) -> Answer:
    """The ``Answer`` of ``answer_events`` (same arguments), without the draft tokens."""
    result = None
    for kind, value in answer_events(question, settings, index, history=history, filters=filters, mode=mode,
                                     backend=backend, deps=deps, stream=False):
        if kind == "answer":
            result = value
    return result


def build_chain(settings: Settings, index, backend: Backend | str | BaseChatModel | None = None,
                deps: Deps | None = None) -> Runnable:
    """``answer`` as one LCEL runnable: ``{"question", "history", "filters", "mode"}`` → ``Answer``."""
    def run(inputs: dict) -> Answer:
        return answer(inputs["question"], settings, index, history=inputs.get("history"),
                      filters=inputs.get("filters"), mode=inputs.get("mode", "answer"), backend=backend, deps=deps)

    return RunnableLambda(run, name="answer")


def _draft(retrieved: Retrieved, backend: Backend, stream: bool,
           context: str = "picks") -> Generator[Event, None, Draft]:
    """Yield draft tokens; return the ``Draft``. The one fallback policy: an error in
    ``backend.fallback_on`` (at the start or mid-answer) drops the partial draft and the
    extractive one replaces it."""
    if not retrieved.answerable:
        return Draft("", backend.label)
    if backend.generator is None:
        draft = extractive_draft(retrieved, backend.label)
        if draft.text:
            yield "token", draft.text
        return draft
    parts: list[str] = []
    try:
        prompt = retrieved.prompt_vars(context)
        for token in (backend.stream(prompt) if stream else [backend.draft(prompt)]):
            parts.append(token)
            yield "token", token
    except QueueFull:
        raise
    except backend.fallback_on as exc:
        draft = extractive_draft(retrieved, backend.fallback(exc).label)
        yield "token", draft.text
        return draft
    return Draft("".join(parts), backend.label)


def _ms(since: float) -> float:
    return round((perf_counter() - since) * 1000, 1)
