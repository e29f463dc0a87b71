"""Analytic-store engines: DuckDB (embedded default) and Spark (scale-out), one SQL for both.

``open_engine("duckdb", workspace)`` is how the rest of jiandu gets an `Engine`.
"""

from __future__ import annotations

from pathlib import Path

from jiandu.engines.base import Engine
from jiandu.engines.dialects import UnsupportedSQLError

ENGINE_KINDS = ("duckdb", "spark")
DUCKDB_FILE = "jiandu.duckdb"
SPARK_WAREHOUSE = "spark-warehouse"

__all__ = ["ENGINE_KINDS", "Engine", "UnsupportedSQLError", "open_engine"]


def open_engine(
    kind: str,
    workspace_dir: Path,
    spark_master: str | None = None,
    *,
    lock_wait: float | None = None,
    spark_warehouse: str | None = None,
) -> Engine:
    """Open the workspace's analytic store.

    ``duckdb`` → ``<workspace>/jiandu.duckdb``; ``spark`` → ``<workspace>/spark-warehouse/``
    (PySpark is imported only then; ``spark_master`` defaults to ``local[*]``), or
    ``spark_warehouse`` when given: a path or a Hadoop-compatible URI (``hdfs://…``,
    ``s3a://…``, ``file:///…``) every executor can reach.
    """
    workspace_dir = Path(workspace_dir)
    if kind == "duckdb":
        from jiandu.engines.duckdb_engine import DuckDBEngine

        return DuckDBEngine(workspace_dir / DUCKDB_FILE, lock_wait=lock_wait)
    if kind == "spark":
        from jiandu.engines.spark_engine import SparkEngine

        warehouse = spark_warehouse or workspace_dir / SPARK_WAREHOUSE
        return SparkEngine(warehouse, master=spark_master or "local[*]")
    raise ValueError(f"unknown engine {kind!r}; use one of {', '.join(ENGINE_KINDS)}")
