"""Shared fakes for answer-stage tests: a tiny in-memory index, retrieval over it,
scripted chat models, and real corpus documents read as one paragraph per line."""
from __future__ import annotations

import json
from pathlib import Path

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.outputs import ChatResult

from rag.errors import LLMBusy, LLMUnavailable
from rag.query import QueryPlan
from rag.text.normalize import bigrams
from rag.types import Document, Filters, Paragraph, Passage, chunk_id


def make_doc(doc_id: str, paragraphs: list[str], *, title: str = "", year: int | None = None,
             region: str | None = None, doc_type: str = "other", section: tuple[str, ...] = ()) -> Document:
    """A Document whose paragraphs are numbered 1..N."""
    paras = [Paragraph(doc_id, i, section, text) for i, text in enumerate(paragraphs, start=1)]
    return Document(doc_id=doc_id, source=f"{doc_id}.txt", paragraphs=paras, title=title or doc_id,
                    year=year, region=region, doc_type=doc_type)


def corpus_doc(corpus_dir: Path, rel_path: str) -> Document:
    """A real corpus file as a Document (non-empty lines = paragraphs, manifest metadata)."""
    row = next(r for r in map(json.loads, (corpus_dir / "manifest.jsonl").read_text("utf-8").splitlines())
               if r["file"] == rel_path)
    lines = [ln.strip() for ln in (corpus_dir / rel_path).read_text("utf-8").splitlines() if ln.strip()]
    return make_doc(rel_path.rsplit(".", 1)[0], lines, title=row["title"], year=row["year"],
                    region=row["region"], doc_type=row["doc_type"])


class FakeIndex:
    """The read side of rag.index.Index that the answer stage uses, in memory."""

    def __init__(self, docs: list[Document]) -> None:
        self.docs = {d.doc_id: d for d in docs}

    def documents(self) -> list[dict]:
        return [d.metadata() for d in self.docs.values()]

    def document(self, doc_id: str) -> Document | None:
        return self.docs.get(doc_id)

    def paragraph(self, doc_id: str, n: int) -> Paragraph | None:
        doc = self.docs.get(doc_id)
        return doc.paragraphs[n - 1] if doc and 1 <= n <= len(doc.paragraphs) else None

    def paragraphs(self, doc_id: str) -> list[Paragraph]:
        return list(self.docs[doc_id].paragraphs) if doc_id in self.docs else []

    def statements(self, **where) -> list:
        """No indicator ledger: answer-stage tests exercise the ordinary path (the ledger's own
        tests run on a real index)."""
        return []


def plan_for(question: str, **fields) -> QueryPlan:
    """A real QueryPlan that searches for ``question`` as it is (``fields`` override)."""
    return QueryPlan(question=question, query=question, **fields)


def fake_analyze(question: str, catalog_meta: list[dict], scope: Filters | None = None) -> QueryPlan:
    return plan_for(question)


def fake_condense(question: str, history: list) -> str:
    """Prefix the last user turn, enough for tests to see history reach retrieval."""
    last = history[-1] if history else ""
    return f"{last.get('content', '') if isinstance(last, dict) else last} {question}".strip()


def fake_retrieve(plan, index: FakeIndex, settings, filters: Filters | None = None) -> list[Passage]:
    """One hit per paragraph sharing a bigram with the question, best overlap first (top settings.k)."""
    question = plan.question
    qb = bigrams(question)
    hits = []
    for doc in index.docs.values():
        if filters and filters.year_from and (doc.year or 0) < filters.year_from:
            continue
        for p in doc.paragraphs:
            score = len(qb & bigrams(p.text)) / max(len(qb), 1)
            if score > 0:
                hits.append(Passage(chunk_id(doc.doc_id, p.n, p.n), doc.doc_id, (p.n,), p.text, score,
                                source=doc.source, metadata=doc.metadata()))
    hits.sort(key=lambda h: -h.score)
    return hits[: settings.k]


class RecordingChat(FakeListChatModel):
    """A scripted chat model (one response per call, streamed a character at a time)
    that records the messages it was sent."""

    seen: list = []

    def _call(self, messages, stop=None, run_manager=None, **kwargs) -> str:
        self.seen.append(messages)
        return super()._call(messages, stop, run_manager, **kwargs)

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        self.seen.append(messages)
        yield from super()._stream(messages, stop, run_manager, **kwargs)


def scripted(*responses: str) -> RecordingChat:
    """A chat model answering with ``responses`` in turn, recording its prompts in ``.seen``."""
    return RecordingChat(responses=list(responses), seen=[])


class FailingChatModel(BaseChatModel):
    """A backend that is unavailable (or busy) when called."""

    busy: bool = False

    @property
    def _llm_type(self) -> str:
        return "failing"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        if self.busy:
            raise LLMBusy("the LLM queue is full", "retry in a few seconds")
        raise LLMUnavailable("the fake backend is down", "start it")
