"""Sentence splitting, number extraction and bigram helpers for the answer stage.

Everything here is pure and works on the original text: sentence spans index the
stored paragraph, so a quote cut with them is always an exact substring.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from ingest.normalize import normalize_for_search

# A sentence ends at a Chinese or ASCII terminator (the district speech uses ASCII
# ';'), plus any closing quotes/brackets that follow it.
_SENT_END = re.compile(r"[。！？!?；;…]+[”’」』\"')）]*|\n+")
_CJK_OR_ALNUM = re.compile(r"[\u3400-\u9fff0-9a-z]")

# Model citation markers such as [1], [1,2], 【2】, [来源3]; recomputed by verify.
CITATION_MARK = re.compile(r"\s*(?:\[(?:来源|资料)?\s*\d+(?:\s*[,，、]\s*\d+)*\]|【\d+】)")

_SCALE = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4}
_ARABIC = re.compile(
    r"(?<![\d.])(\d{1,3}(?:,\d{3})+(?![\d])|\d+(?:\.\d+)?)\s*"
    r"(万亿|亿|万)?\s*(%|％|‰|个百分点|年)?")
_CN_NUM = "零〇一二三四五六七八九十百千两"
_CN_PERCENT = re.compile(rf"百分之([{_CN_NUM}点]+)")
_CN_SCALED = re.compile(rf"([{_CN_NUM}]+)\s*(?:(万亿|亿|万)\s*(个百分点|倍)?|(个百分点|倍))")
_CN_YEAR = re.compile(r"([零〇一二三四五六七八九]{4})年")
_CN_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}

Number = tuple[str, Decimal]  # (kind, value): kind in pct, pp, year, num


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, whitespace-trimmed, terminator included."""
    spans, start = [], 0
    for match in _SENT_END.finditer(text):
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
    """The sentences of ``text``, verbatim."""
    return [text[s:e] for s, e in sentence_spans(text)]


def strip_citations(text: str) -> str:
    """Remove the model's own [n]/【n】 markers (they are recomputed in code)."""
    return CITATION_MARK.sub("", text)


def norm(text: str) -> str:
    """Matching form: NFKC, simplified, lowercase, only CJK letters and digits kept."""
    return "".join(_CJK_OR_ALNUM.findall(normalize_for_search(text)))


def bigrams(text: str) -> set[str]:
    """Character bigrams of the matching form (a single character counts as itself)."""
    t = norm(text)
    if len(t) == 1:
        return {t}
    return {t[i:i + 2] for i in range(len(t) - 1)}


def cn_to_decimal(token: str) -> Decimal | None:
    """Value of a Chinese numeral (五, 十二, 一千二百, 六点五, 二〇二五); None if not one."""
    if "点" in token:
        whole, _, frac = token.partition("点")
        head = cn_to_decimal(whole) if whole else Decimal(0)
        digits = "".join(str(_CN_DIGIT.get(c, "")) for c in frac)
        if head is None or len(digits) != len(frac):
            return None
        return head + (Decimal(f"0.{digits}") if digits else 0)
    if token and all(c in _CN_DIGIT for c in token) and len(token) > 1:
        return Decimal("".join(str(_CN_DIGIT[c]) for c in token))
    total, current = 0, 0
    for ch in token:
        if ch in _CN_DIGIT:
            current = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            total += (current or 1) * _CN_UNIT[ch]
            current = 0
        else:
            return None
    return Decimal(total + current)


def _canon(value: Decimal) -> Decimal:
    """6.50 and 6.5, 1E+1 and 10 compare and hash alike."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


def _arabic_numbers(text: str) -> set[Number]:
    found = set()
    for raw, scale, unit in _ARABIC.findall(text):
        try:
            value = Decimal(raw.replace(",", "")) * _SCALE.get(scale, 1)
        except InvalidOperation:
            continue
        kind = {"%": "pct", "％": "pct", "个百分点": "pp", "年": "year"}.get(unit, "num")
        if kind == "year" and not (raw.isdigit() and len(raw) == 4):
            kind = "num"  # "3年" is a duration, not a year
        found.add((kind, _canon(value)))
    return found


def _chinese_numbers(text: str) -> set[Number]:
    found = set()
    for token in _CN_PERCENT.findall(text):
        value = cn_to_decimal(token)
        if value is not None:
            found.add(("pct", _canon(value)))
    for token, scale, unit, bare_unit in _CN_SCALED.findall(text):
        value = cn_to_decimal(token)
        if value is not None:
            kind = "pp" if "个百分点" in (unit, bare_unit) else "num"
            found.add((kind, _canon(value * _SCALE.get(scale, 1))))
    for token in _CN_YEAR.findall(text):
        found.add(("year", _canon(cn_to_decimal(token))))
    return found


def extract_numbers(text: str) -> set[Number]:
    """Numbers, percentages, amounts and years in ``text`` as comparable (kind, value).

    5% / 5％ / 百分之五 → ("pct", 5); 134.9万亿元 → ("num", 1.349e14); 2025年 → ("year", 2025);
    3个百分点 / 三个百分点 → ("pp", 3). Bare Chinese numerals (一批, 十四五) are not numbers.
    """
    text = normalize_for_search(text)
    return _arabic_numbers(text) | _chinese_numbers(text)


def number_supported(number: Number, available: set[Number]) -> bool:
    """Is ``number`` stated in ``available``? A bare number may match any kind of the same value."""
    if number in available:
        return True
    kind, value = number
    return kind == "num" and any(v == value for _, v in available)


# Source text that talks to the model ("ignore the instructions above…") is data,
# never evidence: such sentences are hidden from the prompt and from verification.
# Prompt-injection cues, in three families: override verbs aimed at earlier text or rules,
# role-play / new-task framing, and telling the reader what to output. Checked to match no
# sentence of ../shared/corpus (tests/rag/test_sentences.py), so real speeches stay evidence.
_INSTRUCTION = re.compile(
    r"(忽略|无视|忘记|忘掉|不要遵守|不要理会|不必理会|跳过).{0,12}(指令|指示|提示|规则|要求|设定|以上|上面|上述|前面|之前|此前)"
    r"|(ignore|disregard|forget|override)\s+(all\s+|any\s+|the\s+|everything\s+|previous\s+|above\s+|prior\s+)*"
    r"(previous|above|prior|instructions?|everything|rules|prompt)"
    r"|system\s*prompt|you\s+are\s+now|act\s+as\s+"
    r"|你现在是|你扮演|扮演一个|请你扮演|从现在(起|开始)你|新的?(任务|指令|指示|要求)\s*[:：]"
    r"|(只需|只要|只能|直接|仅|请)\S{0,2}(回答|回复|输出)\s*[:：“\"「]"
    r"|(answer|reply|respond|output)\s+(with|only)?\s*[:：]", re.IGNORECASE)
_REFUSAL = re.compile(r"没有相关信息|没有找到(相关)?|未找到|无法回答|未(提及|提到|涉及)|没有(提及|提到|涉及)|不包含")
_QUOTED = re.compile(r"[《“「『\"]([^》”」』\"]{2,30})[》”」』\"]")
_ENTITY_TAGS = {"nr", "nrfg", "nrt", "ns"}
_PERSON_TAGS = {"nr", "nrfg", "nrt"}


def is_instruction(sentence: str) -> bool:
    """Does a source sentence try to instruct the model (prompt injection)?"""
    return bool(_INSTRUCTION.search(normalize_for_search(sentence)))


def is_refusal(sentence: str) -> bool:
    """Is this the model saying the sources do not contain the answer?"""
    return bool(_REFUSAL.search(sentence)) and not extract_numbers(sentence)


def quoted_terms(text: str) -> set[str]:
    """Terms the sentence puts in 《》/“”/「」: they must appear verbatim in the source."""
    return {norm(t) for t in _QUOTED.findall(text) if norm(t)}


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
    """jieba's words of ``text`` (its dictionary loads once, ~1 s)."""
    return tuple(_posseg().jieba.lcut(text))
