"""Words and proper names from jieba (its dictionary loads once, ~1 s, on first use)."""
from __future__ import annotations

from functools import lru_cache

from rag.text.normalize import norm

_ENTITY_TAGS = {"nr", "nrfg", "nrt", "ns"}
_PERSON_TAGS = {"nr", "nrfg", "nrt"}


@lru_cache(maxsize=1)
def _posseg():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)  # silence the dictionary-loading banner
    return jieba.posseg


@lru_cache(maxsize=4096)
def _names(text: str) -> tuple[tuple[str, str], ...]:
    """(normalised word, jieba POS flag) of the proper names (nr*/ns) of two or more characters."""
    return tuple((norm(w.word), w.flag) for w in _posseg().cut(text)
                 if w.flag in _ENTITY_TAGS and len(norm(w.word)) >= 2)


def entities(text: str) -> frozenset[str]:
    """Person and place names (jieba POS nr/nrfg/nrt/ns) of two or more characters."""
    return frozenset(word for word, _ in _names(text))


def person_names(text: str) -> frozenset[str]:
    """Person names (jieba POS nr/nrfg/nrt) of two or more characters."""
    return frozenset(word for word, flag in _names(text) if flag in _PERSON_TAGS)


@lru_cache(maxsize=4096)
def words(text: str) -> tuple[str, ...]:
    """jieba's words of ``text``."""
    return tuple(_posseg().jieba.lcut(text))


# What may name an X before the noun X: nouns (非典疫情), distinguishing words, numbered
# names (嫦娥六号探测器), letters and digits (C919), abbreviations; not verbs (做好疫情防控).
_NAMING_TAGS = ("n", "b", "m", "eng", "j")


@lru_cache(maxsize=4096)
def _tagged(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((w.word, w.flag) for w in _posseg().cut(text))


def named_before(text: str, noun: str, *, besides: str = "") -> bool:
    """Does ``text`` name an ``noun`` of its own: a word starting with ``noun`` right after a
    naming word (a noun, a numbered name, a code) that ``besides`` (the question) does not hold?"""
    tagged = _tagged(text)
    for (before, flag), (word, _) in zip(tagged, tagged[1:]):
        if word.startswith(noun) and flag.startswith(_NAMING_TAGS) and before.strip() \
                and before not in besides:
            return True
    return False
