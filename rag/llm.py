"""The answer stage's chat model: local llama.cpp, an OpenAI-compatible server, or none.

``get_chat_model(settings)`` returns a LangChain ``BaseChatModel`` (``None`` for
the extractive backend); ``describe(settings)`` names it for answers and logs.
The local model file is checked here (cheaply: size + stamp) but loaded lazily
on the first call. The OpenAI key stays a ``SecretStr``: it is never part of a
description, repr or error message.
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_openai import ChatOpenAI

from rag.config import EXTRACTIVE, OPENAI, Settings
from rag.errors import LLMBusy, LLMUnavailable
from rag.llm_local import LlamaCppChat
from rag.provision import local_model_path, model_spec

# Servers without authentication (llama.cpp server, vLLM) still need a non-empty key.
_NO_KEY = "not-needed"


def describe(settings: Settings) -> str:
    """A short, secret-free name of the configured LLM, e.g. ``local/qwen2.5-coder-1.5b-instruct-q4_k_m``."""
    if settings.llm == EXTRACTIVE:
        return EXTRACTIVE
    if settings.llm == OPENAI:
        return f"openai/{settings.openai_model}"
    path = settings.llm_model_path or (settings.models_dir / model_spec(settings.local_model).filename)
    return f"local/{Path(path).stem}"


def get_chat_model(settings: Settings) -> BaseChatModel | None:
    """The chat model for ``settings.llm``; None means extractive answers (no LLM)."""
    if settings.llm == EXTRACTIVE:
        return None
    if settings.llm == OPENAI:
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else _NO_KEY
        return GuardedChatOpenAI(base_url=settings.openai_base_url, model=settings.openai_model,
                                 api_key=key, timeout=settings.llm_timeout_s, max_retries=1,
                                 temperature=0.0, max_tokens=settings.llm_max_tokens,
                                 # compatible servers speak /chat/completions, not /responses
                                 use_responses_api=False)
    return LlamaCppChat(model_path=local_model_path(settings), n_ctx=settings.llm_ctx,
                        n_threads=settings.llm_threads, max_tokens=settings.llm_max_tokens,
                        wait_s=settings.llm_timeout_s)


class GuardedChatOpenAI(ChatOpenAI):
    """``ChatOpenAI`` whose transport and HTTP errors become ``LLMUnavailable`` / ``LLMBusy``."""

    def _get_request_payload(self, *args: Any, **kwargs: Any) -> dict:
        payload = super()._get_request_payload(*args, **kwargs)
        # OpenAI renamed the limit; compatible servers (DeepSeek, llama.cpp, vLLM) document max_tokens.
        if "max_completion_tokens" in payload:
            payload["max_tokens"] = payload.pop("max_completion_tokens")
        return payload

    def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
        with _openai_errors(self):
            return super()._generate(*args, **kwargs)

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        with _openai_errors(self):
            yield from super()._stream(*args, **kwargs)

    async def _agenerate(self, *args: Any, **kwargs: Any) -> ChatResult:
        with _openai_errors(self):
            return await super()._agenerate(*args, **kwargs)

    async def _astream(self, *args: Any, **kwargs: Any) -> AsyncIterator[ChatGenerationChunk]:
        with _openai_errors(self):
            async for chunk in super()._astream(*args, **kwargs):
                yield chunk


@contextmanager
def _openai_errors(chat: ChatOpenAI) -> Iterator[None]:
    import openai

    try:
        yield
    except openai.RateLimitError as exc:
        raise LLMBusy(_scrub(f"{_where(chat)} is rate-limiting requests: {exc}", chat),
                      "retry in a few seconds") from None
    except (openai.APIConnectionError, openai.APIStatusError) as exc:
        raise LLMUnavailable(_scrub(f"{_where(chat)} failed: {type(exc).__name__}: {exc}", chat),
                             "check SPEECHQA_OPENAI_BASE_URL, the API key and that the server is up, "
                             "or set SPEECHQA_LLM=extractive") from None


def _where(chat: ChatOpenAI) -> str:
    return f"OpenAI-compatible LLM {chat.model_name!r} at {chat.openai_api_base}"


def _scrub(text: str, chat: ChatOpenAI) -> str:
    """Remove the API key from a message, should a server ever echo it back."""
    key = chat.openai_api_key.get_secret_value() if chat.openai_api_key else ""
    return text.replace(key, "***") if key and key != _NO_KEY else text
