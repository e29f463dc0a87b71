"""Refuse any model SQL that is not one read-only query over known tables.

A spec may come from another office, so its SQL is untrusted text. It is parsed with sqlglot
(DuckDB dialect) and accepted only when it is exactly one SELECT (``WITH`` and set operations
allowed) that reads canonical tables, derived tables or its own CTEs. Everything that could
touch the outside world is refused: file and URL readers (``read_csv``, ``FROM 'x.csv'``,
``*_scan``), ``ATTACH``/``COPY``/``INSTALL``/``LOAD``/``PRAGMA``/``SET``, writes, system and
settings functions, and statements sqlglot cannot parse (``Command``). The same check runs on
the SQL again after parameters are bound, just before it reaches the engine.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

MAX_SQL_CHARS = 200_000

# Table functions a model may call in FROM/JOIN: they generate rows, they read nothing.
ALLOWED_TABLE_FUNCTIONS = frozenset({"unnest", "range", "generate_series"})

# Functions refused anywhere, by exact (lower-case) name.
DENIED_FUNCTIONS = frozenset(
    {
        "glob",
        "sniff_csv",
        "getenv",
        "current_setting",
        "getvariable",
        "set_config",
        "query",
        "query_table",
        "load_extension",
        "load_aws_credentials",
        "checkpoint",
        "force_checkpoint",
        "json_execute_serialized_sql",
        "json_serialize_sql",
        "json_deserialize_sql",
        "which_secret",
        "st_read",
        "st_read_meta",
        "st_readosm",
        "st_readshp",
        "st_drivers",
        "system",
        # Spark functions that call into the JVM or the file system once the SQL is transpiled.
        "reflect",
        "java_method",
        "try_reflect",
        "input_file_name",
        "input_file_block_start",
        "input_file_block_length",
    }
)
DENIED_PREFIXES = (
    "read_",
    "duckdb_",
    "pg_",
    "pragma_",
    "postgres_",
    "mysql_",
    "sqlite_",
    "iceberg_",
    "delta_",
    "parquet_",
    "http",
    "s3",
    "azure_",
    "gcs_",
    "secret",
    "ducklake_",
    "json_execute",
)
DENIED_SUFFIXES = ("_scan", "_query", "_secret", "_secrets", "_attach", "_extensions", "_settings")

# Statement kinds, named for the message.
_STATEMENT_NAMES: dict[type[exp.Expr], str] = {
    exp.Attach: "ATTACH",
    exp.Detach: "DETACH",
    exp.Copy: "COPY",
    exp.Install: "INSTALL",
    exp.Pragma: "PRAGMA",
    exp.Set: "SET",
    exp.Insert: "INSERT",
    exp.Update: "UPDATE",
    exp.Delete: "DELETE",
    exp.Create: "CREATE",
    exp.Drop: "DROP",
    exp.Alter: "ALTER",
    exp.Merge: "MERGE",
    exp.Use: "USE",
    exp.Transaction: "a transaction",
    exp.Commit: "COMMIT",
    exp.Rollback: "ROLLBACK",
    exp.Describe: "DESCRIBE",
    exp.Show: "SHOW",
    exp.Export: "EXPORT",
    exp.LoadData: "LOAD DATA",
    exp.TruncateTable: "TRUNCATE",
    exp.Summarize: "SUMMARIZE",
    exp.Kill: "KILL",
    exp.Grant: "GRANT",
    exp.Revoke: "REVOKE",
    exp.Analyze: "ANALYZE",
    exp.Refresh: "REFRESH",
    exp.Cache: "CACHE",
    exp.Uncache: "UNCACHE",
    exp.Into: "SELECT … INTO",
    exp.Command: "a command sqlglot cannot parse",
}
_PARAM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_FILE_HINTS = (
    "/",
    "\\",
    "://",
    ".csv",
    ".parquet",
    ".json",
    ".txt",
    ".tsv",
    ".xlsx",
    ".db",
    "*",
    "~",
)


class SqlRefused(ValueError):
    """The SQL is not one read-only query over known tables; the message says why."""


@dataclass(frozen=True, slots=True)
class CheckedSql:
    """What the guard learnt about an accepted query."""

    tree: exp.Query
    tables: frozenset[str]  # known tables it reads (lower case, CTEs excluded)
    parameters: frozenset[str]  # :name placeholders
    output_columns: tuple[str, ...] | None  # None when it selects * at the top


def _where(node: exp.Expr) -> str:
    """A short quote of the offending part for the message."""
    text = node.sql(dialect="duckdb")
    return text if len(text) <= 80 else text[:77] + "…"


def function_name(node: exp.Func) -> str:
    """The name a function is called by in SQL, lower case (``read_csv``, ``getenv`` ...)."""
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    return node.sql_name().lower()


def _denied_function(name: str) -> bool:
    return name in DENIED_FUNCTIONS or name.startswith(DENIED_PREFIXES) or name.endswith(DENIED_SUFFIXES)


def _cte_names(tree: exp.Expr) -> set[str]:
    return {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}


def check_sql(
    sql: str,
    known_tables: Iterable[str],
    *,
    model: str = "?",
    what: str = "SQL",
) -> CheckedSql:
    """Parse and check ``sql``; raise `SqlRefused` with a clear message, else describe it."""
    prefix = f"model {model}: {what} refused:"
    if not isinstance(sql, str) or not sql.strip():
        raise SqlRefused(f"{prefix} it is empty")
    if len(sql) > MAX_SQL_CHARS:
        raise SqlRefused(f"{prefix} it is longer than {MAX_SQL_CHARS} characters")
    quiet = logging.getLogger("sqlglot")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # "falling back to Command" is our refusal, not a warning
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except (ParseError, TokenError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SqlRefused(f"{prefix} it does not parse as DuckDB SQL: {first}") from None
    finally:
        quiet.setLevel(level)
    if len(statements) != 1:
        raise SqlRefused(f"{prefix} it holds {len(statements)} statements; exactly one SELECT is allowed")
    tree = statements[0]
    while isinstance(tree, exp.Subquery) and isinstance(tree.this, exp.Query):
        tree = tree.this
    if not isinstance(tree, exp.Select | exp.SetOperation):
        kind = next((n for t, n in _STATEMENT_NAMES.items() if isinstance(tree, t)), type(tree).__name__)
        raise SqlRefused(
            f"{prefix} it is {kind} ({_where(tree)!r}), not a SELECT; only read-only queries are allowed"
        )

    known = {t.lower() for t in known_tables}
    ctes = _cte_names(tree)
    tables: set[str] = set()
    parameters: set[str] = set()
    for node in tree.walk():
        for kind_type, kind_name in _STATEMENT_NAMES.items():
            if isinstance(node, kind_type):
                raise SqlRefused(f"{prefix} it contains {kind_name} at {_where(node)!r}")
        if isinstance(node, exp.With) and node.args.get("recursive"):
            raise SqlRefused(
                f"{prefix} it uses WITH RECURSIVE, which may never end; "
                "graph work belongs in an operator"
            )
        if isinstance(node, exp.Placeholder):
            name = "" if node.this is None else str(node.this)
            if not _PARAM_NAME.match(name):
                raise SqlRefused(
                    f"{prefix} parameter {_where(node)!r} is not named; write :name "
                    "(lower_snake_case) and declare it under parameters"
                )
            parameters.add(name)
        elif isinstance(node, exp.Parameter):
            raise SqlRefused(f"{prefix} session parameter {_where(node)!r}; use :name for spec parameters")
        elif isinstance(node, exp.Table):
            _check_table(node, known, ctes, tables, prefix)
        elif isinstance(node, exp.Func):
            name = function_name(node)
            if name.startswith("read_") or name.endswith("_scan") or name in {"glob", "sniff_csv"}:
                raise SqlRefused(f"{prefix} reads a file via {name} at {_where(node)!r}")
            if _denied_function(name):
                raise SqlRefused(f"{prefix} calls system function {name} at {_where(node)!r}")
    output = (
        None
        if any(isinstance(e, exp.Star) for e in _top_select(tree).expressions)
        else tuple(tree.named_selects)
    )
    return CheckedSql(tree, frozenset(tables), frozenset(parameters), output)


def _top_select(tree: exp.Expr) -> exp.Select:
    while isinstance(tree, exp.SetOperation):
        tree = tree.this
    while isinstance(tree, exp.Subquery):
        tree = tree.this
    assert isinstance(tree, exp.Select)
    return tree


def _check_table(node: exp.Table, known: set[str], ctes: set[str], tables: set[str], prefix: str) -> None:
    target = node.this
    if isinstance(target, exp.Func):
        name = function_name(target)
        if name in ALLOWED_TABLE_FUNCTIONS:
            return
        if name.startswith("read_") or name.endswith("_scan") or name in {"glob", "sniff_csv"}:
            raise SqlRefused(f"{prefix} reads a file via {name} at {_where(node)!r}")
        raise SqlRefused(
            f"{prefix} calls table function {name} at {_where(node)!r}; "
            f"only {', '.join(sorted(ALLOWED_TABLE_FUNCTIONS))} are allowed in FROM"
        )
    if not isinstance(target, exp.Identifier):
        raise SqlRefused(f"{prefix} reads from {_where(node)!r}, which is not a table name")
    name = str(target.this)
    if node.args.get("db") is not None or node.args.get("catalog") is not None:
        raise SqlRefused(
            f"{prefix} names table {_where(node)!r} with a schema or database; "
            "use plain names of canonical and derived tables"
        )
    lowered = name.lower()
    if lowered in ctes:
        return
    if lowered in known:
        tables.add(lowered)
        return
    if any(hint in lowered for hint in _FILE_HINTS):
        raise SqlRefused(f"{prefix} reads a file or URL {name!r} as a table")
    raise SqlRefused(f"{prefix} reads unknown table {name!r}; known tables: {', '.join(sorted(known))}")
