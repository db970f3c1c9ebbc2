"""BM25 (bm25s format, built streamed by ``rag.bm25``) over search-normalised text: CJK
unigrams + bigrams and ASCII words.

The index is rebuilt from the catalog after every ingest (seconds for the whole
corpus) and saved under ``<index_dir>/lexical`` with the chunk id order and the
catalog generation it was built from; a reader whose catalog generation differs
rebuilds instead of trusting a stale file.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

import bm25s
import numpy as np

from rag.bm25 import bm25_scores, build_bm25, top_k
from rag.text.normalize import normalize_for_search

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
_JIEBA_WORD = re.compile(r"[\w\u3400-\u9fff]")


def tokenize(text: str, tokenizer: str = "bigram") -> list[str]:
    """Search tokens of ``text``: 'bigram' (CJK unigrams+bigrams, ASCII words) or 'jieba' words."""
    return tokenize_normalized(normalize_for_search(text), tokenizer)


def tokenize_normalized(norm: str, tokenizer: str = "bigram") -> list[str]:
    """``tokenize`` for text already passed through ``normalize_for_search``."""
    if tokenizer == "jieba":
        import jieba  # imported lazily: loading its dictionary takes a second

        return [w for w in jieba.lcut_for_search(norm) if _JIEBA_WORD.search(w)]
    tokens: list[str] = []
    for run in _CJK_RUN.findall(norm):
        tokens.extend(run)
        tokens.extend(run[i:i + 2] for i in range(len(run) - 1))
    tokens.extend(_ASCII_WORD.findall(norm))
    return tokens


class LexicalIndex:
    """A BM25 model plus the chunk id of each of its rows."""

    def __init__(self, ids: list[str], model: bm25s.BM25 | None, tokenizer: str, generation: int) -> None:
        self.ids = ids
        self.model = model
        self.tokenizer = tokenizer
        self.generation = generation
        self._row = {cid: i for i, cid in enumerate(ids)}
        self._terms: frozenset[str] | None = None

    @classmethod
    def build(cls, items: Iterable[tuple[str, str]], tokenizer: str, generation: int) -> "LexicalIndex":
        """Index ``(chunk_id, normalised text)`` pairs in order (consumed once, streamed)."""
        ids: list[str] = []

        def token_lists() -> Iterator[list[str]]:
            for cid, text in items:
                ids.append(cid)
                yield tokenize_normalized(text, tokenizer)

        model = build_bm25(token_lists())
        return cls(ids, model if ids else None, tokenizer, generation)

    def save(self, directory: Path) -> None:
        """Write atomically: a temp dir swapped in, so a crash leaves the old or the new index."""
        directory = Path(directory)
        tmp = directory.with_name(f"{directory.name}.tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.model is not None:
            self.model.save(str(tmp / "bm25"), show_progress=False)
        stamp = {"generation": self.generation, "tokenizer": self.tokenizer, "ids": self.ids}
        (tmp / "ids.json").write_text(json.dumps(stamp, ensure_ascii=False), encoding="utf-8")
        old = directory.with_name(f"{directory.name}.old-{os.getpid()}")
        if directory.exists():
            os.replace(directory, old)
        os.replace(tmp, directory)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path) -> "LexicalIndex | None":
        """The saved index, or None when there is none, or it was swapped out while reading."""
        stamp_path = Path(directory) / "ids.json"
        try:
            stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
            model = bm25s.BM25.load(str(Path(directory) / "bm25"), show_progress=False) if stamp["ids"] else None
            # A writer may have swapped in a newer index between the two reads.
            if json.loads(stamp_path.read_text(encoding="utf-8"))["generation"] != stamp["generation"]:
                return None
        except (OSError, ValueError, KeyError):
            return None
        return cls(stamp["ids"], model, stamp["tokenizer"], int(stamp["generation"]))

    def terms(self) -> frozenset[str]:
        """Every token the corpus holds (computed once): what a question's words can match at all."""
        if self._terms is None:
            self._terms = frozenset(self.model.vocab_dict) if self.model is not None else frozenset()
        return self._terms

    def search(self, query: str, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """Top ``k`` (chunk_id, score) with score > 0; only ids in ``allowed`` when given."""
        if self.model is None:
            return []
        token_ids = self.model.get_tokens_ids(tokenize(query, self.tokenizer))
        if not token_ids:
            return []
        scores = bm25_scores(self.model, token_ids)
        if allowed is not None:
            mask = np.zeros(len(self.ids), dtype=bool)
            mask[[self._row[c] for c in allowed if c in self._row]] = True
            scores = np.where(mask, scores, 0.0)
        return [(self.ids[i], float(scores[i])) for i in top_k(scores, k)]
