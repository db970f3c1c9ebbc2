"""Validate an evaluation set (JSON Lines) against the corpus it quotes.

Every question must cite exact quotes from real documents, and every answer key
must be checkable against those quotes, so that a metric can never reward an
answer the corpus does not support.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

from eval.overlap import bigram_jaccard

TYPES = ("factoid", "number", "list", "comparison", "unanswerable", "summary")
FOLDERS = ("national_gwr", "npc_resolutions", "cpc_congress", "provincial_gwr_2025",
           "xi_speeches", "district_speeches")
FIELDS = ("id", "question", "type", "evidence", "answer_keys", "reference_answer")
MINIMUMS = {"total": 150, "unanswerable": 15, "comparison": 15}
MIN_CONVERSATIONS = 30  # a conversation set (items carrying ``conversation``/``history``)
# A refusal set (items carrying ``kind``): the ways a question cannot be answered as asked.
REFUSAL_KINDS = ("missing_scope", "false_premise_unanswerable", "detail_absent", "phrase_absent", "premise",
                 "answerable_lookalike")
MIN_PER_REFUSAL_KIND = 14
MIN_UNANSWERABLE = 60
# A ledger set (items carrying ``ledger``): target-vs-outcome, timeline and cross-region questions.
LEDGER_KINDS = ("outcome", "timeline", "cross_region")
MIN_LEDGER = 40
# Sets written in users' own words (items carrying ``overlap``) keep every answerable question
# below this character-bigram Jaccard with each of its evidence quotes (eval/overlap.py).
MAX_OVERLAP = 0.15
SPLITS = ("dev", "test")
_WS = re.compile(r"\s+")


def norm_for_match(text: str) -> str:
    """NFKC-normalise and drop all whitespace (full/half-width and line breaks agnostic)."""
    return _WS.sub("", unicodedata.normalize("NFKC", text))


def load_set(path: Path) -> tuple[list[dict], list[str]]:
    """Read a JSON Lines set; return (items, problems for unparsable lines)."""
    items, problems = [], []
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {lineno}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(item, dict):
            problems.append(f"line {lineno}: expected a JSON object")
            continue
        items.append(item)
    return items, problems


def _schema_problems(item: dict, where: str) -> list[str]:
    problems = [f"{where}: missing field {f!r}" for f in FIELDS if f not in item]
    if item.get("type") not in TYPES:
        problems.append(f"{where}: type {item.get('type')!r} is not one of {TYPES}")
    for field in ("id", "question", "reference_answer"):
        if field in item and not (isinstance(item[field], str) and item[field].strip()):
            problems.append(f"{where}: {field} must be a non-empty string")
    evidence, keys = item.get("evidence", []), item.get("answer_keys", [])
    if not isinstance(evidence, list) or not all(
            isinstance(e, dict) and isinstance(e.get("doc"), str) and isinstance(e.get("quote"), str)
            and e["quote"].strip() for e in evidence):
        problems.append(f"{where}: evidence must be a list of {{doc, quote}} with non-empty quotes")
    if not isinstance(keys, list) or not all(
            isinstance(k, list) and k and all(isinstance(a, str) and a.strip() for a in k)
            for k in keys):
        problems.append(f"{where}: answer_keys must be a list of non-empty lists of strings")
    history = item.get("history", [])
    if not isinstance(history, list) or not all(isinstance(h, str) and h.strip() for h in history):
        problems.append(f"{where}: history must be a list of the earlier questions (non-empty strings)")
    return problems


def _content_problems(item: dict, where: str, docs: dict[str, str]) -> list[str]:
    if item["type"] == "unanswerable":
        if item["evidence"] or item["answer_keys"]:
            return [f"{where}: unanswerable questions need empty evidence and answer_keys"]
        return []
    if not item["evidence"] or not item["answer_keys"]:
        return [f"{where}: answerable questions need evidence and answer_keys"]
    problems = []
    for ev in item["evidence"]:
        text = docs.get(ev["doc"])
        if text is None:
            problems.append(f"{where}: evidence doc {ev['doc']!r} not found in the corpus")
        elif norm_for_match(ev["quote"]) not in text:
            problems.append(f"{where}: quote not found in {ev['doc']}: {ev['quote'][:40]!r}")
    quotes = "".join(norm_for_match(ev["quote"]) for ev in item["evidence"])
    reference = norm_for_match(item["reference_answer"])
    for key in item["answer_keys"]:
        if not any(norm_for_match(alt) in quotes for alt in key):
            problems.append(f"{where}: no alternative of key {key} appears in the evidence quotes")
        # The gold answer must pass its own keys, or the metric could never score 1.
        if not any(norm_for_match(alt) in reference for alt in key):
            problems.append(f"{where}: reference_answer does not contain any alternative of key {key}")
    return problems


def question_overlap(item: dict) -> float:
    """The largest character-bigram Jaccard between the question and one of its quotes (0.0 if none)."""
    return round(max((bigram_jaccard(item["question"], ev["quote"]) for ev in item["evidence"]), default=0.0), 3)


def _overlap_problems(item: dict, where: str) -> list[str]:
    """For users'-wording items: the stored overlap is the computed one, below MAX_OVERLAP; a valid split."""
    problems = []
    if ("split" in item or "overlap" in item) and item.get("split") not in SPLITS:
        problems.append(f"{where}: split {item.get('split')!r} is not one of {SPLITS} (a users'-wording item needs one)")
    if "overlap" not in item:
        return problems
    actual = question_overlap(item)
    if item["overlap"] != actual:
        problems.append(f"{where}: stored overlap {item['overlap']} but the question's is {actual}; store {actual}")
    if actual >= MAX_OVERLAP:
        problems.append(f"{where}: question shares too much wording with its quote (bigram Jaccard {actual} >= "
                        f"{MAX_OVERLAP}); reword it the way a user would ask")
    return problems


def _load_docs(items: list[dict], corpus_dir: Path) -> dict[str, str]:
    """Normalised text of every document the set cites (missing ones are left out)."""
    names = {ev.get("doc") for it in items for ev in it.get("evidence") or []
             if isinstance(ev, dict) and isinstance(ev.get("doc"), str)}
    docs = {}
    for name in names:
        path = corpus_dir / name
        if path.is_file() and ".." not in Path(name).parts:
            docs[name] = norm_for_match(path.read_text(encoding="utf-8"))
    return docs


def counts(items: list[dict]) -> dict[str, Counter]:
    """Questions per type and per corpus folder (a question counts once per folder it cites)."""
    folders = Counter()
    for item in items:
        for folder in {ev["doc"].split("/", 1)[0] for ev in item.get("evidence") or []}:
            folders[folder] += 1
    return {"type": Counter(it.get("type") for it in items), "folder": folders}


def _conversation_problems(items: list[dict]) -> list[str]:
    """A conversation set: at least ``MIN_CONVERSATIONS``, each turn's history = the earlier turns."""
    turns: dict[str, list[dict]] = {}
    for item in items:
        turns.setdefault(item.get("conversation", ""), []).append(item)
    problems = [f"set: {len(turns)} conversations, need at least {MIN_CONVERSATIONS}"] \
        if len(turns) < MIN_CONVERSATIONS else []
    for name, its in turns.items():
        questions = [it["question"] for it in sorted(its, key=lambda it: it.get("turn", 0))]
        for n, it in enumerate(sorted(its, key=lambda it: it.get("turn", 0))):
            if it.get("history", []) != questions[:n]:
                problems.append(f"conversation {name!r} turn {it.get('turn')}: history must be the earlier "
                                f"turns' questions in order")
    return problems


def _refusal_problems(items: list[dict]) -> list[str]:
    """A refusal set (items carrying ``kind``): enough unanswerable questions of each kind."""
    kinds = Counter(it["kind"] for it in items)
    problems = [f"set: {kinds[k]} {k} questions, need {MIN_PER_REFUSAL_KIND}"
                for k in REFUSAL_KINDS if kinds[k] < MIN_PER_REFUSAL_KIND]
    unanswerable = sum(it["type"] == "unanswerable" for it in items)
    if unanswerable < MIN_UNANSWERABLE:
        problems.append(f"set: {unanswerable} unanswerable questions, need {MIN_UNANSWERABLE}")
    return problems


def _ledger_problems(items: list[dict]) -> list[str]:
    """A ledger set: enough answerable questions; each outcome one carries a known verdict."""
    from rag.verdict import VERDICTS

    answerable = [it for it in items if it["type"] != "unanswerable"]
    problems = [f"set: {len(answerable)} answerable ledger questions, need {MIN_LEDGER}"] \
        if len(answerable) < MIN_LEDGER else []
    for it in items:
        if it["ledger"] not in LEDGER_KINDS:
            problems.append(f"{it['id']}: ledger {it['ledger']!r} is not one of {', '.join(LEDGER_KINDS)}")
        if it.get("verdict") is not None and it["verdict"] not in VERDICTS:
            problems.append(f"{it['id']}: verdict {it['verdict']!r} is not one of {', '.join(VERDICTS)}")
        if it["ledger"] == "outcome" and it["type"] != "unanswerable" and not it.get("verdict"):
            problems.append(f"{it['id']}: an answerable outcome question needs its verdict")
    return problems


def _minimum_problems(items: list[dict]) -> list[str]:
    if any("ledger" in it for it in items):
        return _ledger_problems(items)
    if any("conversation" in it for it in items):
        return _conversation_problems(items)
    if any("kind" in it for it in items):
        return _refusal_problems(items)
    c = counts(items)
    problems = []
    if len(items) < MINIMUMS["total"]:
        problems.append(f"set: {len(items)} questions, need at least {MINIMUMS['total']}")
    for kind in ("unanswerable", "comparison"):
        if c["type"][kind] < MINIMUMS[kind]:
            problems.append(f"set: {c['type'][kind]} {kind} questions, need {MINIMUMS[kind]}")
    problems += [f"set: no {t} question" for t in TYPES if not c["type"][t]]
    problems += [f"set: no question cites {f}/" for f in FOLDERS if not c["folder"][f]]
    return problems


def validate_set(path: Path | str, corpus_dir: Path | str, *, minimums: bool = True) -> list[str]:
    """Return every problem found in the set at ``path`` (empty list = valid).

    ``minimums=False`` skips the set-size/coverage minimums (for tiny test sets).
    """
    items, problems = load_set(Path(path))
    docs = _load_docs(items, Path(corpus_dir))
    for dup, n in Counter(it.get("id") for it in items).items():
        if n > 1:
            problems.append(f"id {dup!r}: used {n} times, ids must be unique")
    for i, item in enumerate(items, 1):
        where = f"item {i} ({item.get('id', '?')})"
        schema = _schema_problems(item, where)
        problems += schema or (_content_problems(item, where, docs) + _overlap_problems(item, where))
    if minimums:
        problems += _minimum_problems(items)
    return problems

