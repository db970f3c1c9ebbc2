"""Request bodies of the HTTP API (responses reuse ``rag.types.Answer``)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from rag.config import LLMBackend
from rag.types import Filters


class FiltersIn(BaseModel):
    """Metadata filters; omitted or empty fields mean no constraint."""

    year_from: int | None = Field(None, ge=1900, le=2100)
    year_to: int | None = Field(None, ge=1900, le=2100)
    doc_types: list[str] = Field(default_factory=list, max_length=20)
    regions: list[str] = Field(default_factory=list, max_length=50)
    speakers: list[str] = Field(default_factory=list, max_length=50)
    doc_ids: list[str] = Field(default_factory=list, max_length=200)

    def to_filters(self) -> Filters:
        """The retrieval ``Filters`` these stand for."""
        return Filters(year_from=self.year_from, year_to=self.year_to, doc_types=tuple(self.doc_types),
                       regions=tuple(self.regions), speakers=tuple(self.speakers), doc_ids=tuple(self.doc_ids))


class Turn(BaseModel):
    """One earlier message of the conversation."""

    role: Literal["user", "assistant"]
    content: str = Field(max_length=20000)


class AnswerRequest(BaseModel):
    """POST /api/answer and /api/answer/stream."""

    question: str = Field(min_length=1, examples=["2024年和2025年的国内生产总值增长目标分别是多少？"])
    history: list[Turn] = Field(default_factory=list, max_length=40)
    filters: FiltersIn | None = None
    mode: Literal["answer", "quote"] = Field("answer", description="'answer', or 'quote' for verbatim cited sentences (原文引用).")
    llm: LLMBackend | None = Field(
        None, description="Backend for this request; default: the server's LLM once loaded, else extractive.")

    def call_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``Runtime.answer`` / ``Runtime.stream``."""
        filters = self.filters.to_filters() if self.filters else None
        return {"history": [t.model_dump() for t in self.history] or None,
                "filters": None if filters is None or filters.is_empty() else filters,
                "mode": self.mode, "llm": self.llm}


class ChatMessage(BaseModel):
    """An OpenAI chat message; content may be a string or a list of typed parts."""

    role: str
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        """The message's text (text parts joined)."""
        if isinstance(self.content, list):
            return "".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    """POST /v1/chat/completions (the subset SpeechQA honours; other fields are ignored)."""

    model: str = "speechqa"
    messages: list[ChatMessage] = Field(min_length=1, max_length=80)
    stream: bool = False

    model_config = {"extra": "ignore"}
