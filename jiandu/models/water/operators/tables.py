"""Reading register tables that may be missing: an empty stand-in with the declared columns."""

from __future__ import annotations

from jiandu.engines.base import Engine
from jiandu.schema import canonical_tables

__all__ = ["latest_rows", "table_or_empty"]


def table_or_empty(engine: Engine, name: str) -> str:
    """``name`` when the table exists, else a subquery with its declared columns and no row."""
    if engine.table_exists(name):
        return name
    schema = canonical_tables()[name]
    cols = ", ".join(f"CAST(NULL AS {c.type}) AS {c.name}" for c in schema.columns)
    return f"(SELECT {cols} WHERE FALSE)"


def latest_rows(table: str, key: str) -> str:
    """A subquery of ``table`` with one row per natural ``key`` (columns of ``t``): the row of the
    last file read, the last row in it (re-sent exports and late corrections)."""
    return f"""(SELECT * FROM (
        SELECT t.*, row_number() OVER (PARTITION BY {key}
                                       ORDER BY t.source_file DESC, t.source_row DESC) AS rn_
        FROM {table} AS t) AS d WHERE d.rn_ = 1)"""
