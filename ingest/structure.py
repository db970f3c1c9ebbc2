"""Number paragraphs and attach the Chinese official heading hierarchy to each.

Levels: ``第X部分/第X章/第X编`` (0) › ``一、`` (1) › ``（一）``/``(一)`` (2) ›
``1.``/``1．``/``1、`` (3). A heading is either a short standalone line, or — for
levels 2 and 3 — a heading sentence that runs on into body text in the same line
(``（一）牢记领袖嘱托，勇担…新使命。区委常委会坚持…``): the path then carries the
sentence up to its first 。. Enumerated body points (``一是…``, ``一要…``, ``第一，…``)
are not headings. Headings are paragraphs too; their path includes themselves.
"""
from __future__ import annotations

import re

from rag.text.numerals import NUMERAL_CHARS, numeral_value
from rag.text.sentences import FULL_STOPS
from rag.types import Paragraph

_NUM = NUMERAL_CHARS
_LEVELS: list[tuple[int, re.Pattern]] = [
    (0, re.compile(rf"^第[{_NUM}\d]+(部分|章|编|篇)")),
    (1, re.compile(rf"^[{_NUM}]+(?:、|$)")),  # a bare "二" line heads a part in older reports
    (2, re.compile(rf"^[（(][{_NUM}]+[）)]")),
    (3, re.compile(r"^\d{1,2}(?:[.．](?!\d)|、)")),
]
MAX_HEADING = 60
_MARKDOWN = re.compile(r"^#{1,6}\s+")  # "## 一、…" in .md files
_SENTENCE_END = re.compile(f"[{FULL_STOPS}]")
_DEFINITION = re.compile(r"[：:]")  # glossary entries ("1.“两新”：…") are not headings
# Heading labels get canonical (full-width) punctuation so paths read the same
# whether the source used ASCII or full-width marks.
_LABEL_PUNCT = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"})


def structure(doc_id: str, text: str) -> list[Paragraph]:
    """Split cleaned text (one paragraph per line) into numbered ``Paragraph`` objects."""
    paragraphs: list[Paragraph] = []
    outline = _Outline()
    for line in (ln.strip() for ln in text.split("\n")):
        if not line:
            continue
        found = heading_of(line)
        if found is not None:
            outline.offer(*found)
        paragraphs.append(Paragraph(doc_id, len(paragraphs) + 1, outline.section(), line))
    return paragraphs


class _Outline:
    """The current heading path, plus the numbering state that tells headings from lists.

    A candidate heading is accepted when its number moves forward at its level.
    A number that restarts or goes back (``一、`` inside section ``三、``) starts an
    enumerated list, and the list's next numbers are list items, not headings.
    """

    def __init__(self) -> None:
        self.path: dict[int, str] = {}
        self.last: dict[int, int] = {}
        self.list_last: dict[int, int] = {}

    def offer(self, level: int, label: str, number: int) -> None:
        """Take a candidate heading: enter it into the path, or count it as a list item."""
        if self.list_last.get(level) == number - 1 or number <= self.last.get(level, 0):
            self.list_last[level] = number
            return
        self.path = {k: v for k, v in self.path.items() if k < level}
        self.path[level] = label
        self.last = {k: v for k, v in self.last.items() if k < level}
        self.last[level] = number
        self.list_last = {}

    def section(self) -> tuple[str, ...]:
        """The current heading path, outermost first."""
        return tuple(self.path[k] for k in sorted(self.path))


def heading_of(line: str) -> tuple[int, str, int] | None:
    """``(level, label, number)`` when ``line`` is or starts with a heading, else None."""
    line = _MARKDOWN.sub("", line)
    for level, pattern in _LEVELS:
        m = pattern.match(line)
        if not m:
            continue
        number = enumerator_value(m.group(0))
        if _is_standalone(line):
            return level, canonical_label(line), number
        if level >= 2:
            sentence = _first_sentence(line)
            if sentence:
                return level, canonical_label(sentence), number
        return None
    return None


def enumerator_value(enumerator: str) -> int:
    """The number in ``第三部分``, ``十二、``, ``（四）`` or ``7.``."""
    digits = re.sub(r"\D", "", enumerator)
    return int(digits) if digits else numeral_value(enumerator)


def _is_standalone(line: str) -> bool:
    """Short, no sentence ends before its last character, and not a ``term：definition`` entry."""
    body = line[:-1]
    return len(line) <= MAX_HEADING and not _SENTENCE_END.search(body) and not _DEFINITION.search(body)


def _first_sentence(line: str) -> str | None:
    m = _SENTENCE_END.search(line)
    if m and m.start() <= MAX_HEADING:
        return line[:m.start()]
    return None


def canonical_label(line: str) -> str:
    """A heading as shown in section paths: trailing stop dropped, full-width punctuation."""
    return line.rstrip("。．.：:；;").translate(_LABEL_PUNCT).strip()
