"""Ids are made and parsed in one place (rag.types) and round-trip; malformed ones are refused by name."""
from __future__ import annotations

from pathlib import Path

import pytest

from rag.types import anchor, chunk_id, doc_id_for, parse_anchor, parse_chunk_id


def test_doc_id_is_the_path_under_the_root_without_extension():
    root = Path("/data/corpus")
    assert doc_id_for(root / "national_gwr" / "cn_gwr_2025.txt", root) == "national_gwr/cn_gwr_2025"


@pytest.mark.parametrize("first,last,part", [(3, 3, None), (40, 42, None), (12, 12, 2)])
def test_chunk_ids_round_trip(first, last, part):
    cid = chunk_id("national_gwr/cn_gwr_2025", first, last, part)
    assert parse_chunk_id(cid) == ("national_gwr/cn_gwr_2025", first, last, part)


def test_anchors_round_trip():
    assert parse_anchor(anchor("district_speeches/x", 19)) == ("district_speeches/x", 19)


@pytest.mark.parametrize("bad", ["national_gwr/cn_gwr_2025", "doc#", "doc#3", "#1-2", "doc#a-b", "doc#1-2.x"])
def test_malformed_chunk_ids_are_refused_by_name(bad):
    with pytest.raises(ValueError, match="not a chunk id"):
        parse_chunk_id(bad)


@pytest.mark.parametrize("bad", ["doc", "doc#", "doc#1-2"])
def test_malformed_anchors_are_refused_by_name(bad):
    with pytest.raises(ValueError, match="not a paragraph anchor"):
        parse_anchor(bad)
