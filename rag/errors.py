"""The SpeechQA error family.

Every error carries a message that says what went wrong and a hint that says what
to do next. Only the edges (CLI, HTTP API, Gradio UI) catch these and turn them
into exit codes, HTTP statuses or ``gr.Error``.
"""
from __future__ import annotations


class SpeechQAError(Exception):
    """Base class. ``hint`` tells the user what to do next."""

    exit_code = 1
    http_status = 500

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message

    @property
    def kind(self) -> str:
        """The error's public name in API bodies (``error``/``type``): its class name by default."""
        return type(self).__name__

    def to_dict(self) -> dict:
        return {"error": self.kind, "message": self.message, "hint": self.hint}


class ConfigError(SpeechQAError):
    """A setting is missing or invalid."""

    exit_code = 2
    http_status = 500


class IndexNotFound(SpeechQAError):
    """No index exists at the configured location."""

    exit_code = 3
    http_status = 503


class IndexMismatch(SpeechQAError):
    """The index was built with other settings (embedding model, chunking)."""

    exit_code = 4
    http_status = 409


class BadDocument(SpeechQAError):
    """A file could not be read or parsed. ``path`` names it."""

    exit_code = 5
    http_status = 422

    def __init__(self, path: str, message: str, hint: str = "") -> None:
        super().__init__(f"{path}: {message}", hint)
        self.path = path
        self.reason = message


class BadRequest(SpeechQAError):
    """A question or request field is invalid. ``field`` names it."""

    exit_code = 2
    http_status = 422

    def __init__(self, field: str, message: str, hint: str = "") -> None:
        super().__init__(f"{field}: {message}", hint)
        self.field = field


class ModelNotProvisioned(SpeechQAError):
    """A model file is missing or fails its checksum."""

    exit_code = 6
    http_status = 503


class LLMUnavailable(SpeechQAError):
    """The configured LLM backend cannot be reached or loaded."""

    exit_code = 7
    http_status = 503


class LLMBusy(SpeechQAError):
    """The LLM queue is full; retry later."""

    exit_code = 8
    http_status = 503

    def __init__(self, message: str, hint: str = "", retry_after: int = 10) -> None:
        super().__init__(message, hint)
        self.retry_after = retry_after


class QueueFull(LLMBusy):
    """No place left in the LLM's queue. Unlike a busy model, this is never answered by falling back
    to extractive: the edge answers 503 + Retry-After, so clients back off instead of piling on."""

    kind = "LLMBusy"  # clients see one busy error, whatever is busy
