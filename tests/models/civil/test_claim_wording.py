"""claim_wording's shingle rows: documents keyed by a 64-bit hash of their id, checked for clashes."""

from __future__ import annotations

import pytest

from jiandu.engines.duckdb_engine import DuckDBEngine
from jiandu.models.civil.operators import claim_wording as cw
from tests.models.civil.support import STANDARD, load, series


def test_document_keys_are_stable_and_distinct() -> None:
    # the same in every worker process and on every executor (no per-process hash seed)
    assert cw._doc_key("甲") == cw._doc_key("甲") == 9_087_103_938_155_524_026
    keys = {cw._doc_key(f"(2024)浙0102民初{i}号") for i in range(50_000)}
    assert len(keys) == 50_000


def test_a_key_shared_by_two_documents_stops_the_operator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIANDU_WORKERS", "1")  # the patched key is used in this process
    engine = DuckDBEngine()
    try:
        load(engine, series("周建", 3, 100, wording=STANDARD))
        assert cw.ClaimWording().run(engine) == 3  # one cluster of three pleadings
        monkeypatch.setattr(cw, "_doc_key", lambda doc_id: 7)
        with pytest.raises(RuntimeError, match="share a 64-bit key"):
            cw.ClaimWording().run(engine)
        assert not engine.table_exists(cw._SHINGLES.name)  # scratch tables dropped all the same
    finally:
        engine.close()
