"""Tables, loading, idempotent inserts, materialising and exporting, on every engine."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from engine_support import make_engine

from jiandu.engines import Engine, open_engine
from jiandu.schema.registry import canonical_tables, table

DOCS = table("documents")
PARTIES = table("parties")


def docs(*ids: str, title: str = "民事判决书") -> pa.Table:
    return DOCS.to_arrow(
        [
            {
                "doc_id": i,
                "title": title,
                "char_count": 10 * n,
                "is_judgment": True,
                "ingested_at": dt.datetime(2024, 5, 1, 8, 30, n),
            }
            for n, i in enumerate(ids)
        ]
    )


def test_create_every_canonical_table(engine: Engine) -> None:
    engine.ensure_tables(canonical_tables().values())
    engine.ensure_tables(canonical_tables().values())  # a second time is a no-op
    assert engine.tables() == sorted(canonical_tables())
    for schema in canonical_tables().values():
        assert engine.table_exists(schema.name)
        assert engine.stored_schema(schema.name) == schema.arrow_schema()
        assert engine.count(schema.name) == 0
        empty = engine.query(f"SELECT * FROM {schema.name}")
        assert empty.num_rows == 0
        assert empty.column_names == schema.column_names


def test_append_matches_columns_by_name_and_casts(engine: Engine) -> None:
    engine.create_table(PARTIES)
    rows = pa.table({"name": ["张某", "李某1"], "party_idx": [0, 1], "doc_id": ["d1", "d1"]})
    engine.append("parties", rows)
    got = engine.rows("SELECT doc_id, party_idx, name, kind FROM parties ORDER BY party_idx")
    assert got == [
        {"doc_id": "d1", "party_idx": 0, "name": "张某", "kind": None},
        {"doc_id": "d1", "party_idx": 1, "name": "李某1", "kind": None},
    ]
    with pytest.raises(ValueError, match="unknown columns"):
        engine.append("parties", pa.table({"nickname": ["x"]}))


def test_insert_new_is_idempotent(engine: Engine) -> None:
    assert engine.insert_new(DOCS, docs("a", "b", "c")) == 3
    assert engine.insert_new(DOCS, docs("a", "b", "c")) == 0
    assert engine.count("documents") == 3


def test_insert_new_first_occurrence_in_batch_wins(engine: Engine) -> None:
    batch = pa.concat_tables([docs("a", "b", title="first"), docs("a", title="second")])
    assert engine.insert_new(DOCS, batch) == 2
    assert engine.rows("SELECT doc_id, title FROM documents ORDER BY doc_id") == [
        {"doc_id": "a", "title": "first"},
        {"doc_id": "b", "title": "first"},
    ]


def test_insert_new_partial_overlap_keeps_stored_rows(engine: Engine) -> None:
    engine.insert_new(DOCS, docs("a", "b", title="old"))
    assert engine.insert_new(DOCS, docs("b", "c", "d", "c", title="new")) == 2
    assert engine.rows("SELECT doc_id, title FROM documents ORDER BY doc_id") == [
        {"doc_id": "a", "title": "old"},
        {"doc_id": "b", "title": "old"},
        {"doc_id": "c", "title": "new"},
        {"doc_id": "d", "title": "new"},
    ]
    assert engine.rows("SELECT ingested_at FROM documents WHERE doc_id = 'd'") == [
        {"ingested_at": dt.datetime(2024, 5, 1, 8, 30, 2)}
    ]


def test_insert_new_with_a_composite_key(engine: Engine) -> None:
    first = PARTIES.to_arrow([{"doc_id": "d1", "party_idx": i, "name": f"甲{i}"} for i in range(3)])
    again = PARTIES.to_arrow(
        [{"doc_id": d, "party_idx": i, "name": "乙"} for d in ("d1", "d2") for i in range(2)]
    )
    assert engine.insert_new(PARTIES, first) == 3
    assert engine.insert_new(PARTIES, again) == 2
    assert engine.rows("SELECT name FROM parties WHERE doc_id = 'd1' ORDER BY party_idx") == [
        {"name": "甲0"}, {"name": "甲1"}, {"name": "甲2"},
    ]


def test_insert_new_refuses_null_keys_and_accepts_empty(engine: Engine) -> None:
    with pytest.raises(ValueError, match="key is null"):
        engine.insert_new(DOCS, DOCS.to_arrow([{"doc_id": None}]))
    assert engine.insert_new(DOCS, DOCS.to_arrow([])) == 0


def test_existing_keys(engine: Engine) -> None:
    engine.insert_new(DOCS, docs("a", "b", "c"))
    assert engine.existing_keys("documents", "doc_id", ["b", "x", "c", "b"]) == {"b", "c"}
    assert engine.existing_keys("documents", "doc_id", []) == set()


def test_store_survives_reopening(engine_kind: str, tmp_path: Path) -> None:
    store = make_engine(engine_kind, tmp_path)
    store.insert_new(DOCS, docs("a", "b"))
    store.create_table(PARTIES)
    store.close()
    store = make_engine(engine_kind, tmp_path)
    try:
        assert store.tables() == ["documents", "parties"]
        assert store.count("documents") == 2
        assert store.count("parties") == 0
        assert store.insert_new(DOCS, docs("b", "c")) == 1
    finally:
        store.close()


def test_create_table_as_insert_and_drop(engine: Engine) -> None:
    engine.insert_new(DOCS, docs("a", "b", "c"))
    engine.execute(
        "CREATE TABLE long_docs AS SELECT doc_id, char_count FROM documents WHERE char_count > 0"
    )
    assert engine.count("long_docs") == 2
    engine.execute("CREATE TABLE IF NOT EXISTS long_docs AS SELECT 1 AS x")
    assert engine.count("long_docs") == 2
    with pytest.raises(ValueError, match="already exists"):
        engine.execute("CREATE TABLE long_docs AS SELECT 1 AS x")
    # replacing a table by a query over itself
    engine.execute(
        "CREATE OR REPLACE TABLE long_docs AS SELECT * FROM long_docs WHERE doc_id > 'b'"
    )
    assert engine.rows("SELECT doc_id, char_count FROM long_docs") == [
        {"doc_id": "c", "char_count": 20}
    ]
    engine.execute("INSERT INTO long_docs SELECT 'z', 99")
    assert engine.count("long_docs") == 2
    assert engine.materialize("copy", "SELECT * FROM long_docs") == 2
    engine.execute("DROP TABLE long_docs")
    engine.execute("DROP TABLE IF EXISTS long_docs")
    assert "long_docs" not in engine.tables()
    assert "copy" in engine.tables()


def test_temp_tables(engine: Engine) -> None:
    engine.register_temp("scratch", pa.table({"x": [1, 2, 3]}))
    assert engine.rows("SELECT sum(x) AS s FROM scratch") == [{"s": 6}]
    assert "scratch" not in engine.tables()
    engine.drop_temp("scratch")
    with pytest.raises(Exception):  # noqa: B017 - each engine has its own error type
        engine.query("SELECT * FROM scratch")


EXPORT_SQL = (
    "SELECT doc_id, title, char_count, is_judgment, ingested_at, "
    "DATE '2024-01-02' AS d, CAST(NULL AS VARCHAR) AS nothing "
    "FROM documents ORDER BY doc_id"
)


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_export_and_read_back(engine: Engine, tmp_path: Path, fmt: str) -> None:
    engine.insert_new(DOCS, docs("a", "b", title='判决书, "引号"'))
    path = tmp_path / "out" / f"docs.{fmt}"
    assert engine.export(EXPORT_SQL, path, fmt) == 2
    if fmt == "parquet":
        back = pq.read_table(path).to_pylist()
        assert back[1] == {
            "doc_id": "b", "title": '判决书, "引号"', "char_count": 10, "is_judgment": True,
            "ingested_at": dt.datetime(2024, 5, 1, 8, 30, 1), "d": dt.date(2024, 1, 2),
            "nothing": None,
        }
    elif fmt == "csv":
        with path.open(encoding="utf-8", newline="") as handle:
            back = list(csv.DictReader(handle))
        assert back[1] == {
            "doc_id": "b", "title": '判决书, "引号"', "char_count": "10", "is_judgment": "true",
            "ingested_at": "2024-05-01 08:30:01", "d": "2024-01-02", "nothing": "",
        }
    else:
        back = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        assert back[1] == {
            "doc_id": "b", "title": '判决书, "引号"', "char_count": 10, "is_judgment": True,
            "ingested_at": "2024-05-01 08:30:01", "d": "2024-01-02", "nothing": None,
        }
    assert len(back) == 2


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_export_of_no_rows(engine: Engine, tmp_path: Path, fmt: str) -> None:
    engine.create_table(DOCS)
    path = tmp_path / f"none.{fmt}"
    assert engine.export("SELECT doc_id, title FROM documents", path, fmt) == 0
    if fmt == "parquet":
        assert pq.read_table(path).column_names == ["doc_id", "title"]
    elif fmt == "csv":
        assert path.read_text("utf-8").splitlines() == ["doc_id,title"]
    else:
        assert path.read_text("utf-8") == ""


def test_export_refuses_unknown_format(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        engine.export("SELECT 1 AS x", tmp_path / "x.xlsx", "xlsx")


def test_open_engine_paths(tmp_path: Path) -> None:
    store = open_engine("duckdb", tmp_path)
    store.close()
    assert (tmp_path / "jiandu.duckdb").is_file()
    with pytest.raises(ValueError, match="unknown engine"):
        open_engine("oracle", tmp_path)


def test_bulk_load_puts_off_duckdb_checkpoints_and_restores_the_threshold(tmp_path: Path) -> None:
    from jiandu.engines.duckdb_engine import DuckDBEngine

    def threshold(engine: DuckDBEngine) -> str:
        return str(engine.con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()[0])

    engine = DuckDBEngine(tmp_path / "store.duckdb")
    try:
        engine.ensure_tables([table("ingest_runs")])
        before = threshold(engine)
        with engine.bulk_load():
            assert threshold(engine) != before
            assert threshold(engine).startswith("64")
        assert threshold(engine) == before
        with pytest.raises(ValueError), engine.bulk_load():
            raise ValueError("a failed ingest")
        assert threshold(engine) == before
    finally:
        engine.close()
