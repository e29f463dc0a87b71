"""`Engine.map_arrow`: a per-batch function over a query's rows, written to a table, the same
on DuckDB (record batches through the worker pool) and Spark (mapInArrow on the executors)."""

from __future__ import annotations

import sys

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from jiandu.engines import Engine, textpool
from jiandu.schema.registry import Column, TableSchema
from tests.engine_support import sorted_rows

SOURCE = TableSchema(
    "map_source",
    "rows to map",
    ("doc_id",),
    (Column("doc_id", "VARCHAR", ""), Column("text", "VARCHAR", ""), Column("n", "INTEGER", "")),
)
OUTPUT = TableSchema(
    "map_output",
    "rows mapped",
    (),
    (
        Column("doc_id", "VARCHAR", ""),
        Column("length", "INTEGER", ""),
        Column("doubled", "BIGINT", ""),
        Column("word", "VARCHAR", ""),
    ),
)


def _lengths(batch: pa.Table) -> pa.Table:
    """One row per document and word of its text (texts without words give no row)."""
    assert batch.schema.field("n").type == pa.int64()  # the types `query` gives, on each engine
    rows = []
    for doc_id, text, n in zip(*(batch.column(c).to_pylist() for c in ("doc_id", "text", "n")), strict=True):
        for word in text.split():
            rows.append({"doc_id": doc_id, "length": len(text), "doubled": 2 * n, "word": word})
    return pa.Table.from_pylist(rows, schema=pa.schema([f for f in OUTPUT.arrow_schema()]))


def _source(count: int) -> pa.Table:
    return SOURCE.to_arrow(
        [{"doc_id": f"d{i:05d}", "text": "甲 乙" if i % 3 else "", "n": i} for i in range(count)]
    )


def _stored(engine: Engine) -> list[dict[str, object]]:
    return sorted_rows(engine.rows("SELECT * FROM map_output"))


def test_map_arrow_writes_the_mapped_rows(engine: Engine) -> None:
    if engine.name == "spark":  # Spark's Python workers cannot import this test module by name
        from pyspark import cloudpickle

        cloudpickle.register_pickle_by_value(sys.modules[__name__])
    engine.create_table(SOURCE)
    engine.append(SOURCE.name, _source(30))
    sql = "SELECT doc_id, text, n FROM map_source WHERE n < 20"
    assert engine.map_arrow(sql, _lengths, OUTPUT) == 26  # 13 texts of two words
    rows = _stored(engine)
    assert rows[0] == {"doc_id": "d00001", "length": 3, "doubled": 2, "word": "乙"}
    assert {r["word"] for r in rows} == {"甲", "乙"}
    # replaced, not appended, without append=True; appended with it
    assert engine.map_arrow(sql, _lengths, OUTPUT) == 26
    assert engine.count("map_output") == 26
    more = "SELECT doc_id, text, n FROM map_source WHERE n >= 20"
    assert engine.map_arrow(more, _lengths, OUTPUT, append=True) == 14
    assert engine.count("map_output") == 40
    assert engine.map_arrow("SELECT doc_id, text, n FROM map_source WHERE n < 0", _lengths, OUTPUT) == 0
    assert engine.count("map_output") == 0
    assert engine.stored_schema("map_output").names == OUTPUT.column_names


@pytest.mark.parametrize("workers", [1, 2])
def test_map_arrow_streams_batches_through_the_pool_in_order(
    monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    from jiandu.engines.duckdb_engine import DuckDBEngine

    monkeypatch.setenv("JIANDU_WORKERS", str(workers))
    monkeypatch.setattr(textpool, "ROWS_PER_TASK", 7)  # many batches
    engine = DuckDBEngine()
    try:
        engine.create_table(SOURCE)
        engine.append(SOURCE.name, _source(100))
        n = engine.map_arrow("SELECT doc_id, text, n FROM map_source ORDER BY doc_id", _lengths, OUTPUT)
        stored = engine.query("SELECT doc_id, word FROM map_output")  # insertion order
    finally:
        engine.close()
        textpool.shutdown()
    assert n == 2 * 66
    ids = stored.column("doc_id")
    assert pc.all(pc.equal(ids, pc.sort_indices(ids).to_pylist() and ids.take(pc.sort_indices(ids)))).as_py()
    assert stored.column("word").to_pylist()[:4] == ["甲", "乙", "甲", "乙"]


def test_map_arrow_after_the_sandbox_locked_the_configuration() -> None:
    """A run's model SQL locks DuckDB's configuration (`enter_sandbox`); the operators after it
    still map, and the reader sees the engine's settings (time zone, null order) without
    setting them again."""
    from jiandu.engines.duckdb_engine import DuckDBEngine

    engine = DuckDBEngine()
    try:
        engine.create_table(SOURCE)
        engine.append(SOURCE.name, _source(9))
        engine.model_query("SELECT 1 AS one")  # what the runner does before model SQL
        assert engine.sandboxed
        sql = (
            "SELECT doc_id, current_setting('TimeZone') || ' ' || "
            "current_setting('default_null_order') AS text, n FROM map_source"
        )
        assert engine.map_arrow(sql, _lengths, OUTPUT) == 18
        assert {r["word"].lower() for r in _stored(engine)} == {"utc", "nulls_last"}
        nulls_last = "SELECT doc_id, 'x' AS text, n FROM map_source ORDER BY CASE WHEN n > 0 THEN n END"
        engine.map_arrow(nulls_last, _lengths, OUTPUT)
        assert engine.query("SELECT doc_id FROM map_output").column("doc_id").to_pylist()[-1] == "d00000"
    finally:
        engine.close()
