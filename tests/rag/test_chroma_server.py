"""Chroma HTTP client mode against a real `chroma run` server started by the test."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ingest.pipeline import ingest
from rag.index import Index
from rag.types import Filters
from tests.helpers import free_port

CHROMA = Path(sys.executable).parent / "chroma"




@pytest.fixture
def chroma_server(tmp_path):
    port = free_port()
    log = (tmp_path / "chroma.log").open("w")
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "chroma.log").read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "chroma server did not start"
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.mark.server
def test_ingest_and_search_through_http_client(tmp_path, settings, chroma_server):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("甲报告\n推动科技创新和产业创新深度融合。\n", encoding="utf-8")
    (docs / "b.txt").write_text("乙报告\n加强生态环境保护，建设美丽中国。\n", encoding="utf-8")
    remote = settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": chroma_server})
    report = ingest([docs], remote)
    assert report.added == 2 and report.embedded == report.chunks
    assert not (remote.index_dir / "chroma").exists()  # vectors live on the server
    idx = Index.open(remote)
    assert idx.vectors.count() == report.chunks
    assert idx.dense_search("生态环境保护", 1)[0][0].startswith("b#")
    assert [c for c, _ in idx.dense_search("科技创新", 5, Filters(doc_ids=("a",)))] == ["a#1-2"]
    # A second index on the same server gets its own collection.
    other = remote.model_copy(update={"index_dir": tmp_path / "other"})
    ingest([docs / "a.txt"], other)
    assert Index.open(other).vectors.count() == 1 and idx.vectors.count() == report.chunks


@pytest.mark.server
def test_unreachable_server_is_a_clear_error(settings):
    from rag.errors import IndexNotFound

    remote = settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": free_port()})
    with pytest.raises(IndexNotFound, match="cannot reach the Chroma server"):
        Index.open(remote, create=True)
