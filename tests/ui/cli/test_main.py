"""The dispatcher: every command registered, no silent skipping, the environment applied once."""
from __future__ import annotations

import pytest

import ui.cli
from ui.cli import build_parser, main

DISTRICT = "district_speeches/district_party_secretary_econ_work_2022.txt"


def test_every_command_is_registered_in_order():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert tuple(sub.choices) == ui.cli.COMMANDS == ("setup", "parse", "ingest", "ask", "eval", "serve")


def test_a_missing_command_module_is_an_import_error(monkeypatch):
    monkeypatch.setattr(ui.cli, "COMMANDS", (*ui.cli.COMMANDS, "no_such_command"))
    with pytest.raises(ModuleNotFoundError, match="ui.cli.no_such_command"):
        build_parser()


def test_eval_runs_a_set_without_a_subcommand_and_validates_with_one():
    from ui.cli import eval as eval_command
    from ui.cli import validate

    args = build_parser().parse_args(["eval", "--set", "x.jsonl", "--llm", "extractive", "--compare"])
    assert args.func is eval_command.run and args.set == "x.jsonl" and args.compare
    args = build_parser().parse_args(["eval", "validate", "x.jsonl", "--corpus", "c"])
    assert args.func is validate.run and str(args.set_path) == "x.jsonl" and str(args.corpus_dir) == "c"


def test_main_applies_the_process_environment_once_with_the_settings(corpus_dir, monkeypatch, capsys):
    applied = []
    monkeypatch.setattr(ui.cli, "apply_process_environment", applied.append)
    assert main(["parse", str(corpus_dir / DISTRICT), "--corpus", str(corpus_dir), "--json"]) == 0
    [settings] = applied
    assert settings.corpus_dir == corpus_dir
    assert capsys.readouterr().out.startswith("{")


def test_bad_settings_exit_with_the_config_error_code(monkeypatch, capsys):
    monkeypatch.setenv("SPEECHQA_CHUNK_TOKENS", "1")
    assert main(["parse", "x.txt"]) == 2
    assert "chunk_tokens" in capsys.readouterr().err
