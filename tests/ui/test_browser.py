"""A real browser against a real `speechqa serve`: ask, watch the streamed answer, open a citation;
an indicator timeline's chart, whose points open the paragraph they cite; the 指标 tab.

Debian's chromium, headless, driven by Playwright's Python package (never `playwright install`).
One server per module (the tests only read). Screenshots go to test-artifacts/ (gitignored).
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
TIMELINE = "2023到2025年全国经济增长目标和实际情况"


@pytest.fixture(scope="module")
def server(index_dir: Path, corpus_dir: Path, tmp_path_factory):
    """`speechqa serve` in a subprocess on a free port over a copy of the small index."""
    tmp_path = tmp_path_factory.mktemp("serve")
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


def _ask(page, server: str, question: str, open_filters: bool = False) -> None:
    page.goto(server + "/")
    page.wait_for_selector("#sq-question textarea", timeout=60_000)
    if open_filters:  # its empty year fields are then sent too (as 0), and must mean "no constraint"
        page.get_by_text("筛选与选项").click()
    page.fill("#sq-question textarea", question)
    page.click("#sq-ask")


def _open_by_point(page, point) -> object:
    """Click a chart point; the card it links to, checked open and highlighted."""
    card_id = point.get_attribute("href").lstrip("#")
    point.click()
    page.wait_for_function(f"document.getElementById('{card_id}').open === true", timeout=5_000)
    card = page.locator(f"#{card_id}")
    assert "sq-hit" in card.get_attribute("class")
    return card


def test_timeline_chart_point_opens_its_citation(server, page):
    ARTIFACTS.mkdir(exist_ok=True)
    _ask(page, server, TIMELINE, open_filters=True)
    chart = page.locator("#sq-chat svg.sq-chart")
    chart.wait_for(timeout=60_000)
    points = chart.locator("a.sq-pt")
    rows = page.locator("#sq-chat .sq-table tbody tr")
    assert points.count() == rows.count() == 4  # 2023 actual; 2024 target and actual; 2025 target
    assert chart.locator("polyline").count() == 2  # a target series and an actual series
    chart.screenshot(path=str(ARTIFACTS / "chat_timeline_svg.png"))
    chart.evaluate("e => e.scrollIntoView({block: 'start'})")  # the chat scrolls to its end on its own
    page.screenshot(path=str(ARTIFACTS / "chat_timeline_chart.png"), full_page=True)

    actual_2024 = chart.locator("a.sq-pt-actual").last  # points run by year
    assert "2024年" in actual_2024.locator("title").text_content()
    card = _open_by_point(page, actual_2024)
    assert card.locator("mark").is_visible() and "增长5%" in card.locator("mark").inner_text()
    assert "2025年" in card.locator("summary").inner_text()  # 2024's outcome is in the 2025 report
    page.screenshot(path=str(ARTIFACTS / "chat_timeline_citation.png"), full_page=True)

    with page.expect_download(timeout=10_000) as download:
        page.locator("#sq-chat a.sq-csv").click()
    data = Path(download.value.path()).read_bytes().decode("utf-8")
    assert data.startswith("\ufeff地区,年份,指标,目标或实际") and data.count("\n") == 5


def test_indicators_tab_cites_every_value(server, page):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(server + "/")
    page.get_by_role("tab", name="指标").click()
    page.click("#sq-ind-show")  # defaults: 经济增长, 全国, every year
    view = page.locator("#sq-ind-view")
    view.locator("svg.sq-chart").wait_for(timeout=30_000)
    rows = view.locator(".sq-table tbody tr")
    assert rows.count() >= 4 and view.locator(".sq-table a.sq-ref").count() == rows.count()
    assert "政府工作报告" in rows.first.locator(".sq-src").inner_text() and "第" in rows.first.inner_text()
    card = _open_by_point(page, view.locator("a.sq-pt-target").first)
    assert "5%左右" in card.locator("mark").inner_text() and "2024年" in card.locator("summary").inner_text()
    assert len(card.locator(".sq-para-text").inner_text()) > len(card.locator("mark").inner_text())
    page.screenshot(path=str(ARTIFACTS / "indicators_tab.png"), full_page=True)
