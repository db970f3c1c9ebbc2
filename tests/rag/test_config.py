"""Settings: building them is pure; apply_process_environment sets the offline variables."""
from __future__ import annotations

import os

import pytest

from rag.config import OFFLINE_ENVIRONMENT, apply_process_environment, load_settings
from rag.errors import ConfigError

VARIABLES = (*OFFLINE_ENVIRONMENT, "TIKTOKEN_CACHE_DIR")


@pytest.fixture
def clean_environment(monkeypatch):
    """The process environment without any of the variables (monkeypatch restores them)."""
    for key in VARIABLES:
        monkeypatch.delenv(key, raising=False)


def test_load_settings_leaves_the_environment_alone(clean_environment, tmp_path):
    before = dict(os.environ)
    load_settings(cache_dir=tmp_path, embedder="hash")
    assert dict(os.environ) == before


def test_apply_sets_every_variable_and_keeps_exported_ones(clean_environment, monkeypatch, tmp_path):
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", "/elsewhere")
    settings = load_settings(cache_dir=tmp_path, embedder="hash")
    apply_process_environment(settings)
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"
    assert os.environ["OMP_WAIT_POLICY"] == "ACTIVE"  # the user's choice wins
    assert os.environ["TIKTOKEN_CACHE_DIR"] == str(settings.tiktoken_dir)  # always the provisioned files


def test_invalid_settings_name_the_field_not_the_value(monkeypatch):
    monkeypatch.setenv("SPEECHQA_OPENAI_API_KEY", "sk-secret")
    with pytest.raises(ConfigError, match="chunk_tokens") as info:
        load_settings(chunk_tokens=1)
    assert "sk-secret" not in str(info.value)
