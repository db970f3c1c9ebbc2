"""Helpers every streaming route shares (``/api/answer/stream`` and ``/v1/chat/completions``).

Kept apart from ``ui.api`` so the OpenAI routes need not import the app that mounts them.
"""
from __future__ import annotations

from ui.runtime import EventStream


def on_disconnect(stream: EventStream):
    """SSE disconnect callback: runs even while a worker thread is blocked in the stream, so a
    request waiting for its LLM turn gives its queue place back at once."""
    async def abandon(_message: dict) -> None:
        stream.abandon()

    return abandon
