"""The in-process llama.cpp backend: a LangChain chat model over ``llama_cpp.Llama``.

One ``Llama`` per (model path, context, threads) is loaded lazily and kept for
the life of the process; loading a 1 GB GGUF takes seconds and the weights are
memory-mapped, so every ``LlamaCppChat`` pointing at the same file shares it.
A ``Llama`` is not re-entrant, so each one has a lock held for a whole
completion (including a stream, until it is exhausted or closed).
"""
from __future__ import annotations

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

from rag.errors import LLMUnavailable


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


_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


def to_llama_messages(messages: list[BaseMessage]) -> list[dict[str, str]]:
    """LangChain messages → llama.cpp/OpenAI chat dicts (text content only)."""
    out = []
    for msg in messages:
        role = _ROLES.get(msg.type)
        if role is None:
            raise LLMUnavailable(f"message type {msg.type!r} is not supported by the local backend",
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

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any) -> dict:
        return {"messages": to_llama_messages(messages), "stop": stop or [],
                "temperature": kwargs.get("temperature", self.temperature),
                "max_tokens": kwargs.get("max_tokens", self.max_tokens)}

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        model = self.loaded()
        with model.lock, _context_errors(self):
            out = model.llama.create_chat_completion(**self._request(messages, stop, **kwargs))
        choice, usage = out["choices"][0], out.get("usage") or {}
        message = AIMessage(content=choice["message"].get("content") or "",
                            usage_metadata=_usage(usage) if usage else None)
        return ChatResult(generations=[ChatGeneration(
            message=message, generation_info={"finish_reason": choice.get("finish_reason")})])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        model = self.loaded()
        with model.lock, _context_errors(self):
            for part in model.llama.create_chat_completion(stream=True, **self._request(messages, stop, **kwargs)):
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


@contextmanager
def _context_errors(chat: LlamaCppChat) -> Iterator[None]:
    """Turn llama.cpp's 'prompt exceeds the context window' ValueError into LLMUnavailable."""
    try:
        yield
    except ValueError as exc:
        if "context window" not in str(exc):
            raise
        raise LLMUnavailable(
            f"{chat.model_path.name}: prompt too long for n_ctx={chat.n_ctx} ({exc})",
            "ask a shorter question, lower SPEECHQA_K, or raise SPEECHQA_LLM_CTX") from exc
