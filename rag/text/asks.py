"""What a question asks for, and whether a sentence holds an item of that kind.

Word overlap says a sentence is about the question's topic; it does not say the
sentence answers it. A question asking 多少 needs a number, one asking 谁 a name,
哪一年 a year, 哪座城市 a place. ``asked_kind`` reads the kind from the question's
words; ``holds`` tests a sentence for it; ``value_near`` tests that a number is
attached to the indicator asked about (the target list of a report states a dozen
numbers, none of them the price target when the report gives none).
"""
from __future__ import annotations

import re

from rag.text.numerals import extract_numbers
from rag.text.places import place_names
from rag.text.words import entities, person_names

NUMBER, PERSON, YEAR, PLACE, LIST, OTHER = "number", "person", "year", "place", "list", "other"
KIND_LABELS = {NUMBER: "数值", PERSON: "人名", YEAR: "年份或日期", PLACE: "地点", LIST: "列举", OTHER: "说明"}

# Order matters: 哪一年 asks a year before 哪 asks anything else; 多少 asks a number
# even inside a list question ("各是多少").
_ASKS = (
    (YEAR, re.compile(r"哪一年|哪年|何年|什么时候|何时|几月几[号日]|哪一天|哪天|什么时间|哪个年份")),
    (NUMBER, re.compile(r"多少|几成|几个百分点|百分之几|几倍|多大|多高|多快|多长|多远|多重|第几|占比|比例是|比重是|(?<![那这前近头后])几[万亿千百十]?[个人元吨亩斤公里项家所座条次届年]")),
    (PERSON, re.compile(r"谁|哪位|哪个人|何人|什么人")),
    (PLACE, re.compile(r"哪里|哪儿|在哪|哪座城市|哪个城市|哪个省|哪国|哪个国家|哪些国家|哪两个[^，。？]{0,4}国家|什么地方|哪个地方")),
    (LIST, re.compile(r"哪些|哪几|哪[两二三四五六七八九十0-9]+[个项类种条样件点方面大派]|有哪|都有什么|列举|分别是什么")),
)
_ENUMERATES = re.compile(r"[^、，。；]+、[^、，。；]+|[一二三四五六七八九十]是|第[一二三四五六七八九十]|[（(][一二三四五六七八九十][）)]")
_DATE = re.compile(r"[0-9〇零一二三四五六七八九十]{1,4}月[0-9〇零一二三四五六七八九十]{0,3}[日号]?|[0-9]{4}年|[〇零一二三四五六七八九]{4}年")
_NATION = re.compile(r"国|洲|城|市|省|州|岛|港|湾")
_ITEM_END = re.compile(r"[；;。，,、]")
# How far after an indicator's name its value may stand ("居民消费价格涨幅2%左右": 4).
NEAR = 16


def asked_kind(question: str) -> str:
    """The kind of item the question asks for (``NUMBER``, ``PERSON``, …; ``OTHER`` when none)."""
    for kind, pattern in _ASKS:
        if pattern.search(question):
            return kind
    return OTHER


def _has_number(sentence: str) -> bool:
    return any(kind != "year" for kind, _ in extract_numbers(sentence))


def holds(kind: str, sentence: str) -> bool:
    """Does ``sentence`` hold an item of ``kind``? ``OTHER`` is always held."""
    if kind == NUMBER:
        return _has_number(sentence)
    if kind == YEAR:
        return bool(_DATE.search(sentence)) or any(k == "year" for k, _ in extract_numbers(sentence))
    if kind == PERSON:
        return bool(person_names(sentence)) or "同志" in sentence
    if kind == PLACE:
        return bool(entities(sentence)) or any(p in sentence for p in place_names()) or bool(_NATION.search(sentence))
    if kind == LIST:
        return bool(_ENUMERATES.search(sentence))
    return True


def value_near(term: str, sentence: str) -> bool | None:
    """For a sentence naming ``term``: is a number stated within ``NEAR`` characters after it?
    None when the sentence does not name the term at all."""
    start = sentence.find(term)
    if start < 0:
        return None
    while start >= 0:
        # The value belongs to this item of a list only up to the next separator.
        window = _ITEM_END.split(sentence[start + len(term):start + len(term) + NEAR], maxsplit=1)[0]
        if _has_number(window):
            return True
        start = sentence.find(term, start + 1)
    return False


__all__ = ["KIND_LABELS", "LIST", "NEAR", "NUMBER", "OTHER", "PERSON", "PLACE", "YEAR", "asked_kind", "holds",
           "value_near"]
