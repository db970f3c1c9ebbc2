"""analyze(), condense() and the gazetteer on realistic user phrasings, against the real manifest."""
from __future__ import annotations

import json

import pytest

from rag.followup import condense
from rag.coverage import describe_scope
from rag.query import analyze, anchor_year, matches
from rag.text.doctypes import CONGRESS, DISTRICT, LEADER, NATIONAL_GWR, PROVINCIAL_GWR, RESOLUTION
from rag.text.numerals import cn_number
from rag.text.places import PROVINCES, find_provinces
from rag.text.questions import normalize_question
from rag.types import Filters


@pytest.fixture(scope="module")
def catalog(corpus_dir):
    """Document metadata shaped like Index.documents(), from the corpus manifest."""
    rows = []
    for line in (corpus_dir / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        rows.append({"doc_id": r["file"].rsplit(".", 1)[0], "source": r["file"], "title": r["title"],
                     "year": r["year"], "doc_type": r["doc_type"], "region": r["region"],
                     "speaker": r["speaker"], "date": r["date"]})
    return rows


def span(plan):
    return plan.filters.year_from, plan.filters.year_to


# ---- years -------------------------------------------------------------------

@pytest.mark.parametrize("question", [
    "2019年政府工作报告提出的赤字率是多少？",
    "２０１９年政府工作報告的赤字率是多少",          # full-width digits, traditional characters
    "二〇一九年政府工作报告里赤字率定的多少",
    "2019年的国务院政府工作报告，赤字率？",
    "19年政府工作报告赤字率",
    "请问2019政府工作报告赤字率是多少",
    "政府工作报告（2019年）的赤字率",
    "2019年两会定的赤字率是多少",
    "2019年总理作的报告里赤字率是多少",
])
def test_report_year_is_a_hard_filter_on_the_national_report(catalog, question):
    plan = analyze(question, catalog)
    assert span(plan) == (2019, 2019)
    assert plan.filters.doc_types == (NATIONAL_GWR,)
    assert plan.searched == ("2019年中华人民共和国国务院政府工作报告",)
    assert not plan.unanswerable_scope


@pytest.mark.parametrize("question", ["2019年GDP增长了多少？", "2019年国内生产总值增长多少", "2019年经济增长情况"])
def test_content_year_boosts_that_year_and_the_next_without_filtering(catalog, question):
    plan = analyze(question, catalog)
    assert span(plan) == (None, None)
    assert plan.boost.years == (2019, 2020)
    assert plan.filters.is_empty()


def test_target_year_boosts_only_that_year(catalog):
    plan = analyze("2025年的GDP增长目标是多少", catalog)
    assert plan.boost.years == (2025,)
    assert plan.boost.doc_types == (NATIONAL_GWR,)


def test_year_range_is_a_hard_span_for_a_named_report(catalog):
    for q in ("2018-2020年政府工作报告中关于脱贫攻坚的表述", "2018至2020年的政府工作报告怎么说脱贫"):
        plan = analyze(q, catalog)
        assert span(plan) == (2018, 2020)
        assert plan.searched == ("2018年中华人民共和国国务院政府工作报告", "2019年中华人民共和国国务院政府工作报告")


def test_year_range_as_content_boosts_the_span_and_one_year_after(catalog):
    plan = analyze("2018到2020年GDP增速分别是多少", catalog)
    assert plan.filters.is_empty()
    assert plan.boost.years == (2018, 2019, 2020, 2021)


def test_relative_years_follow_the_latest_report_of_the_named_type(catalog):
    assert anchor_year(catalog, [NATIONAL_GWR]) == 2025
    assert anchor_year(catalog, [CONGRESS]) == 2022
    assert span(analyze("去年的政府工作报告提出了哪些目标", catalog)) == (2024, 2024)
    assert span(analyze("前年的政府工作报告", catalog)) == (2023, 2023)
    assert span(analyze("去年两会定的GDP目标是多少", catalog)) == (2024, 2024)
    assert span(analyze("政府工作报告2023", catalog)) == (2023, 2023)
    assert analyze("今年GDP目标定了多少", catalog).boost.years == (2025,)


def test_relative_years_follow_a_single_scoped_document(catalog):
    scope = Filters(doc_ids=("national_gwr/cn_gwr_2019",))
    assert anchor_year(catalog, [], scope) == 2019
    assert analyze("今年的赤字率目标是多少", catalog, scope=scope).boost.years == (2019,)


def test_relative_years_need_a_dated_catalog():
    plan = analyze("去年的政府工作报告", [])
    assert plan.years == () and plan.unanswerable_scope
    assert analyze("2019年政府工作报告", []).reason == "语料库中没有2019年国务院政府工作报告"


def test_plan_periods_and_ordinary_numbers_are_not_years(catalog):
    for q in ("十四五规划的主要目标有哪些", "城镇新增就业1200万人以上是哪一年的目标", "安排2000亿元资金做什么"):
        plan = analyze(q, catalog)
        assert plan.years == () and plan.boost.years == () and span(plan) == (None, None)


# ---- regions -------------------------------------------------------------------

@pytest.mark.parametrize("question,region", [
    ("河南2025年的GDP增长目标是多少", "河南"), ("河南省政府工作报告里的粮食产量", "河南"),
    ("内蒙古自治区今年要建多少新能源", "内蒙古"), ("广西壮族自治区的政府工作报告提到东盟了吗", "广西"),
    ("廣東省政府工作報告", "广东"), ("陕西省的目标", "陕西"), ("山西的目标", "山西"),
    ("黑龙江冰雪经济怎么发展", "黑龙江"), ("新疆维吾尔自治区2025年重点工作", "新疆"),
])
def test_a_province_scopes_to_its_own_report(catalog, question, region):
    plan = analyze(question, catalog)
    assert plan.filters.regions == (region,)
    assert plan.filters.doc_types == (PROVINCIAL_GWR,)
    assert len(plan.searched) == 1 and not plan.unanswerable_scope


def test_every_province_alias_is_found():
    for short, full in PROVINCES.items():
        for alias in (short, *full):
            assert [r for r, _, _ in find_provinces(f"请问{alias}的报告")] == [short]
    assert len(PROVINCES) == 31


@pytest.mark.parametrize("question", [
    "2024年中非合作论坛北京峰会上，习近平宣布未来3年给非洲多少资金支持？",
    "上合组织天津峰会元首理事会上，中方宣布了什么",
    "2025年天津“上海合作组织+”会议上提出了什么倡议",
    "习近平在河南考察时强调了什么",
])
def test_event_venues_and_organisations_do_not_scope_to_a_province(catalog, question):
    plan = analyze(question, catalog)
    assert plan.filters.regions == () and PROVINCIAL_GWR not in plan.filters.doc_types
    assert not plan.unanswerable_scope


def test_a_province_as_topic_of_a_national_report_is_not_its_owner(catalog):
    plan = analyze("1988年政府工作报告对海南提出了什么建议？", catalog)
    assert plan.filters == Filters(year_from=1988, year_to=1988, doc_types=(NATIONAL_GWR,))
    assert not plan.unanswerable_scope


def test_national_cues_prefer_national_documents_without_filtering(catalog):
    plan = analyze("全国的就业形势怎么样", catalog)
    assert plan.boost.regions == ("全国",) and plan.filters.is_empty()
    assert analyze("国务院政府工作报告怎么说", catalog).filters.doc_types == (NATIONAL_GWR,)
    assert analyze("全国人民代表大会的决议", catalog).boost.regions == ()


def test_district_cues_scope_to_the_district_speech(catalog):
    for q in ("区委书记讲话中全区GDP完成多少", "区委全会上说了什么", "经济工作会议上提到的招商项目", "全区去年财政收入"):
        plan = analyze(q, catalog)
        assert plan.filters.doc_types == (DISTRICT,), q
        assert plan.searched == ("区委书记在区委全会暨区委经济工作会议上的讲话",)


# ---- document types and meetings ----------------------------------------------

@pytest.mark.parametrize("question,year", [
    ("十九大报告提出的2035年目标是什么", 2017), ("党的十八大报告关于全面建成小康社会", 2012),
    ("二十大报告里的中国式现代化", 2022), ("十七大提出了什么", 2007), ("党的第十五次全国代表大会报告", 1997),
    ("中国共产党第九次全国代表大会上的报告", 1969), ("十一大的报告", 1977),
])
def test_congresses_map_to_their_year(catalog, question, year):
    plan = analyze(question, catalog)
    assert plan.filters.doc_types == (CONGRESS,)
    assert span(plan) == (year, year)
    assert len(plan.searched) == 1


def test_a_congress_with_a_content_year_keeps_the_content_year_soft(catalog):
    plan = analyze("十九大报告提出的2035年目标是什么", catalog)
    assert plan.boost.years == (2035,) and not plan.unanswerable_scope


def test_since_a_congress_is_a_period_not_its_report(catalog):
    for q in ("十九大以来取得了哪些成就", "党的十八大以来反腐败斗争"):
        plan = analyze(q, catalog)
        assert plan.filters.is_empty() and not plan.unanswerable_scope


def test_congress_pattern_ignores_lookalikes():
    assert cn_number("十八") == 18 and cn_number("二十") == 20 and cn_number("九") == 9
    assert cn_number("十十") is None


@pytest.mark.parametrize("question", ["加快建设全国统一大市场", "十大工程有哪些", "扩大内需的措施"])
def test_no_congress_in_ordinary_phrases(catalog, question):
    assert CONGRESS not in analyze(question, catalog).filters.doc_types


def test_resolution_and_leader_speech_types(catalog):
    assert analyze("2023年关于政府工作报告的决议", catalog).filters.doc_types == (RESOLUTION,)
    assert analyze("习近平在APEC上的讲话提到了什么", catalog).filters.doc_types == (LEADER,)
    assert analyze("习近平在全球妇女峰会的致辞", catalog).filters.doc_types == (LEADER,)
    soft = analyze("习近平怎么看待人工智能", catalog)
    assert soft.filters.is_empty() and soft.boost.doc_types == (LEADER,) and soft.boost.speakers == ("习近平",)


def test_new_year_address_is_pinned_by_title(catalog):
    plan = analyze("习近平2025年新年贺词说了什么", catalog)
    assert plan.filters.doc_ids == ("xi_speeches/xi_20241231_1",)
    assert plan.searched == ("国家主席习近平发表二〇二五年新年贺词",)
    several = analyze("习近平二〇二三年、二〇二五年和二〇二六年新年贺词中提到的经济总量分别是多少？", catalog)
    assert [s.filters.doc_ids for s in several.sub_plans] == [
        ("xi_speeches/xi_20221231_1",), ("xi_speeches/xi_20241231_1",), ("xi_speeches/xi_20251231_1",)]


def test_report_the_npc_approved_includes_the_resolution(catalog):
    plan = analyze("2023年十四届全国人大一次会议批准的政府工作报告是哪位总理作的？", catalog)
    assert span(plan) == (2023, 2023)
    assert set(plan.filters.doc_types) == {NATIONAL_GWR, RESOLUTION}


# ---- comparisons ---------------------------------------------------------------

def test_two_years_fan_out_into_one_sub_plan_each(catalog):
    plan = analyze("2024年和2025年的增长目标分别是多少？", catalog)
    assert [s.boost.years for s in plan.sub_plans] == [(2024,), (2025,)]
    assert [s.query for s in plan.sub_plans] == ["2024年的增长目标分别是多少?", "2025年的增长目标分别是多少?"]


def test_two_regions_fan_out_with_their_own_scope(catalog):
    plan = analyze("江苏和浙江2025年的目标有何不同？", catalog)
    assert [s.filters.regions for s in plan.sub_plans] == [("江苏",), ("浙江",)]
    assert all(s.filters.doc_types == (PROVINCIAL_GWR,) for s in plan.sub_plans)
    assert plan.searched == ("2025年江苏省政府工作报告", "2025年浙江省政府工作报告")


def test_two_congresses_fan_out_one_report_each(catalog):
    plan = analyze("十二大和十八大报告的“翻番”目标有什么不同？", catalog)
    assert [span(s) for s in plan.sub_plans] == [(1982, 1982), (2012, 2012)]
    assert all(len(s.searched) == 1 for s in plan.sub_plans)


def test_national_versus_province_comparison(catalog):
    plan = analyze("全国和河南的增长目标有什么区别", catalog)
    national, henan = plan.sub_plans
    assert national.boost.doc_types == (NATIONAL_GWR,) and national.filters.is_empty()
    assert henan.filters.regions == ("河南",)


# ---- scope that the corpus cannot answer ----------------------------------------

@pytest.mark.parametrize("question,reason", [
    ("2020年政府工作报告提出的赤字率是多少", "语料库中没有2020年国务院政府工作报告"),
    ("1990年的政府工作报告讲了什么", "语料库中没有1990年国务院政府工作报告"),
    ("2024年河南省政府工作报告的GDP目标", "语料库中没有2024年河南政府工作报告"),
    ("1949年GDP增长了多少", "语料库中没有涉及1949年的国务院政府工作报告"),
    ("1991年七届人大四次会议的政府工作报告提出的当年经济增长目标是多少？",
     "语料库中没有1991年全国人大关于政府工作报告的决议、国务院政府工作报告"),
    ("2006年全国人大关于政府工作报告的决议是怎么表述的？", "语料库中没有2006年全国人大关于政府工作报告的决议"),
    ("党的二十一大报告提出了哪些奋斗目标？", "语料库中没有党的第二十一次全国代表大会报告"),
    ("深圳市2025年GDP增长目标是多少？", "语料库中没有深圳政府工作报告"),
    ("香港特区政府2025年施政报告提出了哪些房屋政策？", "语料库中没有2025年香港政府工作报告"),
])
def test_missing_scope_is_unanswerable(catalog, question, reason):
    plan = analyze(question, catalog)
    assert plan.unanswerable_scope and plan.reason.split("。")[0] == reason


def test_a_missing_report_says_what_the_series_holds(catalog):
    plan = analyze("2020年政府工作报告提出的赤字率是多少", catalog)
    assert "语料中的国务院政府工作报告为1954–2025年间的52份" in plan.reason
    assert "1989–1991、1996、2020年" in plan.reason
    assert "语料中的河南政府工作报告为2025年" in analyze("2024年河南省政府工作报告的GDP目标", catalog).reason


def test_a_result_whose_next_report_is_missing_says_where_it_would_be(catalog):
    plan = analyze("2019年国家的经济增长最后实际完成了多少？", catalog)
    assert plan.unanswerable_scope
    assert "2019年的实际完成情况应见于2020年的报告，而那一份不在语料中" in plan.reason


@pytest.mark.parametrize("question", [
    "2019年GDP增长了多少", "2020年GDP增长了多少", "2035年远景目标是什么", "十九大报告提出的2035年目标",
    "2018-2020年政府工作报告中关于脱贫的内容", "1949年新中国成立的意义", "今年的GDP目标",
    "十八大报告提出到2020年GDP和城乡居民人均收入要实现什么目标？", "十六大和十七大报告都讲到2020年比2000年翻两番",
    "习近平在庆祝澳门回归祖国25周年大会上的讲话", "深圳经济特区建立40周年庆祝大会上习近平说了什么",
])
def test_answerable_scope_is_not_flagged(catalog, question):
    assert not analyze(question, catalog).unanswerable_scope


def test_comparison_with_one_missing_year_stays_answerable_with_a_note(catalog):
    plan = analyze("2019年和2020年政府工作报告的赤字率分别是多少", catalog)
    assert [s.unanswerable_scope for s in plan.sub_plans] == [False, True]
    assert not plan.unanswerable_scope
    assert plan.notes and "2020年国务院政府工作报告" in plan.notes[0]
    both = analyze("2020年和1990年政府工作报告的赤字率分别是多少", catalog)
    assert both.unanswerable_scope


def test_searched_lists_titles_or_summarises_many_documents(catalog):
    assert analyze("政府工作报告中关于科技创新的论述", catalog).searched == ("国务院政府工作报告（52份，1954-2025年）",)
    assert analyze("2024年和2025年政府工作报告的赤字率", catalog).searched == (
        "2024年中华人民共和国国务院政府工作报告", "2025年中华人民共和国国务院政府工作报告")


def test_scope_description_and_matching():
    assert describe_scope(Filters(year_from=2020, year_to=2020, doc_types=(NATIONAL_GWR,))) == "2020年国务院政府工作报告"
    meta = {"doc_id": "a", "year": 2019, "doc_type": NATIONAL_GWR, "region": "全国"}
    assert matches(meta, Filters(year_from=2018, year_to=2019, doc_types=(NATIONAL_GWR,)))
    assert not matches(meta, Filters(year_from=2020))
    assert not matches({"doc_id": "b"}, Filters(year_to=2020))
    assert not matches(meta, Filters(regions=("河南",)))


def test_search_texts_drop_what_hard_filters_fix(catalog):
    plan = analyze("2019年政府工作报告提出的赤字率是多少？", catalog)
    assert plan.query == "提出的赤字率是多少?"  # dense: year and document type are hard filters already
    assert plan.keywords == "提出的赤字率"  # BM25: no interrogatives either
    assert analyze("河南省政府工作报告里的粮食产量目标是多少", catalog).keywords == "里的粮食产量目标"
    assert analyze("报告里的赤字率是多少", catalog).keywords == "报告里的赤字率"  # nothing is a hard filter


def test_search_texts_keep_a_question_that_is_all_scope(catalog):
    assert analyze("2019年政府工作报告讲了什么", catalog).query == "2019年政府工作报告讲了什么"


def test_keywords_add_report_wording_for_abbreviations(catalog):
    assert analyze("2019年GDP增长了多少", catalog).keywords == "2019年GDP增长了 国内生产总值 地区生产总值"
    assert "居民消费价格" in analyze("今年CPI目标", catalog).keywords


def test_normalize_question_handles_width_script_and_numeral_years():
    assert normalize_question("２０２５年政府工作報告") == "2025年政府工作报告"
    assert normalize_question("二〇二五年 二零一九年") == "2025年 2019年"


# ---- multi-turn condense -------------------------------------------------------

def test_follow_up_year_is_substituted():
    assert condense("那2023年呢？", ["2024年的增长目标是多少？"]) == "2023年的增长目标是多少?"
    assert condense("那2023年呢？", ["2024年和2025年的增长目标分别是多少？"]).startswith("2023年的增长目标")


def test_follow_up_region_is_substituted_or_added():
    assert condense("河南呢？", ["2025年江苏的GDP目标是多少？"]) == "2025年河南的GDP目标是多少?"
    assert condense("浙江省的呢", ["2025年的GDP目标是多少？"]) == "浙江省2025年的GDP目标是多少?"


def test_condense_chains_turns_and_accepts_history_shapes():
    history = [{"role": "user", "content": "2024年GDP目标是多少"}, {"role": "assistant", "content": "5%左右"},
               ("那2023年呢", "5%左右")]
    assert condense("河南呢", history) == "河南2023年GDP目标是多少"


def test_standalone_questions_are_left_alone():
    assert condense("2023年的赤字率是多少", ["2024年GDP目标是多少"]) == "2023年的赤字率是多少"
    assert condense("那2023年呢", []) == "那2023年呢"
    # A question of its own scope, a question about when a phrase first appears, a quoted phrase.
    assert condense("十九大报告讲了什么？", ["2024年GDP目标是多少"]) == "十九大报告讲了什么？"
    assert condense("共同富裕是哪年开始提的？", ["2024年GDP目标是多少"]) == "共同富裕是哪年开始提的？"
    assert condense("广东省政府工作报告里的“百千万工程”是什么？", ["2024年GDP目标是多少"]).startswith("广东省")


@pytest.mark.parametrize("turn, previous, standalone", [
    # A new indicator without a scope of its own keeps the conversation's scope.
    ("赤字率是多少？", "2024年GDP目标是多少", "2024年赤字率是多少?"),
    ("城镇新增就业目标是多少？", "2024年国家的经济增长目标是多少？", "2024年国家城镇新增就业目标是多少?"),
    # A new ask about the same subject keeps its topic: anaphora (那次, 这个数) or a bare ask.
    ("2025年那次在哪开的？", "2023年那次上合组织峰会是哪个国家当东道主？", "2025年那次上合组织峰会，在哪开的?"),
    ("为什么定这个数？", "2024年国家的经济增长目标是多少？", "2024年国家的经济增长目标，为什么定?"),
    ("这个数比去年高吗？", "2025年粮食产量目标是多少？", "2025年粮食产量目标，比去年高吗?"),
    ("具体有哪些措施？", "2024年国家怎么稳就业？", "2024年国家稳就业，具体有哪些措施?"),
    # A year with a plain ask, a province in place of the national words, the other part.
    ("那2019年定的是多少？", "2024年国家的经济增长目标是多少？", "2019年国家的经济增长目标是多少?"),
    ("湖北呢？", "2024年国家的经济增长目标是多少？", "2024年湖北的经济增长目标是多少?"),
    ("地方呢？", "2016年中央财政赤字是多少？", "2016年地方财政赤字是多少？"),
    ("其中中央和地方各多少？", "2016年财政赤字一共安排了多少？", "2016年财政赤字一共安排了，其中中央和地方各多少?"),
    ("那国家的呢？", "广东今年经济增长目标是多少？", "全国今年经济增长目标是多少?"),
    ("那十七大报告呢？", "十八大报告提出了什么奋斗目标？", "十七大报告提出了什么奋斗目标？"),
    ("十八大是怎么说的？", "十九大报告提出的社会主要矛盾是什么？", "十八大报告提出的社会主要矛盾是什么？"),
    ("那八大呢？", "十九大报告提出的社会主要矛盾是什么？", "八大报告提出的社会主要矛盾是什么？"),
    # A relative year before a new ask moves first; a compared year or region stays where it is.
    ("前年的目标完成了吗？", "2024年国家的经济增长目标是多少？", "2022年国家的经济增长，实际完成了多少？"),
    ("它比2023年高吗？", "2024年国家的经济增长目标是多少？", "2024年国家的经济增长目标，比2023年高吗?"),
    ("跟2023年比呢？", "2024年国家的经济增长目标是多少？", "2024年国家的经济增长目标，跟2023年比呢?"),
    ("这个目标高于全国吗？", "2025年广东的GDP目标是多少？", "2025年广东的GDP目标，高于全国吗?"),
    ("换个省，河南怎么样？", "2024年国家的经济增长目标是多少？", "2024年河南的经济增长目标是多少?"),
    ("那它的粮食产量目标呢？", "2025年广东的GDP目标是多少？", "2025年广东的粮食产量目标是多少？"),
])
def test_a_follow_up_leans_on_the_previous_question_for_what_it_omits(turn, previous, standalone):
    assert condense(turn, [previous]) == standalone


# ---- the project's evaluation set -------------------------------------------------

def test_eval_set_scopes_never_exclude_evidence_and_flag_only_missing_documents(catalog):
    """On eval/sets/speeches.jsonl: no answerable question is flagged unanswerable or scoped away
    from its evidence documents, and most unanswerable-by-scope questions are caught."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "eval" / "sets" / "speeches.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    false_flags, excluded, caught = [], [], 0
    for row in rows:
        plan = analyze(row["question"], catalog)
        if row["type"] == "unanswerable":
            caught += plan.unanswerable_scope
            continue
        false_flags += [row["question"]] if plan.unanswerable_scope else []
        allowed = {d["doc_id"] for p in (plan.sub_plans or (plan,)) for d in catalog if matches(d, p.filters)}
        if not {e["doc"].rsplit(".", 1)[0] for e in row["evidence"]} <= allowed:
            excluded.append(row["question"])
    assert false_flags == [] and excluded == []
    assert caught >= 10


# ---- the nation in everyday words, and reports dated by their premier ----------

@pytest.mark.parametrize("question, years", [
    ("国家2025年给物价上涨定的目标是多少？", (2025, 2025)),          # a target: that year's report
    ("2024年全国城市里空气好的日子占到几成？", (2024, 2025)),        # a result: that year's or the next report
    ("2008年中央在种地、农村和农民身上一共花了多少钱？", (2008, 2009)),
    ("2013年国家的报告回顾说，银行坏账的比例降到了多少？", (2013, 2013)),  # 国家的报告 names the report
    ("2024年一整年东西到底贵了多少？看下一年总理的报告怎么说", (2025, 2025)),
])
def test_a_year_with_the_nation_named_is_the_national_report(catalog, question, years):
    plan = analyze(question, catalog)
    assert plan.filters.doc_types == (NATIONAL_GWR,)
    assert span(plan) == years


@pytest.mark.parametrize("question", [
    "2025年国家主席习近平在新年贺词里说了什么？",   # 国家主席 is a leader, not the nation
    "全国总工会成立100周年大会上讲了什么？",       # an event
    "2025年江苏全省的经济增长目标是多少？",         # a province
])
def test_national_words_that_do_not_mean_the_national_report(catalog, question):
    plan = analyze(question, catalog)
    assert NATIONAL_GWR not in plan.filters.doc_types


@pytest.mark.parametrize("question, years", [
    ("李克强第一次作报告那年，说上一年全国打了多少粮食？", (2014, 2014)),
    ("李强当总理后第一份报告里说了什么？", (2024, 2024)),
    ("李克强第一个任期那五年，城里一共多出来多少就业机会？", (2018, 2018)),
    ("温家宝当总理的最后五年里，新修了多少公里高铁？", (2013, 2013)),
])
def test_a_report_dated_by_its_premier(catalog, question, years):
    plan = analyze(question, catalog)
    assert plan.filters.doc_types == (NATIONAL_GWR,)
    assert span(plan) == years


def test_two_terms_of_a_premier_fan_out_one_report_each(catalog):
    plan = analyze("温家宝两届任期，每届五年城里各新增了多少就业？", catalog)
    assert [span(s) for s in plan.sub_plans] == [(2008, 2008), (2013, 2013)]


def test_a_national_report_the_corpus_lacks_is_said_plainly(catalog):
    # The 2020 national report is missing from the corpus: no silent fallback to 2019 or 2021.
    plan = analyze("2020年国家的报告里赤字率定了多少？", catalog)
    assert plan.unanswerable_scope and "2020" in plan.reason


def test_that_district_means_the_district_speech(catalog):
    plan = analyze("那个区2022年给城里新添工作岗位定的数是多少？", catalog)
    assert DISTRICT in plan.filters.doc_types


@pytest.mark.parametrize("turn, previous, standalone", [
    ("那前年呢？", "2024年的增长目标是多少？", "2022年的增长目标是多少？"),      # relative to the year asked about
    ("后一年的呢？", "2024年的增长目标是多少？", "2025年的增长目标是多少？"),
    ("分别是多少？", "2025年江苏和浙江的增长目标", "2025年江苏和浙江的增长目标，分别是多少？"),
    ("放到全国看呢？", "2025年湖北的经济增长目标是多少？", "全国2025年的经济增长目标是多少?"),
    ("放到全国看呢？", "那个区2022年城里没活干的人比例想压在多少以下？", "全国2022年城里没活干的人比例想压在多少以下?"),
    ("目标达到了没有？", "2023年国家定的经济增长目标是多少？", "2023年国家经济增长，实际完成了多少？"),
    ("最后实际涨了多少？", "1993年国家计划让经济涨多少？", "1993年国家让经济涨，实际完成了多少？"),
    ("再往前两年呢？", "1995年经济速度打算控制在什么范围？", "1993年经济速度打算控制在什么范围？"),
    ("中央和地方各自多少？", "2016年国家的赤字一共安排了多少？", "2016年国家的赤字一共安排了，中央和地方各自多少?"),
    ("换成广东看看", "四川今年经济打算涨多快？", "广东今年经济打算涨多快?"),
    ("十五大呢？", "十八大定的到2020年的目标是什么？", "十五大定的目标是什么？"),  # each congress its own horizon
    ("那2023年定的目标呢？", "浙江今年经济想涨多少？", "浙江2023年经济想涨多少?"),
    ("那消费呢？", "2022年全区规模以上工业增加值打算涨多少？", "2022年全区消费打算涨多少？"),
    ("那消费呢？", "那个区2022年大点的工业企业产值打算涨多少？", "那个区2022年消费打算涨多少？"),
    ("那财政赤字呢？", "国家2025年给物价上涨定的目标是多少？", "国家2025年给财政赤字定的目标是多少？"),
    ("物价呢？", "2024年的增长目标是多少？", "2024年的物价目标是多少？"),
])
def test_a_follow_up_fills_in_only_what_it_changes(turn, previous, standalone):
    assert condense(turn, [previous]) == standalone


def test_an_outcome_follow_up_is_read_as_a_result_of_that_year(catalog):
    # The 2023 result is stated by the 2024 report, not by the 2023 one that set the target.
    plan = analyze(condense("目标达到了没有？", ["2023年国家定的经济增长目标是多少？"]), catalog)
    assert plan.filters.doc_types == (NATIONAL_GWR,) and span(plan) == (2024, 2024)


@pytest.mark.parametrize("question, year", [("七大上毛泽东作的报告讲了什么？", 1945), ("三大那会儿全党有多少党员？", 1923),
                                            ("一大上北京小组怎么说的？", 1921)])
def test_early_congresses_by_their_short_names(catalog, question, year):
    plan = analyze(question, catalog)
    assert plan.filters.doc_types == (CONGRESS,) and plan.filters.year_from == year


def test_short_numbers_that_are_not_congresses(catalog):
    assert CONGRESS not in analyze("三大攻坚战取得了什么成效？", catalog).filters.doc_types
    assert "第二十一次" in analyze("党的二十一大报告提出了哪些奋斗目标？", catalog).reason


def test_a_province_owns_its_report_across_a_relative_year():
    docs = [{"doc_id": "p/tj", "year": 2025, "region": "天津", "doc_type": "provincial_government_work_report"},
            {"doc_id": "n/2025", "year": 2025, "region": "全国", "doc_type": "national_government_work_report"}]
    plan = analyze("天津今年的报告对低空经济有什么打算？", docs)
    assert plan.filters.regions == ("天津",) and plan.filters.doc_types == ("provincial_government_work_report",)


@pytest.mark.parametrize("question, years", [
    ("2002年那次党代会上说党肩上扛着的三件历史大事是什么？", (2002, 2002)),
    ("1969年党代会报告里说，毛泽东谈矛盾的那部书是哪年问世的？", (1969, 1969)),
])
def test_a_year_dates_the_congress_held_in_it(catalog, question, years):
    plan = analyze(question, catalog)
    assert plan.filters.doc_types == (CONGRESS,) and span(plan) == years


def test_a_five_year_plan_period_is_the_report_that_reviews_it(catalog):
    plan = analyze("“十一五”五年里城里一共多了多少人上班？", catalog)
    assert plan.filters.doc_types == (NATIONAL_GWR,) and span(plan) == (2011, 2011)


@pytest.mark.parametrize("question, lead", [
    ("内蒙古2025年的投资最后到底破没破一万亿？", "2025年的实际完成情况应见于2026年的报告，而那一份不在语料中；语料中的内蒙古"),
    ("2025年一整年，城里调查出来的失业率最后平均是多少？", "2025年的实际完成情况应见于2026年的报告"),
])
def test_a_result_after_the_last_report_is_unanswerable(catalog, question, lead):
    plan = analyze(question, catalog)
    assert plan.unanswerable_scope and plan.reason.startswith(lead)


def test_a_result_the_next_report_states_is_answerable(catalog):
    assert not analyze("内蒙古2024年的投资最后增长了多少？", catalog).unanswerable_scope


def test_another_indicator_keeps_the_speech_the_previous_turn_named():
    previous = "2025年3月习近平见外国企业老板时说，外国公司在中国跟海外的买卖里占了几分之几？"
    standalone = condense("那工业产值呢？", [previous])
    assert standalone.startswith("2025年3月习近平见外国企业老板时说，") and "工业产值" in standalone
