"""The one document model that carries stable ids through every stage.

``Document`` → ``Paragraph(doc_id, n, section, text)`` → ``Chunk(chunk_id, doc_id,
paragraphs, text, meta)``. The same ids appear in Chroma, the lexical index,
retrieval results, citations and evaluation reports.

* ``doc_id`` is the file's path relative to the ingested root, without its
  extension, with ``/`` separators (``national_gwr/cn_gwr_2025``).
* A paragraph's anchor is ``f"{doc_id}#{n}"``; ``n`` runs 1..N per document.
* A chunk id is ``f"{doc_id}#{first}-{last}"``, plus ``.{part}`` when one long
  paragraph is split into several chunks (``…#12-12.2``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

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


def anchor(doc_id: str, n: int) -> str:
    """The stable anchor of paragraph ``n`` of ``doc_id``."""
    return f"{doc_id}#{n}"


def chunk_id(doc_id: str, first: int, last: int, part: int | None = None) -> str:
    """The stable id of a chunk covering paragraphs ``first..last``."""
    base = f"{doc_id}#{first}-{last}"
    return f"{base}.{part}" if part is not None else base


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
