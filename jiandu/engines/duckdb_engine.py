"""The default engine: an embedded DuckDB database file in the workspace.

Concurrency: DuckDB lets one process open a database file for writing (a second process gets
a lock error). Inside the process this engine serialises calls on its one connection with a
lock, so threads may share it but do not run statements in parallel.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa

from jiandu.engines.base import Engine, check_format, quote, temp_name
from jiandu.engines.dialects import DIALECTS, DuckDBDialect
from jiandu.schema.registry import TableSchema

DEFAULT_MEMORY_LIMIT = "2GB"

_COPY_OPTIONS = {
    "parquet": "FORMAT parquet",
    "csv": "FORMAT csv, HEADER true",
    "jsonl": "FORMAT json",
}


class DuckDBEngine(Engine):
    """Tables in one DuckDB file (``path``), or in memory when ``path`` is None."""

    name = "duckdb"

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self.dialect = DIALECTS["duckdb"]
        self.path = path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        # an in-memory store spills to the system temp folder, never into the working directory
        spill = str(Path(tempfile.gettempdir()) / "jiandu-duckdb")
        config: dict[str, str | bool | int | float | list[str]] = {} if path else {"temp_directory": spill}
        self._con: duckdb.DuckDBPyConnection | None = duckdb.connect(
            str(path) if path is not None else ":memory:", config=config
        )
        for setting in DuckDBDialect.SETTINGS:
            self._con.execute(setting)
        # DuckDB's buffer pool may otherwise grow to 80% of RAM while a large ingest runs;
        # past the limit it spills to disk. JIANDU_DUCKDB_MEMORY_LIMIT overrides (e.g. "8GB").
        limit = os.environ.get("JIANDU_DUCKDB_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT)
        if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", limit, flags=re.IGNORECASE):
            raise ValueError(f"JIANDU_DUCKDB_MEMORY_LIMIT={limit!r}: expected a size such as 2GB")
        self._con.execute(f"SET memory_limit = '{limit}'")
        self._temps: dict[str, pa.Table] = {}  # keeps registered Arrow tables alive

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise RuntimeError("the DuckDB engine is closed")
        return self._con

    # -- hooks ----------------------------------------------------------------------------
    def _run_query(self, native_sql: str) -> pa.Table:
        return self.con.sql(native_sql).to_arrow_table()

    def _run_statement(self, native_sql: str) -> None:
        self.con.execute(native_sql)

    def tables(self) -> list[str]:
        with self._lock:
            rows = self.con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' "
                "AND table_catalog = current_database() ORDER BY table_name"
            ).fetchall()
        return [r[0] for r in rows]

    def stored_schema(self, name: str) -> pa.Schema:
        if not self.table_exists(name):
            raise KeyError(f"no table {name!r} in the DuckDB store")
        with self._lock:
            return self.con.sql(f"SELECT * FROM {quote(name)} LIMIT 0").to_arrow_table().schema

    def create_table(self, schema: TableSchema) -> None:
        columns = ", ".join(
            f"{quote(c.name)} {self.dialect.column_type(c.type)}" for c in schema.columns
        )
        with self._lock:
            self.con.execute(f"CREATE TABLE IF NOT EXISTS {quote(schema.name)} ({columns})")

    def _append_arrow(self, name: str, rows: pa.Table) -> None:
        staged = temp_name("append")
        self.con.register(staged, rows)
        try:
            self.con.execute(f"INSERT INTO {quote(name)} SELECT * FROM {staged}")
        finally:
            self.con.unregister(staged)

    def materialize(self, name: str, sql: str) -> int:
        with self._lock:
            self.con.execute(f"CREATE OR REPLACE TABLE {quote(name)} AS {self.transpile(sql)}")
        return self.count(name)

    def insert_query(self, name: str, sql: str) -> None:
        with self._lock:
            self.con.execute(f"INSERT INTO {quote(name)} {self.transpile(sql)}")

    def drop_table(self, name: str, missing_ok: bool = True) -> None:
        with self._lock:
            self.con.execute(f"DROP TABLE {'IF EXISTS ' if missing_ok else ''}{quote(name)}")

    def register_temp(self, name: str, rows: pa.Table) -> None:
        with self._lock:
            self.con.register(name, rows)
            self._temps[name] = rows

    def drop_temp(self, name: str) -> None:
        with self._lock:
            if self._temps.pop(name, None) is not None:
                self.con.unregister(name)

    def export(self, sql: str, path: Path, fmt: str) -> int:
        options = _COPY_OPTIONS[check_format(fmt)]
        path.parent.mkdir(parents=True, exist_ok=True)
        target = str(path).replace("'", "''")
        with self._lock:
            # Only jiandu's own SQL reaches COPY: `sql` is a query, transpiled and wrapped here.
            result = self.con.execute(
                f"COPY ({self.transpile(sql)}) TO '{target}' ({options})"
            ).fetchone()
        return int(result[0]) if result else 0

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None
                self._temps.clear()
