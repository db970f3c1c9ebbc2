import hashlib
import os
import subprocess
import sys

from rag.tokens import EXPECTED_SHA256, cache_path, cl100k, provision_tiktoken


def test_provision_writes_hash_checked_files_idempotently(tmp_path):
    paths = provision_tiktoken(tmp_path)
    assert [p.name for p in paths] == [cache_path(tmp_path, n).name for n in ("cl100k_base", "o200k_base")]
    for path, name in zip(paths, ("cl100k_base", "o200k_base")):
        assert hashlib.sha256(path.read_bytes()).hexdigest() == EXPECTED_SHA256[name]
    mtimes = [p.stat().st_mtime_ns for p in paths]
    provision_tiktoken(tmp_path)
    assert [p.stat().st_mtime_ns for p in paths] == mtimes


def test_corrupt_cache_file_is_replaced(tmp_path):
    target = cache_path(tmp_path, "cl100k_base")
    target.write_bytes(b"garbage")
    provision_tiktoken(tmp_path, ("cl100k_base",))
    assert hashlib.sha256(target.read_bytes()).hexdigest() == EXPECTED_SHA256["cl100k_base"]


def test_cl100k_counts_chinese_tokens(tmp_path):
    enc = cl100k(tmp_path)
    ids = enc.encode("2022年全区生产总值增长6.5%左右。")
    assert 8 < len(ids) < 40
    assert enc.decode(ids) == "2022年全区生产总值增长6.5%左右。"


def test_stock_tiktoken_works_offline_from_the_cache(tmp_path):
    provision_tiktoken(tmp_path)
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(tmp_path), "HTTPS_PROXY": "http://127.0.0.1:9"}
    code = "import tiktoken; print(len(tiktoken.get_encoding('cl100k_base').encode('政府工作报告')))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) > 0


def test_cl100k_never_touches_the_network(tmp_path, monkeypatch):
    """The blob URL in rag/tokens.py only names the cache file; building the encoding fetches nothing."""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("rag.tokens tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    cl100k.cache_clear()
    assert cl100k(tmp_path / "fresh").encode("政府工作报告")
