"""Evaluation reports: report.json (machine-readable), report.md and a self-contained report.html.

The HTML embeds its plots as inline SVG drawn with matplotlib's Agg backend: a
hit@k curve per system, per-type bars and a latency histogram.
"""
from __future__ import annotations

import datetime as dt
import html
import io
import json
import os
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval import metrics
from rag.config import Settings

_TYPE_BARS = ("hit@5", "key_accuracy", "citation_precision")


def main_system(rows_by_system: dict[str, list[dict]]) -> str:
    """The system whose rows the report details: ``full`` when present."""
    return "full" if "full" in rows_by_system else next(iter(rows_by_system))


def run_config(settings: Settings, stats: dict, rows: Sequence[dict], *, k: int, retrieval_only: bool) -> dict:
    """What produced the numbers: machine, LLM, embedder and index settings."""
    answered = sorted({r["answer"]["llm"] for r in rows if r.get("answer") and r["answer"].get("llm")})
    return {
        "machine": {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "llm": {"backend": settings.llm, "local_model": settings.local_model, "openai_model": settings.openai_model,
                "reported": answered},
        "embedder": stats.get("embedder", settings.embedder),
        "index": {**stats, "candidates": settings.candidates, "rrf_k": settings.rrf_k},
        "k": k, "retrieval_only": retrieval_only,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


def build_report(rows_by_system: dict[str, list[dict]], settings: Settings, stats: dict, *, set_path: Path,
                 k: int, retrieval_only: bool) -> dict:
    """The report dict: summary, by_type, config, questions (and systems when comparing)."""
    main = main_system(rows_by_system)
    rows = rows_by_system[main]
    report: dict[str, Any] = {
        "set": str(set_path), "system": main,
        "summary": metrics.summarize(rows), "by_type": metrics.summarize_by_type(rows),
        "config": run_config(settings, stats, rows, k=k, retrieval_only=retrieval_only),
        "questions": [{"id": r["id"], "type": r["type"], "gold_unanswerable": r["gold_unanswerable"],
                       "metrics": r["metrics"], "ranked": r.get("ranked", []), "answer": r["answer"]}
                      for r in rows],
    }
    if len(rows_by_system) > 1:
        report["systems"] = {name: metrics.summarize(r) for name, r in rows_by_system.items()}
        report["fusion_shortfalls"] = metrics.fusion_shortfalls(report["systems"])
    return report


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _table(rows: dict[str, dict], keys: Sequence[str]) -> str:
    head = "| | " + " | ".join(keys) + " |\n|---|" + "---|" * len(keys) + "\n"
    return head + "".join(f"| {name} | " + " | ".join(_fmt(s.get(key)) for key in keys) + " |\n"
                          for name, s in rows.items())


def render_markdown(report: dict) -> str:
    """report.md: summary, system comparison, per-type table and the configuration."""
    keys = metrics.SUMMARY_KEYS
    parts = [f"# SpeechQA evaluation: {report['set']}\n",
             f"System `{report['system']}`, k={report['config']['k']}, "
             f"LLM `{report['config']['llm']['backend']}`, embedder `{report['config']['embedder']}`.\n",
             "## Summary\n", _table({report["system"]: report["summary"]}, keys)]
    if "systems" in report:
        parts += ["\n## Systems (same set, same embedder)\n", _table(report["systems"], keys)]
        parts += [f"\n**Fusion below its best input:** {'; '.join(report['fusion_shortfalls'])}\n"
                  if report.get("fusion_shortfalls") else "\nFusion at or above bm25 and dense alone (±0.02).\n"]
    parts += ["\n## By question type\n", _table(report["by_type"], keys),
              "\n## Configuration\n", "```json\n" + json.dumps(report["config"], ensure_ascii=False, indent=2)
              + "\n```\n", "\nMetric definitions: see `eval/metrics.py` (module docstring).\n"]
    return "".join(parts)


def _svg(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _hit_curve(systems: dict[str, dict]) -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.2))
    for name, summary in systems.items():
        ax.plot(metrics.KS, [summary.get(f"hit@{k}") or 0.0 for k in metrics.KS], marker="o", label=name)
    ax.set(xlabel="k", ylabel="hit@k", ylim=(0, 1.05), xticks=list(metrics.KS), title="hit@k")
    ax.legend()
    return _svg(fig)


def _type_bars(by_type: dict[str, dict]) -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    width = 0.8 / len(_TYPE_BARS)
    for i, key in enumerate(_TYPE_BARS):
        ax.bar([x + i * width for x in range(len(by_type))], [s.get(key) or 0.0 for s in by_type.values()],
               width, label=key)
    ax.set_xticks([x + width for x in range(len(by_type))], list(by_type), rotation=30, ha="right")
    ax.set(ylim=(0, 1.05), title="by question type")
    ax.legend(fontsize="small")
    return _svg(fig)


def _latency_hist(report: dict) -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.2))
    values = [q["metrics"]["latency_ms"] for q in report["questions"] if q["metrics"].get("latency_ms") is not None]
    ax.hist(values, bins=min(30, max(5, len(values) // 3)))
    ax.set(xlabel="latency (ms)", ylabel="questions", title=f"latency ({report['system']})")
    return _svg(fig)


def _html_table(rows: dict[str, dict]) -> str:
    head = "<tr><th></th>" + "".join(f"<th>{html.escape(k)}</th>" for k in metrics.SUMMARY_KEYS) + "</tr>"
    body = "".join("<tr><th>" + html.escape(name) + "</th>"
                   + "".join(f"<td>{_fmt(s.get(k))}</td>" for k in metrics.SUMMARY_KEYS) + "</tr>"
                   for name, s in rows.items())
    return f"<table>{head}{body}</table>"


_CSS = ("body{font-family:sans-serif;margin:2em}figure{display:inline-block;margin:0 1em 1em 0}"
        "table{border-collapse:collapse;font-size:13px;margin-bottom:1.5em}"
        "td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}"
        "pre{background:#f6f6f6;padding:1em;overflow:auto}")


def render_html(report: dict) -> str:
    """A self-contained page: summary tables, inline SVG plots and the configuration."""
    import matplotlib

    matplotlib.use("Agg")
    systems = report.get("systems") or {report["system"]: report["summary"]}
    plots = "".join(f"<figure>{svg}</figure>" for svg in
                    (_hit_curve(systems), _type_bars(report["by_type"]), _latency_hist(report)))
    config = html.escape(json.dumps(report["config"], ensure_ascii=False, indent=2))
    return ("<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\">"
            f"<title>SpeechQA evaluation</title><style>{_CSS}</style></head><body>"
            f"<h1>SpeechQA evaluation</h1><p>{html.escape(report['set'])} — system <b>{report['system']}</b></p>"
            f"<h2>Systems</h2>{_html_table(systems)}<h2>By question type</h2>{_html_table(report['by_type'])}"
            f"{plots}<h2>Configuration</h2><pre>{config}</pre>"
            "<p>Metric definitions: eval/metrics.py (module docstring).</p></body></html>")


def write_report(report: dict, out_dir: Path) -> dict[str, Path]:
    """Write report.json, report.md and report.html into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    paths = {"json": out_dir / "report.json", "md": out_dir / "report.md", "html": out_dir / "report.html"}
    paths["json"].write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    paths["md"].write_text(render_markdown(report), encoding="utf-8")
    paths["html"].write_text(render_html(report), encoding="utf-8")
    return paths
