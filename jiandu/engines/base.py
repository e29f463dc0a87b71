"""The `Engine` interface: the only way the rest of jiandu touches the analytic store.

SQL handed to an engine is written once in DuckDB's dialect; an engine transpiles it to its own
dialect with sqlglot (see ``dialects.py``, which names every difference in one place). Data
crosses the interface as Apache Arrow tables. Common work lives here as template methods
(`query`, `execute`, `append`, `insert_new`, `existing_keys` ...); each engine supplies a few
small hooks (`_run_query`, `_run_statement`, `_append_arrow`, `stored_schema` ...).

Concurrency: an engine object may be shared by threads of one process; its methods take
``self._lock`` so statements do not interleave. Only one process should write a store at a time
(DuckDB enforces this with a file lock; a Spark warehouse folder is not locked, so do not point
two writers at it). `insert_new` is check-then-insert and relies on that single writer.
"""

from __future__ import annotations

import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlglot import exp

from jiandu.engines.arrow_map import BatchFunction, BatchMap
from jiandu.engines.dialects import Dialect, UnsupportedSQLError, normalise_result
from jiandu.schema.registry import TableSchema, conform_arrow

EXPORT_FORMATS = ("parquet", "csv", "jsonl")
# What `Engine.store_staged_units` returns: documents stored per category and type.
STORED_COUNTS = pa.schema(
    [("case_category", pa.string()), ("doc_type", pa.string()), ("documents", pa.int64())]
)


class QueryTimeout(RuntimeError):
    """A query ran past its time limit and was interrupted."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"查询超过时间限制 {seconds:g} 秒，已中止 (query exceeded its time limit of {seconds:g} s "
            "and was interrupted)"
        )
        self.seconds = seconds


def quote(name: str) -> str:
    """A DuckDB-dialect quoted identifier (sqlglot turns it into Spark's backticks)."""
    return '"' + name.replace('"', '""') + '"'


def temp_name(prefix: str = "tmp") -> str:
    """A fresh name for a temporary table."""
    return f"_jiandu_{prefix}_{uuid.uuid4().hex[:16]}"


class Engine(ABC):
    """An analytic store that can create, load, query and export tables."""

    name: str  # "duckdb" | "spark"
    dialect: Dialect

    def __init__(self) -> None:
        self._lock = threading.RLock()

    # -- hooks each engine implements -------------------------------------------------
    @abstractmethod
    def _run_query(self, native_sql: str, params: Sequence[Any] = ()) -> pa.Table:
        """Run a query already in this engine's dialect (``?`` bound to `params`) as Arrow."""

    @abstractmethod
    def _interrupt(self) -> None:
        """Stop the query running now (called from another thread)."""

    @abstractmethod
    def enter_sandbox(self) -> None:
        """From now on, queries cannot read files, fetch URLs or load extensions.

        Called before untrusted (model) SQL runs. On DuckDB this is irreversible for the
        engine's life: the engine's own later work must not need file access (export).
        """

    @abstractmethod
    def _map_arrow(self, native_sql: str, mapper: BatchMap, name: str) -> int:
        """Append ``mapper`` of each batch of a query (this engine's dialect) to a stored
        table, streaming; return the number of rows appended."""

    def _after_timeout(self) -> None:
        """Clean up after an interrupted query (e.g. spill files); nothing by default."""
        return None

    def release_memory(self) -> None:
        """Hand the memory the engine's finished queries freed back to the operating system,
        between the steps of a long command (`jiandu.memory.release_memory` does the same for
        Python, Arrow and the C allocator); nothing by default."""
        return None

    @abstractmethod
    def _run_statement(self, native_sql: str) -> None:
        """Run a statement already in this engine's dialect."""

    @abstractmethod
    def _append_arrow(self, name: str, rows: pa.Table) -> None:
        """Append rows already conformed to the table's stored schema."""

    @abstractmethod
    def stored_schema(self, name: str) -> pa.Schema:
        """Arrow schema of a stored table (KeyError when it does not exist)."""

    @abstractmethod
    def tables(self) -> list[str]:
        """Names of the stored (non-temporary) tables, sorted."""

    @abstractmethod
    def create_table(self, schema: TableSchema) -> None:
        """Create the table from its registry entry if it does not exist."""

    @abstractmethod
    def materialize(self, name: str, sql: str) -> int:
        """Create or replace a stored table with the result of a DuckDB-dialect query.

        The query may read the table it replaces. Returns the number of rows written.
        """

    @abstractmethod
    def insert_query(self, name: str, sql: str) -> None:
        """Append the rows of a DuckDB-dialect query to a stored table (columns by position)."""

    @abstractmethod
    def drop_table(self, name: str, missing_ok: bool = True) -> None:
        """Remove a stored table and its data."""

    @abstractmethod
    def register_temp(self, name: str, rows: pa.Table) -> None:
        """Make an Arrow table queryable by name until `drop_temp` or `close`."""

    @abstractmethod
    def drop_temp(self, name: str) -> None:
        """Forget a temporary table registered with `register_temp`."""

    @abstractmethod
    def export(self, sql: str, path: Path, fmt: str) -> int:
        """Write the result of a query to one parquet, csv or jsonl file; return the row count.

        csv has a header row; jsonl is one JSON object per line (nulls kept as null); dates are
        ISO ``YYYY-MM-DD`` and timestamps ``YYYY-MM-DD HH:MM:SS`` in every format.
        """

    @abstractmethod
    def close(self) -> None:
        """Release the store (files stay in the workspace)."""

    # -- template methods shared by every engine ---------------------------------------
    def table_exists(self, name: str) -> bool:
        """True when the table exists in the store."""
        return name in self.tables()

    def transpile(self, sql: str) -> str:
        """DuckDB-dialect SQL → this engine's SQL (raises `UnsupportedSQLError`)."""
        return self.dialect.transpile(sql)

    def query(
        self, sql: str, params: Sequence[Any] = (), *, time_limit: float | None = None
    ) -> pa.Table:
        """Run one SELECT written in DuckDB's dialect and return its rows as Arrow.

        ``?`` placeholders are bound to `params` by the engine (never pasted into the text).
        With `time_limit` (seconds) the query is interrupted when it runs longer and
        `QueryTimeout` is raised. Results have the same Arrow types on every engine: int64
        integers, float64 floats, naive UTC timestamps (see ``dialects.normalise_result``).
        """
        native = self.transpile(sql)
        with self._lock:
            result = self._timed(lambda: self._run_query(native, tuple(params)), time_limit)
        return normalise_result(self.name, result)

    def model_query(
        self, sql: str, params: Sequence[Any] = (), *, time_limit: float | None = None
    ) -> pa.Table:
        """`query` for untrusted (model) SQL: inside the engine's sandbox, with a time limit."""
        with self._lock:
            self.enter_sandbox()
            return self.query(sql, params, time_limit=time_limit)

    def _timed(self, call: Callable[[], pa.Table], time_limit: float | None) -> pa.Table:
        if time_limit is None:
            return call()
        if time_limit <= 0:
            raise ValueError(f"time limit must be positive, got {time_limit}")
        fired = threading.Event()
        done = threading.Event()
        guard = threading.Lock()  # never interrupt a query that has already returned

        def stop() -> None:
            with guard:
                if not done.is_set():
                    fired.set()
                    self._interrupt()

        timer = threading.Timer(time_limit, stop)
        timer.daemon = True
        timer.start()
        try:
            return call()
        except Exception as exc:
            if fired.is_set():
                self._after_timeout()
                raise QueryTimeout(time_limit) from exc
            raise
        finally:
            with guard:
                done.set()
            timer.cancel()

    def map_arrow(
        self, sql: str, func: BatchFunction, output: TableSchema, *, append: bool = False
    ) -> int:
        """Write ``func`` of the rows of a DuckDB-dialect query to table ``output.name``,
        streaming; return the number of rows written.

        ``func`` is a module-level function: a batch of the query's rows (an Arrow table with
        the types `query` gives) → rows of ``output`` (columns matched by name, cast to the
        stored types). Batches are independent, so ``func`` may not rely on seeing two rows
        together unless the query puts them in one row. DuckDB streams record batches through
        the text worker processes with a bounded number in flight (results appended in the
        query's order); Spark runs ``mapInArrow`` on its executors and writes the table's
        folder from there: no row passes through this process on either engine's driver side
        beyond a few batches. Without ``append`` the table is replaced; with it the rows are
        added to what it holds (a daily batch restricted to new documents).
        """
        native = self.transpile(sql)
        with self._lock:
            if not append:
                self.drop_table(output.name, missing_ok=True)
            self.create_table(output)
            mapper = BatchMap(func, self.name, self.stored_schema(output.name), output.name)
            return self._map_arrow(native, mapper, output.name)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """`query` as a list of dicts, for small results and tests."""
        return self.query(sql, params).to_pylist()

    def execute(self, sql: str) -> None:
        """Run one statement written in DuckDB's dialect.

        ``CREATE [OR REPLACE] TABLE t AS SELECT``, ``DROP TABLE`` and ``INSERT INTO t SELECT``
        mean the same on every engine (they go through `materialize`, `drop_table` and
        `insert_query`); anything else is transpiled and handed to the engine.
        """
        try:
            tree = self.dialect.parse(sql)
        except UnsupportedSQLError:
            if self.name != "duckdb":
                raise
            with self._lock:
                self._run_statement(sql)
            return
        with self._lock:
            if isinstance(tree, exp.Create) and tree.kind == "TABLE" and tree.expression:
                if not isinstance(tree.this, exp.Table):
                    raise UnsupportedSQLError(self.name, "CREATE TABLE AS with a column list")
                target = tree.this.name
                if self.table_exists(target):
                    if tree.args.get("exists"):
                        return
                    if not tree.args.get("replace"):
                        raise ValueError(f"table {target} already exists")
                self.materialize(target, tree.expression.sql(dialect="duckdb"))
            elif isinstance(tree, exp.Drop) and tree.kind == "TABLE":
                for target in tree.args.get("tables") or [tree.this]:
                    self.drop_table(target.name, missing_ok=bool(tree.args.get("exists")))
            elif (
                isinstance(tree, exp.Insert)
                and isinstance(tree.this, exp.Table)
                and isinstance(tree.expression, exp.Query)
            ):
                self.insert_query(tree.this.name, tree.expression.sql(dialect="duckdb"))
            else:
                self._run_statement(self.dialect.generate(tree, sql))

    def append(self, name: str, rows: pa.Table) -> None:
        """Append rows; columns are matched by name and cast to the stored types."""
        with self._lock:
            conformed = conform_arrow(rows, self.stored_schema(name), name)
            if conformed.num_rows:
                self._append_arrow(name, conformed)

    def append_all(self, name: str, parts: Iterable[pa.Table]) -> None:
        """Append every part in turn, as `append` would (an engine may stream them into one
        statement). ``parts`` may be a generator that builds each part when it is reached; it
        must not use this engine."""
        for part in parts:
            self.append(name, part)

    def ensure_tables(self, schemas: Iterable[TableSchema]) -> None:
        """Create every table that does not exist yet."""
        for schema in schemas:
            self.create_table(schema)

    def count(self, name: str) -> int:
        """Number of rows in a table."""
        return int(self.query(f"SELECT count(*) AS n FROM {quote(name)}").column("n")[0].as_py())

    @contextmanager
    def temp_table(self, rows: pa.Table, prefix: str = "tmp") -> Iterator[str]:
        """Register `rows` under a fresh name for the duration of a ``with`` block."""
        name = temp_name(prefix)
        self.register_temp(name, rows)
        try:
            yield name
        finally:
            self.drop_temp(name)

    def insert_new(self, schema: TableSchema, rows: pa.Table) -> int:
        """Insert the rows whose key is not stored yet; return how many were inserted.

        Within `rows` the first occurrence of a key wins. Key columns may not be null. This is
        what makes ingest idempotent: the same rows twice insert nothing the second time.
        """
        if not schema.key:
            raise ValueError(f"{schema.name}: insert_new needs a table with a key")
        rows = schema.conform(rows)
        for column in schema.key:
            nulls = rows.column(column).null_count
            if nulls:
                raise ValueError(f"{schema.name}.{column}: key is null in {nulls} rows")
        if rows.num_rows == 0:
            return 0
        order = "__jiandu_ord"
        rows = rows.append_column(order, pa.array(range(rows.num_rows), pa.int64()))
        firsts = rows.group_by(list(schema.key), use_threads=False).aggregate([(order, "min")])
        keep = pc.sort_indices(firsts.column(f"{order}_min"))
        rows = rows.take(pc.take(firsts.column(f"{order}_min"), keep))
        match = " AND ".join(f"t.{quote(k)} = s.{quote(k)}" for k in schema.key)
        with self._lock:
            self.create_table(schema)
            with self.temp_table(rows, "new") as staged:
                new = self.query(
                    f"SELECT * EXCLUDE ({order}) FROM {staged} AS s "
                    f"WHERE NOT EXISTS (SELECT 1 FROM {quote(schema.name)} AS t WHERE {match}) "
                    f"ORDER BY {order}"
                )
            self.append(schema.name, new)
        return new.num_rows

    def existing_keys(self, table: str, key_column: str, values: list[str]) -> set[str]:
        """The subset of `values` already present in ``table.key_column`` (a semi-join)."""
        wanted = pa.table({"v": pa.array(sorted(set(values)), pa.string())})
        if wanted.num_rows == 0:
            return set()
        with self._lock, self.temp_table(wanted, "keys") as staged:
            found = self.query(
                f"SELECT s.v FROM {staged} AS s WHERE s.v IN "
                f"(SELECT CAST(t.{quote(key_column)} AS VARCHAR) FROM {quote(table)} AS t)"
            )
        return set(found.column("v").to_pylist())

    def run_units(self, work: Callable[[Any], Any], units: Iterable[Any]) -> Iterator[Any] | None:
        """``work`` of each of ``units`` (small picklable work orders, such as ingest's file
        lists) run on the engine's own executors, results in the units' order; None when the
        engine has none (DuckDB: the caller uses its own worker processes). A unit whose job
        failed is run again in this process."""
        return None

    def store_staged_documents(
        self, files: Mapping[str, str], position: str, stamp: Mapping[str, Any]
    ) -> pa.Table:
        """Store one unit of staged ingest output: ``files`` maps ``documents`` and child tables
        to Parquet files whose rows carry the record's place in the unit (``position``).

        Stores the documents whose doc_id is neither stored yet nor earlier in the unit (the
        lowest position wins), with the ``stamp`` columns added, and the child rows of exactly
        those documents. Returns the stored documents' ``case_category`` and ``doc_type``.
        This generic version goes through Arrow in this process; engines may do it natively."""
        import pyarrow.parquet as pq

        from jiandu.engines.keys import first_occurrences

        with self._lock:
            documents = first_occurrences(pq.read_table(files["documents"]), ("doc_id",))
            stored = self.existing_keys("documents", "doc_id", documents.column("doc_id").to_pylist())
            if stored:
                held = pa.array(sorted(stored), pa.string())
                documents = documents.filter(pc.invert(pc.is_in(documents.column("doc_id"), held)))
            kept = documents.column(position)
            for name, value in stamp.items():
                documents = documents.append_column(name, pa.array([value] * documents.num_rows))
            self.append("documents", documents.drop_columns([position]))
            for name, path in files.items():
                if name in ("documents", "rejected"):
                    continue
                rows = pq.read_table(path)
                rows = rows.filter(pc.is_in(rows.column(position), kept))
                self.append(name, rows.drop_columns([position]))
        return documents.select(["case_category", "doc_type"])

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """A stretch of many small appends (an ingest's units, one after the other): an engine
        may put off work it would otherwise repeat after every few of them (DuckDB: its
        automatic checkpoints). Nothing here."""
        yield

    def staging_location(self, run_id: str) -> str | None:
        """Where the ingest run ``run_id`` stages its Parquet when its units run on this
        engine's executors (`run_units`): a folder (a path or a URI) they can write and the
        engine can read; None for a folder of the caller's choosing on this machine. The units
        of such a run are stored together (`store_staged_units`) once all have run."""
        return None

    def store_staged_units(
        self, units: Sequence[Mapping[str, str]], position: str, stamp: Mapping[str, Any]
    ) -> pa.Table:
        """Store the staged output of ``units`` (each as for `store_staged_documents`), given
        in input order: a document is stored when its doc_id is neither stored yet nor earlier
        in input order (an earlier unit, or a lower ``position`` in the same unit).

        Returns how many documents were stored per ``case_category`` and ``doc_type``
        (column ``documents``). This version stores the units one by one."""
        stored = [
            self.store_staged_documents(files, position, stamp) for files in units if "documents" in files
        ]
        if not stored:
            return STORED_COUNTS.empty_table()
        groups = pa.concat_tables(stored).group_by(["case_category", "doc_type"], use_threads=False)
        counts = groups.aggregate([([], "count_all")])
        return pa.table(
            [counts.column("case_category"), counts.column("doc_type"), counts.column("count_all")],
            schema=STORED_COUNTS,
        )

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_format(fmt: str) -> str:
    """The export format, validated."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    return fmt
