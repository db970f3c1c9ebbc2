"""`speechqa serve` argument handling and the refusals that happen before anything is served."""
from __future__ import annotations

from ui.cli import build_parser, main


def test_serve_flags_map_onto_settings():
    args = build_parser().parse_args(["serve", "--host", "127.0.0.2", "--port", "7999", "--index", "/tmp/x",
                                      "--llm", "extractive", "--ingest", "a", "--ingest", "b"])
    assert (args.host, args.port, str(args.index_dir), args.llm) == ("127.0.0.2", 7999, "/tmp/x", "extractive")
    assert [str(p) for p in args.ingest] == ["a", "b"]


def test_public_bind_without_token_exits_with_a_clear_message(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("SPEECHQA_API_TOKEN", raising=False)
    code = main(["serve", "--host", "0.0.0.0", "--index", str(tmp_path / "i"), "--embedder", "hash"])
    err = capsys.readouterr().err
    assert code == 2 and "without an API token" in err and "SPEECHQA_API_TOKEN" in err


def test_missing_index_or_ingest_path_exits_with_hints(tmp_path, capsys):
    code = main(["serve", "--index", str(tmp_path / "none"), "--embedder", "hash"])
    assert code == 3 and "speechqa ingest" in capsys.readouterr().err
    code = main(["serve", "--index", str(tmp_path / "i"), "--embedder", "hash", "--ingest", str(tmp_path / "nope")])
    err = capsys.readouterr().err
    assert code == 2 and "no such file or directory" in err and not (tmp_path / "i").exists()
