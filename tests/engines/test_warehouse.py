"""`Warehouse`: the Spark engine's table folders through a filesystem chosen by a path or URI."""

from __future__ import annotations

from pathlib import Path

import pytest

from jiandu.engines.warehouse import Warehouse
from jiandu.workspace import Workspace


@pytest.mark.parametrize("uri", [False, True])
def test_warehouse_reads_writes_moves_and_deletes(tmp_path: Path, uri: bool) -> None:
    root = tmp_path / "wh"
    store = Warehouse(root.as_uri() if uri else root)
    assert store.spark_path("t") == (f"file://{root}/t" if uri else f"{root}/t")
    store.make_dir("t")
    store.write_text("t/_jiandu_schema.json", '{"中文": 1}')
    assert (root / "t" / "_jiandu_schema.json").read_text("utf-8") == '{"中文": 1}'
    assert store.read_text("t/_jiandu_schema.json") == '{"中文": 1}'
    assert store.exists("t") and not store.exists("u")
    store.move("t", "u")
    assert store.folders() == ["u"] and store.files("u") == ["_jiandu_schema.json"]
    store.copy_out("u/_jiandu_schema.json", tmp_path / "copy.json")
    assert (tmp_path / "copy.json").read_text("utf-8") == '{"中文": 1}'
    store.delete_dir("u")
    store.delete_dir("u")  # nothing to delete: no error
    assert store.folders() == []


@pytest.mark.parametrize("uri", [False, True])
def test_warehouse_writes_parquet_through_its_file_system(tmp_path: Path, uri: bool) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = tmp_path / "wh"
    store = Warehouse(root.as_uri() if uri else root)
    assert store.is_local
    store.make_private_dir("_staging/run")
    assert (root / "_staging" / "run").stat().st_mode & 0o777 == 0o700
    rows = pa.table({"doc_id": ["甲", "乙"], "_pos": pa.array([1, 2], pa.int32())})
    with store.open_output("_staging/run/unit.parquet") as sink:
        pq.write_table(rows, sink)
    assert store.read_parquet("_staging/run/unit.parquet") == rows
    assert pq.read_table(root / "_staging" / "run" / "unit.parquet") == rows
    store.delete_dir("_staging/run")
    assert store.folders("_staging") == []


def test_a_unit_stages_its_files_under_a_warehouse_uri(tmp_path: Path) -> None:
    from jiandu.ingest.sources import DEFAULT_TEXT_FIELDS
    from jiandu.ingest.units import plan_units
    from jiandu.ingest.worker import process_unit, read_rejected
    from tests.ingest.test_hostile import doc

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(doc(1), encoding="utf-8")
    (inputs / "b.txt").write_bytes(b"")
    staging = tmp_path / "wh" / "_staging" / "run"
    staging.mkdir(parents=True)
    (unit,) = plan_units([inputs])

    result = process_unit(unit, staging.as_uri(), DEFAULT_TEXT_FIELDS, None)

    assert result.files["documents"] == f"{staging.as_uri()}/unit-0000000-documents.parquet"
    assert all(path.startswith(staging.as_uri()) for path in result.files.values())
    assert sorted(p.name for p in staging.iterdir()) == sorted(
        f"unit-0000000-{name}.parquet" for name in result.files
    )  # no .partial left
    assert [r.code for r in read_rejected(result.files["rejected"])] == ["empty"]


def test_workspace_hands_its_warehouse_uri_to_the_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jiandu.engines

    seen: dict[str, object] = {}

    def fake_open(kind: str, root: Path, spark_master: str | None = None, **options: object) -> object:
        seen.update(kind=kind, **options)
        raise ValueError("stop here")

    monkeypatch.setattr(jiandu.engines, "open_engine", fake_open)
    workspace = Workspace(tmp_path / "ws")
    workspace.init(engine="spark", spark_warehouse="hdfs://namenode:8020/jiandu/warehouse")
    assert workspace.config()["spark_warehouse"] == "hdfs://namenode:8020/jiandu/warehouse"
    with pytest.raises(Exception, match="stop here"):
        workspace.open_engine()
    assert seen["spark_warehouse"] == "hdfs://namenode:8020/jiandu/warehouse"


@pytest.mark.spark
@pytest.mark.slow
def test_spark_store_on_a_file_uri(tmp_path: Path) -> None:
    import pyarrow as pa

    from jiandu.engines import open_engine
    from jiandu.schema import canonical_tables

    documents = canonical_tables()["documents"]
    uri = (tmp_path / "remote" / "warehouse").as_uri()
    store = open_engine("spark", tmp_path / "ws", spark_warehouse=uri)
    try:
        store.create_table(documents)
        store.append("documents", pa.table({"doc_id": ["a", "b", "c"], "text": ["甲", "乙", None]}))
        assert store.materialize("kept", "SELECT doc_id FROM documents WHERE text IS NOT NULL") == 2
        assert store.materialize("kept", "SELECT doc_id FROM kept WHERE doc_id = 'a'") == 1
        assert store.export("SELECT * FROM kept", tmp_path / "kept.csv", "csv") == 1
    finally:
        store.close()
    assert (tmp_path / "kept.csv").read_text("utf-8") == "doc_id\na\n"
    assert not (tmp_path / "ws" / "spark-warehouse").exists()  # nothing in the workspace folder
    assert (tmp_path / "remote" / "warehouse" / "kept" / "_jiandu_schema.json").is_file()
    store = open_engine("spark", tmp_path / "ws", spark_warehouse=uri)
    try:
        assert store.tables() == ["documents", "kept"]
        assert store.rows("SELECT doc_id FROM kept") == [{"doc_id": "a"}]
        store.drop_table("kept")
        assert store.tables() == ["documents"]
    finally:
        store.close()
    assert not (tmp_path / "remote" / "warehouse" / "kept").exists()
