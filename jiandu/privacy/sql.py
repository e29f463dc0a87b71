"""``jiandu_mask_text(text)`` in SQL: the Python mask itself, registered on DuckDB and Spark.

SQL masking is not a second definition. A chain of ``regexp_replace`` calls cannot express the
masks of `jiandu.privacy.rules` (a replacement cannot repeat ``*`` for a span of variable length,
RE2 has no look-around and at most nine groups, the address rules need context), so any SQL
rewrite would be a weaker copy that disagrees with Python. Instead each engine calls
`jiandu.privacy.mask_text`: DuckDB as a vectorised Python function, Spark as a Python UDF.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
from duckdb.func import PythonUDFType

from jiandu.privacy import mask_text

FUNCTION = "jiandu_mask_text"


def _mask_arrow(texts: pa.Array) -> pa.Array:
    return pa.array([None if t is None else mask_text(t) for t in texts.to_pylist()], type=pa.string())


def register_duckdb(con: duckdb.DuckDBPyConnection) -> None:
    """Make ``jiandu_mask_text(VARCHAR) → VARCHAR`` callable on a DuckDB connection (NULL stays NULL)."""
    con.create_function(
        FUNCTION,
        _mask_arrow,
        [duckdb.sqltype("VARCHAR")],
        duckdb.sqltype("VARCHAR"),
        type=PythonUDFType.ARROW,
        side_effects=False,
    )


def register_spark(spark: Any) -> None:
    """Make ``jiandu_mask_text(STRING) → STRING`` callable in Spark SQL (NULL stays NULL)."""
    from pyspark.sql.types import StringType

    spark.udf.register(FUNCTION, lambda t: None if t is None else mask_text(t), StringType())


def register(engine: Any) -> None:
    """Register ``jiandu_mask_text`` on a jiandu engine (DuckDB or Spark)."""
    if engine.name == "spark":
        register_spark(engine.spark)
    else:
        register_duckdb(engine.con)


def mask_sql(expression: str) -> str:
    """The SQL (either engine) that masks ``expression``, after `register` was called."""
    return f"{FUNCTION}({expression})"
