"""``condense``: the deterministic multi-turn rewrite of a follow-up question.

A turn that names only a new year or region (``那2023年呢？``, ``河南呢``) takes
the previous question's subject with that year/region substituted; any other
turn is already standalone.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from rag.scope import drop_mention
from rag.text.places import region_mentions
from rag.text.questions import normalize_question
from rag.text.years import RANGE_RE, year_mentions

# The framing of a follow-up turn around the new year/region.
_LEAD = re.compile(r"^(?:那么|那|还有|再看看|再看|换成|如果是|改成|请问)")
_TAIL = re.compile(r"(?:的情况|怎么样|如何|呢|的)*[?？。!！\s]*$")


def _spans(norm: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Year spans (single, relative, ranges) and region spans in normalized text."""
    years = [(s, e) for _, s, e in year_mentions(norm, 0)] + [m.span() for m in RANGE_RE.finditer(norm)]
    return sorted(years), [(s, e) for _, s, e in region_mentions(norm)]


def _is_follow_up(norm: str) -> bool:
    """A short turn that names only a new year/region (``那2023年呢？``, ``河南呢``)."""
    years, regions = _spans(norm)
    if not (years or regions):
        return False
    rest = norm
    for s, e in sorted(years + regions, reverse=True):
        rest = rest[:s] + rest[e:]
    rest = _TAIL.sub("", _LEAD.sub("", rest.strip()))
    return len(re.sub(r"[和与及、,的]", "", rest)) <= 1


def _substitute(previous: str, spans: list[tuple[int, int]], new: str) -> str:
    """Put ``new`` where the first span was and drop the other spans (or prepend ``new``)."""
    if not spans:
        return new + previous
    for s, e in sorted(spans[1:], reverse=True):
        previous = drop_mention(previous, s, e)
    s, e = spans[0]
    return previous[:s] + new + previous[e:]


def _condense_one(question: str, previous: str) -> str:
    norm = normalize_question(question)
    if not _is_follow_up(norm):
        return question
    years, regions = _spans(norm)
    text = normalize_question(previous)
    if years:
        text = _substitute(text, _spans(text)[0], "和".join(norm[s:e] for s, e in years))
    if regions:
        text = _substitute(text, _spans(text)[1], "和".join(norm[s:e] for s, e in regions))
    return text


def _user_turns(history: Iterable[Any]) -> list[str]:
    """User questions from a history of strings, (user, assistant) pairs or role/content dicts."""
    turns = []
    for item in history or ():
        if isinstance(item, str):
            turns.append(item)
        elif isinstance(item, dict) and item.get("role") in ("user", "human"):
            turns.append(str(item.get("content", "")))
        elif isinstance(item, (tuple, list)) and item:
            turns.append(str(item[0]))
    return [t for t in turns if t.strip()]


def condense(question: str, history: Iterable[Any]) -> str:
    """A standalone question for a follow-up turn (deterministic, no LLM).

    ``那2023年呢？`` after ``2024年的增长目标是多少？`` becomes ``2023年的增长目标是多少?``:
    the previous question's subject with the new year/region substituted. Turns
    that say more than a year/region are already standalone and are returned as is.
    """
    standalone = ""
    for turn in _user_turns(history) + [question]:
        standalone = _condense_one(turn, standalone) if standalone else turn
    return standalone
