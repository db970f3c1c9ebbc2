"""What the API and the chat window share: settings, the open index, the LLM and its queue, progress.

The LLM loads in a background thread; until it is ready (or if it fails to
load) default requests are answered extractively, and the status says so.
"""
from __future__ import annotations

import itertools
import logging
import threading
from dataclasses import asdict, dataclass
from typing import Any, Iterator

from rag.config import EXTRACTIVE, LOCAL, Settings
from rag.errors import BadRequest, IndexNotFound, LLMUnavailable, SpeechQAError
from rag.types import Answer, Filters
from ui.indexing import Indexer, IndexingProgress
from ui.llm_queue import LLMQueue, QueuedChatModel, QueueLeft

# Answered once in the background at start-up so the first user does not pay for lazy loading.
WARM_UP_QUESTION = "2025年国内生产总值增长目标是多少？"
log = logging.getLogger("speechqa.runtime")


@dataclass
class LLMState:
    """The configured backend, its model once loaded, and why it is not ready (if so)."""

    backend: str
    model: Any = None
    ready: bool = False
    loading: bool = False
    error: str = ""


@dataclass(frozen=True)
class Plan:
    """How one request will be answered: effective settings, chat model, and whether it queues."""

    settings: Settings
    model: Any
    queued: bool
    label: str


class Runtime:
    """Server-wide state. Thread-safe for the operations the routes use."""

    def __init__(self, settings: Settings, index: Any = None, chat_model: Any = None) -> None:
        self.settings = settings
        self.index = index
        self.queue = LLMQueue(settings.llm_queue_size)
        self.progress = IndexingProgress()
        self.llm = LLMState(backend=settings.llm, model=chat_model,
                            ready=settings.llm == EXTRACTIVE or chat_model is not None)
        self.indexer = Indexer(settings, self.progress)

    # ---- index -------------------------------------------------------------

    def require_index(self) -> Any:
        """The open index, or ``IndexNotFound`` while there is none yet."""
        if self.index is None:
            raise IndexNotFound("no index is loaded yet / 索引尚未就绪",
                                "wait for indexing to finish (see /healthz), or start with --ingest PATH")
        return self.index

    def ingest_upload(self, path) -> dict:
        """Index a saved upload now (lexical) and in the background (dense); its summary."""
        return self.indexer.ingest_upload(path)

    # ---- LLM ---------------------------------------------------------------

    def load_llm_async(self) -> threading.Thread | None:
        """Start loading the configured chat model in a daemon thread (no-op for extractive)."""
        if self.llm.ready or self.llm.loading:
            return None
        self.llm.loading = True
        thread = threading.Thread(target=self._load_llm, name="speechqa-llm-load", daemon=True)
        thread.start()
        return thread

    def _load_llm(self) -> None:
        from rag.llm import get_chat_model

        try:
            model = get_chat_model(self.settings)
            warm = getattr(model, "loaded", None)  # the local backend loads its weights lazily
            if callable(warm):
                warm()
            self.llm.model, self.llm.ready, self.llm.error = model, model is not None, ""
        except SpeechQAError as exc:
            self.llm.error = str(exc)
        except Exception as exc:  # a broken model file must not take the server down
            self.llm.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.llm.loading = False

    def warm_up_async(self) -> threading.Thread:
        """Answer one question extractively in the background (loads retrieval's lazy parts)."""
        def warm() -> None:
            try:
                self.answer(WARM_UP_QUESTION, llm=EXTRACTIVE)
            except Exception:  # only an optimisation: a failure here shows up on real requests
                log.debug("warm-up failed", exc_info=True)

        thread = threading.Thread(target=warm, name="speechqa-warm-up", daemon=True)
        thread.start()
        return thread

    def plan(self, requested: str | None) -> Plan:
        """Choose the backend for one request (see module docstring for the fallback rule)."""
        extractive = Plan(self.settings.model_copy(update={"llm": EXTRACTIVE}), None, False, EXTRACTIVE)
        if requested not in (None, EXTRACTIVE, self.llm.backend):
            raise BadRequest("llm", f"this server answers with {self.llm.backend!r} (or 'extractive'), "
                             f"not {requested!r}", f"send llm={self.llm.backend!r}, llm='extractive' or omit it")
        if requested == EXTRACTIVE or self.llm.backend == EXTRACTIVE:
            return extractive
        if self.llm.ready:
            return Plan(self.settings, self.llm.model, self.llm.backend == LOCAL, self.llm.backend)
        if requested is None:
            return extractive
        raise LLMUnavailable(f"LLM backend {self.llm.backend!r} is not ready / 大模型尚未就绪"
                             + (f": {self.llm.error}" if self.llm.error else " (still loading)"),
                             "retry in a minute, or ask with llm=extractive for an answer without the LLM")

    def answering_label(self) -> str:
        """Which backend answers a default request right now."""
        if self.llm.backend == EXTRACTIVE or not self.llm.ready:
            return EXTRACTIVE
        return self.llm.backend

    # ---- answering -----------------------------------------------------------

    def check_question(self, question: object) -> str:
        """The cleaned question, or ``BadRequest`` naming ``question`` when it is not text, empty
        (control characters count as nothing) or too long: ``rag.answer``'s rule, applied before
        any work so every route answers 422 rather than failing mid-stream."""
        from rag.answer import clean_question

        return clean_question(question, self.settings.max_question_chars)

    def answer(self, question: str, *, history: list[dict] | None = None, filters: Filters | None = None,
               mode: str = "answer", llm: str | None = None) -> Answer:
        """Answer one question (blocking). Only LLM generation waits its turn in the queue."""
        from rag.answer import answer

        index = self.require_index()
        plan = self.plan(llm)
        backend, model = self._backend_for(plan)
        try:
            return answer(question, plan.settings, index, history=history, filters=filters, mode=mode,
                          backend=backend)
        finally:
            if isinstance(model, QueuedChatModel):
                model.release()

    def stream(self, question: str, *, history: list[dict] | None = None, filters: Filters | None = None,
               mode: str = "answer", llm: str | None = None) -> "EventStream":
        """Run the answer up to its first event (retrieval, and queue admission if the LLM generates,
        raising ``LLMBusy`` at once), then return its events.

        Events are ``("token", str)`` then one ``("answer", Answer)``. Callers must ``close()``
        the stream when done, so an abandoned request gives its queue place back.
        """
        from rag import answer as core

        index = self.require_index()
        plan = self.plan(llm)
        backend, model = self._backend_for(plan)
        events = core.answer_events(question, plan.settings, index, history=history, filters=filters, mode=mode,
                                    backend=backend)
        return EventStream.start(events, model if isinstance(model, QueuedChatModel) else None)

    def _backend_for(self, plan: Plan) -> tuple[Any, Any]:
        """The plan's backend and chat model; a queued model takes its queue place only when it
        is called (a full queue raises ``QueueFull``, which reaches the edge as a 503)."""
        from rag.backend import choose_backend

        model = QueuedChatModel(inner=plan.model, queue=self.queue) if plan.queued else plan.model
        return choose_backend(plan.settings, model=model), model

    # ---- status ----------------------------------------------------------------

    def health(self) -> dict:
        """The /healthz body: index counts, indexing progress, LLM backend and readiness, queue."""
        index: dict[str, Any] = {"loaded": self.index is not None}
        if self.index is not None:
            stats = self.index.stats()
            index.update({k: stats.get(k) for k in ("documents", "paragraphs", "chunks", "embedded", "pending",
                                                    "embedder")})
        return {
            "status": "ok" if self.index is not None else "starting",
            "index": index,
            "indexing": asdict(self.progress),
            "llm": {"backend": self.llm.backend, "answering": self.answering_label(), "ready": self.llm.ready,
                    "loading": self.llm.loading, "error": self.llm.error},
            "queue": {"admitted": self.queue.admitted, "capacity": self.queue.capacity},
        }


class EventStream:
    """Answer events, started by ``start`` up to the first one.

    Iterate it from one thread at a time; ``close()`` once iteration has stopped.
    """

    def __init__(self, events, first: tuple | None, model: QueuedChatModel | None) -> None:
        self._events = events
        self._first = first
        self._model = model
        self._gen = self._run()

    @classmethod
    def start(cls, events, model: QueuedChatModel | None = None) -> "EventStream":
        """Pull the first event now, so errors (a bad request, ``LLMBusy`` from a full queue)
        are raised before any response starts; ``model`` is released when the stream closes."""
        try:
            first = next(events, None)
        except BaseException:
            _close_all(events, model)
            raise
        return cls(events, first, model)

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return self._gen

    def _run(self) -> Iterator[tuple[str, Any]]:
        if self._first is None:
            return
        try:
            yield from _normalized(itertools.chain([self._first], self._events))
        except QueueLeft:  # abandoned while waiting: nobody is listening any more
            return

    def abandon(self) -> None:
        """The client has gone (callable from any thread while another iterates): a request still
        waiting for its LLM turn leaves the queue at once instead of generating for nobody."""
        if self._model is not None:
            self._model.abandon()

    def close(self) -> None:
        """Stop generation and give the queue place back (idempotent)."""
        self._gen.close()
        _close_all(self._events, self._model)


def _close_all(events, model: QueuedChatModel | None) -> None:
    close = getattr(events, "close", None)
    if close:
        close()
    if model is not None:  # also when closing the events did not reach the model's own cleanup
        model.release()


def _normalized(events) -> Iterator[tuple[str, Any]]:
    """Accept ``("token", s)`` / ``("answer", a)`` pairs, or bare strings and ``Answer`` objects.

    Empty tokens carry nothing (the queued model sends one when it is admitted) and are dropped."""
    for event in events:
        if isinstance(event, tuple):
            if event != ("token", ""):
                yield event
        elif isinstance(event, Answer):
            yield ("answer", event)
        elif event:
            yield ("token", str(event))
