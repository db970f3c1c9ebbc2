"""Scoring the indicator ledger against the hand-checked statements in ``eval/gold/``.

Each gold line is one paragraph (``anchor``) with *every* ledger statement it holds, so
precision is measured over the extractor's rows in those paragraphs and recall over the
gold rows. A row matches when indicator, year, kind, value (and range top, in base
units), unit family and qualifier all agree; each gold row matches at most one row.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from rag.ledger import Statement
from rag.text.quantities import SCALES, UNIT_FAMILY, split_unit

GOLD_DIR = Path(__file__).parent / "gold"
FIELDS = ("indicator", "year", "kind", "value", "unit", "qualifier")


def load_gold(gold_dir: Path | str = GOLD_DIR) -> dict[str, list[dict]]:
    """anchor → its gold statements, from every ``ledger_*.jsonl`` in ``gold_dir``."""
    gold: dict[str, list[dict]] = {}
    for path in sorted(Path(gold_dir).glob("ledger_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                gold.setdefault(row["anchor"], []).extend(row["statements"])
    return gold


def base_value(value: float | None, unit: str) -> float | None:
    """``value`` in base units (1.4 万亿斤 → 1.4e12), None for None."""
    if value is None:
        return None
    return float(value) * float(SCALES[split_unit(unit)[0]])


def _family(unit: str) -> str:
    base = split_unit(unit)[1]
    return UNIT_FAMILY.get(base, base)


def _key(indicator: str, year: int, kind: str, value, high, unit: str, qualifier: str) -> tuple:
    rounded = lambda v: None if v is None else round(v, 6)  # noqa: E731 - 0.1+0.2 style noise
    return (indicator, int(year), kind, rounded(base_value(value, unit)), rounded(base_value(high, unit)),
            _family(unit), qualifier)


def gold_key(row: dict) -> tuple:
    return _key(row["indicator"], row["year"], row["kind"], row["value"], row.get("value_high"),
                row["unit"], row.get("qualifier", ""))


def statement_key(s: Statement) -> tuple:
    return _key(s.indicator, s.year, s.kind, s.value, s.value_high, s.unit, s.qualifier)


def score_ledger(gold: dict[str, list[dict]], predicted: Iterable[Statement]) -> dict:
    """Precision, recall and the mismatches, over the gold paragraphs only."""
    by_anchor: dict[str, list[Statement]] = {}
    for s in predicted:
        if s.anchor in gold:
            by_anchor.setdefault(s.anchor, []).append(s)
    matched, missed, extra = 0, [], []
    for anchor_id, rows in gold.items():
        want = Counter(gold_key(r) for r in rows)
        for s in by_anchor.get(anchor_id, []):
            key = statement_key(s)
            if want[key] > 0:
                want[key] -= 1
                matched += 1
            else:
                extra.append({"anchor": anchor_id, "row": key, "span": s.span})
        missed += [{"anchor": anchor_id, "row": k, "spans": [r["span"] for r in rows if gold_key(r) == k]}
                   for k, n in want.items() for _ in range(n)]
    n_pred = sum(len(v) for v in by_anchor.values())
    n_gold = sum(len(v) for v in gold.values())
    return {"gold": n_gold, "predicted": n_pred, "matched": matched,
            "precision": round(matched / n_pred, 4) if n_pred else 0.0,
            "recall": round(matched / n_gold, 4) if n_gold else 0.0,
            "paragraphs": len(gold), "documents": len({a.split("#")[0] for a in gold}),
            "missed": missed, "extra": extra}


__all__ = ["FIELDS", "GOLD_DIR", "base_value", "gold_key", "load_gold", "score_ledger", "statement_key"]
