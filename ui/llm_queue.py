"""A bounded queue for LLM generation: one request generates, at most N wait, the rest get ``LLMBusy``.

Admission is decided immediately (so the HTTP edge can answer 503 before it
starts streaming); the admitted request then waits its turn in a worker thread.
``QueuedChatModel`` takes the place lazily, at the first model call, so
retrieval and refusals (decided before generation) never wait behind the LLM.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Iterator

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessageChunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr

from rag.errors import QueueFull

BUSY_MESSAGE = "本地大模型正忙，请稍后再试 / The local LLM is busy, please retry shortly"


class LLMQueue:
    """One generation at a time; ``waiting`` more may queue; beyond that ``admit`` raises ``QueueFull`` (an ``LLMBusy``)."""

    def __init__(self, waiting: int, retry_after: int = 10) -> None:
        self.capacity = waiting + 1
        self.retry_after = retry_after
        self._admitted = 0
        self._count_lock = threading.Lock()
        self._turn = threading.Lock()

    @property
    def admitted(self) -> int:
        """Requests running or waiting right now."""
        return self._admitted

    def admit(self) -> "Ticket":
        """Reserve a place or raise ``QueueFull``; the caller must ``release`` (or use the ticket)."""
        with self._count_lock:
            if self._admitted >= self.capacity:
                raise QueueFull(BUSY_MESSAGE,
                              f"{self.capacity - 1} requests are already waiting; retry in about "
                              f"{self.retry_after} s, or ask with llm=extractive for an answer without the LLM",
                              retry_after=self.retry_after)
            self._admitted += 1
        return Ticket(self)

    def _leave(self) -> None:
        with self._count_lock:
            self._admitted -= 1


class Ticket:
    """A reserved place in the queue. ``wait_turn()`` blocks until it is this request's turn to generate."""

    def __init__(self, queue: LLMQueue) -> None:
        self._queue = queue
        self._done = False
        self._has_turn = False
        self._lock = threading.Lock()

    def wait_turn(self) -> None:
        """Block until this request may generate; ``release`` gives the slot back."""
        self._queue._turn.acquire()
        with self._lock:
            if not self._done:
                self._has_turn = True
                return
        # Released (the client left) while waiting: pass the slot on instead of generating.
        self._queue._turn.release()
        raise QueueLeft("the request left the LLM queue before its turn")

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the generation slot for the body, then give the place back."""
        self.wait_turn()
        try:
            yield
        finally:
            self.release()

    def abandon(self) -> None:
        """Leave the queue now if still waiting for the turn (safe from any thread, e.g. on a client
        disconnect); the waiting request then stops with ``QueueLeft``. A generating ticket is kept."""
        with self._lock:
            if not self._has_turn and not self._done:
                self._done = True
                self._queue._leave()

    def release(self) -> None:
        """Give the slot (if held) and the place back (idempotent), e.g. when a client leaves."""
        with self._lock:
            if self._has_turn:
                self._has_turn = False
                self._queue._turn.release()
            if not self._done:
                self._done = True
                self._queue._leave()


class QueueLeft(Exception):
    """A released ticket reached its turn; the abandoned request stops instead of generating."""


class QueuedChatModel(BaseChatModel):
    """A chat model that takes a place in ``queue`` only when it is called, for one request.

    Generation holds the slot; it is released as soon as the model's answer (or stream)
    ends, before verification. ``release()`` frees it early (a client that left).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    inner: BaseChatModel
    queue: LLMQueue
    _ticket: Ticket | None = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return self.inner._llm_type

    def _admit(self) -> Ticket:
        # QueueFull when the queue is full: the answer path never falls back on it.
        self._ticket = self.queue.admit()
        return self._ticket

    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        with self._admit().turn():
            message = self.inner.invoke(messages, stop=stop, **kwargs)
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(self, messages, stop=None, run_manager=None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        ticket = self._admit()
        try:
            # An empty first chunk right after admission: whoever primes the stream learns that the
            # request is admitted (and can start an HTTP 200) without waiting for the turn.
            yield ChatGenerationChunk(message=AIMessageChunk(content=""))
            ticket.wait_turn()
            for chunk in self.inner.stream(messages, stop=stop, **kwargs):
                yield ChatGenerationChunk(message=chunk)
        finally:
            ticket.release()

    def release(self) -> None:
        """Give the queue place back now (idempotent)."""
        if self._ticket is not None:
            self._ticket.release()

    def abandon(self) -> None:
        """The client left: give the place back unless generation has started (see ``Ticket.abandon``)."""
        if self._ticket is not None:
            self._ticket.abandon()
