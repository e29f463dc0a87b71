"""The engine sandbox for model SQL: defence in depth behind the SQL guard.

Each attack is built here at test time (a secret file, a second database, a hostile query) and
run straight through `Engine.model_query`, as if the guard had been bypassed; the assertion is
that the engine itself refuses. The engine's own trusted work must still work afterwards.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from engine_support import all_engines, make_engine

from jiandu.engines import Engine
from jiandu.engines.base import QueryTimeout
from jiandu.engines.duckdb_engine import DuckDBEngine
from jiandu.schema.registry import table
from jiandu.web.analytic import AnalyticQueryFailed, AnalyticReader
from jiandu.workspace import Workspace

SECRET = "secret-token-7f3a"
LONG_QUERY = "SELECT count(*) AS n FROM range(100000000) AS a, range(100000000) AS b"
# DuckDB's range(n) AS a transpiles to Spark as EXPLODE(...) with an alias Spark cannot resolve;
# small generated series cross-joined three times run for hours on Spark in little memory
_SERIES = "(SELECT unnest(generate_series(1, 20000)) AS {c}) AS {t}"
SPARK_LONG_QUERY = (
    "SELECT count(*) AS n FROM "
    + ", ".join(_SERIES.format(c=c, t=t) for c, t in (("x", "a"), ("y", "b"), ("z", "c")))
    + " WHERE a.x + b.y + c.z = 7"
)


@pytest.fixture
def secret_files(tmp_path: Path) -> dict[str, Path]:
    """Files a hostile model would like to read: CSV, JSON lines, and another DuckDB file."""
    folder = tmp_path / "outside"
    folder.mkdir()
    csv = folder / "secret.csv"
    csv.write_text(f"k,v\nkey,{SECRET}\n", "utf-8")
    jsonl = folder / "secret.jsonl"
    jsonl.write_text(f'{{"v": "{SECRET}"}}\n', "utf-8")
    other = folder / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute(f"CREATE TABLE t AS SELECT '{SECRET}' AS v")
    con.close()
    return {"csv": csv, "jsonl": jsonl, "duckdb": other}


@pytest.fixture
def duck(tmp_path: Path) -> DuckDBEngine:
    engine = make_engine("duckdb", tmp_path / "workspace")
    assert isinstance(engine, DuckDBEngine)
    return engine


def _attacks(files: dict[str, Path]) -> list[str]:
    csv, jsonl, other = (str(files[k]).replace("'", "''") for k in ("csv", "jsonl", "duckdb"))
    folder = str(files["csv"].parent).replace("'", "''")
    return [
        f"SELECT * FROM '{csv}'",
        f"SELECT * FROM (SELECT 1 AS x) AS a, LATERAL (SELECT * FROM '{jsonl}') AS b",
        f"SELECT * FROM '{folder}/*.csv'",
        f"SELECT * FROM read_csv('{csv}')",
        f"SELECT * FROM read_text('{csv}')",
        f"SELECT * FROM glob('{folder}/*')",
        f"SELECT * FROM '{other}'",
        "SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')",
    ]


def test_model_sql_cannot_read_files(duck: DuckDBEngine, secret_files: dict[str, Path]) -> None:
    # the attack is real: before the sandbox, DuckDB reads the file as a table
    assert SECRET in str(duck.rows(f"SELECT * FROM '{secret_files['csv']}'"))
    for attack in _attacks(secret_files):
        with pytest.raises(duckdb.Error) as refused:
            duck.model_query(attack)
        assert SECRET not in str(refused.value), attack
    duck.close()


def _extension_files() -> set[Path]:
    folder = Path.home() / ".duckdb" / "extensions"
    return set(folder.rglob("*")) if folder.is_dir() else set()


def test_model_sql_cannot_load_or_install_extensions(duck: DuckDBEngine) -> None:
    before = _extension_files()
    for attack in (
        "SELECT stem('running', 'porter') AS s",  # fts
        "SELECT CAST('10.0.0.1' AS INET) AS a",  # inet
        "SELECT * FROM excel_text(1, '0') AS x",  # excel
    ):
        with pytest.raises(duckdb.Error):
            duck.model_query(attack)
    assert _extension_files() == before  # nothing was downloaded
    with pytest.raises(duckdb.Error):  # and none was loaded on the way
        duck.model_query("SELECT stem('running', 'porter') AS s")
    duck.close()


def test_sandbox_cannot_be_switched_off(duck: DuckDBEngine, secret_files: dict[str, Path]) -> None:
    duck.enter_sandbox()
    for statement in (
        "SET enable_external_access = true",
        "SET lock_configuration = false",
        "SET autoload_known_extensions = true",
        "SET memory_limit = '100GB'",
        "SET max_temp_directory_size = '1TB'",
        "RESET enable_external_access",
    ):
        with pytest.raises(duckdb.Error):
            duck.con.execute(statement)
    with pytest.raises(duckdb.Error):
        duck.con.execute(f"ATTACH '{secret_files['duckdb']}' AS other (READ_ONLY)")
    with pytest.raises(duckdb.Error):
        duck.con.execute(f"COPY (SELECT 1) TO '{secret_files['csv'].parent / 'out.csv'}'")
    assert not (secret_files["csv"].parent / "out.csv").exists()
    duck.close()


def test_python_variables_are_not_tables(duck: DuckDBEngine) -> None:
    leaked = pa.table({"v": [SECRET]})  # a local a replacement scan would find by name
    assert leaked.num_rows == 1
    with pytest.raises(duckdb.Error):
        duck.model_query("SELECT * FROM leaked")
    duck.close()


def test_trusted_work_goes_on_in_the_sandbox(duck: DuckDBEngine, tmp_path: Path) -> None:
    docs = table("documents")
    duck.create_table(docs)
    duck.enter_sandbox()
    rows = docs.to_arrow([{"doc_id": "d1", "title": "民事判决书"}, {"doc_id": "d2", "title": "裁定书"}])
    assert duck.insert_new(docs, rows) == 2
    duck.append("documents", docs.to_arrow([{"doc_id": "d3", "title": "x"}]))
    assert duck.materialize("titles", "SELECT doc_id, title FROM documents") == 3
    with duck.temp_table(pa.table({"k": ["d1"]})) as staged:
        found = duck.model_query(f"SELECT t.title FROM titles AS t JOIN {staged} AS s ON t.doc_id = s.k")
    assert found.column("title").to_pylist() == ["民事判决书"]
    with pytest.raises(RuntimeError, match="sandbox"):
        duck.export("SELECT * FROM titles", tmp_path / "out.csv", "csv")
    duck.close()


def test_memory_and_temp_limits(duck: DuckDBEngine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (limit,) = duck.rows("SELECT current_setting('max_temp_directory_size') AS v")
    assert limit["v"].replace(" ", "") in {"3.7GiB", "4.0GB", "3.7GB"}
    duck.close()
    monkeypatch.setenv("JIANDU_DUCKDB_TEMP_LIMIT", "512MB")
    small = make_engine("duckdb", tmp_path / "other")
    assert "MiB" in small.rows("SELECT current_setting('max_temp_directory_size') AS v")[0]["v"]
    small.close()
    monkeypatch.setenv("JIANDU_DUCKDB_TEMP_LIMIT", "lots; SET x=1")
    with pytest.raises(ValueError, match="JIANDU_DUCKDB_TEMP_LIMIT"):
        make_engine("duckdb", tmp_path / "third")


def test_time_limit_interrupts_a_long_query(duck: DuckDBEngine) -> None:
    t0 = time.perf_counter()
    with pytest.raises(QueryTimeout, match="时间限制") as stopped:
        duck.model_query(LONG_QUERY, time_limit=1.0)
    assert time.perf_counter() - t0 < 10
    assert stopped.value.seconds == 1.0
    assert duck.rows("SELECT 41 + 1 AS n") == [{"n": 42}]  # the engine is usable afterwards
    # a query that finishes within its limit is not touched, nor is the next one
    assert duck.model_query("SELECT 1 AS n", time_limit=0.5).to_pylist() == [{"n": 1}]
    time.sleep(0.7)
    assert duck.rows("SELECT 2 AS n") == [{"n": 2}]
    duck.close()


@pytest.mark.spark
@pytest.mark.slow
def test_spark_time_limit_cancels_the_jobs(tmp_path: Path) -> None:
    engine = make_engine("spark", tmp_path / "workspace")
    try:
        t0 = time.perf_counter()
        with pytest.raises(QueryTimeout):
            engine.model_query(SPARK_LONG_QUERY, time_limit=2.0)
        assert time.perf_counter() - t0 < 60
        assert engine.rows("SELECT 41 + 1 AS n") == [{"n": 42}]
    finally:
        engine.close()


def test_spill_files_are_removed_after_a_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIANDU_DUCKDB_MEMORY_LIMIT", "64MB")
    engine = make_engine("duckdb", tmp_path / "workspace")
    assert isinstance(engine, DuckDBEngine)
    engine.con.execute("SET threads = 1")
    spill = Path(engine.rows("SELECT current_setting('temp_directory') AS d")[0]["d"])
    with pytest.raises(QueryTimeout):
        engine.model_query(
            "SELECT a.range AS x, md5(CAST(a.range AS VARCHAR)) AS h FROM range(200000000) AS a "
            "ORDER BY h",
            time_limit=1.5,
        )
    left = list(spill.glob("duckdb_temp_*")) if spill.is_dir() else []
    assert left == []
    engine.close()


@all_engines
def test_parameters_are_bound_not_pasted(engine: Engine) -> None:
    hostile = "x' OR '1'='1"
    engine.create_table(table("documents"))
    engine.append("documents", table("documents").to_arrow([{"doc_id": "d1"}, {"doc_id": "d2"}]))
    found = engine.rows("SELECT doc_id FROM documents WHERE doc_id = ?", [hostile])
    assert found == []
    found = engine.rows("SELECT doc_id FROM documents WHERE doc_id IN (?, ?) ORDER BY doc_id", ["d2", "d9"])
    assert found == [{"doc_id": "d2"}]
    assert engine.rows("SELECT ? AS v", [hostile]) == [{"v": hostile}]


@pytest.mark.spark
@pytest.mark.slow
def test_spark_model_sql_cannot_read_files(tmp_path: Path, secret_files: dict[str, Path]) -> None:
    from pyspark.errors import AnalysisException

    engine = make_engine("spark", tmp_path / "workspace")
    try:
        native = f"SELECT * FROM csv.`{secret_files['csv']}`"
        engine.spark.conf.set("spark.sql.runSQLOnFiles", "true")  # Spark's default
        assert SECRET in str(engine._run_query(native).to_pylist())  # the attack is real
        engine.enter_sandbox()
        with pytest.raises(AnalysisException) as refused:
            engine._run_query(native)
        assert SECRET not in str(refused.value)
        with pytest.raises(AnalysisException):
            engine._run_query(f"SELECT * FROM json.`{secret_files['jsonl']}`")
    finally:
        engine.close()


# -- the web's analytic path: bound parameters, errors that surface -----------------------------


def _analytic_workspace(root: Path, kind: str, *, broken: bool = False) -> AnalyticReader:
    ws = Workspace(root)
    ws.init(kind)
    engine = ws.open_engine()
    try:
        if broken:  # a documents table without the text column the page reads
            engine.execute("CREATE TABLE documents AS SELECT 'd1' AS doc_id, 'x' AS title")
        else:
            docs = table("documents")
            engine.create_table(docs)
            engine.append(
                "documents",
                docs.to_arrow(
                    [
                        {"doc_id": "d1", "title": "民事判决书", "text": "正文一"},
                        {"doc_id": "d'2", "title": "裁定书", "text": "正文二"},
                    ]
                ),
            )
    finally:
        engine.close()
    return AnalyticReader(ws.root)


def _check_analytic(root: Path, kind: str) -> None:
    reader = _analytic_workspace(root / "ok", kind)
    try:
        hostile = "x') OR 1=1 OR doc_id IN ('d1"  # pasted into the SQL, this would match d1
        assert reader.documents([hostile]) == {}
        found = reader.documents(["d'2", "d1", "missing"])
        assert sorted(found) == ["d'2", "d1"] and found["d'2"]["text"] == "正文二"
        # a '?' inside a value is data (pasting values one '?' at a time broke this query)
        assert sorted(reader.documents(["?", "d1"])) == ["d1"]
        assert reader.model_runs("any") == []  # no model_runs table yet: nothing to show
    finally:
        reader.close()
    broken = _analytic_workspace(root / "broken", kind, broken=True)
    try:
        with pytest.raises(AnalyticQueryFailed, match="分析库查询出错"):
            broken.documents(["d1"])  # an error, not an empty page
    finally:
        broken.close()


def test_web_analytic_binds_parameters_and_surfaces_errors_duckdb(tmp_path: Path) -> None:
    _check_analytic(tmp_path, "duckdb")


@pytest.mark.spark
@pytest.mark.slow
def test_web_analytic_binds_parameters_and_surfaces_errors_spark(tmp_path: Path) -> None:
    _check_analytic(tmp_path, "spark")
