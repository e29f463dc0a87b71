"""The scale-out engine: Apache Spark (PySpark), tables as Parquet folders in the workspace.

Layout: ``<warehouse>/<table>/`` holds the table's Parquet files and ``_jiandu_schema.json``
(its Spark schema), so an empty table keeps its columns and types. The warehouse is a local
folder or a Hadoop-compatible URI (``file://``, ``hdfs://``, ``s3a://``; `Warehouse`). Every
table is exposed to SQL as a temporary view of that folder, registered again when the engine
opens and after each write (Spark lists a folder's files when a view is made).

Sessions: starting Spark costs seconds, so one `SparkSession` is created per process and
reused (`spark_session`); its settings are in `SPARK_CONF`. The ``master`` given to the first
engine of a process wins. Temporary views live in that shared session, so only one
`SparkEngine` may be open per process at a time; opening a second one while the first is open
raises. Writes are not atomic across processes: one writer per warehouse folder.
"""

from __future__ import annotations

import datetime
import itertools
import json
import logging
import os
import sys
import tempfile
import threading
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

import jiandu
from jiandu.engines.arrow_map import BatchMap
from jiandu.engines.base import STORED_COUNTS, Engine, check_format
from jiandu.engines.dialects import DIALECTS, UnsupportedSQLError
from jiandu.engines.warehouse import Warehouse
from jiandu.schema.registry import TableSchema

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

SCHEMA_FILE = "_jiandu_schema.json"
_STAGING = ".staging"  # Spark ignores names starting with "." or "_" when listing a table
_INGEST_STAGING = "_staging"  # ingest runs' staged Parquet, one folder per run

# Settings of the process-wide session; see dialects.py for the ones that make SQL agree.
SPARK_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
    "spark.sql.ansi.enabled": "true",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.execution.arrow.pyspark.fallback.enabled": "false",
    "spark.driver.memory": os.environ.get("JIANDU_SPARK_DRIVER_MEMORY", "2g"),
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
}

_LOG4J = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""

_session: SparkSession | None = None
_session_lock = threading.Lock()
_active: SparkEngine | None = None

warnings.filterwarnings(
    "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
)


def spark_session(master: str = "local[*]") -> SparkSession:
    """The process-wide SparkSession, created on first use (about 6 s)."""
    global _session
    with _session_lock:
        if _session is None:
            from pyspark.sql import SparkSession

            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            config_dir = Path(tempfile.mkdtemp(prefix="jiandu-spark-"))
            (config_dir / "log4j2.properties").write_text(_LOG4J, "utf-8")
            builder = SparkSession.builder.master(master).appName("jiandu")
            for key, value in SPARK_CONF.items():
                builder = builder.config(key, value)
            builder = builder.config("spark.sql.warehouse.dir", str(config_dir / "catalog"))
            root = _driver_code_root()
            if root and "spark.executorEnv.PYTHONPATH" not in SPARK_CONF:
                builder = builder.config("spark.executorEnv.PYTHONPATH", root)
            builder = builder.config(
                "spark.driver.extraJavaOptions",
                f"-Dlog4j2.configurationFile=file:{config_dir / 'log4j2.properties'}",
            )
            _session = builder.getOrCreate()
            _session.sparkContext.setLogLevel("ERROR")
            # PySpark logs every SQL error it raises; jiandu raises them, no need to log twice.
            for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
                logging.getLogger(name).setLevel(logging.CRITICAL)
        return _session


def _driver_code_root() -> str | None:
    """The folder the driver imported jiandu from, when the Python workers would not find it
    on their own: the workers build their ``sys.path`` from PYTHONPATH, not from the driver's
    ``sys.path``, so a jiandu found through the driver's working directory or a
    ``sys.path.insert`` (a checkout of another commit, say) would otherwise be shadowed in the
    workers by the installed one, and per-batch functions, sent by reference, would run another
    version's code (`BatchMap` refuses to). On a local master the workers get this folder first
    on their path; on a cluster it helps where the executors have the same folder."""
    import site

    root = Path(jiandu.__file__).resolve().parents[1]
    installed = {Path(p).resolve() for p in [*site.getsitepackages(), site.getusersitepackages()]}
    return None if root in installed else str(root)


class SparkEngine(Engine):
    """Tables as Parquet folders under ``warehouse_dir`` (a path or a URI), queried through
    Spark SQL."""

    name = "spark"

    def __init__(self, warehouse_dir: Path | str, master: str = "local[*]") -> None:
        global _active
        super().__init__()
        self.dialect = DIALECTS["spark"]
        self.store = Warehouse(warehouse_dir)
        self.warehouse = self.store.uri
        self.spark = spark_session(master)
        with _session_lock:
            if _active is not None:
                raise RuntimeError(
                    f"a SparkEngine on {_active.warehouse} is open in this process; close it "
                    "first (temporary views are shared by the one SparkSession)"
                )
            _active = self
        self._closed = False
        self._schemas: dict[str, StructType] = {}
        self._temps: set[str] = set()
        self.store.make_dir()
        for folder in self.store.folders():
            if not folder.startswith((".", "_")) and self.store.exists(f"{folder}/{SCHEMA_FILE}"):
                self._load(folder)

    # -- storage helpers ------------------------------------------------------------------
    def _folder(self, name: str) -> str:
        """The table's folder, relative to the warehouse."""
        if not name or "/" in name or name.startswith((".", "_")):
            raise ValueError(f"bad table name {name!r}")
        return name

    def _load(self, name: str) -> None:
        from pyspark.sql.types import StructType

        text = self.store.read_text(f"{self._folder(name)}/{SCHEMA_FILE}")
        self._schemas[name] = StructType.fromJson(json.loads(text))
        self._register(name)

    def _register(self, name: str) -> None:
        """(Re)make the view of a table folder, so Spark sees the files written so far."""
        df = self.spark.read.schema(self._schemas[name]).parquet(self.store.spark_path(self._folder(name)))
        df.createOrReplaceTempView(name)

    def _save_schema(self, name: str, schema: StructType) -> None:
        folder = self._folder(name)
        self.store.make_dir(folder)
        self.store.write_text(f"{folder}/{SCHEMA_FILE}", schema.json())
        self._schemas[name] = schema

    def _staging(self) -> str:
        return f"{_STAGING}/{uuid.uuid4().hex}"

    def _write(self, name: str, df: DataFrame) -> None:
        """Append a DataFrame (already in the table's columns) to a table folder."""
        df.write.mode("append").parquet(self.store.spark_path(self._folder(name)))
        self._register(name)

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the Spark engine is closed")

    def _sql(self, native_sql: str, params: Sequence[Any] = ()) -> DataFrame:
        from pyspark.errors import AnalysisException

        self._check_open()
        try:
            if params:  # bound by Spark as positional ``?`` parameters, never pasted in
                return self.spark.sql(native_sql, args=list(params))
            return self.spark.sql(native_sql)
        except AnalysisException as error:
            if "UNRESOLVED_ROUTINE" in (error.getCondition() or ""):
                raise UnsupportedSQLError(
                    self.name, f"a function does not exist ({error.getMessage()[:300]})",
                    sql=native_sql,
                ) from None
            raise

    # -- hooks ----------------------------------------------------------------------------
    def _run_query(self, native_sql: str, params: Sequence[Any] = ()) -> pa.Table:
        return self._sql(native_sql, params).toArrow()

    def _map_arrow(self, native_sql: str, mapper: BatchMap, name: str) -> int:
        """``mapInArrow`` on the executors, written straight to the table's folder; the driver
        counts the rows from the written files' metadata."""
        before = self._row_count(name)
        df = self._sql(native_sql).mapInArrow(mapper.over_batches, self._schemas[name])
        self._write(name, df)
        return self._row_count(name) - before

    def _row_count(self, name: str) -> int:
        return int(self.spark.table(name).count())

    def _interrupt(self) -> None:
        self.spark.sparkContext.cancelAllJobs()

    def enter_sandbox(self) -> None:
        """Model SQL sees the registered views only: a file path as a table is refused."""
        self.spark.conf.set("spark.sql.runSQLOnFiles", "false")

    def _run_statement(self, native_sql: str) -> None:
        self._sql(native_sql)

    def tables(self) -> list[str]:
        return sorted(self._schemas)

    def stored_schema(self, name: str) -> pa.Schema:
        from pyspark.sql.pandas.types import to_arrow_schema

        if name not in self._schemas:
            raise KeyError(f"no table {name!r} in the Spark warehouse {self.warehouse}")
        return to_arrow_schema(self._schemas[name], timezone="UTC")

    def create_table(self, schema: TableSchema) -> None:
        self._check_open()
        with self._lock:
            if schema.name in self._schemas:
                return
            ddl = ", ".join(
                f"`{c.name}` {self.dialect.column_type(c.type)}" for c in schema.columns
            )
            self._save_schema(schema.name, self.spark.createDataFrame([], ddl).schema)
            self._register(schema.name)

    def _append_arrow(self, name: str, rows: pa.Table) -> None:
        self._check_open()
        df = self.spark.createDataFrame(rows, schema=self._schemas[name])
        self._write(name, df.coalesce(max(1, rows.num_rows // 1_000_000)))

    def materialize(self, name: str, sql: str) -> int:
        with self._lock:
            df = self._sql(self.transpile(sql))
            staging = self._staging()
            # written before the old folder goes: the query may read it
            df.write.parquet(self.store.spark_path(staging))
            folder = self._folder(name)
            trash = self._staging()
            if self.store.exists(folder):
                self.store.move(folder, trash)
            self.store.move(staging, folder)
            self.store.delete_dir(trash)
            self._save_schema(name, df.schema)
            self._register(name)
        return self.count(name)

    def insert_query(self, name: str, sql: str) -> None:
        from pyspark.sql.functions import col

        with self._lock:
            df = self._sql(self.transpile(sql))
            target = self._schemas[name]
            if len(df.columns) != len(target.fields):
                raise ValueError(
                    f"{name}: INSERT gives {len(df.columns)} columns, table has "
                    f"{len(target.fields)}"
                )
            df = df.toDF(*target.fieldNames()).select(
                *[col(f.name).cast(f.dataType) for f in target.fields]
            )
            self._write(name, df)

    def drop_table(self, name: str, missing_ok: bool = True) -> None:
        with self._lock:
            if name not in self._schemas:
                if missing_ok:
                    return
                raise KeyError(f"no table {name!r} in the Spark warehouse {self.warehouse}")
            self.spark.catalog.dropTempView(name)
            del self._schemas[name]
            self.store.delete_dir(self._folder(name))

    def register_temp(self, name: str, rows: pa.Table) -> None:
        self._check_open()
        with self._lock:
            self.spark.createDataFrame(rows).createOrReplaceTempView(name)
            self._temps.add(name)

    def drop_temp(self, name: str) -> None:
        with self._lock:
            if name in self._temps:
                self._temps.discard(name)
                self.spark.catalog.dropTempView(name)

    def export(self, sql: str, path: Path, fmt: str) -> int:
        check_format(fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            df = self._sql(self.transpile(sql)).persist()
            try:
                count = df.count()
                if count == 0:
                    _write_empty(df.toArrow(), path, fmt)
                    return 0
                staging = self._staging()
                writer = df.coalesce(1).write.mode("overwrite").options(**_WRITE_OPTIONS[fmt])
                getattr(writer, "json" if fmt == "jsonl" else fmt)(self.store.spark_path(staging))
                (part,) = [p for p in self.store.files(staging) if p.startswith("part-")]
                self.store.copy_out(f"{staging}/{part}", path)
                self.store.delete_dir(staging)
            finally:
                df.unpersist()
        return count

    def run_units(self, work: Callable[[Any], Any], units: Iterable[Any]) -> Iterator[Any] | None:
        """`Engine.run_units` as Spark jobs, one task per unit: executors read and write what
        the units name; only ``work``'s (small) results come back to the driver, a few times
        the cluster's parallelism at a time."""
        return self._run_units(work, iter(units))

    def _run_units(self, work: Callable[[Any], Any], units: Iterator[Any]) -> Iterator[Any]:
        context = self.spark.sparkContext
        step = max(1, 4 * context.defaultParallelism)
        while chunk := list(itertools.islice(units, step)):
            try:
                results = context.parallelize(chunk, len(chunk)).map(work).collect()
            except Exception as exc:  # an executor died or a task kept failing
                logging.getLogger(__name__).warning(
                    "a Spark job over %d units failed (%s); running them here", len(chunk), exc
                )
                results = [work(unit) for unit in chunk]
            yield from results

    def staging_location(self, run_id: str) -> str | None:
        """``<warehouse>/_staging/<run id>``: the executors write the units' Parquet there
        (through pyarrow's file system for the URI) and Spark reads it from there."""
        folder = f"{_INGEST_STAGING}/{self._folder(run_id)}"
        self.store.make_private_dir(_INGEST_STAGING)
        self.store.make_private_dir(folder)
        return self.store.spark_path(folder)

    def store_staged_units(
        self, units: Sequence[Mapping[str, str]], position: str, stamp: Mapping[str, Any]
    ) -> pa.Table:
        """`Engine.store_staged_units` as Spark jobs over all units' staged files at once: the
        first occurrence of each doc_id in input order (unit, then ``position``; a window),
        less the documents already stored (an anti-join), is written as the run's kept keys;
        then each table's staged rows of exactly those keys (a semi-join) are appended. Only
        the counts per category and type come back to the driver."""
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        by_table: dict[str, list[str]] = {}
        order: dict[str, int] = {}  # a staged file's name -> its unit's place in input order
        for place, files in enumerate(units):
            for name, path in files.items():
                if name != "rejected":
                    by_table.setdefault(name, []).append(path)
                    order[path.rsplit("/", 1)[-1]] = place
        if len(order) != sum(map(len, by_table.values())):
            raise ValueError("staged files of one run must have distinct names")
        if "documents" not in by_table:
            return STORED_COUNTS.empty_table()
        keys = ["_unit", position]

        places = self.spark.createDataFrame(list(order.items()), "_file string, _unit long")

        def staged(name: str) -> DataFrame:
            rows = self.spark.read.parquet(*by_table[name])
            rows = rows.select("*", F.col("_metadata.file_name").alias("_file"))
            return rows.join(F.broadcast(places), "_file").drop("_file")

        with self._lock:
            self._check_open()
            first = Window.partitionBy("doc_id").orderBy(*keys)
            stored = self.spark.table("documents").select("doc_id")
            kept = (
                staged("documents")
                .select("doc_id", *keys, "case_category", "doc_type")
                .withColumn("_first", F.row_number().over(first))
                .where("_first = 1")
                .drop("_first")
                .join(stored, "doc_id", "left_anti")
            )
            # written once, before any table changes: the later joins must not see this run's
            # own documents as already stored
            kept_folder = self._staging()
            try:
                kept.write.parquet(self.store.spark_path(kept_folder))
                kept = self.spark.read.parquet(self.store.spark_path(kept_folder))
                stamps = [_literal(value).alias(name) for name, value in stamp.items()]
                for name in ["documents", *sorted(n for n in by_table if n != "documents")]:
                    rows = staged(name).join(kept.select(*keys), keys, "left_semi")
                    if name == "documents":
                        rows = rows.select("*", *stamps)
                    target = self._schemas[name]
                    self._write(name, rows.select(*[F.col(f.name).cast(f.dataType) for f in target.fields]))
                counts = kept.groupBy("case_category", "doc_type").agg(F.count("*").alias("documents"))
                found = counts.toArrow()
            finally:
                self.store.delete_dir(kept_folder)
        if found.num_rows == 0:
            return STORED_COUNTS.empty_table()
        return found.select(STORED_COUNTS.names).cast(STORED_COUNTS)

    def close(self) -> None:
        global _active
        with self._lock:
            if self._closed:
                return
            for view in [*self._schemas, *self._temps]:
                self.spark.catalog.dropTempView(view)
            self._temps.clear()
            self._closed = True
            self.store.delete_dir(_STAGING)
        with _session_lock:
            if _active is self:
                _active = None


_TEXT_OPTIONS: dict[str, Any] = {
    "dateFormat": "yyyy-MM-dd",
    "timestampNTZFormat": "yyyy-MM-dd HH:mm:ss",
    "timestampFormat": "yyyy-MM-dd HH:mm:ss",
    "encoding": "UTF-8",
}
_WRITE_OPTIONS: dict[str, dict[str, Any]] = {
    "parquet": {},
    "csv": {**_TEXT_OPTIONS, "header": True, "escape": '"', "nullValue": ""},
    "jsonl": {**_TEXT_OPTIONS, "ignoreNullFields": False},
}


def _literal(value: Any) -> Any:
    """A Spark literal column; a naive datetime as a TIMESTAMP_NTZ of the same wall time
    (whatever the driver's local time zone)."""
    from pyspark.sql import functions as F

    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        return F.lit(value.isoformat(sep=" ")).cast("timestamp_ntz")
    return F.lit(value)


def _write_empty(table: pa.Table, path: Path, fmt: str) -> None:
    """An export with no rows: parquet keeps the schema, csv its header, jsonl is empty."""
    if fmt == "parquet":
        pq.write_table(table, path)
    elif fmt == "csv":
        path.write_text(",".join(table.column_names) + "\n", "utf-8")
    else:
        path.write_text("", "utf-8")
