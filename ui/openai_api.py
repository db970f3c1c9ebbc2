"""OpenAI-compatible chat: /v1/chat/completions (streaming and not) and /v1/models.

The last user message is the question; earlier user/assistant messages are the
history. Citations travel twice: as a ``citations`` field (and the full
``speechqa`` Answer) and as a 「参考资料」 section appended to the content, so
plain chat clients show them too.
"""
from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any, AsyncIterator, Callable

from fastapi import APIRouter, Depends, Request
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from rag.errors import BadRequest, SpeechQAError
from rag.types import Answer, Citation, anchor
from ui.runtime import EventStream, Runtime
from ui.schemas import ChatCompletionRequest
from ui.streams import on_disconnect

MODEL_ID = "speechqa"
log = logging.getLogger("speechqa.api")


def split_messages(messages: list) -> tuple[str, list[dict]]:
    """(question, history): the last user message, and the user/assistant turns before it."""
    last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=None)
    if last_user is None or not messages[last_user].text().strip():
        raise BadRequest("messages", "no user message with text / 没有用户提问",
                         "end the conversation with a {'role': 'user', 'content': '<question>'} message")
    history = [{"role": m.role, "content": m.text()} for m in messages[:last_user]
               if m.role in ("user", "assistant") and m.text().strip()]
    return messages[last_user].text().strip(), history


def citation_line(c: Citation) -> str:
    """One 「参考资料」 line: [n] title (year), section, paragraph number, anchor."""
    year = f"（{c.year}）" if c.year else ""
    section = f" · {c.section}" if c.section else ""
    return f"[{c.n}] {c.title or c.doc_id}{year}{section} · 第{c.paragraph}段 ({anchor(c.doc_id, c.paragraph)})"


def references_section(answer: Answer) -> str:
    """The 「参考资料」 block appended to the content ('' when nothing is cited)."""
    if not answer.citations:
        return ""
    return "\n\n参考资料：\n" + "\n".join(citation_line(c) for c in answer.citations)


def _citations(answer: Answer) -> list[dict]:
    return [c.model_dump() for c in answer.citations]


def completion(answer: Answer, completion_id: str, model: str) -> dict:
    """A non-streaming ``chat.completion`` body."""
    return {
        "id": completion_id, "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": answer.answer + references_section(answer)}}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "citations": _citations(answer), "speechqa": answer.model_dump(),
    }


def chunk(completion_id: str, model: str, delta: dict, finish: str | None = None, **extra: Any) -> dict:
    """One ``chat.completion.chunk``."""
    return {"id": completion_id, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}


async def completion_chunks(stream: EventStream, completion_id: str, model: str) -> AsyncIterator[dict]:
    """SSE data for a streamed completion: role, tokens, references, final chunk with citations, [DONE]."""
    emit = lambda body: {"data": json.dumps(body, ensure_ascii=False)}  # noqa: E731
    yield emit(chunk(completion_id, model, {"role": "assistant", "content": ""}))
    streamed = False
    try:
        async for kind, value in iterate_in_threadpool(iter(stream)):
            if kind == "token" and value:
                streamed = True
                yield emit(chunk(completion_id, model, {"content": value}))
            elif kind == "answer":
                # Extractive answers arrive whole: send the verified text if nothing streamed.
                text = references_section(value) if streamed else value.answer + references_section(value)
                yield emit(chunk(completion_id, model, {"content": text}))
                yield emit(chunk(completion_id, model, {}, "stop", citations=_citations(value),
                                 speechqa=value.model_dump()))
    except SpeechQAError as exc:
        yield emit({"error": {"message": str(exc), "type": exc.kind, "code": exc.http_status}})
    except Exception:  # the client gets a clean error chunk; the log keeps the traceback
        log.exception("chat completion stream failed")
        yield emit({"error": {"message": "internal server error / 服务器内部错误", "type": "InternalError",
                              "code": 500}})
    finally:
        # Synchronously: after a client disconnect this task is cancelled, and an await here would
        # be cancelled too, leaving the LLM queue place taken. No worker is inside the stream now.
        stream.close()
    yield {"data": "[DONE]"}


def openai_router(require_token: Callable) -> APIRouter:
    """/v1/models and /v1/chat/completions."""
    router = APIRouter(prefix="/v1", tags=["openai"], dependencies=[Depends(require_token)])

    @router.get("/models")
    def models() -> dict:
        """The one model this server offers."""
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0,
                                            "owned_by": "speechqa"}]}

    @router.post("/chat/completions")
    async def chat_completions(body: ChatCompletionRequest, request: Request):
        """OpenAI-compatible chat completion over the corpus, with citations."""
        runtime: Runtime = request.app.state.runtime
        question, history = split_messages(body.messages)
        question = runtime.check_question(question)
        completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        if not body.stream:
            answer = await run_in_threadpool(lambda: runtime.answer(question, history=history or None))
            return completion(answer, completion_id, body.model)
        stream = await run_in_threadpool(lambda: runtime.stream(question, history=history or None))
        return EventSourceResponse(completion_chunks(stream, completion_id, body.model), ping=15,
                                   client_close_handler_callable=on_disconnect(stream))

    return router
