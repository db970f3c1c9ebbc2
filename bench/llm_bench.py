"""Benchmark the local LLM: prompt and generation speed for a ~800-token Chinese prompt.

    .venv/bin/python bench/llm_bench.py [--model qwen2.5-1.5b] [--prompt-tokens 800] [--max-tokens 128]

Loads the provisioned GGUF through ``rag.llm_local`` (the same code path the
answer stage uses), builds a summarisation prompt from the 2025 national
government work report, and streams one answer at temperature 0. Prompt and
generation rates come from llama.cpp's own perf counters; time to first token
and total are wall-clock. The machine is shared, so the load average before
and after the run is recorded with the figures in bench/results/llm.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

from rag.config import Settings, apply_process_environment, load_settings
from rag.llm import local_model_path
from rag.llm_local import load_model

SYSTEM = "你是政策研究助手。只根据给出的材料回答，用简体中文。"
INSTRUCTION = "请用三到五句话概括以下材料的主要内容：\n\n"


def build_prompt(settings: Settings, llama, target_tokens: int, source: str) -> list[dict]:
    """Chat messages whose user turn holds about ``target_tokens`` model tokens of report text."""
    paragraphs = [p for p in (settings.corpus_dir / source).read_text(encoding="utf-8").splitlines() if p.strip()]
    taken: list[str] = []
    for paragraph in paragraphs:
        taken.append(paragraph)
        if len(llama.tokenize((INSTRUCTION + "\n".join(taken)).encode())) >= target_tokens:
            break
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": INSTRUCTION + "\n".join(taken)}]


def run_once(llama, messages: list[dict], max_tokens: int) -> dict:
    """Stream one completion from an empty KV cache; returns timings and token counts."""
    import llama_cpp

    llama.reset()  # no prefix reuse: the whole prompt is evaluated
    llama_cpp.llama_perf_context_reset(llama.ctx)
    start = time.perf_counter()
    first, pieces = None, []
    for part in llama.create_chat_completion(messages, stream=True, temperature=0.0, max_tokens=max_tokens):
        text = part["choices"][0]["delta"].get("content")
        if text:
            first = first or time.perf_counter()
            pieces.append(text)
    total = time.perf_counter() - start
    perf = llama_cpp.llama_perf_context(llama.ctx)
    return {
        "prompt_tokens": perf.n_p_eval, "generated_tokens": perf.n_eval,
        "prompt_tok_s": round(perf.n_p_eval / (perf.t_p_eval_ms / 1000), 1) if perf.t_p_eval_ms else None,
        "gen_tok_s": round(perf.n_eval / (perf.t_eval_ms / 1000), 1) if perf.t_eval_ms else None,
        "ttft_s": round((first or time.perf_counter()) - start, 2), "total_s": round(total, 2),
        "output": "".join(pieces),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["qwen2.5-1.5b", "qwen2.5-0.5b"], default="qwen2.5-1.5b")
    parser.add_argument("--prompt-tokens", type=int, default=800)
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--threads", type=int, default=None, help="llama.cpp threads (default: settings)")
    parser.add_argument("--source", default="national_gwr/cn_gwr_2025.txt", help="corpus file for the prompt")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "llm.json")
    args = parser.parse_args(argv)

    settings = load_settings(llm="local", local_model=args.model, llm_threads=args.threads)
    apply_process_environment(settings)  # OMP_WAIT_POLICY=PASSIVE before llama.cpp (libgomp) loads
    path = local_model_path(settings)
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    llama = load_model(path, settings.llm_ctx, settings.llm_threads).llama
    load_s = time.perf_counter() - t0
    messages = build_prompt(settings, llama, args.prompt_tokens, args.source)
    result = run_once(llama, messages, args.max_tokens)
    record = {
        "model": args.model, "file": path.name, "n_threads": settings.llm_threads, "n_ctx": settings.llm_ctx,
        "load_s": round(load_s, 2), **result,
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"), "cpu_count": os.cpu_count(), "machine": platform.processor() or platform.machine(),
        "time_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in record.items() if k != "output"}, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
