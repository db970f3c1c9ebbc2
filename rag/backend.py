"""The answering backend, chosen once per request at the edge: a label, an optional LCEL
generator (``PROMPT | model | StrOutputParser()``), and which errors fall back to extractive.

``choose_backend(settings, requested, model)`` makes one. The answer path
(``rag.answer``) applies the fallback policy: an error in ``Backend.fallback_on``
while drafting replaces the draft by the extractive one and ``Backend.fallback``
names it, e.g. ``extractive (fallback: local unavailable)``. A backend that cannot
even be created (no model file) is that fallback from the start.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable

from rag.config import BACKENDS, EXTRACTIVE, Settings
from rag.errors import BadRequest, LLMBusy, LLMUnavailable
from rag.prompts import PROMPT

# What an LLM failing to answer raises; by default the answer is then extractive.
FALLBACK_ON: tuple[type[Exception], ...] = (LLMUnavailable, LLMBusy)


@dataclass(frozen=True)
class Backend:
    """How drafts are written: ``model`` (None = extractive), named ``label`` in ``Answer.llm``."""

    label: str
    model: BaseChatModel | None = None
    fallback_on: tuple[type[Exception], ...] = FALLBACK_ON
    generator: Runnable | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if self.model is not None:
            object.__setattr__(self, "generator", PROMPT | self.model | StrOutputParser())

    def draft(self, prompt_vars: dict[str, Any]) -> str:
        """The whole LLM draft for the prompt variables (``question``, ``context``)."""
        return self.generator.invoke(prompt_vars)

    def stream(self, prompt_vars: dict[str, Any]) -> Iterator[str]:
        """The LLM draft token by token."""
        return self.generator.stream(prompt_vars)

    def fallback(self, exc: Exception) -> "Backend":
        """The extractive backend that answers instead when this one failed with ``exc``."""
        return Backend(fallback_label(self.label, exc))


def fallback_label(label: str, exc: Exception) -> str:
    """How the answer names an extractive fallback, e.g. 'extractive (fallback: local unavailable)'."""
    backend = label.split("/")[0]
    why = "busy" if isinstance(exc, LLMBusy) else "unavailable"
    return f"{EXTRACTIVE} (fallback: {backend} {why})"


def choose_backend(settings: Settings, requested: str | None = None, model: BaseChatModel | None = None, *,
                   fallback_on: tuple[type[Exception], ...] = FALLBACK_ON) -> Backend:
    """The backend for one request: ``model`` if given (the server's shared model, tests),
    else ``requested`` (a name in ``BACKENDS``) or ``settings.llm``. The LLM client libraries
    are imported only for a non-extractive backend."""
    if model is not None:
        from rag.llm import describe

        label = describe(settings) if settings.llm != EXTRACTIVE else f"custom/{model._llm_type}"
        return Backend(label, model, fallback_on)
    chosen = settings if requested in (None, settings.llm) else _with_backend(settings, requested)
    if chosen.llm == EXTRACTIVE:
        return Backend(EXTRACTIVE)
    from rag.llm import describe, get_chat_model

    label = describe(chosen)
    try:
        return Backend(label, get_chat_model(chosen), fallback_on)
    except fallback_on as exc:
        return Backend(label).fallback(exc)


def _with_backend(settings: Settings, backend: str) -> Settings:
    if backend not in BACKENDS:
        raise BadRequest("llm", f"unknown backend {backend!r}", f"use {', '.join(BACKENDS[:-1])} or {BACKENDS[-1]}")
    return settings.model_copy(update={"llm": backend})
