"""Query-side text operations on a question's scope (used by ``rag.query``).

Which named places own the report asked about, what to drop from the search text
once hard filters fix it, BM25 keywords, dropping one mention of a comparison, and
pinning a 新年贺词 by its title. The language facts they use live in ``rag.text``.
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence

from rag.text.doctypes import DOC_NOUN_RE, REPORT_NOUN_RE, names_document
from rag.text.indicators import named_indicators
from rag.text.numerals import to_chinese_digits
from rag.text.places import EVENT_RE, province_aliases
from rag.text.questions import QUESTION_FLUFF_RE
from rag.text.vocabulary import official_terms
from rag.text.words import words
from rag.types import Filters

_COORD = r"(?:以及|和|与|及|、|跟|,|对比|比较)"


def drop_mention(text: str, start: int, end: int) -> str:
    """Remove one mention with the coordinator that joins it to its neighbour."""
    before = re.search(_COORD + r"$", text[:start])
    if before:
        return text[:before.start()] + text[end:]
    after = re.match(_COORD, text[end:])
    return text[:start] + text[end + (after.end() if after else 0):]


def owning_places(norm: str, places: list[tuple[str, int, int]], strict: bool) -> list[tuple[str, int, int]]:
    """Places whose own reports the question is about (not a topic or an event venue).

    A place directly before a document noun owns it ("河南省政府工作报告"). When the
    question names no document, a place owns the scope unless an event follows it
    ("北京峰会", "河南考察"); ``strict`` places (cities, SARs) also need an economic cue.
    """
    named_doc = bool(DOC_NOUN_RE.search(norm))
    return [(p, s, e) for p, s, e in places if names_document(norm, e) or (
        not named_doc and not strict and not EVENT_RE.search(norm, e, e + 12))]


def strip_scope(query: str, filters: Filters) -> str:
    """The question without what hard filters already fix (document nouns, that year, that province).

    Every candidate shares those, so they would only reward chunks that repeat them
    (title lines, headers) over the answer — in BM25 and in dense retrieval alike.
    If too little is left ("2019年政府工作报告讲了什么"), the question is kept whole.
    """
    text = REPORT_NOUN_RE.sub(" ", query) if filters.doc_types else query
    if filters.year_from and filters.year_from == filters.year_to:
        text = re.sub(rf"{filters.year_from}\s*年?", " ", text)
    for short in filters.regions:
        for alias in province_aliases(short):
            text = text.replace(alias, " ")
    text = " ".join(text.split())
    return text if len(re.sub(r"\W", "", QUESTION_FLUFF_RE.sub("", text))) >= 3 else query


# "看下一年总理的报告怎么说": the result of year X, as the report of X+1 states it.
NEXT_REPORT_RE = re.compile(r"(?:下一年|第二年|次年|后一年)[^，。？]{0,6}?(?:报告|怎么说)")
_NATIONAL_WORDS = frozenset(("国家", "全国", "中央", "国务院", "总理"))


def national_cue(norm: str) -> bool:
    """Does the question speak of the nation as a whole (国家/全国/中央/国务院/总理 as words of
    their own, not 国家主席/党中央/全国人大), outside an event (全国…大会, 峰会)?"""
    return bool(_NATIONAL_WORDS & set(words(norm))) and not EVENT_RE.search(norm)


def search_keywords(text: str) -> str:
    """BM25 text: no question words, with the reports' wording added for GDP/CPI/PPI.

    BM25 matches characters: the reports write 国内生产总值/地区生产总值 where users type GDP.
    """
    text = QUESTION_FLUFF_RE.sub(" ", text)
    extra = [" ".join(indicator.phrasings) for indicator in named_indicators(text)] + list(official_terms(text))
    return " ".join(text.split() + extra)


def new_year_addresses(norm: str, years: Iterable[int], catalog: Sequence[dict]) -> tuple[tuple[int, str], ...]:
    """The 新年贺词 for year X is delivered on 31 Dec of X-1, so pin each one by its title."""
    if "新年贺词" not in norm:
        return ()
    out = []
    for year in years:
        cn = to_chinese_digits(year)
        out += [(year, d["doc_id"]) for d in catalog
                if f"{cn}年新年贺词" in d.get("title", "") or f"{year}年新年贺词" in d.get("title", "")]
    return tuple(out)
