"""Accept model SQL only when every part of it is on an allowlist.

A spec may come from another office, so its SQL is hostile until shown otherwise. It is parsed
with sqlglot (DuckDB dialect) and accepted only when:

- it is exactly one SELECT (``WITH``, joins, windows, set operations and subqueries allowed);
- every node of the tree is of an allowed kind (query clauses, columns, literals, operators,
  ``CASE``, casts to plain types …); anything else is refused and named;
- every table reference resolves, with scope, to a CTE visible where it is used (defined
  earlier in the same ``WITH`` or in an enclosing one — never itself or a later one) or to a
  known table (canonical, derived, or the evidence SQL's ``clue_subjects`` when the caller
  passes it). A table name must be a plain identifier: a quoted name holding ``/``, ``.``,
  ``*``, ``?``, ``~``, ``:`` … is a file, glob or URL to DuckDB's replacement scan, never a table;
- the only table function is ``unnest`` (``range``/``generate_series`` can make 10^15 rows,
  the rest read files or the catalogue);
- every function is on an allowlist of pure scalar, aggregate and window functions; casts go
  to plain types only (a cast to ``INET`` or ``JSON`` would load an extension).

The input is bounded before parsing (length, bracket nesting) and the tree while walking it
(depth), so deeply nested SQL gets a refusal, never a ``RecursionError``. The same check runs
again on the SQL after parameters are bound, just before it reaches the engine.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

MAX_SQL_CHARS = 64_000  # the longest built-in SQL is about 11,500 characters
MAX_NESTING = 32  # brackets ( [ { open at once; the built-in specs need 6
MAX_DEPTH = 160  # tree levels, not counting chains of binary operators (a OR b OR c …)

# Table functions a model may call in FROM/JOIN. Only unnest: its rows are bounded by its input.
ALLOWED_TABLE_FUNCTIONS = frozenset({"unnest"})

# Pure functions, by the name `function_name` gives (sqlglot's canonical name for functions it
# knows, DuckDB's name otherwise). Nothing here reads, writes, sleeps, loads an extension or
# looks at the session; functions that only make huge values (repeat, lpad, range) are left out.
ALLOWED_FUNCTIONS = frozenset(
    {
        # logic and conditionals
        "and", "or", "xor", "case", "if", "coalesce", "nullif", "greatest", "least",
        "cast", "try_cast",
        # aggregates
        "count", "count_if", "sum", "min", "max", "avg", "median", "mode", "percentile_cont",
        "percentile_disc", "group_concat", "array_agg", "logical_and", "logical_or", "stddev",
        "stddev_samp", "stddev_pop", "variance", "variance_pop", "approx_distinct", "corr",
        "covar_pop", "covar_samp", "product",
        # window functions
        "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
        "first_value", "last_value", "nth_value",
        # strings
        "length", "strlen", "length_grapheme", "lower", "upper", "trim", "substring", "left",
        "right", "replace", "concat", "concat_ws", "str_position", "contains", "starts_with",
        "ends_with", "prefix", "suffix", "split_part", "split", "regexp_like", "regexp_replace",
        "regexp_extract", "regexp_extract_all", "regexp_full_match", "regexp_split_to_array",
        "reverse", "translate", "ascii", "chr", "unicode", "format", "printf", "md5", "hash",
        "levenshtein", "jaccard", "jarowinkler_similarity", "damerau_levenshtein", "hamming",
        "array_to_string",
        # numbers
        "abs", "ceil", "floor", "round", "trunc", "ln", "log", "exp", "sqrt", "cbrt", "power",
        "sign", "pi", "is_nan", "is_inf", "gcd",
        # dates
        "year", "month", "day", "quarter", "week", "week_of_year", "day_of_week", "day_of_year",
        "dayofweek_iso", "datediff", "date_sub", "date_part", "datepart", "extract",
        "timestamp_trunc", "date_add", "date_from_parts", "time_to_str", "str_to_time",
        "try_strptime", "age", "last_day", "to_days", "to_months", "to_years", "current_date",
        # lists and structs (lambdas inside are checked like any other expression)
        "array", "array_contains", "array_size", "array_distinct", "array_sort", "flatten",
        "array_overlaps", "list_has_all", "array_concat", "transform", "filter", "list_unique",
        "list_aggregate", "list_reverse", "list_position", "list_extract", "list_element",
        "list_slice", "list_sum", "array_min", "array_max", "struct_extract", "unnest", "explode",
    }
)  # fmt: skip

# Aggregates whose value depends on the order rows reach them, which changes between runs once
# the engine works on several threads (DuckDB past one row group, Spark always): refused, with
# what to write instead. A list or string aggregate must order its elements (`_unordered`).
ORDER_DEPENDENT_AGGREGATES = {
    "first": "min/max, or row_number() OVER (... ORDER BY a unique key)",
    "last": "min/max, or row_number() OVER (... ORDER BY a unique key)",
    "any_value": "min/max",
    "arg_max": "row_number() OVER (PARTITION BY ... ORDER BY value DESC, a unique key) = 1",
    "arg_min": "row_number() OVER (PARTITION BY ... ORDER BY value, a unique key) = 1",
    "mode": "count(*) per value and row_number() ordered by the count and the value",
}
_ORDERED_AGGREGATES = (exp.GroupConcat, exp.ArrayAgg)  # string_agg/group_concat, list/array_agg

# Types a cast may name: plain built-in types (no extension types such as INET or JSON).
ALLOWED_TYPES = frozenset(
    {
        exp.DataType.Type.BOOLEAN, exp.DataType.Type.TINYINT, exp.DataType.Type.SMALLINT,
        exp.DataType.Type.INT, exp.DataType.Type.BIGINT, exp.DataType.Type.INT128,
        exp.DataType.Type.UTINYINT, exp.DataType.Type.USMALLINT, exp.DataType.Type.UINT,
        exp.DataType.Type.UBIGINT, exp.DataType.Type.FLOAT, exp.DataType.Type.DOUBLE,
        exp.DataType.Type.DECIMAL, exp.DataType.Type.TEXT, exp.DataType.Type.VARCHAR,
        exp.DataType.Type.CHAR, exp.DataType.Type.DATE, exp.DataType.Type.TIMESTAMP,
        exp.DataType.Type.TIME, exp.DataType.Type.INTERVAL, exp.DataType.Type.ARRAY,
        exp.DataType.Type.LIST,
    }
)  # fmt: skip

# Node kinds (other than functions, tables and types, which have their own checks) a query may
# hold: query clauses, names, literals and operators.
_ALLOWED_NODES: tuple[type[exp.Expr], ...] = (
    exp.Select, exp.Union, exp.Intersect, exp.Except, exp.Subquery, exp.With, exp.CTE,
    exp.From, exp.Join, exp.Lateral, exp.Where, exp.Group, exp.Having, exp.Qualify, exp.Order,
    exp.Ordered, exp.Limit, exp.Offset, exp.Distinct, exp.Window, exp.WindowSpec, exp.Filter,
    exp.Rollup, exp.Cube, exp.GroupingSets, exp.Values, exp.Tuple, exp.Exists, exp.Any, exp.All,
    exp.Alias, exp.TableAlias, exp.Column, exp.Identifier, exp.Star, exp.Literal, exp.Null,
    exp.Boolean, exp.Placeholder, exp.Var, exp.Interval, exp.DataTypeParam, exp.Paren, exp.Not,
    exp.Neg, exp.Between, exp.In, exp.Is, exp.Like, exp.ILike, exp.Escape, exp.Add, exp.Sub,
    exp.Mul, exp.Div, exp.IntDiv, exp.Mod, exp.DPipe, exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT,
    exp.LTE, exp.NullSafeEQ, exp.NullSafeNEQ, exp.Bracket, exp.Slice, exp.Lambda, exp.Struct,
    exp.PropertyEQ,
)  # fmt: skip

# Names only used to word a refusal; what is refused is decided by the allowlists above.
DENIED_FUNCTIONS = frozenset(
    {
        "glob", "sniff_csv", "getenv", "current_setting", "getvariable", "set_config", "query",
        "query_table", "load_extension", "load_aws_credentials", "checkpoint",
        "force_checkpoint", "json_execute_serialized_sql", "json_serialize_sql",
        "json_deserialize_sql", "which_secret", "st_read", "st_read_meta", "st_readosm",
        "st_readshp", "st_drivers", "system", "sleep_ms", "reflect", "java_method", "try_reflect",
        "input_file_name", "input_file_block_start", "input_file_block_length",
    }
)  # fmt: skip
DENIED_PREFIXES = (
    "read_", "duckdb_", "pg_", "pragma_", "postgres_", "mysql_", "sqlite_", "iceberg_",
    "delta_", "parquet_", "http", "s3", "azure_", "gcs_", "secret", "ducklake_", "json_execute",
)  # fmt: skip
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
# Bare words DuckDB answers from the session, not from a column: refused unless qualified.
_SESSION_WORDS = frozenset(
    {"user", "current_user", "session_user", "current_role", "current_schema", "current_catalog"}
)
_PARAM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


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
    try:
        text = node.sql(dialect="duckdb")
    except RecursionError:  # pragma: no cover - the depth is bounded before this is called
        text = type(node).__name__
    return text if len(text) <= 80 else text[:77] + "…"


def function_name(node: exp.Func) -> str:
    """The name a function is called by in SQL, lower case (``read_csv``, ``getenv`` ...)."""
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    return node.sql_name().lower()


def _denied_function(name: str) -> bool:
    return name in DENIED_FUNCTIONS or name.startswith(DENIED_PREFIXES) or name.endswith(DENIED_SUFFIXES)


def _reads_files(name: str) -> bool:
    return name.startswith("read_") or name.endswith("_scan") or name in {"glob", "sniff_csv"}


def _max_nesting(sql: str) -> int:
    """The most brackets open at once, outside string literals, quoted names and comments."""
    depth = deepest = 0
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"":
            end = sql.find(ch, i + 1)
            while end != -1 and end + 1 < n and sql[end + 1] == ch:  # doubled quote
                end = sql.find(ch, end + 2)
            i = n if end == -1 else end + 1
            continue
        if ch == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end == -1 else end + 1
            continue
        if ch == "/" and sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end == -1 else end + 2
            continue
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth -= 1
        i += 1
    return deepest


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
    nesting = _max_nesting(sql)
    if nesting > MAX_NESTING:
        raise SqlRefused(
            f"{prefix} it nests brackets {nesting} deep; at most {MAX_NESTING} levels are allowed"
        )
    try:
        return _check(sql, {t.lower() for t in known_tables}, prefix)
    except RecursionError:
        raise SqlRefused(f"{prefix} it is nested too deeply to check") from None


def _check(sql: str, known: set[str], prefix: str) -> CheckedSql:
    quiet = logging.getLogger("sqlglot")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # "falling back to Command" is our refusal, not a warning
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except (ParseError, TokenError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SqlRefused(f"{prefix} it does not parse as DuckDB SQL: {first[:200]}") from None
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
    all_ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    tables, parameters = _walk(tree, known, all_ctes, prefix)
    output = (
        None
        if any(isinstance(e, exp.Star) for e in _top_select(tree).expressions)
        else tuple(tree.named_selects)
    )
    return CheckedSql(tree, frozenset(tables), frozenset(parameters), output)


def _walk(tree: exp.Expr, known: set[str], all_ctes: set[str], prefix: str) -> tuple[set[str], set[str]]:
    """Check every node, carrying the CTE names visible at each; return known tables and parameters."""
    tables: set[str] = set()
    parameters: set[str] = set()
    stack: list[tuple[exp.Expr, frozenset[str], int]] = [(tree, frozenset(), 1)]
    while stack:
        node, visible, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise SqlRefused(f"{prefix} it is nested more than {MAX_DEPTH} levels deep")
        _check_node(node, prefix, parameters)
        inner = visible
        skip: exp.Expr | None = None
        with_ = node.args.get("with_") if isinstance(node, exp.Query) else None
        if isinstance(with_, exp.With):
            if with_.args.get("recursive"):
                raise SqlRefused(
                    f"{prefix} it uses WITH RECURSIVE, which may never end; graph work belongs in an operator"
                )
            skip = with_
            seen: set[str] = set()
            for cte in with_.expressions:
                name = cte.alias_or_name
                if not _PLAIN_NAME.match(name):
                    raise SqlRefused(f"{prefix} CTE name {name!r} is not a plain name (letters, digits, _)")
                if name.lower() in seen:
                    raise SqlRefused(f"{prefix} CTE {name!r} is defined twice in one WITH")
                stack.append((cte, inner, depth + 1))  # a CTE sees only the CTEs before it
                seen.add(name.lower())
                inner = inner | {name.lower()}
        if isinstance(node, exp.Table):
            _check_table(node, known, visible, all_ctes, tables, prefix)
        step = 0 if isinstance(node, exp.Binary) else 1
        for child in node.iter_expressions():
            if child is not skip:
                stack.append((child, inner, depth + step))
    return tables, parameters


def _check_node(node: exp.Expr, prefix: str, parameters: set[str]) -> None:
    for kind_type, kind_name in _STATEMENT_NAMES.items():
        if isinstance(node, kind_type):
            raise SqlRefused(f"{prefix} it contains {kind_name} at {_where(node)!r}")
    if isinstance(node, exp.Func):
        _check_function(node, prefix)
    elif isinstance(node, exp.DataType):
        if node.this not in ALLOWED_TYPES:
            raise SqlRefused(
                f"{prefix} casts to type {_where(node)!r}, which is not a plain built-in type "
                "(extension types such as INET or JSON are refused)"
            )
    elif isinstance(node, exp.Placeholder):
        name = "" if node.this is None else str(node.this)
        if not _PARAM_NAME.match(name):
            raise SqlRefused(
                f"{prefix} parameter {_where(node)!r} is not named; write :name "
                "(lower_snake_case) and declare it under parameters"
            )
        parameters.add(name)
    elif isinstance(node, exp.Parameter):
        raise SqlRefused(f"{prefix} session parameter {_where(node)!r}; use :name for spec parameters")
    elif isinstance(node, exp.Column) and not node.table and node.name.lower() in _SESSION_WORDS:
        raise SqlRefused(
            f"{prefix} reads the session value {node.name!r}; qualify a column of that name (t.{node.name})"
        )
    elif not isinstance(node, (exp.Table, *_ALLOWED_NODES)):
        raise SqlRefused(
            f"{prefix} uses {type(node).__name__} at {_where(node)!r}, which a model query may not use"
        )


def _unordered(node: exp.Func) -> bool:
    """A list or string aggregate without ORDER BY: its elements come in row order."""
    return isinstance(node, _ORDERED_AGGREGATES) and not isinstance(node.this, exp.Order)


def _check_function(node: exp.Func, prefix: str) -> None:
    name = function_name(node)
    if name in ORDER_DEPENDENT_AGGREGATES:
        raise SqlRefused(
            f"{prefix} calls {name} at {_where(node)!r}, whose result depends on the order of the "
            f"rows (it can change from run to run); write {ORDER_DEPENDENT_AGGREGATES[name]}"
        )
    if _unordered(node):
        raise SqlRefused(
            f"{prefix} aggregates {_where(node)!r} without ORDER BY, so its elements come in "
            f"whatever order the rows do; write {name}(... ORDER BY ...)"
        )
    if name in ALLOWED_FUNCTIONS:
        return
    if _reads_files(name):
        raise SqlRefused(f"{prefix} reads a file via {name} at {_where(node)!r}")
    if _denied_function(name):
        raise SqlRefused(f"{prefix} calls system function {name} at {_where(node)!r}")
    raise SqlRefused(
        f"{prefix} calls function {name} at {_where(node)!r}, which is not on the allowlist of pure functions"
    )


def _top_select(tree: exp.Expr) -> exp.Select:
    while isinstance(tree, exp.SetOperation):
        tree = tree.this
    while isinstance(tree, exp.Subquery):
        tree = tree.this
    assert isinstance(tree, exp.Select)
    return tree


def _check_table(
    node: exp.Table,
    known: set[str],
    visible: frozenset[str],
    all_ctes: set[str],
    tables: set[str],
    prefix: str,
) -> None:
    """Resolve one table reference: a CTE in scope, or a known table; nothing else."""
    target = node.this
    if isinstance(target, exp.Func):
        name = function_name(target)
        if name in ALLOWED_TABLE_FUNCTIONS:
            return
        if _reads_files(name):
            raise SqlRefused(f"{prefix} reads a file via {name} at {_where(node)!r}")
        raise SqlRefused(
            f"{prefix} calls table function {name} at {_where(node)!r}; "
            f"only {', '.join(sorted(ALLOWED_TABLE_FUNCTIONS))} may be called in FROM"
        )
    if not isinstance(target, exp.Identifier):
        raise SqlRefused(f"{prefix} reads from {_where(node)!r}, which is not a table name")
    name = str(target.this)
    if not _PLAIN_NAME.match(name):
        raise SqlRefused(
            f"{prefix} reads a file or URL {name!r} as a table; a table is a plain name "
            "(letters, digits, _) of a known table or of a CTE in scope"
        )
    if node.args.get("db") is not None or node.args.get("catalog") is not None:
        raise SqlRefused(
            f"{prefix} names table {_where(node)!r} with a schema or database; "
            "use plain names of canonical and derived tables"
        )
    lowered = name.lower()
    if lowered in visible:
        return
    if lowered in known:
        tables.add(lowered)
        return
    if lowered in all_ctes:
        raise SqlRefused(
            f"{prefix} reads {name!r} where no CTE of that name is in scope: a CTE is visible "
            "after its definition in its own WITH and in the queries under it, never in itself "
            "or in an earlier CTE"
        )
    raise SqlRefused(f"{prefix} reads unknown table {name!r}; known tables: {', '.join(sorted(known))}")
