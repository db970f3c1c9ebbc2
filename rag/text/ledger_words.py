"""How users ask the indicator ledger: which indicator, which regions, and what about it.

"2019年定的就业目标完成了吗？" asks for an *outcome* (target and actual, and a verdict);
"历年GDP增长目标是怎么变的？" a *timeline*; "各省2025年的增长目标谁最高？" a
*cross-region* comparison. The patterns here read a question in users' own words
(涨工资, 打粮食, 东西涨价, 城里新增的工作); ``rag.ledger_answer`` looks the rows up.
"""
from __future__ import annotations

import re

from rag.text.doctypes import DISTRICT_RE

OUTCOME, TIMELINE, CROSS, VALUE, DROPPED, PREMISE = "outcome", "timeline", "cross_region", "value", "dropped", "premise"

_ANY = r"[^，。？?！!]"
# Measures in the order they are tried: the more specific first (财政收入 before 收入, 赤字率 before 赤字).
ASKED_MEASURES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = tuple((re.compile(p, re.I), m) for p, m in (
    (rf"赤字率|(?:赤字|借的钱|借钱|举债|超支|花钱超出收入){_ANY}{{0,14}}(?:比例|比重|占|几个点)",
     ("deficit_ratio",)),
    (rf"赤字(?:规模|总额|总量|多少钱|{_ANY}{{0,4}}(?:亿|万亿))|财政赤字|赤字", ("deficit_ratio", "deficit")),
    (r"专项债", ("special_bonds",)),
    (r"特别国债", ("special_treasury",)),
    (r"调查失业率", ("surveyed_unemployment",)),
    (rf"登记失业率|登记{_ANY}{{0,6}}(?:没工作|失业|没活)", ("registered_unemployment",)),
    (r"失业率|失业|没工作的人|没活干|待业", ("surveyed_unemployment", "registered_unemployment")),
    (r"研发|研究与试验发展|科研[^，。？]{0,6}投入|R&D|搞科研", ("rd_intensity",)),
    (rf"能耗|耗能|节能|能源消耗|省能源|降耗|(?:单位|每单位){_ANY}{{0,6}}(?:能源|耗)|耗的能源", ("energy_intensity",)),
    (r"粮食|打粮|产粮|粮|收成", ("grain",)),
    (rf"城镇新增就业|就业|工作岗位|新岗位|饭碗|找到{_ANY}{{0,4}}工作|新工作|新增{_ANY}{{0,4}}(?:工作|岗位)"
     rf"|多出来{_ANY}{{0,6}}(?:工作|岗位)|工作机会", ("urban_jobs",)),
    (r"财政收入|一般公共预算收入|预算收入|政府(?:的)?收入|税收", ("revenue_growth", "revenue")),
    (rf"农民{_ANY}{{0,6}}收入|农村{_ANY}{{0,6}}收入|种地的{_ANY}{{0,6}}(?:收入|挣)", ("rural_income_growth",)),
    (rf"城镇居民{_ANY}{{0,6}}收入|城里人{_ANY}{{0,6}}收入", ("urban_income_growth",)),
    (r"收入|工资|腰包|挣的钱|钱袋子", ("income_growth", "urban_income_growth")),
    (r"进出口(?!银行)|外贸|对外贸易|做买卖|贸易", ("trade_growth", "trade")),
    (r"社会消费品零售|零售总额|社零|消费品|买东西花的钱|消费(?!价格|者|水平|结构|升级|需求|市场|券)", ("retail_growth", "retail")),
    (r"固定资产投资|投资", ("fai_growth", "fai")),
    (rf"物价|居民消费价格|CPI|涨价|东西{_ANY}{{0,6}}贵|通胀|通货膨胀|价格", ("cpi", "retail_price")),
    (r"国民生产总值|GNP", ("gnp_growth",)),
    (r"经济总量|经济规模|GDP总量|生产总值总量", ("gdp",)),
    (rf"GDP|生产总值|经济增速|经济增长|增速|增长目标|经济(?:发展)?速度|增长速度|经济{_ANY}{{0,4}}(?:增长|涨|长|跑|倒退|下滑|萎缩|负增长)|保8|保八", ("gdp_growth", "gnp_growth")),
))
# An amount, not a rate: "赤字规模是多少亿", "进出口总额".
LEVEL_RE = re.compile(r"总额|总量|规模|一共|总共|合计|多少亿|多少万亿|多少钱|多少斤|多少吨|多少万人")
RATE_RE = re.compile(r"涨|增长|增速|增幅|几个点|百分之|百分点|%|比例|比重|率")

TARGET_WORDS = re.compile(r"目标|定(?:了|的|下|得)?|计划|预期|调控线|红线|底线|上限|控制线|年初|预算|安排|打算|划的|给的|设的|说好|要求"
                          r"|希望|想(?:把|让|要)|准备|控制在|压到|压在"
                          r"|任务|指标|保8|保八")
ACTUAL_WORDS = re.compile(r"实际|最后|最终|结果|完成了|达到了|实现了|干成|跑出|打了|收了|涨了|降了|多出来|贵了|落在了")
OUTCOME_RE = re.compile(
    rf"完成(?:了|得)?(?:吗|没有?|没|情况|如何|怎么样)|完没完成|有没有完成|是否完成|没完成|达到了?(?:吗|没有?)|达标|达没达到"
    rf"|(?:有没有|是否|能否)(?:达到|压在|控制在|守住|保住|实现|完成|超过|超出|突破|落在)|达成|完成{_ANY}{{0,12}}(?:了吗|没有|了没)|达到{_ANY}{{0,10}}(?:没有|了吗|没)"
    rf"|(?:超出|超过|突破)了?{_ANY}{{0,10}}(?:上限|目标|红线|控制线|底线)"
    rf"|比(?!上年|去年|前一年|上一年){_ANY}{{0,10}}(?:目标|上限|底线|红线|控制线|计划|预算|预期){_ANY}{{0,4}}(?:高|低|多|少)"
    rf"|实现了?(?:吗|没有)|有没有实现|守住|保住|做到了?(?:吗|没有)|超额|超没超|(?:超过|突破)了?(?:吗|没有)"
    rf"|比(?:它|目标|预算|计划|年初|当初|定的){_ANY}{{0,8}}(?:高|低|多|少)|(?:高于|低于|超出|超过)(?:了)?目标"
    rf"|区间(?:之内|以内|内|里)|落在|压在{_ANY}{{0,14}}(?:以下|以内|之下|里)(?:了吗|了没|没有)|兑现|落空"
    rf"|(?:目标|定的|计划){_ANY}{{0,14}}(?:和|与|跟|、){_ANY}{{0,8}}(?:实际|结果|最终)"
    rf"|(?:实际|最后|最终|到底){_ANY}{{0,12}}(?:多少|几)")
# Not a lookup: why, how, or last year's result beside this year's target.
NOT_A_LOOKUP_RE = re.compile(r"为什么|为何|原因|怎么(?:做|办|安排|部署|实现|看)|如何|哪些措施|举措|依据|意味着"
                             r"|(?:去年|上年|前年|上一年)[^，。？]{0,4}(?:实际|完成|是多少|多少)")
# A question that asserts a target was dropped: "2024年为什么把失业率目标取消了？"
DROPPED_RE = re.compile(r"取消|删除|删掉|去掉|拿掉|不再(?:提|设|定|写)|没有再?(?:定|设|提)|放弃了")
# The question asserts a value and asks about it: "为什么只定在3%", "倒退了1%左右，报告怎么交代的".
ASSERTS_RE = re.compile(r"为什么|为何|怎么(?:交代|解释|说|来的)|是这样吗|对吗|没记错|是不是|真的|听说")
# A single value asked for: 多少, 几, what range or level.
VALUE_RE = re.compile(r"多少|几(?:个|成|倍)?|什么(?:范围|水平|幅度|程度)|多大|多高|多快|定在|定为")
TIMELINE_RE = re.compile(r"历年|这几年|那几年|近几年|每年|逐年|各年|历次|以来|怎么变|如何变|变化|走势|趋势|依次|一路")
YEAR_RANGE_RE = re.compile(r"(?<!\d)(19\d\d|20\d\d)\s*年?\s*(?:到|至|-|—|–|~|～)\s*(19\d\d|20\d\d)")
SINCE_RE = re.compile(r"(?<!\d)(19\d\d|20\d\d)\s*年?以来")
YEAR_RE = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?=\s*年|\s*(?:到|至|-|—|–|~|～|、|和|与|这))")
ALL_PROVINCES_RE = re.compile(r"各省|哪个省|哪些省|哪几个省|哪一个省|各地|省份|31个省|全国各省|各个省|哪个地方|哪里")
NATIONAL_RE = re.compile(r"国家|全国|中央|国务院|总理")
HIGHEST_RE = re.compile(r"最高|最快|最猛|最多|最大|最宽松|最乐观|最激进|最积极|谁高|哪个高|谁更高|哪家最")
LOWEST_RE = re.compile(r"最低|最慢|最少|最小|最保守|最谨慎|最紧|最严|谁低|哪个低")

# Groups of provinces users name as one.
REGION_GROUPS: dict[str, tuple[str, ...]] = {
    "东北三省": ("辽宁", "吉林", "黑龙江"), "东三省": ("辽宁", "吉林", "黑龙江"), "东北": ("辽宁", "吉林", "黑龙江"),
    "京津冀": ("北京", "天津", "河北"), "长三角": ("上海", "江苏", "浙江", "安徽"),
    "中部六省": ("山西", "安徽", "江西", "河南", "湖北", "湖南"), "中部几个省": ("山西", "安徽", "江西", "河南", "湖北", "湖南"),
    "中部": ("山西", "安徽", "江西", "河南", "湖北", "湖南"),
    "西北五省": ("陕西", "甘肃", "青海", "宁夏", "新疆"), "西北": ("陕西", "甘肃", "青海", "宁夏", "新疆"),
    "成渝": ("四川", "重庆"), "川渝": ("四川", "重庆"), "珠三角": ("广东",), "直辖市": ("北京", "天津", "上海", "重庆"),
}
REGION_GROUP_RE = re.compile("|".join(sorted(REGION_GROUPS, key=len, reverse=True)))


def asked_measure_groups(question: str) -> list[tuple[str, ...]]:
    """Every indicator the question names, left to right (城里人、农村人的收入: two)."""
    taken: list[tuple[int, int, tuple[str, ...]]] = []
    for pattern, measures in ASKED_MEASURES:
        for m in pattern.finditer(question):
            if not any(a < m.end() and m.start() < b for a, b, _ in taken):
                # 赤字率…？赤字规模多大？: each mention's own words say rate or amount.
                taken.append((m.start(), m.end(), _rate_or_level(question[m.start():m.end() + 8], measures)))
    if _BOTH_INCOMES.search(question):
        return [("urban_income_growth",), ("rural_income_growth",)]
    return list(dict.fromkeys(measures for _, _, measures in sorted(taken)))


_BOTH_INCOMES = re.compile(r"(?:城里人?|城镇(?:居民)?)[、和与及跟]?(?:农村人?|农民|乡村)[^，。？]{0,6}收入|城乡[^，。？]{0,4}收入")


def _rate_or_level(question: str, measures: tuple[str, ...]) -> tuple[str, ...]:
    if len(measures) > 1 and measures[1] in ("deficit", "trade", "retail", "fai", "revenue") \
            and LEVEL_RE.search(question) and not RATE_RE.search(LEVEL_RE.sub("", question)):
        return (measures[1], measures[0])
    return measures


def asked_measures(question: str) -> tuple[str, ...]:
    """The ledger measures a question asks about, most likely first (a rate before an amount
    unless it asks for a total); empty when it names no ledger indicator."""
    for pattern, measures in ASKED_MEASURES:
        if pattern.search(question):
            if len(measures) > 1 and measures[1] in ("deficit", "trade", "retail", "fai", "revenue") \
                    and LEVEL_RE.search(question) and not RATE_RE.search(LEVEL_RE.sub("", question)):
                return (measures[1], measures[0])
            return measures
    return ()


__all__ = ["ACTUAL_WORDS", "ASSERTS_RE", "DROPPED", "DROPPED_RE", "PREMISE", "ALL_PROVINCES_RE", "CROSS", "DISTRICT_RE", "HIGHEST_RE", "LOWEST_RE", "NATIONAL_RE",
           "NOT_A_LOOKUP_RE", "OUTCOME", "OUTCOME_RE", "REGION_GROUPS", "REGION_GROUP_RE", "SINCE_RE", "TARGET_WORDS", "TIMELINE",
           "TIMELINE_RE", "VALUE", "VALUE_RE", "YEAR_RANGE_RE", "YEAR_RE", "asked_measure_groups", "asked_measures"]
