"""Shared fixtures: the real corpus by path, and settings that point into tmp_path."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from rag.config import apply_process_environment, load_settings

# The test session is an entry point: the offline variables are set once, before any
# test imports Hugging Face, Gradio or Chroma (fixtures' load_settings has no side effects).
apply_process_environment(load_settings())

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SPEECHQA_SHARED_DIR", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The real corpus (../shared/corpus). Tests read it by path; it is never copied."""
    path = SHARED / "corpus"
    assert (path / "manifest.jsonl").is_file(), f"expected the shared corpus at {path}"
    return path


@pytest.fixture(scope="session")
def qa_dir() -> Path:
    """Third-party QA sets (../shared/qa), read by path."""
    path = SHARED / "qa"
    assert path.is_dir(), f"expected the shared QA sets at {path}"
    return path


@pytest.fixture
def settings(tmp_path: Path, corpus_dir: Path):
    """Settings with a fresh index in tmp_path and the fast hash embedder."""
    return load_settings(index_dir=tmp_path / "index", corpus_dir=corpus_dir, embedder="hash",
                         llm="extractive")
