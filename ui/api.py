"""The HTTP API: answers as JSON and as Server-Sent Events, health, errors, auth.

Every answer route returns the same ``rag.types.Answer`` as ``speechqa ask --json``.
``SpeechQAError`` becomes ``{"error","message","hint"}`` with the class's HTTP
status (``LLMBusy`` adds ``Retry-After``); under ``/v1`` the same error takes
OpenAI's shape ``{"error": {"message","type","code","hint"}}``. Nothing ever
leaks a traceback.
"""
from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any, AsyncIterator

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from rag.errors import BadRequest, LLMBusy, SpeechQAError
from rag.types import Answer
from ui.documents_api import documents_router
from ui.indicators_api import indicators_router
from ui.openai_api import openai_router
from ui.runtime import EventStream, Runtime
from ui.schemas import AnswerRequest
from ui.security import BodyLimitMiddleware, bearer_ok, body_limits, token_of
from ui.streams import on_disconnect

log = logging.getLogger("speechqa.api")


def error_response(exc: SpeechQAError, path: str = "") -> JSONResponse:
    """The JSON error body and status for a SpeechQA error (OpenAI's error shape under /v1)."""
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, LLMBusy) else getattr(exc, "headers", None)
    body = exc.to_dict()
    if path.startswith("/v1/"):  # so OpenAI clients show the message
        body = {"error": {"message": str(exc), "type": body["error"], "code": exc.http_status, "hint": exc.hint}}
    return JSONResponse(body, status_code=exc.http_status, headers=headers)


class HTTPError(SpeechQAError):
    """A Starlette HTTP error (unknown route, wrong method, undecodable body) in the SpeechQA shape."""

    _HINTS = {400: "send a UTF-8 JSON body matching the request schema at /docs",
              404: "see the API routes at /docs", 405: "see /docs for the methods each route accepts"}

    def __init__(self, exc: StarletteHTTPException, request: Request) -> None:
        super().__init__(f"{request.method} {request.url.path}: {exc.detail}",
                         self._HINTS.get(exc.status_code, "see the API documentation at /docs"))
        self.http_status = exc.status_code
        self.headers = exc.headers
        self.name = _status_name(exc.status_code)

    def to_dict(self) -> dict:
        return {"error": self.name, "message": self.message, "hint": self.hint}


def _status_name(status: int) -> str:
    """``NotFound`` for 404: the HTTP reason phrase as one word."""
    try:
        return "".join(ch for ch in HTTPStatus(status).phrase.title() if ch.isalnum())
    except ValueError:
        return f"HTTP{status}"


def install_error_handlers(app: FastAPI) -> None:
    """Map SpeechQA errors, validation errors and anything unexpected onto clean JSON bodies."""

    @app.exception_handler(SpeechQAError)
    async def _speechqa(request: Request, exc: SpeechQAError) -> JSONResponse:
        return error_response(exc, request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(HTTPError(exc, request), request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        field = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
        return error_response(BadRequest(field, first.get("msg", "invalid request"),
                                         "see the request schema at /docs"), request.url.path)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return JSONResponse({"error": "InternalError", "message": "internal server error / 服务器内部错误",
                             "hint": "see the server log; retry, or report the question that caused it"},
                            status_code=500)


def require_token(request: Request) -> None:
    """Dependency for /api and /v1: the bearer token, when one is configured."""
    token = token_of(request.app.state.runtime.settings)
    if not bearer_ok(request.headers.get("authorization"), token):
        raise _Unauthorized()


class _Unauthorized(SpeechQAError):
    http_status = 401

    def __init__(self) -> None:
        super().__init__("missing or wrong API token / API 令牌缺失或错误",
                         "send the header `Authorization: Bearer <SPEECHQA_API_TOKEN>`")


async def sse_events(stream: EventStream) -> AsyncIterator[dict]:
    """SSE events for an answer stream: ``token``…, then ``answer`` (or ``error``)."""
    events = iter(stream)
    try:
        async for kind, value in iterate_in_threadpool(events):
            if kind == "token":
                yield {"event": "token", "data": json.dumps({"text": value}, ensure_ascii=False)}
            elif kind == "answer":
                yield {"event": "answer", "data": value.model_dump_json()}
    except SpeechQAError as exc:
        yield {"event": "error", "data": json.dumps(exc.to_dict(), ensure_ascii=False)}
    except Exception:  # the client gets a clean event; the log keeps the traceback
        log.exception("answer stream failed")
        yield {"event": "error", "data": json.dumps(
            {"error": "InternalError", "message": "internal server error / 服务器内部错误",
             "hint": "see the server log"}, ensure_ascii=False)}
    finally:
        # Synchronously: after a client disconnect this task is cancelled, and an await here would
        # be cancelled too, leaving the LLM queue place taken. No worker is inside the stream now.
        stream.close()


def answer_router() -> APIRouter:
    """/api/answer (JSON) and /api/answer/stream (SSE)."""
    router = APIRouter(prefix="/api", tags=["answer"], dependencies=[Depends(require_token)])

    @router.post("/answer", response_model=Answer)
    def answer(body: AnswerRequest, request: Request) -> Answer:
        """Answer a question with verified paragraph citations (blocking; runs in the threadpool)."""
        runtime: Runtime = request.app.state.runtime
        return runtime.answer(runtime.check_question(body.question), **body.call_kwargs())

    @router.post("/answer/stream", response_class=EventSourceResponse,
                 responses={200: {"description": "SSE: `token` events, then one `answer` event (Answer JSON)"
                                                 " or an `error` event."}})
    async def answer_stream(body: AnswerRequest, request: Request) -> EventSourceResponse:
        """Stream an answer: tokens as they are generated, then the verified Answer."""
        runtime: Runtime = request.app.state.runtime
        question = runtime.check_question(body.question)
        # Retrieval and, when the LLM will generate, queue admission run before any byte is sent:
        # a full queue is a plain 503, not an SSE error event.
        stream = await run_in_threadpool(lambda: runtime.stream(question, **body.call_kwargs()))
        return EventSourceResponse(sse_events(stream), ping=15, client_close_handler_callable=on_disconnect(stream))

    return router


def create_api(runtime: Runtime) -> FastAPI:
    """The FastAPI app with every API route (the chat UI is mounted by ``ui.server``)."""
    app = FastAPI(title="SpeechQA", version="0.1.0",
                  description="Cited answers over Chinese speeches and government work reports.")
    app.state.runtime = runtime
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, **body_limits(runtime.settings))

    @app.get("/healthz", tags=["status"])
    def healthz() -> dict[str, Any]:
        """Index counts, indexing progress, which LLM backend answers and whether it is ready."""
        return runtime.health()

    app.include_router(answer_router())
    app.include_router(documents_router(require_token))
    app.include_router(openai_router(require_token))
    app.include_router(indicators_router(require_token))
    add_unknown_route_fallbacks(app)
    return app


_ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def add_unknown_route_fallbacks(app: FastAPI) -> None:
    """Unknown paths (or methods) under /api and /v1 answer 404/405 in the API's error shape,
    instead of falling through to the chat window mounted at ``/``. Register after every API route."""
    known = list(app.router.routes)

    async def unknown(request: Request) -> None:
        allowed = [m for m in _ANY_METHOD
                   if any(r.matches({**request.scope, "method": m})[0] == Match.FULL for r in known)]
        if allowed:
            raise StarletteHTTPException(405, headers={"Allow": ", ".join(allowed)})
        raise StarletteHTTPException(404)

    for prefix in ("/api", "/v1"):
        app.add_api_route(prefix + "/{rest:path}", unknown, methods=_ANY_METHOD, include_in_schema=False)
