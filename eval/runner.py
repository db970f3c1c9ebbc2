"""Run an eval set through one or more systems, one question at a time, resumably.

Every finished question is appended to ``<out>/questions.jsonl`` with the hash of
the configuration that produced it, so a long local-LLM run that is interrupted
picks up where it stopped (rows with another hash are ignored, not reused). The
hash covers the set, the system, the index, every Settings field that can change
an answer, and the source of the answering code (which holds its tuned constants).
Ranking metrics come from a retrieval call for the top max(k, 10) chunks; answer
metrics and latency come from the answer call (latency = its wall-clock time).
"""
from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eval import metrics
from eval.baselines import SYSTEMS, System, build_systems
from eval.validate import load_set
from rag.config import Settings
from rag.errors import BadRequest

QUESTIONS_FILE = "questions.jsonl"
# Settings fields that cannot change a question's row: where the server listens, secrets, request
# limits and queueing, and where hash-checked model files are cached. Every other field is hashed,
# so a field added later is covered unless it is listed here.
NOT_IN_HASH = frozenset({"host", "port", "api_token", "openai_api_key", "max_upload_mb", "max_request_kb",
                         "upload_dir", "llm_queue_size", "llm_timeout_s", "cache_dir"})
# The packages whose code produces a row. Hashing their source (rather than `git rev-parse HEAD`)
# also catches uncommitted edits, and covers every tuned module constant (extractive thresholds,
# prompt windows, retrieval constants) wherever it lives.
CODE_ROOTS = tuple(Path(__file__).resolve().parents[1] / name for name in ("rag", "ingest", "eval"))


def load_items(set_path: Path, limit: int | None = None, sample: int | None = None,
               split: str | None = None) -> list[dict]:
    """The set's items (only those of ``split`` if given; then the first ``limit``, or a stratified
    ``sample``); a malformed set, or a split the set does not have, raises ``BadRequest``."""
    path = Path(set_path)
    if not path.is_file():
        raise BadRequest("set", f"{path} does not exist", "pass --set FILE.jsonl or one of ncp, cmrc, rgb, rgb_neg")
    items, problems = load_set(path)
    if problems:
        raise BadRequest("set", f"{path}: {problems[0]}", "fix the line (speechqa eval validate checks a set)")
    if split is not None:
        items = [it for it in items if it.get("split") == split]
        if not items:
            raise BadRequest("split", f"{path} has no question in split {split!r}",
                             "use a set with dev/test splits (eval/sets/users.jsonl) or drop --split")
    items = items if limit is None else items[:limit]
    return items if sample is None else sample_items(items, sample)


def sample_items(items: Sequence[dict], n: int) -> list[dict]:
    """About ``n`` items with every question type in proportion (at least one each),
    evenly spaced through the set so every folder is reached; set order is kept.

    For long runs (the local LLM at ~15-30 s a question) where the first N
    questions would all be from the first folders and types.
    """
    groups: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        groups.setdefault(item["type"], []).append(i)
    picked: set[int] = set()
    for rows in groups.values():
        m = min(len(rows), max(1, round(n * len(rows) / max(len(items), 1))))
        step = len(rows) / m
        picked.update(rows[int(j * step + step / 2)] for j in range(m))
    return [items[i] for i in sorted(picked)]


def code_digest(roots: Sequence[Path] | None = None) -> str:
    """sha256 over the path and bytes of every .py file under ``roots`` (default ``CODE_ROOTS``)."""
    digest = hashlib.sha256()
    for root in CODE_ROOTS if roots is None else roots:
        for path in sorted(Path(root).rglob("*.py")):
            digest.update(path.relative_to(Path(root).parent).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def hashed_settings(settings: Settings) -> dict:
    """The settings that go into the config hash: every field except ``NOT_IN_HASH``, JSON-ready."""
    return settings.model_dump(mode="json", exclude=set(NOT_IN_HASH))


def config_hash(set_path: Path, system: str, settings: Settings, index_stats: dict, *,
                k: int, retrieval_only: bool) -> str:
    """A short hash of everything that changes a question's result."""
    payload = {"set": hashlib.sha256(Path(set_path).read_bytes()).hexdigest(), "system": system, "k": k,
               "retrieval_only": retrieval_only, "index": index_stats, "settings": hashed_settings(settings),
               "code": code_digest()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def evaluate_question(item: dict, system: System, *, k: int, retrieval_only: bool) -> dict:
    """Run one question through one system; the row written to questions.jsonl (minus hash)."""
    start = time.perf_counter()
    # A conversation turn is asked after its earlier turns (``history``: their questions).
    history = {"history": list(item["history"])} if item.get("history") else {}
    ranked = system.rank(item["question"], max(k, 10), **history)
    row_metrics: dict[str, Any] = metrics.retrieval_metrics(item, ranked)
    answer = None
    if retrieval_only:
        row_metrics["latency_ms"] = (time.perf_counter() - start) * 1000
    else:
        start = time.perf_counter()
        answer = system.ask(item["question"], **history)
        row_metrics["latency_ms"] = (time.perf_counter() - start) * 1000
        row_metrics.update(metrics.answer_metrics(item, answer.answer, answer.refused, answer.citations))
    return {"id": item["id"], "type": item["type"], "gold_unanswerable": metrics.is_unanswerable(item),
            "followup": bool(item.get("history")),
            "system": system.name, "metrics": row_metrics, "ranked": [list(c) for c in ranked],
            "answer": answer.model_dump() if answer is not None else None}


def load_done(path: Path) -> dict[tuple[str, str, str], dict]:
    """Rows already written, keyed by (system, config hash, question id)."""
    if not path.is_file():
        return {}
    done = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a kill; the question is simply redone
        done[(row["system"], row["config_hash"], row["id"])] = row
    return done


def run_systems(items: Sequence[dict], systems: Sequence[System], hashes: dict[str, str], out_dir: Path, *,
                k: int, retrieval_only: bool, resume: bool, progress: bool) -> dict[str, list[dict]]:
    """Evaluate every item with every system, appending each new row to questions.jsonl."""
    path = Path(out_dir) / QUESTIONS_FILE
    done = load_done(path) if resume else {}
    if resume and path.is_file() and not path.read_bytes().endswith(b"\n") and path.stat().st_size:
        with path.open("a", encoding="utf-8") as out:
            out.write("\n")  # end a line cut short by a kill, so the next row parses
    rows: dict[str, list[dict]] = {s.name: [] for s in systems}
    with path.open("a" if resume else "w", encoding="utf-8") as out, \
            tqdm(total=len(items) * len(systems), disable=not progress, file=sys.stderr, unit="q") as bar:
        for system in systems:
            bar.set_description(system.name)
            for item in items:
                row = done.get((system.name, hashes[system.name], item["id"]))
                if row is None:
                    row = {**evaluate_question(item, system, k=k, retrieval_only=retrieval_only),
                           "config_hash": hashes[system.name]}
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
                    out.flush()
                rows[system.name].append(row)
                bar.update(1)
    return rows


def run_eval(set_path: Path, settings: Settings, *, k: int = 5, limit: int | None = None,
             sample: int | None = None, split: str | None = None,
             compare: bool | tuple[str, ...] = False, out_dir: Path, resume: bool = True, progress: bool = True,
             retrieval_only: bool = False, index: Any = None) -> dict:
    """Evaluate ``set_path`` against the index at ``settings.index_dir``; write the reports to ``out_dir``.

    Returns the report dict (also written as report.json/md/html). With ``compare=True``
    the naive, bm25, dense and full systems run on the same set and index; a tuple of
    names runs just those (the naive baseline re-embeds the corpus, which is slow).
    """
    from eval.report import build_report, write_report
    from rag.index import Index

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    settings = settings.model_copy(update={"k": k})
    items = load_items(set_path, limit, sample, split)
    own_index = index is None
    index = Index.open(settings) if own_index else index
    try:
        names = SYSTEMS if compare is True else (tuple(compare) if compare else ("full",))
        systems = build_systems(names, settings, index, out_dir,
                                with_llm=not retrieval_only)
        stats = index.stats()
        hashes = {s.name: config_hash(set_path, s.name, settings, stats, k=k, retrieval_only=retrieval_only)
                  for s in systems}
        rows = run_systems(items, systems, hashes, out_dir, k=k, retrieval_only=retrieval_only,
                           resume=resume, progress=progress)
    finally:
        if own_index:
            index.close()
    report = build_report(rows, settings, stats, set_path=Path(set_path), k=k, retrieval_only=retrieval_only)
    write_report(report, out_dir)
    return report
