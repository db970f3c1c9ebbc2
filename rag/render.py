"""Rendering a verified answer: the text with [n] after each supported sentence, and its
citations numbered by first use, each quote an exact substring of its paragraph."""
from __future__ import annotations

from rag.text.sentences import TERMINATORS as _TERMINAL
from rag.types import Evidence
from rag.verify import Verified


def _with_marks(text: str, marks: list[int]) -> str:
    """``text`` with [n] markers placed before its final punctuation."""
    body = text.rstrip(_TERMINAL)
    return body + "".join(f"[{n}]" for n in marks) + text[len(body):]


def _merge_spans(spans: list[tuple[int, int]]) -> tuple[int, int]:
    """One quote span for a paragraph cited by several claims: contiguous cover if short."""
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    return (start, end) if end - start <= 400 else spans[0]


def render(verified: Verified, evidence: list[Evidence], *, quote_mode: bool = False) -> tuple[str, list[dict]]:
    """Answer text with [n] after each supported sentence, and the citations (dicts in the
    ``Citation`` shape) numbered by first use. In quote mode each line is the verbatim quote."""
    order: dict[int, int] = {}
    spans: dict[int, list[tuple[int, int]]] = {}
    lines: dict[int, list[str]] = {}
    for claim in verified.claims:
        marks = []
        for i, span in claim.support:
            marks.append(order.setdefault(i, len(order) + 1))
            spans.setdefault(i, []).append(span)
        if not quote_mode:
            lines.setdefault(claim.line, []).append(_with_marks(claim.text, marks))
    citations = []
    for i, n in order.items():
        ev = evidence[i]
        start, end = _merge_spans(spans[i])
        quote = ev.text[start:end]
        assert quote and quote in ev.text, "a quote must be an exact substring of its paragraph"
        citations.append({"n": n, "doc_id": ev.doc_id, "source": ev.source, "title": ev.title,
                          "year": ev.year, "paragraph": ev.n, "section": ev.section,
                          "text": ev.text, "quote": quote})
    if quote_mode:
        return "\n".join(_with_marks(c["quote"], [c["n"]]) for c in citations), citations
    return "\n".join("".join(parts) for _, parts in sorted(lines.items())), citations
