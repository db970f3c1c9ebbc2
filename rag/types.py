"""The one document model that carries stable ids through every stage.

``Document`` → ``Paragraph(doc_id, n, section, text)`` → ``Chunk(chunk_id, doc_id,
paragraphs, text, meta)``. The same ids appear in Chroma, the lexical index,
retrieval results, citations and evaluation reports.

* ``doc_id`` is the file's path relative to the ingested root, without its
  extension, with ``/`` separators (``national_gwr/cn_gwr_2025``).
* A paragraph's anchor is ``f"{doc_id}#{n}"``; ``n`` runs 1..N per document.
* A chunk id is ``f"{doc_id}#{first}-{last}"``, plus ``.{part}`` when one long
  paragraph is split into several chunks (``…#12-12.2``).

Ids are made and parsed only here (``doc_id_for``, ``anchor``/``parse_anchor``,
``chunk_id``/``parse_chunk_id``). One retrieved chunk is one ``Passage`` from
retrieval to the answer; ``Evidence`` is one paragraph of a passage, the unit that
prompts, extractive answers and verification work on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, Field

from rag.text.normalize import bigrams, norm
from rag.text.numerals import Number, extract_numbers
from rag.text.recognizers import is_instruction
from rag.text.sentences import sentence_spans
from rag.text.years import relative_offsets

SECTION_SEP = " › "

# Canonical doc_type values. The manifest of ../shared/corpus uses these; metadata
# extraction maps anything it recognises onto them.
DOC_TYPES = (
    "national_government_work_report",
    "provincial_government_work_report",
    "local_government_work_report",
    "npc_resolution_on_government_work_report",
    "cpc_national_congress_report",
    "leader_speech",
    "district_party_secretary_speech",
    "other",
)


def source_path(path: str | Path, root: str | Path) -> str:
    """``path`` relative to ``root`` with '/' separators; the file name if it lies outside."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).name


def doc_id_for(path: str | Path, root: str | Path | None = None) -> str:
    """The doc_id of a source file: its path relative to ``root`` (``path`` is taken as
    already relative when ``root`` is None), without its extension, '/' separators."""
    source = source_path(path, root) if root is not None else Path(path).as_posix()
    return source.rsplit(".", 1)[0] if "." in PurePosixPath(source).name else source


def anchor(doc_id: str, n: int) -> str:
    """The stable anchor of paragraph ``n`` of ``doc_id``."""
    return f"{doc_id}#{n}"


def parse_anchor(text: str) -> tuple[str, int]:
    """``(doc_id, n)`` of an anchor ``doc_id#n``; ValueError if it is not one."""
    doc_id, sep, n = text.rpartition("#")
    if not sep or not n.isdigit():
        raise ValueError(f"not a paragraph anchor: {text!r}")
    return doc_id, int(n)


def chunk_id(doc_id: str, first: int, last: int, part: int | None = None) -> str:
    """The stable id of a chunk covering paragraphs ``first..last``."""
    base = f"{doc_id}#{first}-{last}"
    return f"{base}.{part}" if part is not None else base


def parse_chunk_id(cid: str) -> tuple[str, int, int, int | None]:
    """``(doc_id, first, last, part)`` of a chunk id (part None for whole paragraphs); ValueError if it is not one."""
    doc_id, sep, span = cid.rpartition("#")
    span, _, part = span.partition(".")
    first, _, last = span.partition("-")
    if not (sep and doc_id and first.isdigit() and last.isdigit() and (not part or part.isdigit())):
        raise ValueError(f"not a chunk id: {cid!r}")
    return doc_id, int(first), int(last), int(part) if part else None


@dataclass(frozen=True)
class Paragraph:
    """One numbered paragraph of a document, under its heading path."""

    doc_id: str
    n: int
    section: tuple[str, ...]
    text: str

    @property
    def anchor(self) -> str:
        return anchor(self.doc_id, self.n)

    @property
    def section_path(self) -> str:
        return SECTION_SEP.join(self.section)


@dataclass
class Document:
    """A parsed document: metadata plus numbered paragraphs (stored text stays original)."""

    doc_id: str
    source: str
    paragraphs: list[Paragraph]
    title: str = ""
    year: int | None = None
    date: str | None = None
    speaker: str | None = None
    region: str | None = None
    doc_type: str = "other"
    occasion: str | None = None
    level: str | None = None
    sha256: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def metadata(self) -> dict[str, Any]:
        """Flat metadata (no None values), as stored beside every chunk."""
        base = {
            "doc_id": self.doc_id, "source": self.source, "title": self.title,
            "year": self.year, "date": self.date, "speaker": self.speaker,
            "region": self.region, "doc_type": self.doc_type,
            "occasion": self.occasion, "level": self.level,
        }
        return {k: v for k, v in base.items() if v is not None}


@dataclass(frozen=True)
class Chunk:
    """A retrieval unit: whole paragraphs (or sentence-aligned parts of one long one)."""

    chunk_id: str
    doc_id: str
    paragraphs: tuple[int, ...]
    text: str
    section: str = ""
    meta: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


def embed_text(chunk: Chunk, embed_section: bool) -> str:
    """The text that is embedded for ``chunk``: section path + newline + text, or just the text."""
    if embed_section and chunk.section:
        return f"{chunk.section}\n{chunk.text}"
    return chunk.text


@dataclass
class Passage:
    """One retrieved chunk, from retrieval to the answer: fused score, its rank in each
    retriever (1-based), document metadata, and whether a fallback search found it."""

    chunk_id: str
    doc_id: str
    paragraphs: tuple[int, ...]
    text: str
    score: float
    source: str = ""
    section: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    ranks: dict[str, int] = field(default_factory=dict)
    fallback: bool = False

    @classmethod
    def of(cls, chunk: Chunk, score: float, doc_meta: dict[str, Any], *, ranks: dict[str, int] | None = None,
           fallback: bool = False) -> "Passage":
        """The passage of ``chunk`` (its metadata over the document's ``doc_meta``)."""
        meta = {**doc_meta, **(chunk.meta or {})}
        return cls(chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, paragraphs=tuple(chunk.paragraphs),
                   text=chunk.text, score=score, source=str(meta.get("source", "")), section=chunk.section,
                   metadata=meta, ranks=dict(ranks or {}), fallback=fallback)

    def to_retrieved(self) -> "RetrievedChunk":
        """The answer-contract form of this passage (the only place one is made)."""
        return RetrievedChunk(chunk_id=self.chunk_id, doc_id=self.doc_id, source=self.source,
                              paragraphs=list(self.paragraphs), text=self.text, score=float(self.score))


@dataclass(frozen=True)
class Evidence:
    """One paragraph of a retrieved passage with the document metadata a citation needs."""

    doc_id: str
    n: int
    text: str
    section: str = ""
    title: str = ""
    year: int | None = None
    source: str = ""
    region: str | None = None
    speaker: str | None = None
    # The terms of the corpus it came from (``Index.known_terms``): overlap measures leave out
    # the question's words no document holds. None: every word counts.
    known: frozenset[str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, para: Paragraph, passage: Passage, known: frozenset[str] | None = None) -> "Evidence":
        """Paragraph ``para`` as evidence, with the metadata of the passage it was retrieved in."""
        meta = passage.metadata
        return cls(doc_id=para.doc_id, n=para.n, text=para.text, section=para.section_path,
                   title=meta.get("title", ""), year=meta.get("year"), source=passage.source or meta.get("source", ""),
                   region=meta.get("region"), speaker=meta.get("speaker"), known=known)

    @property
    def anchor(self) -> str:
        return anchor(self.doc_id, self.n)

    @cached_property
    def spans(self) -> list[tuple[int, int]]:
        """Sentence spans of the text, without sentences that instruct the model."""
        return [(s, e) for s, e in sentence_spans(self.text) if not is_instruction(self.text[s:e])]

    @cached_property
    def support(self) -> str:
        """The text that may support claims: sentences, section path and title."""
        body = "".join(self.text[s:e] for s, e in self.spans)
        return "\n".join((body, self.section, self.title))

    @cached_property
    def bigrams(self) -> set[str]:
        return bigrams(self.support)

    @cached_property
    def numbers(self) -> set[Number]:
        nums = extract_numbers(self.support)
        if self.year:
            nums.add(("year", Decimal(self.year)))
            nums |= {("year", Decimal(self.year + d)) for d in relative_offsets(self.text)}
            if not self.section and "今年" not in self.text:
                # A report without a detected heading path: a paragraph that does not speak of
                # 今年 reviews the year before (sectioned reports say so in their heading).
                nums.add(("year", Decimal(self.year - 1)))
        return nums

    @cached_property
    def names(self) -> str:
        return norm("\n".join(filter(None, (self.support, self.region, self.speaker))))


@dataclass(frozen=True)
class Filters:
    """Metadata filters for retrieval. Empty tuples and None mean 'no constraint'."""

    year_from: int | None = None
    year_to: int | None = None
    doc_types: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (self.year_from or self.year_to or self.doc_types or self.regions
                    or self.speakers or self.doc_ids)


# ---- the answer contract shared by CLI, API and evaluation -------------------


class Citation(BaseModel):
    n: int = Field(description="Citation number as shown in the answer text, [n].")
    doc_id: str
    source: str = Field(description="Path relative to the ingested root.")
    title: str = ""
    year: int | None = None
    paragraph: int = Field(description="Paragraph number within the document (1..N).")
    section: str = ""
    text: str = Field(description="The full cited paragraph, verbatim.")
    quote: str = Field(description="The supporting sentence(s), an exact substring of text.")


class RetrievedChunk(BaseModel):
    chunk_id: str
    doc_id: str
    source: str = ""
    paragraphs: list[int]
    text: str
    score: float


class Reading(BaseModel):
    """How the question was read: its scope, its words in the reports' terms, the item sought."""

    scope: str = Field("", description="The hard scope, e.g. 2025年国务院政府工作报告; empty if none.")
    query: str = Field("", description="The question in the reports' terms, when that differs from it.")
    asks: str = Field("", description="The kind of item sought: 数值, 人名, 年份或日期, 地点, 列举, 说明.")


class TableRow(BaseModel):
    """One cited cell of a ledger table: a target or an outcome, as the document states it."""

    region: str
    year: int
    indicator: str
    label: str
    kind: str = Field(description="target or actual")
    value: float
    value_high: float | None = None
    unit: str
    qualifier: str = ""
    text: str = Field(description="The statement as written, an exact substring of the paragraph.")
    doc_id: str
    paragraph: int
    citation: int = Field(description="The [n] of the citation that holds it.")
    verdict: str = Field("", description="On an outcome row: 完成, 超额完成, 基本完成, 未完成, 控制在目标以内, 超出目标.")


class Table(BaseModel):
    """Ledger rows answering a target/outcome, timeline or cross-region question."""

    kind: str = Field(description="outcome, timeline or cross_region")
    title: str
    rows: list[TableRow] = Field(default_factory=list)


class Answer(BaseModel):
    question: str
    answer: str
    refused: bool = False
    citations: list[Citation] = Field(default_factory=list)
    unsupported: list[str] = Field(default_factory=list)
    retrieval: list[RetrievedChunk] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)
    llm: str = ""
    searched: list[str] = Field(default_factory=list,
                                description="Documents (sources) retrieval was constrained to, if any.")
    reading: Reading = Field(default_factory=Reading)
    table: Table | None = Field(None, description="Ledger rows, one cited cell each, for indicator questions.")
