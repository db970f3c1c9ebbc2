"""The in-process llama.cpp backend: a LangChain chat model over ``llama_cpp.Llama``.

One ``Llama`` per (model path, context, threads) is loaded lazily and kept for
the life of the process; loading a 1 GB GGUF takes seconds and the weights are
memory-mapped, so every ``LlamaCppChat`` pointing at the same file shares it.
A ``Llama`` is not re-entrant, so each one has a lock held for a whole
completion (including a stream, until it is exhausted or closed).
"""
from __future__ import annotations

import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from rag.errors import BadRequest, LLMBusy, LLMUnavailable


@dataclass
class LoadedModel:
    """A loaded ``llama_cpp.Llama`` and the lock that serialises its use."""

    llama: Any
    lock: threading.Lock = field(default_factory=threading.Lock)


_MODELS: dict[tuple[str, int, int], LoadedModel] = {}
_MODELS_LOCK = threading.Lock()


def load_model(path: Path, n_ctx: int, n_threads: int) -> LoadedModel:
    """The shared loaded model for this file and configuration, loading it on first use."""
    key = (str(Path(path).resolve()), n_ctx, n_threads)
    with _MODELS_LOCK:  # held while loading so two threads never load the same file twice
        if key not in _MODELS:
            _MODELS[key] = LoadedModel(_new_llama(Path(path), n_ctx, n_threads))
        return _MODELS[key]


def unload_all() -> None:
    """Drop every loaded model (frees its memory once no chat model still uses it)."""
    with _MODELS_LOCK:
        _MODELS.clear()


def _new_llama(path: Path, n_ctx: int, n_threads: int):
    try:
        import llama_cpp
    except ImportError as exc:
        raise LLMUnavailable("llama-cpp-python is not installed",
                             "run `make setup` (it builds llama-cpp-python), or set SPEECHQA_LLM=extractive") from exc
    if not path.is_file():
        raise LLMUnavailable(f"{path}: model file not found", "run `speechqa setup`")
    try:
        return llama_cpp.Llama(model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, verbose=False)
    except (ValueError, RuntimeError) as exc:
        raise LLMUnavailable(f"{path}: llama.cpp could not load the model ({exc})",
                             "run `speechqa setup --verify` to re-check and rebuild it") from exc


# Run in a child process: a llama.cpp built for CPU features the machine lacks dies with SIGILL,
# which must not take the caller down with it.
_SMOKE = """
import sys, llama_cpp
llm = llama_cpp.Llama(model_path=sys.argv[1], n_ctx=256, n_threads=int(sys.argv[2]), verbose=False)
print(llm.create_completion("你好", max_tokens=2, temperature=0)["usage"]["completion_tokens"])
"""


def smoke_test(path: Path, n_threads: int, python: str = sys.executable, timeout: float = 300) -> str:
    """Load ``path`` in a child process and generate two tokens; raises LLMUnavailable if that fails."""
    try:
        proc = subprocess.run([python, "-c", _SMOKE, str(path), str(n_threads)], capture_output=True,
                              text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise LLMUnavailable(f"{path.name}: llama.cpp test run took over {timeout:.0f}s",
                             "the machine may be overloaded; rerun `speechqa setup` later") from exc
    if proc.returncode == 0:
        return f"llama.cpp loads {path.name} and generates"
    if proc.returncode == -signal.SIGILL:
        raise LLMUnavailable(
            f"{path.name}: llama.cpp crashed with an illegal instruction (SIGILL); llama-cpp-python was "
            "built for CPU features this machine cannot run (often AMX inside a VM)",
            "rebuild it: CMAKE_ARGS='-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_AVX512=ON' "
            "pip install --force-reinstall --no-cache-dir --no-deps llama-cpp-python==0.3.36")
    tail = " | ".join((proc.stderr or proc.stdout).strip().splitlines()[-2:])
    raise LLMUnavailable(f"{path.name}: llama.cpp test run failed (exit {proc.returncode}): {tail}",
                         "run `make setup` (builds llama-cpp-python), or `speechqa setup --verify`")


_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


def to_llama_messages(messages: list[BaseMessage]) -> list[dict[str, str]]:
    """LangChain messages → llama.cpp/OpenAI chat dicts (text content only)."""
    out = []
    for msg in messages:
        role = _ROLES.get(msg.type)
        if role is None:
            raise BadRequest("messages", f"message type {msg.type!r} is not supported by the local backend",
                             "send only system, human and ai messages")
        out.append({"role": role, "content": msg.text})
    return out


class LlamaCppChat(BaseChatModel):
    """Chat model running a GGUF in this process through llama-cpp-python."""

    model_path: Path
    n_ctx: int = 4096
    n_threads: int = 2
    temperature: float = 0.0
    max_tokens: int = 384
    wait_s: float = 120.0  # how long a call may wait for the model held by another call

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-in-process"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": str(self.model_path), "n_ctx": self.n_ctx,
                "temperature": self.temperature, "max_tokens": self.max_tokens}

    def loaded(self) -> LoadedModel:
        """The shared ``Llama`` for this model (loads it on the first call)."""
        return load_model(self.model_path, self.n_ctx, self.n_threads)

    @contextmanager
    def _exclusive(self) -> Iterator[Any]:
        """The shared ``Llama``, held for one completion; prompt overflow becomes LLMUnavailable."""
        model = self.loaded()
        if not model.lock.acquire(timeout=self.wait_s):
            raise LLMBusy(f"{self.model_path.name}: still busy with another answer after {self.wait_s:.0f}s",
                          "retry in a moment")
        try:
            yield model.llama
        except ValueError as exc:
            if "context window" not in str(exc):
                raise
            raise LLMUnavailable(
                f"{self.model_path.name}: prompt too long for n_ctx={self.n_ctx} ({exc})",
                "ask a shorter question, lower SPEECHQA_K, or raise SPEECHQA_LLM_CTX") from exc
        finally:
            model.lock.release()

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any) -> dict:
        return {"messages": to_llama_messages(messages), "stop": stop or [],
                "temperature": kwargs.get("temperature", self.temperature),
                "max_tokens": kwargs.get("max_tokens", self.max_tokens)}

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        with self._exclusive() as llama:
            out = llama.create_chat_completion(**self._request(messages, stop, **kwargs))
        choice, usage = out["choices"][0], out.get("usage") or {}
        message = AIMessage(content=choice["message"].get("content") or "",
                            usage_metadata=_usage(usage) if usage else None)
        return ChatResult(generations=[ChatGeneration(
            message=message, generation_info={"finish_reason": choice.get("finish_reason")})])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        with self._exclusive() as llama:
            for part in llama.create_chat_completion(stream=True, **self._request(messages, stop, **kwargs)):
                choice = part["choices"][0]
                text = choice["delta"].get("content") or ""
                finish = choice.get("finish_reason")
                if not text and not finish:
                    continue  # the opening role-only delta
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=text),
                                            generation_info={"finish_reason": finish} if finish else None)
                if run_manager and text:
                    run_manager.on_llm_new_token(text, chunk=chunk)
                yield chunk


def _usage(usage: dict) -> dict[str, int]:
    return {"input_tokens": usage.get("prompt_tokens", 0), "output_tokens": usage.get("completion_tokens", 0),
            "total_tokens": usage.get("total_tokens", 0)}
