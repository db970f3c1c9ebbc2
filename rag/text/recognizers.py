"""What a sentence does rather than what it says: instructs the model, refuses, quotes, cites.

Source text that talks to the model ("ignore the instructions above…") is data,
never evidence: such sentences are hidden from the prompt and from verification.
"""
from __future__ import annotations

import re

from rag.text.normalize import norm, normalize_for_search
from rag.text.numerals import extract_numbers

# Model citation markers such as [1], [1,2], 【2】, [来源3]; recomputed by verify.
CITATION_MARK = re.compile(r"\s*(?:\[(?:来源|资料)?\s*\d+(?:\s*[,，、]\s*\d+)*\]|【\d+】)")

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


# A speech's byline: "…上的讲话（2025年6月17日，阿斯塔纳）中华人民共和国主席　习近平".
_BYLINE = re.compile(r"[（(]\s*[0-9〇零一二三四五六七八九]{4}\s*年[^（）()]{0,24}[）)]\s*"
                     r"(?:中华人民共和国主席|中共中央总书记|国家主席)?\s*[\u4e00-\u9fff]{2,3}\s*$")


def is_byline(sentence: str) -> bool:
    """Is this a speech's title-and-date line? It names the occasion and the date, and
    answers nothing but when and where the speech was given."""
    return bool(_BYLINE.search(sentence.strip().replace("\u3000", " ")))


def strip_citations(text: str) -> str:
    """Remove the model's own [n]/【n】 markers (they are recomputed in code)."""
    return CITATION_MARK.sub("", text)


def is_instruction(sentence: str) -> bool:
    """Does a source sentence try to instruct the model (prompt injection)?"""
    return bool(_INSTRUCTION.search(normalize_for_search(sentence)))


def is_refusal(sentence: str) -> bool:
    """Is this the model saying the sources do not contain the answer?"""
    return bool(_REFUSAL.search(sentence)) and not extract_numbers(sentence)


def quoted_phrases(text: str) -> list[str]:
    """What the text puts in 《》/“”/「」, as written, in order."""
    return _QUOTED.findall(text)


def quoted_terms(text: str) -> set[str]:
    """Terms the sentence puts in 《》/“”/「」 (matching form): they must appear verbatim in the source."""
    return {norm(t) for t in quoted_phrases(text) if norm(t)}
