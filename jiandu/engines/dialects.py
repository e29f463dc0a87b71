"""SQL dialects of the engines, and every difference between them that jiandu relies on.

All SQL in jiandu is written once, in DuckDB's dialect. The DuckDB engine runs it almost as it
is; the Spark engine transpiles it with sqlglot (``read="duckdb", write="spark"``). sqlglot gets
most things right, but some constructs transpile to SQL that runs and silently returns other
results. Each difference below is handled here, in one place, and each has a test in
``tests/engines/test_dialects.py``:

Rewritten so that both engines return the same result (DuckDB's semantics win)
    * NULL ordering. DuckDB sorts NULLs last for ASC and DESC; Spark sorts them first for ASC.
      sqlglot adds ``NULLS LAST`` to every ascending sort key, in ORDER BY and in windows.
    * ``date_diff(part, a, b)`` (and ``datediff``). DuckDB counts part *boundaries* crossed
      (2020-01-31 → 2020-02-01 is 1 month); Spark's ``DATEDIFF(unit, a, b)`` counts *complete*
      units (0 months). Rewritten to ``TIMESTAMPDIFF(unit, DATE_TRUNC(unit, a),
      DATE_TRUNC(unit, b))``, which counts boundaries. Weeks are the exception: DuckDB's
      ``date_diff('week', ...)`` is whole days // 7 (toward zero), and so is Spark's now.
      ``date_sub(part, a, b)`` (complete units in DuckDB) becomes ``TIMESTAMPDIFF`` (sqlglot
      passes it through unchanged, and Spark's ``date_sub`` means something else).
    * ``date + INTERVAL ...``. DuckDB returns a TIMESTAMP, Spark a DATE for a DATE operand;
      Spark's result is cast to TIMESTAMP. (``date + 3``, an integer number of days, is a DATE
      on both engines and is the better idiom when a DATE is wanted.)
    * ``list(x)`` / ``array_agg(x)``. DuckDB keeps NULL elements and returns NULL for a group
      with no input; Spark's ``collect_list`` drops NULLs and returns ``[]``. Both engines now
      drop NULLs and return ``[]`` (DuckDB's call becomes ``coalesce(list(x) FILTER (WHERE x IS
      NOT NULL), [])``). ``list(x ORDER BY x [DESC])`` keeps its order on Spark through
      ``SORT_ARRAY``; ordering a list by another column is refused on Spark. ``list(DISTINCT x ...)`` works.
    * ``QUALIFY``. Spark has none; sqlglot rewrites it to a subquery whose helper column
      ``_w`` leaked into ``SELECT *``; it is now excluded.
    * ``quantile_cont(x, p)`` becomes Spark's ``PERCENTILE(x, p)`` (same linear interpolation).
    * ``regexp_replace(s, p, r, 'i')``: the case-insensitive flag becomes ``(?i)`` in the
      pattern on Spark.

Settings that make both engines agree
    * Division by zero is an error on both (Spark ANSI mode; DuckDB
      ``ieee_floating_point_ops = false``). Use ``x / NULLIF(y, 0)`` for NULL instead.
    * Invalid casts are an error on both (Spark ANSI mode); use ``TRY_CAST``.
    * Session time zone is UTC on both; TIMESTAMP means a zone-less timestamp on both
      (Spark ``spark.sql.timestampType = TIMESTAMP_NTZ``).

Normalised in query results (``normalise_result``), so Arrow schemas agree
    * integers of every width come back as int64 (DuckDB ``row_number()`` is BIGINT, Spark's
      INT; DuckDB ``sum(INTEGER)`` is HUGEINT, which Arrow sees as decimal(38, 0));
      floats as float64; zone-aware timestamps (Spark's ``date_trunc``) as naive UTC; lists
      as ``list<item>`` with nullable elements.
    * interval results are refused on both engines (DuckDB's ``ts - ts`` is an INTERVAL,
      Spark's a day-time interval, with different Arrow types). DuckDB's ``DATE - DATE`` is a
      number of days, Spark's an interval, so Spark refuses it. Use ``date_diff('day', a, b)``.

Refused with `UnsupportedSQLError` (no faithful rewrite)
    * on Spark: ``regexp_replace`` without the ``'g'`` flag (DuckDB replaces the first match
      only, Spark every match), other regexp flags, a list ordered by another column,
      ``string_agg(... ORDER BY ...)`` in the same SELECT as a DISTINCT aggregate (crashes the
      Spark 4.3 optimiser), and the DuckDB-only functions in ``SPARK_MISSING_FUNCTIONS``
      (string similarity, ``age``, file readers ...). Any other function Spark cannot resolve
      is re-raised as `UnsupportedSQLError` by the Spark engine.

Known and accepted
    * ``string_agg``/``list`` without ORDER BY have an unspecified element order on both
      engines. Write ``string_agg(x, ',' ORDER BY x)`` when the order matters.
    * Integer ``/`` is floating-point division on both; ``//`` is integer division
      (``DIV`` on Spark), truncating toward zero on both.
    * Regular expressions are RE2 (DuckDB) and java.util.regex (Spark); keep to their common
      subset (classes, quantifiers, groups; no look-around, no backreferences).
    * ``count(*)`` and other unaliased expressions get different column names: always alias.
    * ``avg`` of a DECIMAL is DOUBLE on DuckDB and DECIMAL on Spark; canonical tables use
      DOUBLE, keep it that way.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc
import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError
from sqlglot.transforms import eliminate_qualify


class UnsupportedSQLError(ValueError):
    """The SQL uses something an engine lacks or cannot run with the same meaning."""

    def __init__(self, engine: str, what: str, hint: str = "", sql: str = "") -> None:
        message = f"{engine} cannot run this SQL: {what}"
        if hint:
            message += f". {hint}"
        if sql:
            message += f"\n  in: {sql.strip()[:500]}"
        super().__init__(message)
        self.engine = engine
        self.what = what


# DuckDB functions Spark lacks; name (lower case) → hint shown in the error.
SPARK_MISSING_FUNCTIONS: dict[str, str] = {
    "jaro_winkler_similarity": "compute string similarity in a trusted operator (splink)",
    "jarowinkler_similarity": "compute string similarity in a trusted operator (splink)",
    "jaro_similarity": "compute string similarity in a trusted operator (splink)",
    "damerau_levenshtein": "use levenshtein(a, b), which both engines have",
    "jaccard": "compute string similarity in a trusted operator (splink)",
    "hamming": "use levenshtein(a, b), which both engines have",
    "age": "use date_diff('year', birth_date, d) or date_diff('day', a, b)",
    "read_csv": "file readers are not queries; ingest the file first",
    "read_csv_auto": "file readers are not queries; ingest the file first",
    "read_parquet": "file readers are not queries; ingest the file first",
    "read_json": "file readers are not queries; ingest the file first",
    "read_json_auto": "file readers are not queries; ingest the file first",
    "quantile_disc": "use quantile_cont(x, p)",
}

# The DuckDB logical types of canonical.yaml, per engine.
_SPARK_TYPES: dict[str, str] = {
    "VARCHAR": "STRING",
    "INTEGER": "INT",
    "BIGINT": "BIGINT",
    "DOUBLE": "DOUBLE",
    "BOOLEAN": "BOOLEAN",
    "DATE": "DATE",
    "TIMESTAMP": "TIMESTAMP_NTZ",
}


class Dialect(ABC):
    """How one engine reads jiandu's DuckDB-dialect SQL.

    `transpile` is the template: parse with sqlglot, refuse what the engine cannot do, rewrite
    what would change meaning, and generate the engine's SQL.
    """

    name: ClassVar[str]
    sqlglot_dialect: ClassVar[str]

    def parse(self, sql: str) -> exp.Expr:
        """Parse one statement in DuckDB's dialect."""
        try:
            statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
        except ParseError as error:
            raise UnsupportedSQLError(self.name, f"sqlglot cannot parse it ({error})") from None
        if len(statements) != 1:
            raise UnsupportedSQLError(
                self.name, f"expected one statement, got {len(statements)}", sql=sql
            )
        return statements[0]

    def transpile(self, sql: str) -> str:
        """DuckDB-dialect SQL → SQL this engine runs with the same meaning."""
        return self.generate(self.parse(sql), sql)

    def generate(self, tree: exp.Expr, original: str = "") -> str:
        """Rewrite a parsed statement for this engine and render it."""
        tree = tree.copy()
        self.check(tree, original)
        tree = self.rewrite(tree)
        return tree.sql(dialect=self.sqlglot_dialect)

    @abstractmethod
    def column_type(self, duckdb_type: str) -> str:
        """This engine's name for a DuckDB logical type from canonical.yaml."""

    def check(self, tree: exp.Expr, sql: str) -> None:  # noqa: B027 - optional hook
        """Raise `UnsupportedSQLError` for constructs this engine cannot run faithfully."""

    def rewrite(self, tree: exp.Expr) -> exp.Expr:
        """Rewrite constructs whose meaning would otherwise differ between engines."""
        return tree


def _list_element(agg: exp.ArrayAgg) -> exp.Expr:
    """The aggregated expression of ``list([DISTINCT] x [ORDER BY ...])``."""
    element = agg.this.this if isinstance(agg.this, exp.Order) else agg.this
    if isinstance(element, exp.Distinct):
        element = element.expressions[0]
    return element


def _lists_without_nulls(tree: exp.Expr) -> exp.Expr:
    """DuckDB: ``list(x)`` drops NULL elements and is ``[]`` for no input, as on Spark."""

    def fix(node: exp.Expr) -> exp.Expr:
        window = node if isinstance(node, exp.Window) else None
        call = node.this if window is not None else node
        agg = call.this if isinstance(call, exp.Filter) else call
        if not isinstance(agg, exp.ArrayAgg):
            return node
        if window is None and isinstance(node.parent, exp.Filter | exp.Window):
            return node  # reached through its FILTER or window, which is rewritten instead
        element = _list_element(agg)
        condition: exp.Expr = exp.Not(
            this=exp.Is(this=element.copy(), expression=exp.Null())
        )
        if isinstance(call, exp.Filter):
            condition = exp.and_(call.expression.this.copy(), condition)
        filtered: exp.Expr = exp.Filter(
            this=agg.copy(), expression=exp.Where(this=condition)
        )
        if window is not None:
            filtered = window.copy()
            filtered.set("this", exp.Filter(this=agg.copy(), expression=exp.Where(this=condition)))
        return exp.Coalesce(this=filtered, expressions=[exp.Array(expressions=[])])

    return tree.transform(fix, copy=False)


class DuckDBDialect(Dialect):
    """DuckDB runs jiandu's SQL natively; only list aggregation is normalised."""

    name = "duckdb"
    sqlglot_dialect = "duckdb"

    # Session settings the DuckDB engine applies so both engines agree (see module docstring).
    SETTINGS: ClassVar[tuple[str, ...]] = (
        "SET default_null_order = 'nulls_last'",
        "SET ieee_floating_point_ops = false",
        "SET TimeZone = 'UTC'",
    )

    def column_type(self, duckdb_type: str) -> str:
        return duckdb_type

    def transpile(self, sql: str) -> str:
        # SQL sqlglot cannot parse (DuckDB-only statements) runs as written; SQL without list
        # aggregation runs as written too, so sqlglot's round trip cannot change it.
        try:
            tree = self.parse(sql)
        except UnsupportedSQLError:
            return sql
        if tree.find(exp.ArrayAgg) is None:
            return sql
        return self.generate(tree, sql)

    def rewrite(self, tree: exp.Expr) -> exp.Expr:
        return _lists_without_nulls(tree)


class SparkDialect(Dialect):
    """Spark SQL, reached from DuckDB's dialect through sqlglot plus the rewrites below."""

    name = "spark"
    sqlglot_dialect = "spark"

    def column_type(self, duckdb_type: str) -> str:
        return _SPARK_TYPES[duckdb_type]

    def check(self, tree: exp.Expr, sql: str) -> None:
        for func in tree.find_all(exp.Func):
            fname = (func.name if isinstance(func, exp.Anonymous) else func.sql_name()).lower()
            if fname in SPARK_MISSING_FUNCTIONS:
                raise UnsupportedSQLError(
                    self.name, f"function {fname}() does not exist",
                    SPARK_MISSING_FUNCTIONS[fname], sql,
                )
        for func in tree.find_all(exp.RegexpReplace):
            flags = func.args.get("modifiers")
            flag_text = flags.name if isinstance(flags, exp.Literal) else ""
            if flags is not None and not isinstance(flags, exp.Literal):
                raise UnsupportedSQLError(self.name, "regexp_replace flags must be a literal")
            if "g" not in flag_text:
                raise UnsupportedSQLError(
                    self.name,
                    "regexp_replace without the 'g' flag replaces only the first match in "
                    "DuckDB but every match in Spark",
                    "pass 'g' to replace every match, or anchor the pattern", sql,
                )
            if set(flag_text) - {"g", "i"}:
                raise UnsupportedSQLError(
                    self.name, f"regexp_replace flags {flag_text!r}", "only 'g' and 'i'", sql
                )
        for func in tree.find_all(exp.RegexpLike):
            if func.args.get("flag") is not None:
                raise UnsupportedSQLError(
                    self.name, "regexp_matches with options", "write (?i) in the pattern", sql
                )
        for concat in tree.find_all(exp.GroupConcat):
            scope = concat.parent_select
            if not isinstance(concat.this, exp.Order) or scope is None:
                continue
            if any(
                isinstance(d.parent, exp.AggFunc) and d.parent_select is scope
                for d in scope.find_all(exp.Distinct)
            ):
                raise UnsupportedSQLError(
                    self.name,
                    "string_agg(... ORDER BY ...) next to a DISTINCT aggregate in one SELECT "
                    "crashes Spark 4.3 (ClassCastException in RewriteDistinctAggregates)",
                    "compute them in separate CTEs and join", sql,
                )
        for agg in tree.find_all(exp.ArrayAgg):
            if isinstance(agg.this, exp.Order):
                keys = agg.this.expressions
                if len(keys) != 1 or keys[0].this != _list_element(agg):
                    raise UnsupportedSQLError(
                        self.name, "list(x ORDER BY y) ordered by another expression",
                        "order by the element itself, or sort in a trusted operator", sql,
                    )

    def rewrite(self, tree: exp.Expr) -> exp.Expr:
        tree = tree.transform(_spark_node, copy=False)
        if tree.find(exp.Qualify) is not None:
            tree = eliminate_qualify(tree)
            tree = tree.transform(_hide_qualify_helpers, copy=False)
        return tree


_TIMESTAMP_NTZ = exp.DataType.build("TIMESTAMP_NTZ", dialect="spark")


def _sorted_list(agg: exp.ArrayAgg, where: exp.Where | None) -> exp.Expr:
    """``list(x ORDER BY x [DESC]) [FILTER (WHERE c)]`` on Spark."""
    assert isinstance(agg.this, exp.Order)
    ordered = agg.this.expressions[0]
    collected: exp.Expr = exp.Anonymous(
        this="COLLECT_LIST", expressions=[agg.this.this.copy()]
    )
    if where is not None:
        collected = exp.Filter(this=collected, expression=where.copy())
    ascending = exp.false() if ordered.args.get("desc") else exp.true()
    return exp.Anonymous(this="SORT_ARRAY", expressions=[collected, ascending])


def _trunc(unit: str, value: exp.Expr) -> exp.Expr:
    return exp.Anonymous(this="DATE_TRUNC", expressions=[exp.Literal.string(unit), value])


def _spark_node(node: exp.Expr) -> exp.Expr:
    """One node of a DuckDB-dialect tree → a node with the same meaning on Spark."""
    if isinstance(node, exp.DateDiff):
        unit = (node.unit.name if node.unit is not None else "day").upper()
        if unit == "WEEK":  # DuckDB: whole days // 7, truncated toward zero, not boundaries
            days = exp.Anonymous(
                this="TIMESTAMPDIFF",
                expressions=[
                    exp.Var(this="DAY"),
                    _trunc("DAY", node.expression.copy()),
                    _trunc("DAY", node.this.copy()),
                ],
            )
            return exp.Paren(this=exp.IntDiv(this=days, expression=exp.Literal.number(7)))
        return exp.Anonymous(
            this="TIMESTAMPDIFF",
            expressions=[
                exp.Var(this=unit),
                _trunc(unit, node.expression.copy()),
                _trunc(unit, node.this.copy()),
            ],
        )
    if isinstance(node, exp.Anonymous) and node.name.lower() == "date_sub":
        part, start, end = node.expressions
        return exp.Anonymous(
            this="TIMESTAMPDIFF", expressions=[exp.Var(this=part.name.upper()), start, end]
        )
    if (
        isinstance(node, exp.Add | exp.Sub)
        and isinstance(node.expression, exp.Interval)
        and not isinstance(node.this, exp.Interval)
    ):
        return exp.Cast(this=exp.Paren(this=node.copy()), to=_TIMESTAMP_NTZ.copy())
    if isinstance(node, exp.PercentileCont) and node.expression is not None:
        return exp.Anonymous(this="PERCENTILE", expressions=[node.this, node.expression])
    if isinstance(node, exp.RegexpReplace):
        flags = node.args.get("modifiers")
        if isinstance(flags, exp.Literal) and "i" in flags.name:
            pattern = exp.DPipe(this=exp.Literal.string("(?i)"), expression=node.expression)
            node.set("expression", pattern)
        node.set("modifiers", None)
        return node
    if (
        isinstance(node, exp.Filter)
        and isinstance(node.this, exp.ArrayAgg)
        and isinstance(node.this.this, exp.Order)
    ):
        return _sorted_list(node.this, node.expression)
    if isinstance(node, exp.ArrayAgg) and isinstance(node.this, exp.Order):
        return _sorted_list(node, None)
    return node


def _hide_qualify_helpers(node: exp.Expr) -> exp.Expr:
    """``SELECT *`` over the subquery sqlglot builds for QUALIFY must not show ``_w``."""
    if not isinstance(node, exp.Select) or len(node.expressions) != 1:
        return node
    if not isinstance(node.expressions[0], exp.Star):
        return node
    source = node.args.get("from_")
    inner = source.this if source is not None else None
    if not isinstance(inner, exp.Subquery) or not isinstance(inner.this, exp.Select):
        return node
    helpers = [
        e.alias for e in inner.this.expressions
        if isinstance(e, exp.Alias) and e.alias.startswith("_w")
    ]
    if helpers:
        node.expressions[0].set("except_", [exp.column(h) for h in helpers])
    return node


DIALECTS: dict[str, Dialect] = {"duckdb": DuckDBDialect(), "spark": SparkDialect()}


def normalise_result(engine: str, table: pa.Table) -> pa.Table:
    """Give query results the same Arrow types on every engine (see module docstring)."""
    columns = []
    for field, column in zip(table.schema, table.columns, strict=True):
        t = field.type
        if pa.types.is_duration(t) or pa.types.is_interval(t):
            raise UnsupportedSQLError(
                engine, f"column {field.name!r} is an interval",
                "DATE - DATE is days in DuckDB but an interval in Spark; "
                "use date_diff('day', a, b)",
            )
        if pa.types.is_integer(t) and t != pa.int64() and t != pa.uint64():
            column = column.cast(pa.int64())
        elif pa.types.is_floating(t) and t != pa.float64():
            column = column.cast(pa.float64())
        elif pa.types.is_timestamp(t) and t.tz is not None:
            column = column.cast(pa.timestamp(t.unit))
        elif pa.types.is_list(t) or pa.types.is_large_list(t):
            # element field names and nullability differ ("l" vs "element not null")
            column = column.cast(pa.list_(pa.field("item", t.value_type)))
        elif pa.types.is_large_string(t):
            column = column.cast(pa.string())
        elif pa.types.is_decimal(t) and t.scale == 0 and t.precision > 18:
            with contextlib.suppress(pa.ArrowInvalid):  # larger than int64: keep the decimal
                column = pc.cast(column, pa.int64())
        columns.append(column)
    names = table.column_names
    return pa.Table.from_arrays(columns, names=names)
