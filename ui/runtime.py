"""What the API and the chat window share: settings, the open index, the LLM and its queue, progress.

The LLM loads in a background thread; until it is ready (or if it fails to
load) default requests are answered extractively, and the status says so.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Iterator

from rag.config import Settings
from rag.errors import BadRequest, IndexNotFound, LLMUnavailable, SpeechQAError
from rag.types import Answer, Filters
from ui.indexing import Indexer
from ui.llm_queue import LLMQueue, Ticket

EXTRACTIVE = "extractive"
# Answered once in the background at start-up so the first user does not pay for lazy loading.
WARM_UP_QUESTION = "2025年国内生产总值增长目标是多少？"
log = logging.getLogger("speechqa.runtime")


@dataclass
class IndexingProgress:
    """Where background indexing stands; read by /healthz and the chat status line."""

    phase: str = "idle"  # idle | lexical | embedding | ready | error
    done: int = 0
    total: int = 0
    chars_per_s: float = 0.0
    message: str = ""
    updated: float = field(default_factory=time.time)

    def set(self, **changes: Any) -> None:
        """Update fields and the timestamp together."""
        for key, value in changes.items():
            setattr(self, key, value)
        self.updated = time.time()


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
        self.indexer = Indexer(self)

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
            return Plan(self.settings, self.llm.model, self.llm.backend == "local", self.llm.backend)
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

    def check_question(self, question: str) -> str:
        """The stripped question, or ``BadRequest`` when empty or too long."""
        question = question.strip()
        limit = self.settings.max_question_chars
        if not question:
            raise BadRequest("question", "the question is empty / 问题为空", "type a question")
        if len(question) > limit:
            raise BadRequest("question", f"the question has {len(question)} characters, over the {limit} limit",
                             "shorten the question, or raise SPEECHQA_MAX_QUESTION_CHARS")
        return question

    def answer(self, question: str, *, history: list[dict] | None = None, filters: Filters | None = None,
               mode: str = "answer", llm: str | None = None) -> Answer:
        """Answer one question (blocking). LLM generation waits its turn in the queue."""
        from rag.answer import answer

        index = self.require_index()
        plan = self.plan(llm)
        if not plan.queued:
            return answer(question, plan.settings, index, history=history, filters=filters, mode=mode,
                          llm=plan.model)
        with self.queue.admit().turn():
            return answer(question, plan.settings, index, history=history, filters=filters, mode=mode,
                          llm=plan.model)

    def stream(self, question: str, *, history: list[dict] | None = None, filters: Filters | None = None,
               mode: str = "answer", llm: str | None = None) -> "EventStream":
        """Admit the request now (raising ``LLMBusy`` at once), then return its events.

        Events are ``("token", str)`` then one ``("answer", Answer)``. Callers must ``close()``
        the stream when done, so an abandoned request gives its queue place back.
        """
        from rag.answer import answer_stream

        index = self.require_index()
        plan = self.plan(llm)
        ticket = self.queue.admit() if plan.queued else None
        events = answer_stream(question, plan.settings, index, history=history, filters=filters, mode=mode,
                               llm=plan.model)
        return EventStream(events, ticket)

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
    """Answer events; generation waits for the queue turn when a ticket is held.

    Iterate it from one thread at a time; ``close()`` once iteration has stopped.
    """

    def __init__(self, events, ticket: Ticket | None) -> None:
        self._events = events
        self._ticket = ticket
        self._gen = self._run()

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return self._gen

    def _run(self) -> Iterator[tuple[str, Any]]:
        if self._ticket is None:
            yield from _normalized(self._events)
            return
        with self._ticket.turn():
            yield from _normalized(self._events)

    def close(self) -> None:
        """Stop generation and give the queue place back (idempotent)."""
        self._gen.close()
        close = getattr(self._events, "close", None)
        if close:
            close()
        if self._ticket is not None:
            self._ticket.release()


def _normalized(events) -> Iterator[tuple[str, Any]]:
    """Accept ``("token", s)`` / ``("answer", a)`` pairs, or bare strings and ``Answer`` objects."""
    for event in events:
        if isinstance(event, tuple):
            yield event
        elif isinstance(event, Answer):
            yield ("answer", event)
        else:
            yield ("token", str(event))
