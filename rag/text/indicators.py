"""Economic indicators: the abbreviations users type and the words the reports write.

Users type GDP/CPI/PPI; the reports write 国内生产总值 (national) or 地区生产总值
(provinces, districts). ``stem`` is what every report's wording contains, for
overlap measures; ``phrasings`` are the full terms, for keyword search.
"""
from __future__ import annotations

import re
from typing import NamedTuple


class Indicator(NamedTuple):
    """How the reports write one indicator."""

    stem: str
    phrasings: tuple[str, ...]


INDICATORS: dict[str, Indicator] = {
    "gdp": Indicator("生产总值", ("国内生产总值", "地区生产总值")),
    "cpi": Indicator("居民消费价格", ("居民消费价格",)),
    "ppi": Indicator("工业生产者出厂价格", ("工业生产者出厂价格",)),
}
_OTHER_ECONOMIC = ("经济增长", "增长目标", "预期目标", "赤字率", "财政赤字", "失业率", "粮食产量", "专项债", "特别国债")
# A question about the economy: its answer is in a government work report.
ECONOMIC_RE = re.compile("|".join(dict.fromkeys(
    [*INDICATORS, *(w for i in INDICATORS.values() for w in (i.stem, *i.phrasings)), *_OTHER_ECONOMIC])), re.I)


def named_indicators(text: str) -> list[Indicator]:
    """The indicators ``text`` names by abbreviation (case-insensitive), in table order."""
    lowered = text.lower()
    return [indicator for abbr, indicator in INDICATORS.items() if abbr in lowered]


# ---- the indicator ledger: what a statement's subject is called, and its measures ----

CEILING, FLOOR, NEUTRAL = "ceiling", "floor", "neutral"


class Measure(NamedTuple):
    """One ledger indicator: a canonical id, its Chinese label, the unit family its values
    take, and the direction in which it is good (a CPI target is a ceiling, jobs a floor)."""

    id: str
    label: str
    family: str  # "%", "人", "元", "粮"
    direction: str


MEASURES: dict[str, Measure] = {m.id: m for m in (
    Measure("gdp_growth", "经济增长（生产总值增速）", "%", FLOOR),
    Measure("gdp", "生产总值总量", "元", NEUTRAL),
    Measure("gnp_growth", "国民生产总值增长", "%", FLOOR),
    Measure("cpi", "居民消费价格涨幅", "%", CEILING),
    Measure("retail_price", "商品零售价格涨幅", "%", CEILING),
    Measure("urban_jobs", "城镇新增就业", "人", FLOOR),
    Measure("surveyed_unemployment", "城镇调查失业率", "%", CEILING),
    Measure("registered_unemployment", "城镇登记失业率", "%", CEILING),
    Measure("deficit_ratio", "赤字率", "%", CEILING),
    Measure("deficit", "财政赤字规模", "元", CEILING),
    Measure("special_bonds", "地方政府专项债券", "元", NEUTRAL),
    Measure("special_treasury", "特别国债", "元", NEUTRAL),
    Measure("grain", "粮食产量", "粮", FLOOR),
    Measure("energy_intensity", "单位生产总值能耗降低", "%", FLOOR),
    Measure("rd_intensity", "研发投入强度", "%", FLOOR),
    Measure("income_growth", "居民人均可支配收入增长", "%", FLOOR),
    Measure("urban_income_growth", "城镇居民人均可支配收入增长", "%", FLOOR),
    Measure("rural_income_growth", "农村居民人均可支配收入增长", "%", FLOOR),
    Measure("trade_growth", "进出口增长", "%", FLOOR),
    Measure("trade", "进出口总额", "元", NEUTRAL),
    Measure("retail_growth", "社会消费品零售总额增长", "%", FLOOR),
    Measure("retail", "社会消费品零售总额", "元", NEUTRAL),
    Measure("fai_growth", "固定资产投资增长", "%", FLOOR),
    Measure("fai", "固定资产投资总额", "元", NEUTRAL),
    Measure("revenue_growth", "一般公共预算收入增长", "%", FLOOR),
    Measure("revenue", "一般公共预算收入", "元", NEUTRAL),
)}


class Subject(NamedTuple):
    """How the reports name a subject, and which measure each unit family of its values is."""

    names: tuple[str, ...]
    measures: dict[str, str]  # unit family -> measure id


SUBJECTS: tuple[Subject, ...] = (
    Subject(("国内生产总值", "地区生产总值", "全省生产总值", "全市生产总值", "全区生产总值", "生产总值", "GDP"),
            {"%": "gdp_growth", "元": "gdp"}),
    Subject(("经济总量",), {"元": "gdp"}),
    Subject(("经济增长预期目标", "经济增长", "经济增速"), {"%": "gdp_growth"}),
    Subject(("国民生产总值",), {"%": "gnp_growth"}),
    Subject(("居民消费价格总水平", "居民消费价格", "消费价格总水平", "CPI"), {"%": "cpi"}),
    Subject(("全国商品零售价格总水平", "商品零售价格总水平", "商品零售价格", "零售物价总水平", "零售物价", "物价总水平"),
            {"%": "retail_price"}),
    Subject(("城镇新增就业人数", "城镇新增就业", "新增城镇就业", "城镇新增就业岗位"), {"人": "urban_jobs"}),
    Subject(("全国城镇调查失业率", "城镇调查失业率", "调查失业率"), {"%": "surveyed_unemployment"}),
    Subject(("城镇登记失业率", "登记失业率"), {"%": "registered_unemployment"}),
    Subject(("财政赤字率", "赤字率", "财政赤字占国内生产总值的比重", "财政赤字占国内生产总值比重"), {"%": "deficit_ratio"}),
    Subject(("全国财政赤字", "财政赤字", "赤字规模", "赤字"), {"元": "deficit"}),
    Subject(("地方政府专项债券", "地方专项债券", "专项债券", "专项债"), {"元": "special_bonds"}),
    Subject(("超长期特别国债", "特别国债"), {"元": "special_treasury"}),
    Subject(("粮食总产量", "粮食产量", "粮食生产", "粮食"), {"粮": "grain"}),
    Subject(("单位国内生产总值能耗", "单位地区生产总值能耗", "单位生产总值能耗", "单位GDP能耗",
             "单位国内生产总值能源消耗", "能耗强度"), {"%": "energy_intensity"}),
    Subject(("研究与试验发展经费支出与国内生产总值之比", "研究与试验发展经费支出占国内生产总值的比重",
             "研发经费支出占国内生产总值的比重", "研发经费支出相当于全市生产总值的比例", "研发支出占国内生产总值比重", "研发支出占国内生产总值的比重", "研究与试验发展经费投入强度", "全社会研发经费投入强度", "研发经费投入强度", "研发投入强度",
             "R&D经费投入强度"), {"%": "rd_intensity"}),
    Subject(("全体居民人均可支配收入", "居民人均可支配收入", "居民收入"), {"%": "income_growth"}),
    Subject(("城镇居民人均可支配收入", "城镇常住居民人均可支配收入", "城镇居民收入"), {"%": "urban_income_growth"}),
    Subject(("农村居民人均可支配收入", "农村常住居民人均可支配收入", "农民人均纯收入", "农村居民人均纯收入", "农村居民收入"),
            {"%": "rural_income_growth"}),
    Subject(("货物贸易进出口总额", "外贸进出口总额", "货物进出口总额", "进出口总额", "对外贸易总额", "外贸进出口", "进出口"),
            {"%": "trade_growth", "元": "trade"}),
    Subject(("社会消费品零售总额", "社会消费品零售额"), {"%": "retail_growth", "元": "retail"}),
    Subject(("全社会固定资产投资", "固定资产投资"), {"%": "fai_growth", "元": "fai"}),
    Subject(("全国一般公共预算收入", "地方一般公共预算收入", "一般公共预算收入", "全国财政收入", "国家财政收入", "财政收入"),
            {"%": "revenue_growth", "元": "revenue"}),
)
# 城乡居民…分别增长5%和7%: one subject, two measures in order.
BOTH_INCOMES = ("城乡居民人均可支配收入", "城乡常住居民人均可支配收入", "城乡居民收入", "城镇居民、农村居民人均可支配收入",
                *(f"城镇{j}农村{r}居民人均可支配收入" for j in ("、", "和") for r in ("", "常住")))
BOTH_INCOME_MEASURES = ("urban_income_growth", "rural_income_growth")
# A name preceded by these is another quantity (人均GDP, 占GDP比重, 中央财政收入, 单位GDP能耗).
NOT_THE_SUBJECT_BEFORE = ("人均", "每人", "占有", "占", "单位", "中央", "地方", "比重", "海洋", "贫地区", "贫县", "国家", "新区")
# A bare name (生产总值, 经济总量) is the report's own region's only at a clause start or after these.
BARE_NAMES = ("生产总值", "经济总量")
BARE_NAME_AFTER = ("全年", "全省", "全市", "全区", "全国", "实现", "是：", "是:", "预计")
# …and followed by these (粮食播种面积, 进出口银行).
NOT_THE_SUBJECT_AFTER = ("之比", "的贡献", "亩", "播种", "面积", "进口", "储备", "银行", "安全", "企业", "收购", "价格", "商品")
