"""``condense``: the deterministic multi-turn rewrite of a follow-up question.

A follow-up fills in only what it changes in the previous question:

* a year (``那2023年呢？``) or a year relative to the previous one (``那前年呢？``,
  ``后一年的呢？``: counted from the year the previous question named);
* a region (``河南呢``), or the whole country (``放到全国看呢？``);
* an indicator (``那财政赤字呢？``, ``物价呢？``), in the reports' or everyday words;
* the parts (``分别是多少？``, ``各自呢？``);
* the outcome of a target (``目标达到了没有？``, ``最后完成了多少？``): the same
  indicator and year, asked as what was actually achieved.

Any other turn is already standalone.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from rag.followup_rules import (LEAD_RE, OUTCOME_ASK_RE, RELATIVE_TURN_RE, asks_nothing_new, congress_turn,
                                counterpart_turn, is_outcome_ask, outcome_turn, parts_turn, premier_turn, relative_turn,
                                spans, term_turn, topic_turn, wider_turn, year_not_report)
from rag.scope import drop_mention
from rag.text.indicators import ECONOMIC_RE
from rag.text.asks import YEAR, asked_kind
from rag.text.questions import normalize_question
from rag.text.recognizers import quoted_phrases
from rag.text.turns import NATIONAL_WORD_RE, YEAR_IN_RE, anaphora, scope_spans, scope_words, setting_clause, topic_before_ask
from rag.text.vocabulary import topics


def _is_follow_up(norm: str) -> bool:
    """A short turn that names only a new year/region (``那2023年呢？``, ``河南呢``)."""
    years, regions = spans(norm)
    if not (years or regions):
        return False
    rest = norm
    for s, e in sorted(years + regions, reverse=True):
        rest = rest[:s] + rest[e:]
    return asks_nothing_new(rest)


def _substitute(previous: str, spans: list[tuple[int, int]], new: str) -> str:
    """Put ``new`` where the first span was and drop the other spans (or prepend ``new``)."""
    if not spans:
        return new + previous
    for s, e in sorted(spans[1:], reverse=True):
        previous = drop_mention(previous, s, e)
    s, e = spans[0]
    return previous[:s] + new + previous[e:]


def _leaning_turn(norm: str, previous: str) -> str | None:
    """A turn that asks something new and leans on the previous question for the rest:
    ``2025年那次在哪开的`` (its topic), ``城镇新增就业目标是多少`` (its scope), ``为什么定
    这个数`` (both). None for a turn that stands on its own."""
    if len(norm) > 24 or asked_kind(norm) == YEAR or quoted_phrases(norm):
        return None
    refs = anaphora(norm)
    # A year or region compared with ("比2023年高吗", "高于全国吗") is not the turn's own scope.
    own = [sp for sp in scope_spans(norm) if not any(s <= sp[0] < e for s, e in refs) and not _compared(norm, sp[0])]
    if refs:
        # Only a year or region named outright moves the subject; "比去年高吗" compares with it.
        years, regions = spans(norm)
        moved = [sp for sp in [*(y for y in years if YEAR_IN_RE.match(norm, y[0])), *regions] if not _compared(norm, sp[0])]
        kept = "".join(ch for k, ch in enumerate(norm) if not any(s <= k < e for s, e in refs + moved))
        named = "".join(norm[s:e] for s, e in sorted(moved))
        return _with_scope(topic_before_ask(previous), named) + "，" + LEAD_RE.sub("", kept)
    if own:
        return None
    if topics(norm) or ECONOMIC_RE.search(norm):
        if setting := setting_clause(previous):
            return f"{setting}，{LEAD_RE.sub('', norm)}"
        return f"{scope}{norm}" if (scope := scope_words(previous)) else None
    return f"{topic_before_ask(previous)}，{norm}" if len(norm) <= 14 else None


_COMPARED = re.compile(r"(?:比|跟|和|与|同|较|高于|低于|超过|不如|相比)$")


def _compared(norm: str, start: int) -> bool:
    return bool(_COMPARED.search(norm[:start]))


def _with_scope(previous: str, norm: str) -> str:
    """``previous`` with the years and regions ``norm`` names put in place of its own;
    a province replaces the previous question's national words (国家的报告 → 湖北的报告)."""
    years, regions = spans(norm)
    text = normalize_question(previous)
    if years:
        text = _substitute(text, spans(text)[0], "和".join(norm[s:e] for s, e in years))
    if regions:
        places = spans(text)[1] or [m.span() for m in NATIONAL_WORD_RE.finditer(text)]
        text = _substitute(text, places, "和".join(norm[s:e] for s, e in regions))
    return text


_RELATIVE_LEAD = re.compile(r"^(?:那么|那)?(?:再)?(前一年|上一年|后一年|下一年|去年|前年)(?:的)?(?=.{2,})")


# "放到全国看，今年定的是多少？": the scope widens first, then the rest of the turn is read.
_WIDER_LEAD = re.compile(r"^(?:那么|那)?(?:放到|换成|拿到?|看看)?(?:全国|国家)(?:来看|看|范围|层面)?[，,]")
# A turn asking the target again ("今年定的是多少") after the outcome was asked.
_ASKS_TARGET = re.compile(r"定的|定了|目标|计划|打算|预期")


def _condense_one(question: str, previous: str) -> str:
    norm = normalize_question(question)
    if (lead := _WIDER_LEAD.match(norm)) and len(norm) > lead.end() + 2:
        return _condense_one(norm[lead.end():], wider_turn("全国呢", previous) or previous)
    if _ASKS_TARGET.search(norm) and (outcome := OUTCOME_ASK_RE.search(previous)):
        previous = previous[:outcome.start()] + "？"
    # "前年的目标完成了吗": the year moves first, then the rest of the turn is read.
    if (lead := _RELATIVE_LEAD.match(norm)) and not RELATIVE_TURN_RE.match(norm) \
            and (moved := relative_turn(lead.group(1) + "呢", previous)) is not None:
        rest = norm[lead.end():]
        # 去年实际呢 after 2025年报告里…: 2024's result, stated in the next report (2025's).
        if is_outcome_ask(rest) and _first_year(moved) != _first_year(previous):
            moved = year_not_report(moved)
        return moved if asks_nothing_new(rest) else _condense_one(rest, moved)
    for rule in (relative_turn, term_turn, parts_turn, counterpart_turn, wider_turn, outcome_turn, congress_turn,
                 premier_turn):
        if (rewritten := rule(norm, previous)) is not None:
            return rewritten
    if not _is_follow_up(norm):
        return topic_turn(norm, previous) or _leaning_turn(norm, normalize_question(previous)) or question
    return _with_scope(previous, norm)


def _first_year(text: str) -> str | None:
    return found.group() if (found := YEAR_IN_RE.search(text)) else None


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
    standalone, earlier = "", []
    for turn in _user_turns(history) + [question]:
        standalone = (_both_turn(turn, earlier, standalone) or _condense_turn(turn, standalone)) if standalone else turn
        earlier.append(turn)
    return standalone


def _condense_turn(turn: str, previous: str) -> str:
    """A turn of several questions ("那2025年呢？为什么提高了？"): its first is condensed and
    the rest leans on it."""
    found = re.search(r"[？?](?=.)", turn.strip())
    if not found:
        return _condense_one(turn, previous)
    first, rest = turn.strip()[:found.end()], turn.strip()[found.end():]
    head = _condense_one(first, previous)
    return head + rest if head != first else _condense_one(turn, previous)


# "那两个省谁高？", "这两年比呢": every region (or year) the conversation named, together.
_BOTH_RE = re.compile(r"(?:那|这)?(?:两个省份?|两省|两地|两个地方|两者|二者|这俩|两年|这两年)(?:的)?")


def _both_turn(turn: str, earlier: list[str], previous: str) -> str | None:
    """``那两个省谁高`` after 广东… and 浙江呢: the previous question about both, and the ask."""
    found = _BOTH_RE.search(norm := normalize_question(turn))
    if not found:
        return None
    named = [t[s:e] for t in map(normalize_question, earlier) for s, e in spans(t)[1 if "年" not in found.group() else 0]]
    named = list(dict.fromkeys(named))
    if len(named) < 2:
        return None
    base = re.sub(r"(?:是多少|多少|是什么|什么)?[?？。\s]*$", "", _with_scope(previous, "和".join(named)))
    return f"{base}，{LEAD_RE.sub('', norm[:found.start()] + norm[found.end():]).lstrip('的')}"
