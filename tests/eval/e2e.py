"""A ten-question set over three real corpus documents, shared by the runner and ``speechqa eval`` tests."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

GWR25, GWR24 = "national_gwr/cn_gwr_2025.txt", "national_gwr/cn_gwr_2024.txt"
DIST = "district_speeches/district_party_secretary_econ_work_2022.txt"
E2E = [
    ("gdp25", "2025年政府工作报告把今年GDP增长目标定在多少？", "number", [(GWR25, "国内生产总值增长5%左右")],
     [["5%左右"]]),
    ("deficit25", "2025年政府工作报告里赤字率定了多少？", "number", [(GWR25, "今年赤字率拟按4%左右安排")],
     [["4%左右"]]),
    ("deficit24", "2024年政府工作报告安排的赤字率是多少？", "number", [(GWR24, "赤字率拟按3%安排")], [["3%"]]),
    ("jobs24", "2024年政府工作报告说上一年城镇新增就业多少？", "number", [(GWR24, "城镇新增就业1244万人")],
     [["1244万"]]),
    ("bonds25", "2025年超长期特别国债和地方专项债各安排多少？", "number",
     [(GWR25, "拟发行超长期特别国债1.3万亿元"), (GWR25, "拟安排地方政府专项债券4.4万亿元")],
     [["1.3万亿"], ["4.4万亿"]]),
    ("pension25", "2025年城乡居民基础养老金最低标准提高多少？", "number",
     [(GWR25, "城乡居民基础养老金最低标准再提高20元")], [["20元"]]),
    ("dist-gdp21", "区委书记讲话里说2021年本区GDP完成了多少？", "number", [(DIST, "区GDP完成414亿元")],
     [["414亿"]]),
    ("dist-target", "区委书记讲话中2022年全区生产总值的预期目标是多少？", "number",
     [(DIST, "生产总值达到800亿元")], [["800亿"]]),
    ("una-2020", "2020年政府工作报告提出的GDP增长目标是多少？", "unanswerable", [], []),
    ("una-moon", "报告里提到的月球基地建设预算是多少亿元？", "unanswerable", [], []),
]


def norm(text: str) -> str:
    """NFKC without whitespace: how quotes are matched against documents."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def write_set(path: Path, corpus_dir: Path) -> Path:
    """Write the E2E set to ``path`` (checking every quote is in its document); return ``path``."""
    lines = []
    for qid, question, qtype, evidence, keys in E2E:
        for doc, quote in evidence:
            assert norm(quote) in norm((corpus_dir / doc).read_text(encoding="utf-8")), (qid, quote)
        item = {"id": qid, "question": question, "type": qtype, "answer_keys": keys, "reference_answer": "-",
                "evidence": [{"doc": d, "quote": q} for d, q in evidence]}
        lines.append(json.dumps(item, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ingest_documents(settings, corpus_dir: Path, docs: tuple[str, ...] = (GWR25, GWR24, DIST)) -> None:
    """Index ``docs`` (corpus-relative) into ``settings.index_dir``."""
    from ingest.pipeline import ingest

    ingest([corpus_dir / d for d in docs], settings)
