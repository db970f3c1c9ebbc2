"""Helpers shared by retrieval_bench.py, answer_bench.py and first_answer.py.

Latency percentiles and RSS come from ``scale_bench.py`` and the free loopback
port from ``load_test.py`` (imported, not copied); this module adds the machine
record every result carries, eval-set loading and JSON writing.
"""
from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
EVAL_SET = REPO / "eval" / "sets" / "speeches.jsonl"
for _path in (str(REPO), str(BENCH)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from load_test import free_port  # noqa: E402
from scale_bench import current_rss_mb, peak_rss_mb, percentiles  # noqa: E402

__all__ = ["EVAL_SET", "REPO", "RESULTS", "eval_items", "free_port", "machine_info", "percentiles",
           "since_ms", "tree_rss_mb", "write_json"]


def machine_info() -> dict:
    """Cores, load average, this process's RSS and the OpenMP policy, at the time of the call.

    The machine is shared (other engineers, a niced embedding job), so every figure
    is recorded beside the load it was measured under.
    """
    import psutil

    return {"cores": os.cpu_count(), "load_avg": [round(x, 2) for x in os.getloadavg()],
            "rss_mb": round(current_rss_mb(), 1), "peak_rss_mb": round(peak_rss_mb(), 1),
            "mem_gib": round(psutil.virtual_memory().total / (1 << 30), 1),
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"), "python": platform.python_version(),
            "time_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def tree_rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` and all its children, MiB (0 once it has exited)."""
    import psutil

    try:
        proc = psutil.Process(pid)
        return round(sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / (1 << 20), 1)
    except psutil.NoSuchProcess:
        return 0.0


def eval_items(set_path: Path, *, answerable_only: bool = False, limit: int | None = None) -> list[dict]:
    """Rows of an eval set (JSONL) in file order; optionally only answerable ones, at most ``limit``."""
    rows = [json.loads(line) for line in Path(set_path).read_text(encoding="utf-8").splitlines() if line.strip()]
    if answerable_only:
        rows = [r for r in rows if r.get("type") != "unanswerable"]
    return rows[:limit] if limit else rows


def since_ms(start: float) -> float:
    """Milliseconds elapsed since ``start`` (a ``time.perf_counter()`` value)."""
    return (time.perf_counter() - start) * 1000


def write_json(path: Path, record: dict) -> Path:
    """Write ``record`` as indented UTF-8 JSON (Chinese kept readable), creating the folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
