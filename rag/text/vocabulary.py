"""Everyday words for the reports' official terms: 涨工资 → 居民收入, 找工作 → 就业.

Users ask in their own words; the reports use fixed terms. BM25 over character
bigrams cannot connect 城里多出来的工作岗位 to 城镇新增就业, and the small dense
model connects it only sometimes. Each ``Term`` lists the official phrasings a
report writes and the everyday patterns that mean them.

``official_terms`` gives the official phrasings a question implies (added to the
keyword search); ``in_documents_terms`` rewrites the question into the reports'
wording (what overlap measures and the answer stage read). The table covers the
indicators and policy words of government work reports, congress reports and
speeches in general, not the wording of any one eval question.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from rag.text.normalize import bigrams, norm


class Term(NamedTuple):
    """One official term: the report's phrasings (first = canonical) and everyday patterns."""

    phrasings: tuple[str, ...]
    everyday: str  # a regex over the normalized question


_CITY = r"(?:城里|城镇|城市里|城市|城里头)"
_NEW = r"(?:新增|新添|新加|多出来?|多了|增加|新创造|新提供)"
_JOB_NOUN = r"(?:工作岗位|就业岗位|就业机会|工作机会|岗位|饭碗|就业)"
_JOB = rf"(?:{_JOB_NOUN}|工作)"

TERMS: tuple[Term, ...] = (
    Term(("城镇新增就业", "新增就业"),
         rf"{_CITY}[^，。？]{{0,8}}?(?:{_NEW}|新)[^，。？]{{0,6}}?{_JOB}|{_NEW}[^，。？]{{0,4}}?{_JOB_NOUN}|找工作的新岗位|就业机会"),
    Term(("城镇调查失业率", "城镇登记失业率", "失业率"),
         r"没活干|没有?工作的?人|找不到工作|失业的?人?|待业"),
    Term(("居民人均可支配收入", "居民收入", "可支配收入"),
         r"涨工资|工资[^，。？]{0,4}涨|挣的钱|赚的钱|到手的钱|收入[^，。？]{0,4}涨|腰包|钱袋子|人均[^，。？]{0,4}(?:到手|挣|赚)"
         r"|(?:老百姓|百姓|群众|大家|人民|居民)(?:的)?收入"),
    Term(("农民人均纯收入", "农民人均收入", "农村居民人均可支配收入"),
         r"(?:农民|种地的)[^，。？]{0,8}(?:净落|纯收入|挣|赚|收入|到手)"),
    Term(("居民消费价格", "物价", "价格总水平"),
         r"物价(?:上涨|涨幅|涨)?|东西[^，。？]{0,6}贵了?|涨价|通胀|通货膨胀|消费价格|价格[^，。？]{0,4}涨"),
    Term(("经济增长", "生产总值增长"), r"经济[^，。？]{0,4}(?:涨|增长了|增速|长了|跑了)"),
    Term(("生产总值", "经济总量", "国内生产总值", "地区生产总值"),
         r"经济[^，。？]{0,2}(?:总量|规模|盘子|体量|做到)|总盘子"),
    Term(("进出口总额", "进出口", "外贸", "对外贸易"),
         r"(?:跟|和|与|同)(?:外面|外国|国外|老外)[^，。？]{0,4}做买卖|做买卖|外贸|出口|进口|贸易额"),
    Term(("研发经费", "研究与试验发展经费", "研发投入", "研发经费投入强度"),
         r"科研[^，。？]{0,6}(?:钱|经费|投入)|研发|搞科研|科技投入"),
    Term(("社会消费品零售总额",),
         r"(?:商场|超市|商店|卖货|买东西|零售|消费)[^，。？]{0,8}(?:总额|卖了|卖货|多少钱的货|销售)|卖了多少钱的货|零售"
         r"|(?:老百姓|大家)[^，。？]{0,4}(?:花钱|消费)|买东西花的钱"),
    Term(("糖料蔗",), r"甘蔗"),
    Term(("第一产业、第二产业、第三产业", "三次产业", "第一产业", "第二产业", "第三产业"),
         r"农业、工业(?:和|、)服务业|农业工业服务业|一二三产|一产、二产、三产"),
    Term(("粮食产量", "粮食总产量", "粮食"),
         r"(?:打|收|种|产)[^，。？]{0,4}粮食|粮食[^，。？]{0,6}(?:收成|产量|打了|收了|打多少|收多少)|收成"),
    Term(("固定资产投资",), r"(?:搞建设|盖楼修路|修路建桥)[^，。？]{0,4}投|建设投资"),
    Term(("投资",), r"砸[^，。？]{0,4}钱|花[^，。？]{0,2}钱搞建设"),
    Term(("基本建设投资",), r"搞基建|基建"),
    Term(("不良贷款率", "不良贷款"), r"坏账|烂账|坏贷款|收不回来的贷款|呆账"),
    Term(("空气质量优良天数比率", "空气质量优良天数", "优良天数"),
         r"蓝天|好天气|空气[^，。？]{0,4}好|好空气|空气质量"),
    Term(("以旧换新", "设备更新"), r"换新|旧换新|换[^，。？]{0,4}(?:家电|新车|手机)"),
    Term(("超长期特别国债", "特别国债"), r"(?:超长期|长期)[^，。？]{0,4}国债|特别国债"),
    Term(("赤字率", "财政赤字"), r"赤字|窟窿|花钱超出收入|支出超过收入|入不敷出|(?:财政|政府)[^，。？]{0,4}(?:亏空|借多少|花的比收的多)"),
    Term(("地方政府专项债券", "专项债"), r"专项债|地方[^，。？]{0,4}(?:借钱|发债)"),
    Term(("隐性债务",), r"看不见的(?:欠账|债)|隐形债|隐性债|暗债"),
    Term(("常住人口城镇化率", "城镇化率", "城镇化"), r"城镇化|城市化|进城[^，。？]{0,4}(?:人|比例)|住在城里的人[^，。？]{0,4}比例"),
    Term(("基本养老保险", "养老保险", "基本养老金"), r"养老保险|养老金|退休金|退休工资"),
    Term(("单位缴费比例",), r"(?:公司|企业|单位)[^，。？]{0,6}(?:交|缴)[^，。？]{0,6}(?:比例|费率)"),
    Term(("减税降费", "减税", "降费"), r"减负|少交税|减税|降费|税费负担"),
    Term(("农业税", "牧业税", "特产税"), r"种地[^，。？]{0,6}税|皇粮"),
    Term(("高速铁路", "高铁"), r"高铁|(?<!电)动车|高速铁路"),
    Term(("农村贫困人口", "脱贫", "贫困人口"), r"穷人|贫困|脱贫|摘帽|吃不饱"),
    Term(("规模以上工业增加值", "工业增加值"),
         r"(?:大点的|大的|规模大的|规上)工业(?:企业)?|工业[^，。？]{0,4}(?:涨|增长|增速)|工厂[^，。？]{0,4}(?:增长|涨)"
         r"|大一?点的工厂|大工厂|规模以上(?:企业|工厂)"),
    Term(("工业总产值", "工农业总产值"), r"工厂[^，。？]{0,6}(?:生产的总值|产值|总值)|工业产值"),
    Term(("一般公共预算收入", "财政收入"), r"(?:政府|财政)[^，。？]{0,4}(?:收入|进账|收的钱)|税收"),
    Term(("国防支出", "国防预算", "国防费"), r"军费|国防[^，。？]{0,2}(?:开支|预算|花)"),
    Term(("基本医疗保险", "医保"), r"看病[^，。？]{0,4}(?:报销|钱)|医保|医疗保险"),
    Term(("育儿补贴",), r"养孩子|育儿|带娃|生孩子[^，。？]{0,4}补贴"),
    Term(("计划生育", "少生"), r"少生|计划生育|控制人口"),
    Term(("党员",), r"入了?党|党员"),
    Term(("单位国内生产总值能耗", "能耗"), r"能耗|耗能|耗电|节能"),
    Term(("实际使用外资", "利用外资", "外商投资"), r"外资|(?:外国|老外|外商)[^，。？]{0,3}投资"),
    Term(("保障性住房", "棚户区改造", "住房"), r"棚户|棚改|廉租|保障房|公租房|房子"),
    Term(("房地产市场", "房地产"), r"房价|楼市|房地产"),
    Term(("自由贸易协定", "自贸协定", "自贸区"), r"自贸|自由贸易"),
    Term(("义务教育",), r"上学|读书|念书"),
    Term(("细颗粒物（PM2.5）", "细颗粒物", "PM2.5"), r"雾霾|霾|pm2\.5|PM2\.5|pm25"),
    Term(("地表水", "水质"), r"河水|河里的水|水干净|水变清"),
    Term(("森林覆盖率",), r"种树|树木[^，。？]{0,4}(?:多|覆盖)|绿化[^，。？]{0,4}(?:多|比例)"),
    Term(("一般公共预算支出", "财政支出"), r"(?:政府|财政)(?:一共|总共)?(?:花钱|花了|要花)"),
    Term(("转移支付",), r"中央给地方的钱|(?:中央|上面)[^，。？]{0,4}(?:补给|拨给|给)地方"),
    Term(("外汇储备",), r"外汇[^，。？]{0,4}(?:家底|存了|有多少)|(?:攒|存)[^，。？]{0,4}外国钱|外国钱|外币家底"),
    Term(("个人所得税",), r"个税|工资[^，。？]{0,4}(?:交税|扣税)"),
    Term(("高标准农田",), r"良田|旱涝保收的地"),
    Term(("新能源汽车",), r"电动车|电车|新能源车"),
    Term(("快递业务量", "快递"), r"快递|包裹"),
    Term(("学前教育", "幼儿园"), r"上幼儿园|托儿|入园"),
    Term(("农村危房改造", "危房改造"), r"危房|破房子"),
    Term(("去产能", "化解过剩产能"), r"砍掉[^，。？]{0,4}产能|压减[^，。？]{0,4}产能|过剩产能"),
    Term(("人均国内生产总值", "人均生产总值"), r"平均每人[^，。？]{0,4}产出|人均[^，。？]{0,2}经济(?:总量|产出)"),
    Term(("出境旅游", "出境游"), r"出国(?:旅游|玩|旅行|游)|(?:到|去|跑到)国外[^，。？]{0,6}(?:玩|旅游|旅行)|出境"),
    Term(("老旧小区",), r"老破小|老小区|旧小区|老房子[^，。？]{0,4}(?:改造|翻修|修)"),
    Term(("大病保险",), r"大病|重病"),
    Term(("小规模纳税人", "增值税起征点"), r"小商户|个体户|小店[^，。？]{0,6}税|小本生意"),
    Term(("高校毕业生",), r"大学毕业生|应届(?:大学|毕业)?生|刚毕业的大学生|大学生[^，。？]{0,4}(?:就业|找工作|上班)"),
    Term(("外资企业", "外商投资企业"), r"外企|外国(?:公司|企业)|外资公司"),
    Term(("服务业",), r"服务(?:这一?行|行业)|做服务"),
    Term(("城乡居民储蓄存款", "储蓄存款"), r"(?:银行|信用社)[^，。？]{0,6}(?:存了|存的钱|存款|存钱)|存款|储蓄|存的钱"),
    Term(("职工平均工资", "平均工资", "职工工资"),
         r"(?:职工|上班的人|工人|打工的)[^，。？]{0,8}(?:挣|工资|薪水|收入)|平均(?:每人)?[^，。？]{0,2}工资"),
    Term(("人口自然增长率", "自然增长率"),
         r"(?:多生|出生|生孩子)[^，。？]{0,6}(?:比例|比率|速度)|人口[^，。？]{0,4}(?:增长|增加|多出)[^，。？]{0,2}(?:比例|速度|率|快慢)"),
    Term(("集装箱吞吐量", "港口货物吞吐量", "吞吐量"),
         r"(?:港口?|码头)[^，。？]{0,8}(?:装卸|吞吐|集装箱|货)|标准集装箱|标箱"),
    Term(("粮食单产", "亩产", "单产"), r"一?亩地?[^，。？]{0,6}(?:打|产|收)|亩产|单产"),
    Term(("紧急转移", "转移安置", "转移避险"), r"撤走|撤离|转移[^，。？]{0,4}(?:群众|人)|疏散|避险"),
    Term(("国家助学贷款", "助学贷款"), r"(?:大学生|学生|上大学)[^，。？]{0,8}(?:借|贷)|学生贷款|助学贷"),
    Term(("跨省异地就医", "异地就医", "直接结算"), r"(?:外省|外地|异地)[^，。？]{0,6}(?:看病|住院|就医|报销)"),
    Term(("可再生能源发电装机", "可再生能源", "装机"),
         r"(?:绿色|清洁)[^，。？]{0,4}(?:发电|电力|电)|风电光伏|风光发电|风电|光伏"),
    Term(("新型农村合作医疗", "合作医疗"), r"合作[^，。？]{0,4}(?:看病|医疗)|农村[^，。？]{0,6}看病[^，。？]{0,4}保险|新农合"),
    Term(("随迁子女", "农民工随迁子女"), r"(?:进城|打工|务工|农民工)[^，。？]{0,8}(?:孩子|子女|娃)"),
    Term(("升学考试", "异地高考"), r"(?:当地|本地|异地)[^，。？]{0,4}(?:考大学|高考|中考)|考大学"),
    Term(("农民工",), r"进城打工|打工的?人|外出务工|打工仔"),
    Term(("最低生活保障", "低保"), r"低保|最低生活"),
    Term(("农村公路",), r"农村[^，。？]{0,4}(?:修路|的路|道路)|村村通"),
    Term(("网上零售额", "电子商务"), r"网购|网上[^，。？]{0,4}(?:买|卖|购物)|电商"),
    Term(("碳达峰", "碳中和"), r"碳排放|二氧化碳|双碳|减碳"),
    Term(("铁路营业里程", "铁路"), r"修[^，。？]{0,4}铁路|铁路[^，。？]{0,4}(?:修|建|通车|里程)"),
    Term(("农村饮水安全", "饮水安全"), r"(?:喝上|吃上|喝到)[^，。？]{0,4}水|自来水|饮水|喝水"),
    Term(("裁减军队员额", "裁军"), r"裁军|军队[^，。？]{0,4}(?:裁|减)"),
    Term(("反腐败", "党风廉政建设", "腐败"), r"反腐|贪官|打虎|拍蝇|腐败"),
    Term(("共青团", "入团"), r"入[^，。？]{0,2}团|团员"),
    Term(("委员长",), r"人大常委会[^，。？]{0,4}(?:一把手|老大|头儿|负责人)"),
    Term(("生物多样性",), r"(?:动植物|物种)[^，。？]{0,6}(?:保护|多样)|保护[^，。？]{0,4}(?:动植物|物种)"),
    Term(("理论学习中心组", "集体学习"), r"集体[^，。？]{0,4}学习|理论学习"),
    Term(("苏联",), r"老大哥"),
    # Science, sport and diplomacy in users' words: speeches and reviews name them officially.
    Term(("月球背面", "月球"), r"月亮[^，。？]{0,2}背面|月亮"),
    Term(("采样返回",), r"带回来?[^，。？]{0,4}(?:土|样|石头)|(?:土|样品|石头)[^，。？]{0,4}带回"),
    Term(("大飞机", "国产大飞机"), r"大客机|(?:国产|自己造的)[^，。？]{0,2}(?:客机|飞机)"),
    Term(("载人航天", "空间站"), r"(?:送|上)[^，。？]{0,2}(?:天|太空)|宇航员|航天员"),
    Term(("亚洲冬季运动会", "亚冬会"), r"亚洲[^，。？]{0,4}(?:冰雪|冬季)[^，。？]{0,4}(?:赛事|运动会|比赛|盛会)|冬季亚运"),
    Term(("亚太经合组织", "APEC"), r"亚太[^，。？]{0,6}(?:经济会议|经济合作|领导人[^，。？]{0,6}会议)"),
    Term(("上海合作组织", "上合组织"), r"上合|上海合作"),
    Term(("国家科学技术进步奖", "科技进步奖", "科学技术奖"), r"(?:国家级|国家)[^，。？]{0,4}(?:科学|科技)[^，。？]{0,2}(?:大奖|奖)"),
)


# Question words inside a replaced phrase (城里新添多少工作岗位) are kept after the term.
_ASKING = re.compile(r"多少|几|哪些|什么")


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[Term, re.Pattern[str]], ...]:
    return tuple((t, re.compile(t.everyday)) for t in TERMS)


@lru_cache(maxsize=4096)
def official_terms(text: str) -> tuple[str, ...]:
    """The canonical official phrasings ``text``'s everyday words imply, in table order;
    a canonical phrasing the text already writes is left out."""
    out = []
    for term, pattern in _compiled():
        if pattern.search(text) and term.phrasings[0] not in text:
            out.append(term.phrasings[0])
    return tuple(out)


@lru_cache(maxsize=4096)
def topics(text: str) -> tuple[Term, ...]:
    """The terms ``text`` speaks of, in its own words or the reports'."""
    return tuple(t for t, pattern in _compiled() if pattern.search(text) or any(p in text for p in t.phrasings))


def topic_span(text: str) -> tuple[int, int] | None:
    """Where ``text`` first names an indicator or policy term (its own words or the
    reports'), or None: the part a follow-up such as "那财政赤字呢" replaces."""
    spans = [m.span() for t, pattern in _compiled() for m in (pattern.search(text),) if m]
    spans += [(i, i + len(p)) for t in TERMS for p in t.phrasings if (i := text.find(p)) >= 0]
    return min(spans, key=lambda sp: (sp[0], -sp[1]), default=None)


def names_topic(term: Term, sentence: str) -> bool:
    """Does ``sentence`` name ``term``: words its pattern reads, or most of an official
    phrasing (all its bigrams, or at least two: 工农业的年总产值 names 工农业总产值)?
    Read in the simplified matching form (congress reports of the 1920s are traditional)."""
    text = norm(sentence)
    if _pattern(term).search(text):
        return True
    have = bigrams(text)
    return any(len(b := bigrams(p)) and len(b & have) >= min(2, len(b)) for p in term.phrasings)


def _pattern(term: Term) -> re.Pattern[str]:
    return dict(_compiled())[term]


@lru_cache(maxsize=4096)
def in_documents_terms(text: str) -> str:
    """``text`` with each everyday phrase replaced by its official term's canonical phrasing.

    Only the first match of each term is replaced; a term whose canonical phrasing the
    text already writes is left alone, so the rewrite never doubles an official word.
    """
    for term, pattern in _compiled():
        found = pattern.search(text)
        if found and term.phrasings[0] not in text and not _inside_official(text, found, term):
            text = _replace(text, found, term.phrasings[0])
    return text


def _inside_official(text: str, found: re.Match[str], term: Term) -> bool:
    """Is the match part of a longer official phrasing the text writes (失业 in 失业率,
    出口 in 进出口, 养老金 in 基本养老金)?"""
    for phrasing in term.phrasings:
        start = text.find(phrasing)
        while start >= 0:
            end = start + len(phrasing)
            if start <= found.start() and found.end() <= end and end - start > found.end() - found.start():
                return True
            start = text.find(phrasing, start + 1)
    return False


def _replace(text: str, found: re.Match[str], canonical: str) -> str:
    """Replace the match by ``canonical`` plus the question words it held; a part of the
    canonical phrasing written right before (地方政府+专项债) or after (坏账+率) is absorbed."""
    start, end = found.span()
    for k in range(len(canonical) - 1, 0, -1):
        if text[:start].endswith(canonical[:k]):
            start -= k
            break
    for k in range(len(canonical) - 1, 0, -1):
        if text[end:].startswith(canonical[-k:]):
            end += k
            break
    return text[:start] + canonical + "".join(_ASKING.findall(found.group(0))) + text[end:]


__all__ = ["TERMS", "Term", "in_documents_terms", "names_topic", "official_terms", "topic_span", "topics"]
