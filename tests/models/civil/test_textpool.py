"""Text operators spread over worker processes give exactly what one process gives."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from jiandu.engines import textpool
from jiandu.engines.duckdb_engine import DuckDBEngine
from jiandu.models.civil.operators.claim_wording import ClaimWording
from jiandu.models.civil.operators.loan_signs import LoanSigns
from jiandu.models.civil.operators.mentions import DocumentMentions
from jiandu.models.textpool import map_slices
from tests.models.civil.support import OTHER_STANDARD, STANDARD, Suit, load, series


def _lengths(table: pa.Table) -> list[int]:
    """A picklable slice function: the length of each text."""
    return [len(t) for t in table.column("text").to_pylist()]


def test_map_slices_keeps_slice_order_across_workers() -> None:
    texts = ["甲" * i for i in range(23)]
    table = pa.table({"text": texts})
    inline = list(map_slices(_lengths, table, rows_per_task=4, workers=1))
    pooled = list(map_slices(_lengths, table, rows_per_task=4, workers=2))
    assert pooled == inline
    assert [n for part in pooled for n in part] == list(range(23))
    assert list(map_slices(_lengths, table.slice(0, 0), workers=2)) == []


def test_worker_count_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from jiandu.cores import worker_count

    monkeypatch.setenv("JIANDU_WORKERS", "3")
    assert worker_count() == 3
    monkeypatch.setenv("JIANDU_WORKERS", "many")
    with pytest.raises(ValueError, match="JIANDU_WORKERS='many'"):
        worker_count()


def _suits() -> list[Suit]:
    return [
        *series("周建", 12, 100, flags=("withdrawal",), wording=STANDARD, principal=30_000.0),
        *series("王强", 8, 200, wording=OTHER_STANDARD, transfer=3_000.0, principal=30_000.0),
        *series("李丽", 9, 300, cash_unproven=True, upfront=True),
    ]


def _tables(monkeypatch: pytest.MonkeyPatch, workers: str) -> dict[str, list[dict[str, Any]]]:
    monkeypatch.setenv("JIANDU_WORKERS", workers)
    monkeypatch.setattr(textpool, "ROWS_PER_TASK", 5)
    engine = DuckDBEngine()
    try:
        load(engine, _suits())
        out = {}
        for op, order in (
            (LoanSigns(), "doc_id, sign, span_start"),
            (ClaimWording(), "doc_id, kind"),
            (DocumentMentions(), "doc_id, mention_idx"),
        ):
            op.run(engine)
            out[op.outputs[0]] = engine.rows(f"SELECT * FROM {op.outputs[0]} ORDER BY {order}")
        return out
    finally:
        engine.close()


@pytest.mark.slow
def test_text_operators_are_the_same_on_one_or_two_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    one = _tables(monkeypatch, "1")
    two = _tables(monkeypatch, "2")
    assert one["loan_signs"] and one["claim_wording"]
    assert {r["cluster_size"] for r in one["claim_wording"]} >= {12, 8}
    assert two == one


def test_warm_starts_workers_only_for_more_than_one_slice() -> None:
    textpool.shutdown()
    textpool.warm(textpool.ROWS_PER_TASK, workers=2)
    assert textpool._pool is None  # one slice is handled in the calling process
    textpool.warm(textpool.ROWS_PER_TASK + 1, workers=2)
    pool = textpool._pool
    assert pool is not None
    textpool.warm(textpool.ROWS_PER_TASK + 1, workers=2)
    assert textpool._pool is pool  # the running workers are kept
    table = pa.table({"text": ["甲" * i for i in range(25)]})
    parts = list(map_slices(_lengths, table, rows_per_task=10, workers=2))
    assert [n for part in parts for n in part] == list(range(25))
    assert textpool._pool is pool
    textpool.shutdown()
