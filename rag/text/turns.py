"""How a follow-up turn leans on the previous question: its scope, its topic, its anaphora.

"2025年那次在哪开的？" after "2023年那次上合组织峰会是哪个国家当东道主？" keeps the
topic (上合组织峰会) and asks something new; "城镇新增就业目标是多少？" after a
question about the 2024 national report names a new topic and keeps the scope;
"为什么定这个数？" keeps both. ``scope_words`` and ``topic_before_ask`` cut a
question into those parts; ``ANAPHOR_RE`` finds the words that point back.
"""
from __future__ import annotations

import re

from rag.text.doctypes import CONGRESS_RE, DISTRICT_RE, DOC_NOUN_RE, LEADER_DOC_RE
from rag.text.places import region_mentions
from rag.text.years import SPOKEN_RELATIVE_YEARS, YEAR_PAT, year_mentions

# Words pointing back at the previous question's subject (not 其中, 其他: they name parts).
ANAPHOR_RE = re.compile(r"(?:那|这|该)(?:次|届|份|篇|一年|年|个|些|项|一目标|一指标|条)(?:会议|峰会|报告|讲话|目标|指标|数|会)?"
                        r"|它们?|其(?![中他它余实次])|同年|当年|这么|那么(?:多|高|低|快)")
# National scope in users' words (国家的报告, 中央定的): a province named in a follow-up replaces it.
NATIONAL_WORD_RE = re.compile(r"国家|全国|中央|国务院|总理")
# Where a question's ask begins: its first question word, with the verb or copula before it.
ASK_START_RE = re.compile(r"(?:(?:是|有|要|打算|计划|定了?|定的是|为|在|到底)?"
                          r"(?:多少|多大|多高|多快|多长|多远|哪|什么|谁|几|怎么|怎样|如何|为什么|为何|是否|有没有|吗|呢|啥))")
_HOW_RE = re.compile(r"怎么|怎样|如何")
_TRAILING = re.compile(r"[的是，,、里中上\s]+$")


def scope_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the words that scope a question: years, regions, national words, document
    nouns, congresses, the district speech; in text order."""
    spans = [(s, e) for _, s, e in year_mentions(text, 0)] + [(s, e) for _, s, e in region_mentions(text)]
    for pattern in (NATIONAL_WORD_RE, DOC_NOUN_RE, CONGRESS_RE, DISTRICT_RE, LEADER_DOC_RE):
        spans += [m.span() for m in pattern.finditer(text)]
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def scope_words(text: str) -> str:
    """The scoping words of ``text`` before its ask, joined in order ("2019年国家报告"), ''
    when it has none: "哪个国家" asks, it does not scope."""
    head = text[:found.start()] if (found := ASK_START_RE.search(text)) else text
    return "".join(head[s:e] for s, e in scope_spans(head))


# A leading clause that sets the scene: "2025年3月习近平见外国企业老板时说，…", "在十九大报告里，…".
_SETTING = re.compile(r"^([^，,。？?]{6,32}?(?:时说|时|上说|上|里说|里|中说|中|讲话说))[，,]")


def setting_clause(text: str) -> str:
    """The clause ``text`` opens with to set its scene (who spoke where, which report), if that
    clause holds a scope word; '' otherwise. A follow-up about another indicator keeps it whole:
    the scope words alone ("2025年") lose the speech."""
    found = _SETTING.match(text)
    return found.group(1) if found and scope_spans(found.group(1)) else ""


def topic_before_ask(text: str) -> str:
    """``text`` up to where its ask begins ("2023年那次上合组织峰会" out of "…是哪个国家当
    东道主？"), without trailing particles; the whole text when the ask comes first."""
    found = ASK_START_RE.search(text)
    head = _TRAILING.sub("", text[:found.start()]) if found else text
    if found and _HOW_RE.search(found.group()):  # 怎么稳就业: the topic follows the ask
        head += re.sub(r"(?:的|呢|吗)?[?？。!！]*$", "", text[found.end():])
    return head if len(head) >= 4 else _TRAILING.sub("", re.sub(r"[?？。!！]+$", "", text))


YEAR_IN_RE = re.compile(rf"(?<![\d.])({YEAR_PAT})年")
_LATER_YEAR_RE = re.compile(rf"(?:[和与及、至到—-])?(?<![\d.]){YEAR_PAT}年")
# The year of the report a question quotes, not the year it asks about: "1981年赵紫阳作报告时说，1980年…".
_SOURCE_YEAR = re.compile(r"[^，,。？?\d]{0,10}?(?:作报告|报告|决议|讲话|贺词)[^，,。？?\d]{0,6}[，,]")
_QUOTED_REPORT = re.compile(r"报告|决议|讲话|贺词")
# Years named relative to the report (a provincial report's 今年 is its own year).
_RELATIVE_WORD_RE = re.compile("|".join(SPOKEN_RELATIVE_YEARS))


def shift_year(previous: str, offset: int) -> str | None:
    """``previous`` asked ``offset`` years earlier or later ("那前年呢"): the year it asks about
    moves and any later year goes; the year of a report it quotes first stays (1981年…作报告时说，
    1980年… → 1979年); a relative word moves when it names no year (今年 → 去年), or only the
    year of the report it quotes (2025年报告里说今年… → 去年). None when it names no year at all."""
    years = list(YEAR_IN_RE.finditer(previous))
    relative = _RELATIVE_WORD_RE.search(previous, years[0].end() if years else 0)
    # "2025年国家报告里说今年…": the year asked is the report's 今年, the report stays.
    if not years or (len(years) == 1 and relative and _QUOTED_REPORT.search(previous, years[0].end(), relative.start())):
        moved = relative and next((w for w, v in SPOKEN_RELATIVE_YEARS.items()
                                   if v == SPOKEN_RELATIVE_YEARS[relative.group()] + offset), None)
        return previous[:relative.start()] + moved + previous[relative.end():] if moved else None
    target = years[1] if len(years) >= 2 and _SOURCE_YEAR.match(previous, years[0].end()) else years[0]
    new = f"{int(target.group(1)) + offset}年"
    return previous[:target.start()] + new + _LATER_YEAR_RE.sub("", previous[target.end():])


def anaphora(text: str) -> list[tuple[int, int]]:
    """Spans of the words in ``text`` that point back (那次, 这个目标, 它), not 那个区 (the district speech)."""
    district = [m.span() for m in DISTRICT_RE.finditer(text)]
    return [m.span() for m in ANAPHOR_RE.finditer(text)
            if not any(s <= m.start() < e for s, e in district)]


__all__ = ["ANAPHOR_RE", "ASK_START_RE", "NATIONAL_WORD_RE", "YEAR_IN_RE", "anaphora", "scope_spans", "scope_words",
           "setting_clause", "shift_year", "topic_before_ask"]
