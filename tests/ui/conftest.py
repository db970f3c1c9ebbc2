"""Fixtures for the server tests: a real small index (4 corpus documents, hash embedder),
runtimes and apps over it, a real uvicorn on a free port, and a slow fake chat model."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from tests.helpers import free_port

# Small but real: two national reports, a district speech, a provincial report.
DOCS = ("national_gwr/cn_gwr_2024.txt", "national_gwr/cn_gwr_2025.txt",
        "district_speeches/district_party_secretary_econ_work_2022.txt", "provincial_gwr_2025/prov_2025_henan.txt")


def make_settings(index_dir: Path, corpus_dir: Path, **overrides):
    """Test settings: hash embedder, extractive answers, uploads beside the index."""
    from rag.config import load_settings

    values = dict(index_dir=index_dir, corpus_dir=corpus_dir, embedder="hash", llm="extractive",
                  upload_dir=index_dir.parent / "uploads")
    return load_settings(**{**values, **overrides})


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory, corpus_dir: Path) -> Path:
    """A fully built index (lexical and dense) over ``DOCS``; tests must not write to it."""
    from ingest.pipeline import ingest

    path = tmp_path_factory.mktemp("ui") / "index"
    report = ingest([corpus_dir / d for d in DOCS], make_settings(path, corpus_dir))
    assert report.added == len(DOCS) and not report.failed, report.summary()
    return path


@pytest.fixture(scope="session")
def shared_index(index_dir: Path, corpus_dir: Path):
    """The read-only index, opened once."""
    from rag.index import Index

    index = Index.open(make_settings(index_dir, corpus_dir))
    yield index
    index.close()


@pytest.fixture
def runtime(shared_index, index_dir: Path, corpus_dir: Path):
    """A runtime answering extractively over the shared index."""
    from ui.runtime import Runtime

    return Runtime(make_settings(index_dir, corpus_dir), shared_index)


@pytest.fixture
def client(runtime):
    """A TestClient over the API (without the chat window, which test_server covers)."""
    from fastapi.testclient import TestClient

    from ui.server import create_app

    with TestClient(create_app(runtime, with_ui=False)) as c:
        yield c


@pytest.fixture
def fresh_runtime(tmp_path: Path, corpus_dir: Path):
    """A runtime over a new writable index holding one short document (for uploads)."""
    from rag.index import Index
    from ui.runtime import Runtime

    settings = make_settings(tmp_path / "index", corpus_dir)
    rt = Runtime(settings, Index.open(settings, create=True))
    rt.indexer.index_files([corpus_dir / "npc_resolutions/npc14_3_resolution_on_gwr_2025.txt"])
    assert rt.indexer.wait_idle(60)
    yield rt
    rt.indexer.wait_idle(60)
    rt.indexer.close()
    rt.index.close()


class SlowChat(FakeListChatModel):
    """A chat model that takes ``delay`` seconds before answering (to fill the LLM queue)."""

    delay: float = 1.5

    def _generate(self, *args, **kwargs):
        time.sleep(self.delay)
        return super()._generate(*args, **kwargs)

    def _stream(self, *args, **kwargs):
        time.sleep(self.delay)
        yield from super()._stream(*args, **kwargs)




@contextmanager
def running_server(app):
    """Serve ``app`` with a real uvicorn on a free loopback port; yields the base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
