"""Writing derived tables through the `Engine` interface, the same way on every engine.

Canonical tables are insert-only; derived tables are either rebuilt from a query
(`rebuild_table`) or from rows computed in Python (`write_rows`), or have some of their rows
replaced by key (`replace_rows`). Replacing works on engines without row-level DELETE (Spark's
Parquet folders): the rows to keep and the new rows go to a staging table first, which then
replaces the table in one `materialize`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from jiandu.engines.base import Engine
from jiandu.schema.derived import derived_table
from jiandu.schema.registry import TableSchema


def rebuild_table(engine: Engine, schema: TableSchema, select_sql: str) -> int:
    """Replace a derived table with the rows of a query (DuckDB dialect); return its row count.

    Columns are cast to the declared types, so the table looks the same on every engine.
    """
    casts = ", ".join(f"CAST(src.{c.name} AS {c.type}) AS {c.name}" for c in schema.columns)
    engine.drop_table(schema.name, missing_ok=True)
    engine.create_table(schema)
    engine.insert_query(schema.name, f"SELECT {casts} FROM ({select_sql}) AS src")
    return engine.count(schema.name)


def write_rows(engine: Engine, name: str, rows: list[dict[str, Any]]) -> int:
    """Replace the derived table ``name`` with ``rows`` (Python dicts); return their count."""
    schema = derived_table(name)
    engine.drop_table(name, missing_ok=True)
    engine.create_table(schema)
    if rows:
        engine.append(name, schema.to_arrow(rows))
    return len(rows)


def replace_rows(
    engine: Engine,
    schema: TableSchema,
    key_column: str,
    rows: pa.Table,
    keys: Sequence[str] | None = None,
) -> None:
    """Delete the rows whose ``key_column`` is in ``keys`` (default: the keys of ``rows``), then
    add ``rows``."""
    rows = schema.conform(rows)
    engine.create_table(schema)
    wanted = set(rows.column(key_column).to_pylist()) if keys is None else set(keys)
    if not wanted:
        return
    hits = engine.existing_keys(schema.name, key_column, sorted(wanted))
    if not hits:
        if rows.num_rows:
            engine.append(schema.name, rows)
        return
    with engine.temp_table(pa.table({"k": pa.array(sorted(hits), pa.string())}), "replace") as tmp:
        keep = engine.query(
            f"SELECT t.* FROM {schema.name} AS t WHERE t.{key_column} NOT IN (SELECT k FROM {tmp})"
        )
    staging = dataclasses.replace(schema, name=f"{schema.name}__staging")
    engine.drop_table(staging.name, missing_ok=True)
    engine.create_table(staging)
    engine.append(staging.name, pa.concat_tables([schema.conform(keep), rows]))
    engine.materialize(schema.name, f"SELECT * FROM {staging.name}")
    engine.drop_table(staging.name, missing_ok=True)
