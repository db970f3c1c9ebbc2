"""Sentence terminators and sentence splitting, for the whole system.

``TERMINATORS`` end a sentence, Chinese or ASCII (the district speech uses ASCII
';'); ``FULL_STOPS`` are the subset that never occurs inside a heading line;
``PARAGRAPH_END`` adds the colons that end a line introducing a list. Closing
quotes and brackets after a terminator belong to the sentence they close.

Spans index the original text, so a quote cut with them is an exact substring.
"""
from __future__ import annotations

import re

FULL_STOPS = "。！？!?"
TERMINATORS = FULL_STOPS + "；;…"
PARAGRAPH_END = TERMINATORS + "：:"
CLOSERS = "”’」』\"')）》〉"

# A run of terminators (…… counts once) plus any closing quotes/brackets after it.
SENTENCE_END = re.compile(rf"[{TERMINATORS}]+[{CLOSERS}]*")
# Answers and drafts also break at line ends.
_BREAK = re.compile(rf"{SENTENCE_END.pattern}|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, whitespace-trimmed, terminator included."""
    spans, start = [], 0
    for match in _BREAK.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, verbatim (trimmed; see ``sentence_spans``)."""
    return [text[s:e] for s, e in sentence_spans(text)]


def sentence_pieces(text: str) -> list[str]:
    """``text`` cut after each sentence end, nothing trimmed: ``"".join(result) == text``."""
    pieces, start = [], 0
    for match in SENTENCE_END.finditer(text):
        pieces.append(text[start:match.end()])
        start = match.end()
    if start < len(text):
        pieces.append(text[start:])
    return pieces
