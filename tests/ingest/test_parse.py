"""Tests for ingest/parse.py (and ingest/normalize.py, which it exports for search)."""
from __future__ import annotations

from ingest.normalize import normalize_for_search


def test_normalize_for_search_folds_width_script_and_case():
    assert normalize_for_search("國務院ＡＢＣ１２３，關於GDP") == "国务院abc123,关于gdp"


def test_normalize_for_search_empty():
    assert normalize_for_search("") == ""
