"""speechqa ask: argument parsing, human output, and the exact --json Answer shape."""
import argparse
import json

import pytest

from rag.chain import Deps
from rag.types import Answer, Filters
from tests.rag.fakes import FakeIndex, corpus_doc, fake_analyze, fake_condense, fake_retrieve
from ui.cli import ask, flags

Q25 = "2025年国内生产总值增长目标是多少？"


@pytest.fixture
def fake_deps(monkeypatch):
    monkeypatch.setattr(Deps, "default", classmethod(lambda cls: Deps(fake_analyze, fake_retrieve, fake_condense)))


@pytest.fixture(scope="module")
def index(corpus_dir):
    return FakeIndex([corpus_doc(corpus_dir, "national_gwr/cn_gwr_2025.txt")])


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    ask.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["ask", *argv])


def test_flags_parse_into_filters():
    args = _args(Q25, "--year", "2024-2025", "--doc-type", "national_government_work_report",
                 "--region", "河南", "--quote", "--json", "--k", "3", "--llm", "extractive")
    assert flags.filters_from_args(args) == Filters(year_from=2024, year_to=2025,
                                                    doc_types=("national_government_work_report",),
                                                    regions=("河南",))
    assert args.quote and args.json and args.k == 3 and args.llm == "extractive"
    assert flags.filters_from_args(_args(Q25)) is None
    assert flags.parse_years("2024") == (2024, 2024)


@pytest.mark.parametrize("bad", ["24", "2025-2024", "二〇二四"])
def test_bad_years_are_rejected(bad):
    with pytest.raises(argparse.ArgumentTypeError, match="--year"):
        flags.parse_years(bad)


def test_json_prints_the_answer_object_exactly(settings, index, fake_deps, capsys):
    assert ask.run(_args(Q25, "--json"), settings, index) == 0
    out = capsys.readouterr()
    data = json.loads(out.out)
    assert set(data) == set(Answer.model_fields)
    assert set(data["citations"][0]) == {"n", "doc_id", "source", "title", "year", "paragraph", "section", "text", "quote"}
    assert set(data["timings_ms"]) == {"retrieve", "generate", "verify", "total"}
    assert Answer.model_validate(data).answer == data["answer"] and out.err == ""


def test_human_output_lists_numbered_citations(settings, index, fake_deps, capsys):
    assert ask.run(_args(Q25), settings, index) == 0
    out = capsys.readouterr()
    assert "国内生产总值增长5%左右" in out.err  # the streamed draft
    lines = out.out.splitlines()
    assert lines[0].endswith("[1]；") and "引用：" in lines
    cite = lines[lines.index("引用：") + 1]
    assert cite.startswith("[1] 《2025年中华人民共和国国务院政府工作报告》（2025年）第") and "段" in cite
    assert lines[lines.index("引用：") + 2].strip().startswith("“今年发展主要预期目标是")


def test_quote_flag_prints_verbatim_quotes(settings, index, fake_deps, capsys):
    ask.run(_args(Q25, "--quote", "--json"), settings, index)
    data = json.loads(capsys.readouterr().out)
    lines = data["answer"].splitlines()
    assert len(lines) == len(data["citations"])
    for line, cite in zip(lines, data["citations"]):  # each line is its citation's verbatim quote
        assert line.replace(f"[{cite['n']}]", "") == cite["quote"] and cite["quote"] in cite["text"]
