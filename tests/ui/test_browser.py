"""A real browser against a real `speechqa serve`: ask, watch the streamed answer, open a citation.

Debian's chromium, headless, driven by Playwright's Python package (never `playwright install`).
Screenshots go to test-artifacts/ (gitignored).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.ui.conftest import free_port

pytestmark = [pytest.mark.browser, pytest.mark.server]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
QUESTION = "河南省2025年的经济增长目标是多少？"


@pytest.fixture
def server(index_dir: Path, corpus_dir: Path, tmp_path: Path):
    """`speechqa serve` in a subprocess on a free port over a copy of the small index."""
    index = tmp_path / "index"
    shutil.copytree(index_dir, index)
    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "SPEECHQA_CORPUS_DIR": str(corpus_dir)}
    cmd = [sys.executable, "-m", "ui.cli", "serve", "--index", str(index), "--embedder", "hash",
           "--llm", "extractive", "--port", str(port)]
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            cwd=Path(__file__).resolve().parents[2])
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"{base}/healthz", timeout=2).json()["status"] == "ok":
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "server did not become healthy"
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def page():
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        yield pg
        browser.close()


def test_ask_stream_and_open_a_citation(server, page):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(server + "/")
    page.wait_for_selector("#sq-question textarea", timeout=60_000)
    assert "索引：4 篇文档" in page.inner_text("#sq-status")
    page.fill("#sq-question textarea", QUESTION)
    page.click("#sq-ask")
    card = page.locator("#sq-chat details.sq-cite").first
    card.wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "chat_answer.png"), full_page=True)
    answer = page.inner_text("#sq-chat .sq-text")
    assert "5.5%" in answer and "[1]" in answer
    assert card.get_attribute("open") is None  # collapsed until clicked

    page.locator("#sq-chat a.sq-ref").first.click()
    page.wait_for_function("document.querySelector('#sq-chat details.sq-cite').open === true", timeout=5_000)
    quote = card.locator("mark")
    assert quote.is_visible() and "5.5%" in quote.inner_text()
    assert "河南" in card.locator("summary").inner_text() and "第" in card.locator("summary").inner_text()
    page.screenshot(path=str(ARTIFACTS / "chat_citation_open.png"), full_page=True)

    page.locator("#sq-cites label").first.click()
    panel = page.locator("#sq-panel .sq-cited")
    panel.wait_for(timeout=10_000)
    assert "5.5%" in panel.locator("mark").inner_text() and "第" in panel.inner_text()
    assert "河南" in page.inner_text("#sq-panel .sq-source-title")

    page.get_by_role("tab", name="文档").click()
    page.locator("#sq-doc-table").get_by_text("2025年河南省政府工作报告").first.wait_for(timeout=10_000)
    page.click("#sq-doc-pick input")
    page.keyboard.type("河南")
    page.get_by_role("option", name="2025年河南省政府工作报告").first.click()
    page.locator("#sq-doc-view #p-20").wait_for(timeout=10_000)
    assert "5.5%" in page.inner_text("#sq-doc-view #p-20")
    page.screenshot(path=str(ARTIFACTS / "documents_tab.png"), full_page=True)


def test_refusal_is_visibly_marked(server, page):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(server + "/")
    page.wait_for_selector("#sq-question textarea", timeout=60_000)
    page.fill("#sq-question textarea", "2019年西藏的财政收入是多少？")  # no Tibet report in the index
    page.keyboard.press("Enter")  # Enter submits, like the button
    refused = page.locator("#sq-chat .sq-refused")
    try:
        refused.wait_for(timeout=60_000)
    finally:
        page.screenshot(path=str(ARTIFACTS / "chat_refusal.png"), full_page=True)
    assert "拒答" in refused.inner_text()
