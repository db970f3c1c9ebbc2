"""`speechqa setup`: the JSON results and the refused model names (provisioning itself: tests/rag/test_provision.py)."""
from __future__ import annotations

import argparse
import json

import pytest

from ui.cli import setup


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    setup.register(parser.add_subparsers())
    return parser


def test_setup_command_prints_json(settings, tmp_path, capsys):
    args = _parser().parse_args(["setup", "--json"])
    s = settings.model_copy(update={"cache_dir": tmp_path / "cache", "llm": "extractive"})
    assert args.func(args, s) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["step"] for r in out] == ["tiktoken", "embedder", "llm"]
    assert out[0]["path"] == str(s.tiktoken_dir)


def test_setup_command_rejects_unknown_model():
    with pytest.raises(SystemExit):
        _parser().parse_args(["setup", "--llm-model", "gpt-5"])
