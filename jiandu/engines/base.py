"""The `Engine` interface: the only way the rest of jiandu touches the analytic store.

SQL handed to an engine is written once in DuckDB's dialect; an engine transpiles it to its own
dialect with sqlglot (see ``dialects.py``). Data crosses the interface as Apache Arrow tables.
Common work lives here as template methods; each engine supplies a few small hooks.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa

from jiandu.schema.registry import TableSchema


class Engine(ABC):
    """An analytic store that can create, load, query and export canonical tables."""

    name: str  # "duckdb" | "spark"

    # -- hooks each engine implements -------------------------------------------------
    @abstractmethod
    def execute(self, sql: str) -> None:
        """Run one statement written in DuckDB's dialect (transpiled as needed)."""

    @abstractmethod
    def query(self, sql: str) -> pa.Table:
        """Run one SELECT written in DuckDB's dialect and return its rows as Arrow."""

    @abstractmethod
    def table_exists(self, name: str) -> bool:
        """True when the table exists in the store."""

    @abstractmethod
    def create_table(self, schema: TableSchema) -> None:
        """Create the table from its registry entry if it does not exist."""

    @abstractmethod
    def append(self, name: str, rows: pa.Table) -> None:
        """Append rows (already in the table's column order and types)."""

    @abstractmethod
    def register_temp(self, name: str, rows: pa.Table) -> None:
        """Make an Arrow table queryable by name for the rest of the session."""

    @abstractmethod
    def drop_temp(self, name: str) -> None:
        """Forget a temporary table registered with `register_temp`."""

    @abstractmethod
    def export(self, sql: str, path: Path, fmt: str) -> int:
        """Write the result of a query to parquet, csv or jsonl; return the row count."""

    @abstractmethod
    def close(self) -> None:
        """Release the store (files stay in the workspace)."""

    # -- template methods shared by every engine ---------------------------------------
    def ensure_tables(self, schemas: Iterable[TableSchema]) -> None:
        """Create every table that does not exist yet."""
        for schema in schemas:
            self.create_table(schema)

    def count(self, name: str) -> int:
        """Number of rows in a table."""
        return int(self.query(f"SELECT count(*) AS n FROM {name}").column("n")[0].as_py())
