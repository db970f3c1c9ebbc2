"""Third-party QA sets (../shared/qa) turned into our eval format plus a corpus to index.

Each adapter reads the published files by path and returns ``(documents, items)``:
``documents`` maps a corpus-relative file name to its text, ``items`` are eval
items in our JSON Lines format whose evidence ``doc`` names those files. With
``limit`` only the first N questions are kept, and only the documents they need,
so a limited run is a quick smoke test rather than a full-size retrieval task.

* ``ncp``  — 疫情政务问答 (data/local/train.json + dev.json, JSON Lines): each
  distinct ``docid``'s context becomes ``ncp/<docid>.txt``; the answer span is the
  evidence quote and the only key.
* ``cmrc`` — CMRC 2018 dev (SQuAD style): each paragraph becomes ``cmrc/<id>.txt``;
  the reference answers are alternatives of one key.
* ``rgb``  — RGB zh_refine: positive and negative passages become documents; each
  answer item is a key, with evidence in every positive passage that holds it
  (``alt_docs``). ``rgb_neg`` indexes only the negative passages, so every
  question is unanswerable (RGB's negative-rejection test).
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from rag.errors import BadDocument, ConfigError

_NUMBER = re.compile(r"[\d０-９]|[零一二两三四五六七八九十百千万亿]+[个人元天次年月日项条家所名台件%％]")
_HINT = "point --qa-dir at the shared QA folder (default ../shared/qa)"
Adapter = Callable[[Path, "int | None"], tuple[dict[str, str], list[dict]]]


def guess_type(answer: str) -> str:
    """'number' when the answer holds a digit or a counted Chinese numeral, else 'factoid'."""
    return "number" if _NUMBER.search(answer) else "factoid"


def _read_json_lines(path: Path) -> Iterator[dict]:
    if not path.is_file():
        raise BadDocument(str(path), "QA file not found", _HINT)
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise BadDocument(str(path), f"line {lineno} is not JSON ({exc.msg})",
                                  "restore the file from the shared QA folder") from exc


def _take(rows: list, limit: int | None) -> list:
    return rows if limit is None else rows[:limit]


def ncp_policy_qa(qa_dir: Path, limit: int | None = None) -> tuple[dict[str, str], list[dict]]:
    """The 658 ncp_policy_qa questions (train + dev) with their policy documents."""
    base = qa_dir / "ncp_policy_qa" / "data" / "local"
    rows = [r for name in ("train.json", "dev.json") for r in _read_json_lines(base / name)]
    documents: dict[str, str] = {}
    items = []
    for row in _take(rows, limit):
        doc = f"ncp/{row['docid']}.txt"
        documents[doc] = row["context"]
        text = row["answer"]["text"]
        items.append({"id": f"ncp-{row['id']}", "question": row["question"], "type": guess_type(text),
                      "evidence": [{"doc": doc, "quote": text}], "answer_keys": [[text]],
                      "reference_answer": text})
    return documents, items


def cmrc2018(qa_dir: Path, limit: int | None = None) -> tuple[dict[str, str], list[dict]]:
    """CMRC 2018 dev: 3,219 questions over 848 Wikipedia paragraphs."""
    path = qa_dir / "cmrc2018" / "squad-style-data" / "cmrc2018_dev.json"
    if not path.is_file():
        raise BadDocument(str(path), "QA file not found", _HINT)
    documents: dict[str, str] = {}
    items: list[dict] = []
    for article in json.loads(path.read_text(encoding="utf-8"))["data"]:
        for para in article["paragraphs"]:
            doc = f"cmrc/{para['id']}.txt"
            for qa in para["qas"]:
                if limit is not None and len(items) >= limit:
                    return documents, items
                answers = list(dict.fromkeys(a["text"] for a in qa["answers"] if a["text"].strip()))
                if not answers:
                    continue
                documents[doc] = para["context"]
                items.append({"id": f"cmrc-{qa['id']}", "question": qa["question"],
                              "type": guess_type(answers[0]),
                              "evidence": [{"doc": doc, "quote": answers[0]}],
                              "answer_keys": [answers], "reference_answer": answers[0]})
    return documents, items


def _rgb_keys(answer: list) -> list[list[str]]:
    return [[a] if isinstance(a, str) else [str(x) for x in a] for a in answer]


def _rgb_evidence(keys: list[list[str]], positives: dict[str, str]) -> list[dict]:
    """One evidence item per key, held by every positive passage containing an alternative."""
    evidence = []
    for alternatives in keys:
        for alt in alternatives:
            docs = [doc for doc, text in positives.items() if alt in text]
            if docs:
                evidence.append({"doc": docs[0], "quote": alt, "alt_docs": docs[1:]})
                break
    return evidence


def _rgb_rows(qa_dir: Path, limit: int | None) -> list[dict]:
    return _take(list(_read_json_lines(qa_dir / "rgb_zh" / "data" / "zh_refine.json")), limit)


def rgb_zh(qa_dir: Path, limit: int | None = None) -> tuple[dict[str, str], list[dict]]:
    """RGB zh_refine: 300 news questions, positive + negative passages as documents."""
    documents: dict[str, str] = {}
    items = []
    for row in _rgb_rows(qa_dir, limit):
        positives = {f"rgb/q{row['id']}_pos{i}.txt": p for i, p in enumerate(row["positive"])}
        documents.update(positives)
        documents.update({f"rgb/q{row['id']}_neg{i}.txt": p for i, p in enumerate(row["negative"])})
        keys = _rgb_keys(row["answer"])
        items.append({"id": f"rgb-{row['id']}", "question": row["query"],
                      "type": "list" if len(keys) > 1 else guess_type(" ".join(keys[0])),
                      "evidence": _rgb_evidence(keys, positives), "answer_keys": keys,
                      "reference_answer": "、".join(k[0] for k in keys)})
    return documents, items


def rgb_zh_negative(qa_dir: Path, limit: int | None = None) -> tuple[dict[str, str], list[dict]]:
    """RGB negative rejection: only the negative passages are indexed; every question is unanswerable."""
    documents: dict[str, str] = {}
    items = []
    for row in _rgb_rows(qa_dir, limit):
        documents.update({f"rgb/q{row['id']}_neg{i}.txt": p for i, p in enumerate(row["negative"])})
        items.append({"id": f"rgb-neg-{row['id']}", "question": row["query"], "type": "unanswerable",
                      "evidence": [], "answer_keys": [], "reference_answer": "资料中没有相关信息。"})
    return documents, items


ADAPTERS: dict[str, Adapter] = {"ncp": ncp_policy_qa, "cmrc": cmrc2018, "rgb": rgb_zh,
                                "rgb_neg": rgb_zh_negative}


def write_corpus(documents: dict[str, str], corpus_dir: Path) -> Path:
    """Write the documents as UTF-8 files; files whose text is unchanged are left alone
    so a re-run's ingest sees them as unchanged."""
    for name, text in documents.items():
        path = corpus_dir / name
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return corpus_dir


def prepare(name: str, qa_dir: Path, work_dir: Path, limit: int | None = None) -> tuple[Path, Path]:
    """Run adapter ``name``; write its corpus and set under ``work_dir``.

    Returns ``(corpus_dir, set_path)``. The folder name carries the limit, so runs
    with different limits never share (and pollute) one corpus.
    """
    if name not in ADAPTERS:
        raise ConfigError(f"unknown QA set {name!r}", f"use one of {', '.join(ADAPTERS)} or a .jsonl file")
    documents, items = ADAPTERS[name](Path(qa_dir), limit)
    base = Path(work_dir) / f"{name}-{limit if limit is not None else 'all'}"
    corpus_dir = write_corpus(documents, base / "corpus")
    set_path = base / "set.jsonl"
    set_path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return corpus_dir, set_path
