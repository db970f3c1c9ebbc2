"""Paragraph-aligned chunking within a cl100k token budget.

Chunks are whole consecutive paragraphs of one top-level section. A paragraph
longer than the budget is split into parts at sentence ends only (the
terminators of ``rag.text.sentences``, Chinese and ASCII, plus closing quotes
after them), so a chunk never ends inside a sentence; a single sentence longer
than the budget stays whole. Heading-only paragraphs never close a chunk: they
open the next one with their body.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import tiktoken

from rag.text.sentences import sentence_pieces
from rag.types import Chunk, Document, Paragraph, chunk_id

_WORDS = re.compile(r"[\W_]+")


def is_heading(p: Paragraph) -> bool:
    """True when the paragraph is only a heading (its section path ends with itself).

    Compared without punctuation: section labels are canonicalised (trailing stop
    dropped, full-width marks), the paragraph text is verbatim.
    """
    return bool(p.section) and _WORDS.sub("", p.section[-1]) == _WORDS.sub("", p.text)


def chunk_document(doc: Document, max_tokens: int, encoding: tiktoken.Encoding) -> list[Chunk]:
    """Chunks of ``doc``: whole paragraphs within ``max_tokens`` cl100k tokens, sentence-aligned parts."""
    def count(text: str) -> int:
        return len(encoding.encode(text, disallowed_special=()))

    chunks: list[Chunk] = []
    for run in _top_level_runs(doc.paragraphs):
        for group in _pack_paragraphs(run, max_tokens, count):
            if count(_join(group)) <= max_tokens:
                chunks.append(_make_chunk(doc, group, _join(group)))
            else:  # one over-long paragraph, maybe after its headings
                chunks.extend(_split_long(doc, group, max_tokens, count))
    return chunks


def _top_level_runs(paragraphs: list[Paragraph]) -> Iterator[list[Paragraph]]:
    """Consecutive paragraphs sharing the same top-level section."""
    run: list[Paragraph] = []
    for p in paragraphs:
        if run and _top(run[-1]) != _top(p):
            yield run
            run = []
        run.append(p)
    if run:
        yield run


def _top(p: Paragraph) -> str:
    return p.section[0] if p.section else ""


def _pack_paragraphs(run: list[Paragraph], max_tokens: int, count) -> Iterator[list[Paragraph]]:
    """Greedy groups of paragraphs; an over-long paragraph ends its group (with any leading headings)."""
    group: list[Paragraph] = []
    for p in run:
        if group and count(_join(group + [p])) > max_tokens:
            headings = _trailing_headings(group)
            body = group[:len(group) - len(headings)]
            if body:
                yield body
            group = headings
        group.append(p)
        if count(p.text) > max_tokens:
            yield group
            group = []
    if group:
        yield group


def _trailing_headings(group: list[Paragraph]) -> list[Paragraph]:
    """The headings at the end of ``group`` (they move on to open the next chunk)."""
    i = len(group)
    while i > 0 and is_heading(group[i - 1]):
        i -= 1
    return group[i:]


def _split_long(doc: Document, group: list[Paragraph], max_tokens: int, count) -> list[Chunk]:
    """Sentence-aligned parts of the last (over-long) paragraph; leading headings join part 1."""
    *headings, long_p = group
    prefix = _join(headings)
    parts = _pack_sentences(sentence_pieces(long_p.text), max_tokens, count, prefix)
    chunks = []
    for i, part in enumerate(parts, start=1):
        members = group if i == 1 else [long_p]
        text = f"{prefix}\n{part}" if i == 1 and prefix else part
        # A paragraph that is one over-long sentence stays one chunk, without a part suffix.
        chunks.append(_make_chunk(doc, members, text, part=i if len(parts) > 1 else None))
    return chunks


def _pack_sentences(sentences: list[str], max_tokens: int, count, prefix: str) -> list[str]:
    """Greedy runs of whole sentences within the budget (part 1 also carries ``prefix``)."""
    parts: list[str] = []
    current = ""
    for s in sentences:
        head = f"{prefix}\n" if prefix and not parts else ""
        if current and count(head + current + s) > max_tokens:
            parts.append(current)
            current = ""
        current += s
    if current:
        parts.append(current)
    return parts


def _join(group: list[Paragraph]) -> str:
    return "\n".join(p.text for p in group)


def _make_chunk(doc: Document, members: list[Paragraph], text: str, part: int | None = None) -> Chunk:
    first, last = members[0].n, members[-1].n
    return Chunk(chunk_id=chunk_id(doc.doc_id, first, last, part), doc_id=doc.doc_id,
                 paragraphs=tuple(p.n for p in members), text=text,
                 section=members[0].section_path, meta=doc.metadata())
