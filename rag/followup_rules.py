"""The follow-up turns of one shape each: ``rule(norm, previous) -> str | None``.

Each rule reads a normalized turn and the previous standalone question, and returns
the rewritten standalone question, or None when the turn does not have its shape:
another year counted from the previous one (``那前年呢``), the parts (``分别是多少``),
the other part (``地方呢``), the whole country (``放到全国看呢``), the outcome of a
target (``目标达到了没有``), another congress (``十五大呢``), another premier's term
(``接下来朱镕基那五年呢``), another indicator (``那财政赤字呢``). ``rag.followup``
tries them in turn.
"""
from __future__ import annotations

import re

from rag.scope import drop_mention
from rag.text.doctypes import CONGRESS_RE, DISTRICT_RE, REPORT_NOUN_RE
from rag.text.indicators import ECONOMIC_RE
from rag.text.places import NATIONAL, region_mentions
from rag.text.premiers import PREMIER_PHRASE_RE, neighbour_review, premier_report_years, review_phrase
from rag.text.questions import normalize_question
from rag.text.turns import setting_clause, shift_year
from rag.text.vocabulary import topic_span, topics
from rag.text.years import RANGE_RE, year_mentions

# The framing of a follow-up turn around the new year/region.
LEAD_RE = re.compile(r"^(?:换(?:一)?个(?:省|地方|地区|年份)[，,]?|接下来的?|接着|然后|那么|那|还有|再看看|再看|换成|如果是|改成|请问)")
# Words a year/region follow-up may keep without asking anything new ("那2023年定的目标呢").
SAME_ASK_RE = re.compile(r"定的目标|的目标|目标|的数据|的数|的情况|定的是多少|定了多少|定的是|是多少|多少|是什么"
                       r"|的(?:报告|决议|讲话|贺词)[里中上]?|(?:报告|决议|讲话|贺词)[里中上]?|的时候|时候|那时|当时|那会儿|是怎么说的|怎么说的|怎么说|怎么讲的|怎么讲|怎么提的|提了什么|说了什么")
TAIL_RE = re.compile(r"(?:的情况|怎么样|如何|看看|看一下|来看|呢|的)*[?？。!！\s]*$")


def asks_nothing_new(rest: str) -> bool:
    """Is ``rest`` (a turn without its new year, region or premier) only framing and the same ask?"""
    rest = TAIL_RE.sub("", LEAD_RE.sub("", rest.strip()))
    return len(re.sub(r"[和与及、,的]", "", SAME_ASK_RE.sub("", rest))) <= 1


def spans(norm: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Year spans (single, relative, ranges) and region spans in normalized text."""
    years = [(s, e) for _, s, e in year_mentions(norm, 0)] + [m.span() for m in RANGE_RE.finditer(norm)]
    return sorted(years), [(s, e) for _, s, e in region_mentions(norm)]


# Years relative to the previous question's year ("那前年呢", "后一年的呢", "再往前两年呢").
_RELATIVE = {"去年": -1, "前年": -2, "明年": 1, "后年": 2, "次年": 1, "第二年": 1}
_STEPS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5}
RELATIVE_TURN_RE = re.compile(r"^(?:那么|那|还有|再看看|再看|换成|看看)?(?:再)?(?:(去年|前年|明年|后年|次年|第二年)"
                            r"|往?(前|后|上|下|早|晚)([一两二三四五])?年|(?:往)?(前|后|上|下|早|晚)([一两二三四五])?年)"
                            r"(?:的情况|的数|的|怎么样|如何|呢|是多少|多少)*[?？。!！\s]*$")


def _offset(found: re.Match[str]) -> int:
    if found.group(1):
        return _RELATIVE[found.group(1)]
    way, steps = (found.group(2), found.group(3)) if found.group(2) else (found.group(4), found.group(5))
    return (-1 if way in "前上早" else 1) * _STEPS.get(steps or "一", 1)


_PARTS_TURN = re.compile(r"^(?:那么|那)?(?:分别|各自|各)(?:是|都是)?(?:多少|什么|呢|怎么样|如何)?[?？。\s]*$")
_NAMED_PARTS = re.compile(r"^[^，。？]{2,12}?(?:分别|各自|各是|各有|各(?=多少|占|为))[^，。？]{0,6}[?？。\s]*$")
_WIDER_TURN = re.compile(r"^(?:那么|那)?(?:放到|换成|看看|拿)?(?:全国|国家|国务院|中央)(?:来看|看|范围|层面|的|是多少|呢|怎么样|报告|定的)*[?？。\s]*$")
_OUTCOME_TURN = re.compile(r"(?:目标|任务)?(?:达到|实现|完成|做到|达标)(?:了没有|没有|了吗|了么|得怎么样|得如何|了没)"
                           r"|(?:最后|最终|实际|到底)[^，。？]{0,6}?(?:多少|怎么样|呢|如何|几)|实际呢|结果呢|兑现了吗")
_TARGET_WORDS = re.compile(r"预期目标|目标|(?<!五)计划|打算|希望|准备|想要|想|要|定的|定了|定为|定在")
# Only a turn marked as a follow-up (那…/还有…, or …呢): "赤字率是多少？" is a question of its own.
_TOPIC_TURN = re.compile(r"^(?:(?:那么|那|还有|再看看|再看)(.{2,14}?)(?:的情况|怎么样|如何|呢|是多少|多少)+"
                         r"|(.{2,14}?)(?:的情况|的)?呢)[?？。\s]*$")


# One-word indicators a follow-up names ("那消费呢", "投资呢"): too general for the vocabulary's
# rewrite of a whole question, unambiguous as the only word of a follow-up.
_PLAIN_TOPICS = frozenset(("消费", "投资", "出口", "进口", "就业", "收入", "财政收入", "工业", "农业", "服务业", "增速",
                           "经济", "人口", "财政", "税收", "外资", "粮食", "物价"))


_MEASURE = re.compile(r"(?:的)?(?:产值|总额|总量|规模|增加值|增速|水平|比例|占比|比重)")


def relative_turn(norm: str, previous: str) -> str | None:
    """``那前年呢`` after a question about 2024: the same question about 2022."""
    found = RELATIVE_TURN_RE.match(norm)
    return shift_year(previous, _offset(found)) if found else None


def parts_turn(norm: str, previous: str) -> str | None:
    """``分别是多少`` (the previous question's parts), or ``中央和地方各自多少`` (these parts of it)."""
    named = _NAMED_PARTS.match(norm)
    if not (_PARTS_TURN.match(norm) or (named and not spans(norm)[0])):
        return None
    body = re.sub(r"(?:是多少|多少|是什么|什么)?[?？。\s]+$", "", previous)
    if named:
        return f"{body}，{norm}"
    return f"{body}？" if "分别" in body else f"{body}，分别是多少？"


def wider_turn(norm: str, previous: str) -> str | None:
    """``放到全国看呢``: the previous question without its region, about the whole country."""
    if not _WIDER_TURN.match(norm):
        return None
    text = normalize_question(previous)
    places = [(s, e) for r, s, e in region_mentions(text) if r != NATIONAL]
    for s, e in sorted(places, reverse=True):
        text = drop_mention(text, s, e)
    text = DISTRICT_RE.sub("", text)  # 那个区…: the whole country instead of the district
    return "全国" + text.lstrip("的")


# How ``outcome_turn`` asks for the result; a later turn asking the target again takes it off.
OUTCOME_ASK = "，实际完成了多少？"
OUTCOME_ASK_RE = re.compile(r"[，,]实际完成了多少[？?]$")


_REPORT_AFTER_YEAR = re.compile(rf"(?<=年)(?:的)?((?:国家|全国|国务院|中央|总理)?(?:的)?)(?:{REPORT_NOUN_RE.pattern})(?:里|中|上)?(?:说|提到|讲)?")


def year_not_report(text: str) -> str:
    """``text`` with the report noun after its first year dropped ("2024年国家报告里…" →
    "2024年国家…"): a year's result then reads from the next year's report, which is where
    it is stated, instead of from that year's own report."""
    return _REPORT_AFTER_YEAR.sub(lambda m: m.group(1), text, count=1)


def is_outcome_ask(norm: str) -> bool:
    """Does ``norm`` (a turn, or its rest after a lead) ask for an actual result?"""
    return bool(_OUTCOME_TURN.search(norm))


def outcome_turn(norm: str, previous: str) -> str | None:
    """``目标达到了没有``: the previous target question, asked as the actual result."""
    if len(norm) > 16 or not _OUTCOME_TURN.search(norm) or spans(norm)[0] or topics(norm):
        return None
    body = re.sub(r"(?:是多少|多少|是什么|什么)?[?？。\s]*$", "", _TARGET_WORDS.sub("", previous))
    return f"{body.rstrip('的给把到')}{OUTCOME_ASK}"


def topic_turn(norm: str, previous: str) -> str | None:
    """``那财政赤字呢``: the previous question about another indicator."""
    found = _TOPIC_TURN.match(norm)
    topic = re.sub(r"(?:的)?(?:目标|指标)$", "", (found.group(1) or found.group(2)) if found else "")
    topic = re.sub(r"^(?:它们?|其|这个|那个)的?", "", topic)
    if not topic or spans(norm)[0] or not (topics(topic) or ECONOMIC_RE.search(topic) or topic in _PLAIN_TOPICS):
        return None
    # The topic asked about, not a word of the clause that sets the scene ("见外国企业老板时说，…").
    start = len(setting_clause(previous))
    span = topic_span(previous[start:])
    span = (span[0] + start, span[1] + start) if span else None
    if span is None and (m := ECONOMIC_RE.search(previous)):
        span = (m.start(), m.end() - 2 if m.group().endswith("目标") else m.end())  # keep 目标: still a target
    if span is None:
        return None
    # The measure after an indicator belongs to it (工业企业|产值): replaced together.
    tail = _MEASURE.match(previous, span[1])
    return previous[:span[0]] + topic + previous[tail.end() if tail else span[1]:]


_HORIZON = re.compile(r"(?:到|至)?(?<![\d.])(?:1[89]|20)\d\d年(?:的)?")
_EARLY_CONGRESS = re.compile(r"^([一二三四五六七八九]大)(?:的)?(?:报告)?(?:呢|是怎么说的|怎么说的)?[?？。\s]*$")


def congress_turn(norm: str, previous: str) -> str | None:
    """``十五大呢？`` after a question about 十八大: the same question about that congress."""
    found = CONGRESS_RE.search(norm)
    before = CONGRESS_RE.search(previous) if found else None
    # 一大…九大 name a congress only in context (三大攻坚战 does not): here, after another congress.
    if not found and (early := _EARLY_CONGRESS.match(LEAD_RE.sub("", norm))) and (before := CONGRESS_RE.search(previous)):
        return _HORIZON.sub("", previous[:before.start()] + early.group(1) + previous[before.end():])
    rest = TAIL_RE.sub("", LEAD_RE.sub("", (norm[:found.start()] + norm[found.end():]).strip())) if found else "x"
    if not before or len(re.sub(r"[的]", "", SAME_ASK_RE.sub("", rest))) > 1:
        return None
    # Each congress looks to its own horizon (十八大: 2020年, 十五大: 2010年): the years go.
    return _HORIZON.sub("", previous[:before.start()] + found.group(0) + previous[before.end():])


# One group of counterparts: "地方呢？" after a question about 中央财政赤字 asks the other part.
_COUNTERPARTS = (("中央", "地方"), ("城镇居民", "农村居民"), ("城镇", "农村"), ("出口", "进口"),
                 ("第一产业", "第二产业", "第三产业"), ("农业", "工业", "服务业"))
_COUNTERPART_TURN = re.compile(r"^(?:那么|那|还有)?(.{2,4}?)(?:的情况|的|是多少|多少|呢)+[?？。\s]*$")


def counterpart_turn(norm: str, previous: str) -> str | None:
    """``地方呢`` after ``2016年中央财政赤字是多少``: the same question about the other part."""
    found = _COUNTERPART_TURN.match(norm)
    word = found.group(1) if found else ""
    for group in _COUNTERPARTS:
        if word in group and (other := next((w for w in group if w != word and w in previous), None)):
            return previous.replace(other, word, 1)
    return None


def premier_turn(norm: str, previous: str) -> str | None:
    """``接下来朱镕基那五年呢`` after a question about 李鹏第二个任期那五年: the same question
    about the other premier's term (or report)."""
    found = PREMIER_PHRASE_RE.search(norm)
    before = PREMIER_PHRASE_RE.search(previous) if found else None
    if not before or found.group() == before.group():
        return None
    if not asks_nothing_new(norm[:found.start()] + norm[found.end():]):
        return None
    return previous[:before.start()] + found.group() + previous[before.end():]


# "那之前五年呢", "再往后一届呢": the five-year term before or after the one asked about.
_TERM_TURN = re.compile(r"^(?:那|那么)?(?:再)?(之前|以前|往前|更早|上一个|上个|之后|以后|往后|后来|下一个|下个)(?:的)?(?:那)?"
                        r"(?:五年|一届|届|任期|个任期)(?:呢|的呢|怎么样|又如何|又是多少)?[?？。]*$")


def term_turn(norm: str, previous: str) -> str | None:
    """``那之前五年呢`` after 朱镕基那五年… (李鹏第二个任期那五年…) or after 2018年报告说过去
    五年… (2013年…): the same question about the neighbouring five years."""
    found = _TERM_TURN.match(norm)
    if not found:
        return None
    step = -1 if found.group(1) in ("之前", "以前", "往前", "更早", "上一个", "上个") else 1
    dated, years = PREMIER_PHRASE_RE.search(previous), premier_report_years(previous)
    if dated and len(years) == 1:
        other = neighbour_review(years[0], step)
        phrase = review_phrase(other) if other else None
        return previous[:dated.start()] + phrase + previous[dated.end():] if phrase else None
    return shift_year(previous, 5 * step)
