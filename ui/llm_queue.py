"""A bounded queue for LLM generation: one request generates, at most N wait, the rest get ``LLMBusy``.

Admission is decided immediately (so the HTTP edge can answer 503 before it
starts streaming); the admitted request then waits its turn in a worker thread.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

from rag.errors import LLMBusy

BUSY_MESSAGE = "本地大模型正忙，请稍后再试 / The local LLM is busy, please retry shortly"


class LLMQueue:
    """One generation at a time; ``waiting`` more may queue; beyond that ``admit`` raises ``LLMBusy``."""

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
        """Reserve a place or raise ``LLMBusy``; the caller must ``release`` (or use the ticket)."""
        with self._count_lock:
            if self._admitted >= self.capacity:
                raise LLMBusy(BUSY_MESSAGE,
                              f"{self.capacity - 1} requests are already waiting; retry in about "
                              f"{self.retry_after} s, or ask with llm=extractive for an answer without the LLM",
                              retry_after=self.retry_after)
            self._admitted += 1
        return Ticket(self)

    def _leave(self) -> None:
        with self._count_lock:
            self._admitted -= 1


class Ticket:
    """A reserved place in the queue. ``turn()`` blocks until it is this request's turn to generate."""

    def __init__(self, queue: LLMQueue) -> None:
        self._queue = queue
        self._done = False

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the generation slot for the body, then give the place back."""
        self._queue._turn.acquire()
        try:
            yield
        finally:
            self._queue._turn.release()
            self.release()

    def release(self) -> None:
        """Give the place back (idempotent), e.g. when a client leaves before its turn."""
        if not self._done:
            self._done = True
            self._queue._leave()
