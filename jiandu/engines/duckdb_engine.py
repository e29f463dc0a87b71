"""The default engine: an embedded DuckDB database file in the workspace.

Concurrency: DuckDB lets one process open a database file for writing, or several processes
open it read-only, never both. Opening a file another process holds waits up to
``JIANDU_LOCK_WAIT`` seconds (`jiandu.locks`) and then raises `StoreBusy` naming the holder.
Inside the process this engine serialises calls on its one connection with a lock, so threads
may share it but do not run statements in parallel.

Read snapshots: an engine opened on a workspace (``publish_snapshots``) publishes a read-only
copy of the file when it is closed normally after the file changed (`jiandu.engines.snapshot`);
the web server reads only those copies, so it never holds the lock a run needs. An engine
closed while an exception propagates publishes nothing: readers keep the last finished state.

Sandbox: before model SQL runs, `enter_sandbox` turns off external access (files, URLs),
extension auto-install/auto-load and Python replacement scans, then locks the configuration.
DuckDB settings belong to the database instance and external access cannot be turned back on,
so the engine stays sandboxed until it is closed; its own later work (writing clues through
registered Arrow tables) needs no file access, and `export` refuses with a clear message.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from jiandu.engines import snapshot
from jiandu.engines.arrow_map import BatchMap
from jiandu.engines.base import Engine, check_format, quote, temp_name
from jiandu.engines.dialects import DIALECTS, DuckDBDialect
from jiandu.engines.keys import check_key_nulls, first_occurrences
from jiandu.locks import StoreBusy, describe_process, holder_pid, lock_wait_seconds
from jiandu.schema.registry import TableSchema, conform_arrow

log = logging.getLogger(__name__)

DEFAULT_MEMORY_LIMIT = "2GB"
# write-ahead log size that triggers an automatic checkpoint during `DuckDBEngine.bulk_load`
# (DuckDB's default is 16 MiB)
BULK_CHECKPOINT_THRESHOLD = "64MiB"
DEFAULT_TEMP_LIMIT = "4GB"  # cap on spill files; JIANDU_DUCKDB_TEMP_LIMIT overrides
SANDBOX_SETTINGS = (
    "SET enable_external_access = false",
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET allow_community_extensions = false",
    "SET python_enable_replacements = false",
    "SET lock_configuration = true",  # last: nothing above can be undone by a query
)


def _global(setting: str) -> str:
    """A dialect setting (``SET name = value``) for the whole database instance, so every cursor
    of the connection starts with it: a cursor begins from the global values, and once
    `enter_sandbox` locks the configuration it may set nothing itself."""
    name_value = re.fullmatch(r"SET (\w+ = .+)", setting)
    if name_value is None:
        raise ValueError(f"not a plain SET statement: {setting!r}")
    return f"SET GLOBAL {name_value.group(1)}"


def _size_setting(variable: str, default: str) -> str:
    value = os.environ.get(variable, default)
    if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", value, flags=re.IGNORECASE):
        raise ValueError(f"{variable}={value[:40]!r}: expected a size such as {default}")
    return value

DEFAULT_SCRATCH_MEMORY_LIMIT = "1GB"  # JIANDU_DUCKDB_SCRATCH_MEMORY_LIMIT overrides


def scratch_connection(*, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB for an operator's working tables (Splink's, shingle counts).

    Without a limit its buffer pool may grow to 80% of RAM next to the store's own pool; it gets
    ``JIANDU_DUCKDB_SCRATCH_MEMORY_LIMIT`` (default 1GB) and spills past it to the system temp
    folder (never the working directory), within ``JIANDU_DUCKDB_TEMP_LIMIT``.
    """
    config: dict[str, str | bool | int | float | list[str]] = {
        "temp_directory": str(Path(tempfile.gettempdir()) / "jiandu-duckdb"),
        "memory_limit": _size_setting("JIANDU_DUCKDB_SCRATCH_MEMORY_LIMIT", DEFAULT_SCRATCH_MEMORY_LIMIT),
        "max_temp_directory_size": _size_setting("JIANDU_DUCKDB_TEMP_LIMIT", DEFAULT_TEMP_LIMIT),
    }
    if threads is not None:
        config["threads"] = threads
    return duckdb.connect(":memory:", config=config)


_COPY_OPTIONS = {
    "parquet": "FORMAT parquet",
    "csv": "FORMAT csv, HEADER true",
    "jsonl": "FORMAT json",
}


class DuckDBEngine(Engine):
    """Tables in one DuckDB file (``path``), or in memory when ``path`` is None."""

    name = "duckdb"

    def __init__(
        self, path: Path | None = None, *, publish_snapshots: bool = False, lock_wait: float | None = None
    ) -> None:
        super().__init__()
        self.dialect = DIALECTS["duckdb"]
        self.path = path
        self.publish_snapshots = publish_snapshots and path is not None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        # an in-memory store spills to the system temp folder, never into the working directory
        spill = str(Path(tempfile.gettempdir()) / "jiandu-duckdb")
        config: dict[str, str | bool | int | float | list[str]] = {} if path else {"temp_directory": spill}
        self._con: duckdb.DuckDBPyConnection | None = _connect(path, config, lock_wait)
        for setting in DuckDBDialect.SETTINGS:
            self._con.execute(_global(setting))
        # DuckDB's buffer pool may otherwise grow to 80% of RAM while a large ingest runs;
        # past the limit it spills to disk. JIANDU_DUCKDB_MEMORY_LIMIT overrides (e.g. "8GB").
        self._memory_limit = _size_setting("JIANDU_DUCKDB_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT)
        self._con.execute(f"SET memory_limit = '{self._memory_limit}'")
        # a hostile or runaway sort may not fill the disk with spill files
        temp_limit = _size_setting("JIANDU_DUCKDB_TEMP_LIMIT", DEFAULT_TEMP_LIMIT)
        self._con.execute(f"SET max_temp_directory_size = '{temp_limit}'")
        self._temps: dict[str, pa.Table] = {}  # keeps registered Arrow tables alive
        self.sandboxed = False
        self._query_started = 0.0

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise RuntimeError("the DuckDB engine is closed")
        return self._con

    # -- hooks ----------------------------------------------------------------------------
    def _run_query(self, native_sql: str, params: Sequence[Any] = ()) -> pa.Table:
        self._query_started = time.time()
        return self.con.sql(native_sql, params=list(params) or None).to_arrow_table()

    def _interrupt(self) -> None:
        con = self._con
        if con is not None:
            con.interrupt()

    def release_memory(self) -> None:
        """DuckDB's allocator (jemalloc on Linux) keeps the pages a large query freed: after a
        join or an ``EXCEPT ALL`` over a few million rows the process stays about 0.9 GiB
        larger although `duckdb_memory()` counts 55 MiB, and the next step's peak comes on top.
        Setting the memory limit again, to the same value, makes DuckDB flush its allocator
        (the 0.9 GiB are back at once). Not once the sandbox has locked the configuration: the
        models' SQL comes after every operator, and their working sets are small."""
        with self._lock:
            if self._con is None or self.sandboxed:
                return
            self._con.execute(f"SET memory_limit = '{self._memory_limit}'")

    def enter_sandbox(self) -> None:
        with self._lock:
            if self.sandboxed:
                return
            for setting in SANDBOX_SETTINGS:
                self.con.execute(setting)
            self.sandboxed = True

    def _after_timeout(self) -> None:
        """Remove spill files the interrupted query left behind (none that are still in use)."""
        try:
            setting = self.con.execute("SELECT current_setting('temp_directory')").fetchone()
            folder = Path(str(setting[0] if setting else ""))
            files = self.con.execute("SELECT path FROM duckdb_temporary_files()").fetchall()
            in_use = {str(Path(r[0])) for r in files}
        except duckdb.Error:
            log.warning("could not list DuckDB spill files after a timeout", exc_info=True)
            return
        if not folder.is_dir():
            return
        for spill in folder.glob("duckdb_temp_*"):
            try:
                if str(spill) not in in_use and spill.stat().st_mtime >= self._query_started - 1:
                    spill.unlink()
            except OSError:
                log.warning("could not remove spill file %s", spill, exc_info=True)

    def _run_statement(self, native_sql: str) -> None:
        self.con.execute(native_sql)

    def _map_arrow(self, native_sql: str, mapper: BatchMap, name: str) -> int:
        """Record batches of the query, read on a second connection to the same database while
        this one appends the results, through the textpool workers (`map_batches`)."""
        from jiandu.engines.textpool import ROWS_PER_TASK, map_batches

        reader_con = self.con.cursor()  # the dialect's settings are global: it has them
        written = 0
        try:
            reader = reader_con.sql(native_sql).to_arrow_reader(ROWS_PER_TASK)
            for out in map_batches(mapper, reader):
                if out.num_rows:
                    self._append_arrow(name, out)
                    written += out.num_rows
        finally:
            reader_con.close()
        return written

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

    def _append_arrow(self, name: str, rows: pa.Table | pa.RecordBatchReader) -> None:
        staged = temp_name("append")
        self.con.register(staged, rows)
        try:
            self.con.execute(f"INSERT INTO {quote(name)} SELECT * FROM {staged}")
        finally:
            self.con.unregister(staged)

    def append_all(self, name: str, parts: Iterable[pa.Table]) -> None:
        """`Engine.append_all` as one INSERT reading the parts as a stream of record batches:
        each part is conformed when DuckDB asks for it, so only a few parts are held at once,
        and one statement costs less than one per part (3.6 million entity mentions in 50,000-row
        parts, measured alone: 5.3 s against 12.1 s, for about 300 MiB more held while it runs)."""
        with self._lock:
            schema = self.stored_schema(name)

            def batches() -> Iterator[pa.RecordBatch]:
                for part in parts:
                    yield from conform_arrow(part, schema, name).to_batches()

            self._append_arrow(name, pa.RecordBatchReader.from_batches(schema, batches()))

    def insert_new(self, schema: TableSchema, rows: pa.Table) -> int:
        """`Engine.insert_new` without Arrow round trips of the rows: repeated keys are dropped
        in Arrow (first occurrence wins), the stored table is asked only which of the keys it
        holds already (a semi-join on the key columns, usually empty), and the rest is
        appended in one statement."""
        if not schema.key:
            raise ValueError(f"{schema.name}: insert_new needs a table with a key")
        rows = schema.conform(rows)
        check_key_nulls(schema, rows)
        if rows.num_rows == 0:
            return 0
        rows = first_occurrences(rows, schema.key)
        with self._lock:
            self.create_table(schema)
            if self.con.execute(f"SELECT 1 FROM {quote(schema.name)} LIMIT 1").fetchall():
                order = "__jiandu_ord"
                positions = pa.array(range(rows.num_rows), pa.int64())
                keys = pa.table([*(rows.column(k) for k in schema.key), positions], [*schema.key, order])
                match = " AND ".join(f"t.{quote(k)} = s.{quote(k)}" for k in schema.key)
                with self.temp_table(keys, "keys") as staged:
                    stored = self.con.sql(
                        f"SELECT s.{order} FROM {staged} AS s "
                        f"WHERE EXISTS (SELECT 1 FROM {quote(schema.name)} AS t WHERE {match})"
                    ).to_arrow_table()
                if stored.num_rows:
                    rows = rows.filter(pc.invert(pc.is_in(positions, value_set=stored.column(order))))
            self.append(schema.name, rows)
        return rows.num_rows

    def store_staged_documents(
        self, files: Mapping[str, str], position: str, stamp: Mapping[str, Any]
    ) -> pa.Table:
        """`Engine.store_staged_documents` in SQL over the Parquet files (read by DuckDB, not
        Python): which positions to keep is decided on doc_id alone, then each table is
        inserted with ``INSERT ... BY NAME SELECT`` from its file, in position order."""
        pos = quote(position)
        kept = temp_name("kept")
        stamps = ", ".join(f"${i + 1} AS {quote(name)}" for i, name in enumerate(stamp))
        with self._lock:
            self.con.execute(
                f"CREATE TEMP TABLE {kept} AS SELECT {pos}, case_category, doc_type FROM ("
                f"SELECT {pos}, doc_id, case_category, doc_type, row_number() OVER "
                f"(PARTITION BY doc_id ORDER BY {pos}) AS first FROM {_parquet(files['documents'])}) AS s "
                "WHERE first = 1 AND NOT EXISTS (SELECT 1 FROM documents AS t WHERE t.doc_id = s.doc_id)"
            )
            try:
                self.con.execute(
                    f"INSERT INTO documents BY NAME SELECT d.* EXCLUDE ({pos}), {stamps} "
                    f"FROM {_parquet(files['documents'])} AS d "
                    f"WHERE d.{pos} IN (SELECT {pos} FROM {kept}) ORDER BY d.{pos}",
                    list(stamp.values()),
                )
                for name, path in files.items():
                    if name in ("documents", "rejected"):
                        continue
                    self.con.execute(
                        f"INSERT INTO {quote(name)} BY NAME SELECT c.* EXCLUDE ({pos}) "
                        f"FROM {_parquet(path)} AS c WHERE c.{pos} IN (SELECT {pos} FROM {kept})"
                    )
                return self.con.sql(f"SELECT case_category, doc_type FROM {kept}").to_arrow_table()
            finally:
                self.con.execute(f"DROP TABLE IF EXISTS {kept}")

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """`Engine.bulk_load`: the automatic checkpoint waits for `BULK_CHECKPOINT_THRESHOLD`
        of write-ahead log instead of DuckDB's 16 MiB. An ingest appends up to a few
        thousand documents per unit; each checkpoint compresses and writes again the tables' last,
        partly filled row groups, so with the default about half of the ingest's store time
        went to checkpoints (100k judgments in one process, 1 GiB: 103.4 -> 98.6 CPU-s). The price
        is memory: the store holds up to that much more uncheckpointed data (peak RSS of a
        100k ingest 688 -> 861 MiB at 64 MiB, 981 MiB at 128 MiB). The data is as safe
        (committed and in the log); the previous threshold comes back afterwards, and
        `close` checkpoints as before. A larger threshold measured worse at a million
        documents: 256 MiB gave 616 s and 2,526 MiB against 582 s and 2,351 MiB at 64 MiB
        (docs/benchmarks.md, "Ingest at a million, eleventh round")."""
        if self.sandboxed:  # the configuration is locked
            yield
            return
        with self._lock:
            row = self.con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()
            previous = str(row[0]) if row else "16MiB"
            self.con.execute(f"SET GLOBAL checkpoint_threshold = '{BULK_CHECKPOINT_THRESHOLD}'")
        try:
            yield
        finally:
            with self._lock:
                if self._con is not None and not self.sandboxed:
                    self._con.execute(f"SET GLOBAL checkpoint_threshold = '{previous}'")

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
        if self.sandboxed:
            raise RuntimeError(
                "this DuckDB engine has run model SQL in its sandbox and cannot write files; "
                "open a new engine to export"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        target = str(path).replace("'", "''")
        with self._lock:
            # Only jiandu's own SQL reaches COPY: `sql` is a query, transpiled and wrapped here.
            result = self.con.execute(
                f"COPY ({self.transpile(sql)}) TO '{target}' ({options})"
            ).fetchone()
        return int(result[0]) if result else 0

    def publish_snapshot(self) -> snapshot.Snapshot | None:
        """Checkpoint the file and publish a read snapshot unless the current one is up to date."""
        if self.path is None:
            return None
        with self._lock:
            self.con.execute("CHECKPOINT")
            wal = self.path.with_name(self.path.name + ".wal")
            if wal.is_file() and wal.stat().st_size > 0:
                raise RuntimeError(f"{wal} is not empty after CHECKPOINT")
            published = snapshot.current(self.path)
            if published is not None and published.matches(self.path) and published.path.is_file():
                return published
            return snapshot.publish(self.path)

    def close(self) -> None:
        with self._lock:
            if self._con is None:
                return
            try:
                if self.publish_snapshots and sys.exc_info()[1] is None:
                    self.publish_snapshot()
            except (OSError, RuntimeError, duckdb.Error) as exc:
                # the data is safe in the store; readers keep the previous snapshot
                log.error("read snapshot not published: %s", exc)
                sys.stderr.write(
                    f"读取快照未发布，网页仍显示上次的数据 (read snapshot not published: {exc})\n"
                )
            finally:
                self._con.close()
                self._con = None
                self._temps.clear()


_LOCKED = "could not set lock on file"


def _connect(
    path: Path | None, config: dict[str, str | bool | int | float | list[str]], lock_wait: float | None
) -> duckdb.DuckDBPyConnection:
    """Open the database; wait (``lock_wait``, else JIANDU_LOCK_WAIT) while another process holds it."""
    if path is None:
        return duckdb.connect(":memory:", config=config)
    limit = lock_wait_seconds() if lock_wait is None else lock_wait  # a malformed setting fails now
    started = time.monotonic()
    attempt = 0
    while True:
        try:
            return duckdb.connect(str(path), config=config)
        except duckdb.IOException as exc:
            if _LOCKED not in str(exc).lower():
                raise
            holder = describe_process(holder_pid(str(exc)))
            waited = time.monotonic() - started
            if waited >= limit:
                raise StoreBusy(f"分析库 {path} ", f"analytic store {path}", holder, waited) from None
            if attempt == 0 and limit > 0:
                log.warning("analytic store %s held by %s; waiting up to %.0f s", path, holder, limit)
                sys.stderr.write(
                    f"分析库正被 {holder} 占用，最多等待 {limit:.0f} 秒… "
                    f"(the analytic store is held by {holder}; waiting up to {limit:.0f} s)\n"
                )
            time.sleep(min(0.05 * 2 ** min(attempt, 5), 1.0, max(limit - waited, 0.01)))
            attempt += 1


def _parquet(path: str) -> str:
    """``read_parquet`` of one file, its name as an SQL string literal."""
    return "read_parquet('" + str(path).replace("'", "''") + "')"
