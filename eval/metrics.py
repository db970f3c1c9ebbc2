"""Evaluation metrics: pure functions over eval items, retrieved chunks and citations.

Matching. An evidence item ``{"doc": path, "quote": text}`` is held by a text of
document ``doc_id`` when ``doc_id`` is the evidence path without its extension and
the text contains the quote once both are normalised (whitespace removed, NFKC,
so full- and half-width forms agree). Adapters may add ``"alt_docs": [...]`` when
the same quote is equally good evidence in several documents (RGB passages).

Multi-evidence retrieval metrics. For each evidence item we take the rank of the
first retrieved chunk that holds it (later chunks holding the same item are
duplicates and earn nothing):

* ``hit@k``  = share of evidence items first found at rank <= k (0/1 for one item);
* ``mrr``    = mean over evidence items of 1/rank (0 when not found in the list);
* ``ndcg@10``= sum over found items of 1/log2(rank+1), divided by the ideal where
  the items are found at ranks 1..min(|E|, 10); clipped to 1.0 because one chunk
  may hold two items at once.

Questions without evidence (unanswerable) have no retrieval or citation metrics
(None) and are left out of those averages. Every summary value is the mean of the
per-question values that are defined (macro average), except refusal precision and
recall (counts over all questions) and latency percentiles.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from eval.validate import norm_for_match
from rag.text.numerals import extract_numbers, number_supported
from rag.types import Citation, doc_id_for
from rag.verdict import VERDICTS

KS = (1, 3, 5, 10)
SUMMARY_KEYS = ("n", "hit@1", "hit@3", "hit@5", "hit@10", "mrr", "ndcg@10", "citation_precision",
                "citation_recall", "key_accuracy", "refusal_precision", "refusal_recall",
                "latency_p50_ms", "latency_p95_ms", "followup_accuracy")
_MARKER = re.compile(r"\[\d+\]")


def evidence_doc_ids(evidence: dict) -> set[str]:
    """Every doc_id in which this evidence item counts."""
    return {doc_id_for(evidence["doc"])} | {doc_id_for(d) for d in evidence.get("alt_docs", ())}


def holds(evidence: dict, doc_id: str, text: str) -> bool:
    """Does ``text`` of document ``doc_id`` contain the evidence quote?"""
    return doc_id in evidence_doc_ids(evidence) and norm_for_match(evidence["quote"]) in norm_for_match(text)


# ---- retrieval ----------------------------------------------------------------


def first_hit_ranks(evidence: Sequence[dict], chunks: Sequence[tuple[str, str]]) -> list[int | None]:
    """For each evidence item, the 1-based rank of the first chunk ``(doc_id, text)`` holding it."""
    ranks: list[int | None] = []
    for ev in evidence:
        ranks.append(next((i for i, (doc_id, text) in enumerate(chunks, 1) if holds(ev, doc_id, text)), None))
    return ranks


def hit_at_k(ranks: Sequence[int | None], k: int) -> float | None:
    """Share of evidence items found within the top ``k``; None without evidence."""
    if not ranks:
        return None
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def reciprocal_rank(ranks: Sequence[int | None]) -> float | None:
    """Mean over evidence items of 1/rank (0 for items not retrieved)."""
    if not ranks:
        return None
    return sum(1.0 / r for r in ranks if r is not None) / len(ranks)


def ndcg_at_k(ranks: Sequence[int | None], k: int = 10) -> float | None:
    """Binary-gain nDCG@k over evidence items (see the module docstring)."""
    if not ranks:
        return None
    dcg = sum(1.0 / math.log2(r + 1) for r in ranks if r is not None and r <= k)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(ranks), k) + 1))
    return min(1.0, dcg / ideal)


# ---- citations ----------------------------------------------------------------


def _cited_runs(citations: Iterable[Citation]) -> list[list[tuple[str, int, str]]]:
    """Cited paragraphs grouped into runs of adjacent paragraphs of one document."""
    unique = sorted({(c.doc_id, c.paragraph): c.text for c in citations}.items())
    runs: list[list[tuple[str, int, str]]] = []
    for (doc_id, n), text in unique:
        if runs and runs[-1][-1][0] == doc_id and runs[-1][-1][1] == n - 1:
            runs[-1].append((doc_id, n, text))
        else:
            runs.append([(doc_id, n, text)])
    return runs


def covering_paragraphs(evidence: dict, citations: Sequence[Citation]) -> set[tuple[str, int]]:
    """Cited paragraphs that hold the quote, alone or as a minimal window of adjacent cited ones."""
    found: set[tuple[str, int]] = set()
    for run in _cited_runs(citations):
        for i in range(len(run)):
            for j in range(i, len(run)):
                window = "".join(text for _, _, text in run[i:j + 1])
                if holds(evidence, run[i][0], window):
                    inner = "".join(text for _, _, text in run[i + 1:j + 1])
                    if i == j or not holds(evidence, run[i][0], inner):
                        found.update((d, n) for d, n, _ in run[i:j + 1])
                    break
    return found


def contains_key(text: str, alternative: str) -> bool:
    """Normalised containment that will not match a number inside a longer one
    (key ``5%左右`` is not found in ``5.5%左右``, nor ``12人`` in ``112人``)."""
    alt = norm_for_match(alternative)
    if not alt:
        return False
    pattern = re.escape(alt)
    if alt[0].isdigit():
        pattern = r"(?<![\d.])" + pattern
    if alt[-1].isdigit():
        pattern += r"(?![\d.]\d|\d)"
    return re.search(pattern, norm_for_match(text)) is not None


def citation_supported(citation: Citation, evidence_hold: set[tuple[str, int]],
                       keys: Sequence[Sequence[str]]) -> bool:
    """A citation is right if its paragraph holds an evidence quote, or its quote is
    verbatim in the paragraph and contains an answer-key alternative."""
    if (citation.doc_id, citation.paragraph) in evidence_hold:
        return True
    if not citation.quote or citation.quote not in citation.text:
        return False
    return any(contains_key(citation.quote, alt) for item in keys for alt in item)


def citation_scores(citations: Sequence[Citation], evidence: Sequence[dict],
                    keys: Sequence[Sequence[str]]) -> tuple[float | None, float | None]:
    """(precision, recall) of one answer's citations; None where undefined.

    Precision is undefined without citations or without evidence (unanswerable
    questions); recall is undefined without evidence.
    """
    if not evidence:
        return None, None
    covers = [covering_paragraphs(ev, citations) for ev in evidence]
    recall = sum(1 for c in covers if c) / len(evidence)
    if not citations:
        return None, recall
    hold = set().union(*covers)
    right = sum(1 for c in citations if citation_supported(c, hold, keys))
    return right / len(citations), recall


# ---- answers and refusals -------------------------------------------------------


def keys_found(answer_text: str, keys: Sequence[Sequence[str]]) -> bool:
    """Every key item has at least one alternative in the answer (citation markers ignored)."""
    text = _MARKER.sub("", answer_text)
    return all(any(contains_key(text, alt) for alt in item) for item in keys)


def is_unanswerable(item: dict) -> bool:
    """Gold label for refusal metrics."""
    return item.get("type") == "unanswerable"


def answer_correct(item: dict, answer_text: str, refused: bool) -> bool | None:
    """Unanswerable: correct iff refused. Otherwise all keys found and not refused; None without keys."""
    if is_unanswerable(item):
        return refused
    if not item.get("answer_keys"):
        return None
    return not refused and keys_found(answer_text, item["answer_keys"])


def refusal_scores(pairs: Sequence[tuple[bool, bool]]) -> tuple[float | None, float | None]:
    """(precision, recall) of refusing, from (gold_unanswerable, refused) pairs; positive = refused."""
    tp = sum(1 for gold, ref in pairs if gold and ref)
    refused = sum(1 for _, ref in pairs if ref)
    gold = sum(1 for g, _ in pairs if g)
    return (tp / refused if refused else None), (tp / gold if gold else None)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile; None for no values."""
    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else None


# ---- per question and aggregation --------------------------------------------------


def retrieval_metrics(item: dict, chunks: Sequence[tuple[str, str]]) -> dict[str, float | None]:
    """hit@k, mrr and ndcg@10 of one ranked chunk list ``[(doc_id, text), ...]``."""
    ranks = first_hit_ranks(item.get("evidence", []), chunks)
    out: dict[str, float | None] = {f"hit@{k}": hit_at_k(ranks, k) for k in KS}
    out["mrr"] = reciprocal_rank(ranks)
    out["ndcg@10"] = ndcg_at_k(ranks, 10)
    return out


def answer_metrics(item: dict, answer_text: str, refused: bool,
                   citations: Sequence[Citation]) -> dict[str, Any]:
    """Citation precision/recall, key correctness and refusal of one answer; for ledger
    items also whether the verdict is right and every number is cited."""
    precision, recall = citation_scores(citations, item.get("evidence", []), item.get("answer_keys", []))
    correct = answer_correct(item, answer_text, refused)
    out = {"citation_precision": precision, "citation_recall": recall,
           "key_correct": None if correct is None else float(correct), "refused": refused}
    if item.get("verdict"):
        out["verdict_correct"] = float(not refused and verdicts_in(answer_text) == {item["verdict"]})
    if "ledger" in item and not refused and not is_unanswerable(item):
        out["numbers_cited"] = float(numbers_cited(answer_text, citations))
    return out


_VERDICT_RE = re.compile("|".join(sorted(VERDICTS, key=len, reverse=True)))


def verdicts_in(text: str) -> set[str]:
    """The verdict labels (完成, 超额完成, 未完成 …) a text states, each read whole."""
    return set(_VERDICT_RE.findall(text))


def numbers_cited(answer_text: str, citations: Sequence[Citation]) -> bool:
    """Is every number of the answer (years aside) in a citation its line marks? Lines
    starting "计算：" hold numbers computed from cited ones and are not counted."""
    quotes = {c.n: extract_numbers(c.quote) for c in citations}
    for line in answer_text.splitlines():
        if line.startswith("计算："):
            continue
        marks = [int(m) for m in re.findall(r"\[(\d+)\]", line)]
        cited = set().union(*(quotes.get(m, set()) for m in marks)) if marks else set()
        for number in extract_numbers(re.sub(r"\[\d+\]", "", line)):
            if number[0] != "year" and not number_supported(number, cited):
                return False
    return True


def _mean(values: Iterable[Any]) -> float | None:
    kept = [float(v) for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def turn_correct(row: dict) -> float | None:
    """A turn is answered right when its key is found (answerable) or it is refused (not);
    None when the row was not answered (retrieval-only)."""
    m = row["metrics"]
    if m.get("refused") is None:
        return None
    if row["gold_unanswerable"]:
        return float(bool(m["refused"]))
    return float(bool(m.get("key_correct")) and not m["refused"])


def summarize(rows: Sequence[dict]) -> dict[str, Any]:
    """Flat summary over per-question rows ``{"type", "gold_unanswerable", "metrics": {...}}``."""
    metrics = [r["metrics"] for r in rows]
    out: dict[str, Any] = {"n": len(rows)}
    for key in ("hit@1", "hit@3", "hit@5", "hit@10", "mrr", "ndcg@10",
                "citation_precision", "citation_recall"):
        out[key] = _mean(m.get(key) for m in metrics)
    out["key_accuracy"] = _mean(m.get("key_correct") for m in metrics)
    out["verdict_accuracy"] = _mean(m.get("verdict_correct") for m in metrics)
    out["numbers_cited"] = _mean(m.get("numbers_cited") for m in metrics)
    pairs = [(r["gold_unanswerable"], m["refused"]) for r, m in zip(rows, metrics)
             if m.get("refused") is not None]
    out["refusal_precision"], out["refusal_recall"] = refusal_scores(pairs) if pairs else (None, None)
    # Later turns of conversations (None in a set without any).
    out["followup_accuracy"] = _mean(turn_correct(r) for r in rows if r.get("followup"))
    latencies = [m["latency_ms"] for m in metrics if m.get("latency_ms") is not None]
    out["latency_p50_ms"] = percentile(latencies, 50)
    out["latency_p95_ms"] = percentile(latencies, 95)
    return out


FUSION_KEYS = ("hit@5", "mrr", "key_accuracy")
FUSION_TOLERANCE = 0.02


def fusion_shortfalls(systems: dict[str, dict], tolerance: float = FUSION_TOLERANCE) -> list[str]:
    """Where the fused ``full`` system falls below ``bm25`` or ``dense`` alone by more than
    ``tolerance`` (the fusion must be at least as good as its best input)."""
    full = systems.get("full")
    if not full:
        return []
    out = []
    for name in ("bm25", "dense"):
        for key in FUSION_KEYS:
            mine, theirs = full.get(key), (systems.get(name) or {}).get(key)
            if mine is not None and theirs is not None and mine < theirs - tolerance:
                out.append(f"full {key} {mine:.3f} < {name} {theirs:.3f} - {tolerance}")
    return out


def summarize_by_type(rows: Sequence[dict]) -> dict[str, dict[str, Any]]:
    """The summary for each question type."""
    types = sorted({r["type"] for r in rows})
    return {t: summarize([r for r in rows if r["type"] == t]) for t in types}
