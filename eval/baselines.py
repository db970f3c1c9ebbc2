"""The systems an evaluation compares, behind one small interface.

* ``full``  — our system: hybrid retrieval + the answer stage (verification, citations).
* ``bm25``  — the same pipeline with only our lexical retriever (dense returns nothing).
* ``dense`` — the same pipeline with only our dense retriever (lexical returns nothing).
* ``naive`` — a textbook LangChain RAG: ``RecursiveCharacterTextSplitter(1000, 200)``
  over the raw documents, ``langchain_chroma.Chroma`` top-k with our embedder, no
  BM25, no verification, no paragraph citations; the answer is the configured LLM
  with a plain prompt, or (extractive) the top chunk's best sentence.
"""
from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.config import Settings
from rag.text.sentences import TERMINATORS
from rag.types import Answer, RetrievedChunk, doc_id_for

Ranked = list[tuple[str, str]]
SYSTEMS = ("naive", "bm25", "dense", "full")
_SENTENCE = re.compile(rf"[^{TERMINATORS}\n]+[{TERMINATORS}]?")
_REFUSAL = ("没有相关信息", "没有找到", "无法回答", "未提及", "没有提及", "无法确定")
NAIVE_PROMPT = "请根据以下资料回答问题。如果资料中没有答案，请回答“资料中没有相关信息”。\n\n资料：\n{context}\n\n问题：{question}\n回答："


@dataclass
class System:
    """``rank(question, n)`` gives the top-n chunks as ``(doc_id, text)``;
    ``ask(question)`` gives the system's full ``Answer``. Both take ``history=`` (the
    earlier questions of a conversation) for a conversation's later turns."""

    name: str
    rank: Callable[[str, int], Ranked]
    ask: Callable[[str], Answer]


class OneRetrieverIndex:
    """An ``Index`` view whose other retriever finds nothing, so fusion ranks by one list."""

    def __init__(self, index: Any, keep: str) -> None:
        self._index = index
        self._keep = keep

    def __getattr__(self, name: str) -> Any:
        return getattr(self._index, name)

    def dense_search(self, query: str, k: int, filters: Any = None) -> list[tuple[str, float]]:
        return self._index.dense_search(query, k, filters) if self._keep == "dense" else []

    def lexical_search(self, query: str, k: int, filters: Any = None) -> list[tuple[str, float]]:
        return self._index.lexical_search(query, k, filters) if self._keep == "lexical" else []


def pipeline_system(name: str, settings: Settings, index: Any) -> System:
    """Our retrieval + answer stage over ``index`` (full, or a one-retriever view).

    The answer stage resolves the configured LLM itself (the local model is loaded
    once per process) and falls back to extractive answers when it is unavailable.
    """
    from rag.answer import answer
    from rag.retrieve import retrieve

    from rag.followup import condense

    def rank(question: str, n: int, history: list | None = None) -> Ranked:
        standalone = condense(question, history) if history else question
        hits = retrieve(standalone, index, settings.model_copy(update={"k": n}), None)
        return [(h.doc_id, h.text) for h in hits]

    def ask(question: str, history: list | None = None) -> Answer:
        return answer(question, settings, index, history=history or None)

    return System(name, rank, ask)


def best_sentence(question: str, text: str) -> str:
    """The sentence of ``text`` sharing the most character bigrams with the question."""
    grams = {question[i:i + 2] for i in range(len(question) - 1)}
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()] or [text.strip()]
    return max(sentences, key=lambda s: sum(1 for i in range(len(s) - 1) if s[i:i + 2] in grams))


def looks_refused(text: str) -> bool:
    """Whether a free-text answer declines to answer."""
    return any(marker in text for marker in _REFUSAL)


class NaiveRAG:
    """LangChain's textbook RAG over the raw documents of an index, persisted under ``persist_dir``."""

    def __init__(self, settings: Settings, index: Any, persist_dir: Path, llm: Any = None) -> None:
        import chromadb
        from langchain_chroma import Chroma

        self.settings, self.llm = settings, llm
        sources = sorted(d["source"] for d in index.documents())
        name = _collection(index.embedder.name, sources)
        client = chromadb.PersistentClient(path=str(persist_dir),
                                           settings=chromadb.config.Settings(anonymized_telemetry=False))
        done = Path(persist_dir) / f"{name}.done"
        if not done.is_file() and name in {c.name for c in client.list_collections()}:
            client.delete_collection(name)  # a build that was interrupted: start it over
        self.store = Chroma(collection_name=name, embedding_function=index.embedder, client=client,
                            collection_metadata={"hnsw:space": "cosine"})
        if not done.is_file():
            self._build(sources)
            done.touch()

    def _build(self, sources: list[str]) -> None:
        from ingest.loaders import load_text
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        for source in sources:
            pieces = splitter.split_text(load_text(Path(self.settings.corpus_dir) / source))
            meta = {"source": source, "doc_id": doc_id_for(source)}
            for start in range(0, len(pieces), self.settings.embed_batch):
                batch = pieces[start:start + self.settings.embed_batch]
                ids = [f"{source}#{start + i}" for i in range(len(batch))]
                self.store.add_texts(batch, metadatas=[meta] * len(batch), ids=ids)

    def search(self, question: str, n: int) -> list[RetrievedChunk]:
        """Top-n chunks by cosine similarity."""
        found = self.store.similarity_search_with_score(question, k=n)
        return [RetrievedChunk(chunk_id=f"naive:{doc.metadata['source']}:{i}", doc_id=doc.metadata["doc_id"],
                               source=doc.metadata["source"], paragraphs=[], text=doc.page_content,
                               score=1.0 - float(dist))
                for i, (doc, dist) in enumerate(found)]

    def ask(self, question: str) -> Answer:
        """Retrieve top-k, then answer with a plain prompt (or the top chunk's best sentence)."""
        start = time.perf_counter()
        chunks = self.search(question, self.settings.k)
        retrieved = time.perf_counter()
        if self.llm is None:
            text, name = (best_sentence(question, chunks[0].text) if chunks else ""), "extractive (naive)"
        else:
            context = "\n\n".join(c.text for c in chunks)
            text = str(self.llm.invoke(NAIVE_PROMPT.format(context=context, question=question)).content)
            name = f"{self.settings.llm} (naive)"
        done = time.perf_counter()
        return Answer(question=question, answer=text, refused=looks_refused(text), retrieval=chunks, llm=name,
                      timings_ms={"retrieve": (retrieved - start) * 1000, "generate": (done - retrieved) * 1000,
                                  "total": (done - start) * 1000})


def _collection(embedder_name: str, sources: list[str]) -> str:
    """One collection per embedder and document set, so a changed corpus is rebuilt, not mixed."""
    digest = hashlib.sha256("\n".join([embedder_name, *sources]).encode()).hexdigest()[:16]
    return f"naive-{digest}"


def build_systems(names: tuple[str, ...], settings: Settings, index: Any, out_dir: Path, *,
                  with_llm: bool = True) -> list[System]:
    """The named systems, sharing one index, embedder and configured LLM."""
    systems = []
    for name in names:
        if name == "naive":
            from rag.llm import get_chat_model

            llm = get_chat_model(settings) if with_llm else None
            naive = NaiveRAG(settings, index, Path(out_dir) / "naive_index", llm)
            # The textbook baseline has no conversation state: a follow-up is searched as typed.
            systems.append(System(name, lambda q, n, history=None, rag=naive: [(c.doc_id, c.text)
                                                                               for c in rag.search(q, n)],
                                  lambda q, history=None, rag=naive: rag.ask(q)))
        else:
            view = index if name == "full" else OneRetrieverIndex(index, "lexical" if name == "bm25" else "dense")
            systems.append(pipeline_system(name, settings, view))
    return systems
