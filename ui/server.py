"""One process: the FastAPI API with the Gradio chat mounted at ``/``, served by uvicorn.

Start-up order for ``speechqa serve --ingest PATH``: check the bind, open (or create) the index,
run ingest phase 1 so something is searchable, start the server, and let the
dense embedding and the LLM load continue in background threads.
"""
from __future__ import annotations

import time
from pathlib import Path

from fastapi import FastAPI

from rag.config import Settings
from rag.errors import BadRequest
from ui.api import create_api
from ui.runtime import Runtime
from ui.security import check_bind, token_of


def create_app(runtime: Runtime, *, with_ui: bool = True) -> FastAPI:
    """The full ASGI app: API routes first, then the chat window at ``/``."""
    app = create_api(runtime)
    if with_ui:
        import gradio as gr

        from ui.chat import CHAT_CSS, CHAT_HEAD, build_chat

        token = token_of(runtime.settings)
        # Off loopback the chat is guarded too: log in with any user name and the API token.
        auth = (lambda _user, password: _same(password, token)) if token else None
        gr.mount_gradio_app(app, build_chat(runtime), path="/", auth=auth, css=CHAT_CSS, head=CHAT_HEAD,
                            footer_links=["api"], show_error=True)
    return app


def _same(given: str, token: str) -> bool:
    import hmac

    return hmac.compare_digest((given or "").encode(), token.encode())


def prepare(settings: Settings, ingest: list[Path] | tuple[Path, ...] = ()) -> Runtime:
    """Check the bind, open the index, run phase 1 of ``ingest`` and start background work."""
    from rag.index import Index

    check_bind(settings)
    missing = [str(p) for p in ingest if not Path(p).exists()]
    if missing:
        raise BadRequest("--ingest", f"no such file or directory: {', '.join(missing)}",
                         "give a corpus folder or document, e.g. --ingest ../shared/corpus")
    runtime = Runtime(settings)
    runtime.index = Index.open(settings, create=bool(ingest))
    if ingest:
        started = time.perf_counter()
        report = runtime.indexer.index_files(ingest)
        print(f"SpeechQA: searchable after {time.perf_counter() - started:.1f} s "
              f"({report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
              f"{len(report.failed)} failed); dense embedding continues in the background", flush=True)
    elif runtime.index.stats().get("pending"):
        runtime.indexer.request_embedding()  # finish what an earlier run left unembedded
    else:
        runtime.progress.set(phase="ready", message="索引完成 / index complete")
    runtime.warm_up_async()
    runtime.load_llm_async()
    return runtime


def serve(settings: Settings, ingest: list[Path] | tuple[Path, ...] = ()) -> None:
    """Prepare and run the server until interrupted (blocking)."""
    import uvicorn

    runtime = prepare(settings, ingest)
    app = create_app(runtime)
    print(f"SpeechQA: http://{settings.host}:{settings.port}/  (API docs: /docs, health: /healthz)", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", timeout_keep_alive=30)
