"""claim_wording's shingle rows: documents keyed by a 64-bit hash of their id, checked for clashes;
the corpus-wide counts split into passes give the rows one pass gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from jiandu.engines.base import Engine
from jiandu.engines.duckdb_engine import DuckDBEngine
from jiandu.models.civil.operators import claim_wording as cw
from tests.engine_support import make_engine
from tests.models.civil.support import OTHER_STANDARD, STANDARD, load, series


def test_document_keys_are_stable_and_distinct() -> None:
    # the same in every worker process and on every executor (no per-process hash seed)
    assert cw._doc_key("甲") == cw._doc_key("甲") == 9_087_103_938_155_524_026
    keys = {cw._doc_key(f"(2024)浙0102民初{i}号") for i in range(50_000)}
    assert len(keys) == 50_000


def test_a_key_shared_by_two_documents_stops_the_operator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIANDU_WORKERS", "1")  # the patched key is used in this process
    engine = DuckDBEngine()
    try:
        load(engine, series("周建", 3, 100, wording=STANDARD))
        assert cw.ClaimWording().run(engine) == 3  # one cluster of three pleadings
        monkeypatch.setattr(cw, "_doc_key", lambda doc_id: 7)
        with pytest.raises(RuntimeError, match="share a 64-bit key"):
            cw.ClaimWording().run(engine)
        assert not engine.table_exists(cw._SHINGLES.name)  # scratch tables dropped all the same
    finally:
        engine.close()


def test_passes_give_the_rows_of_one_pass(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIANDU_WORKERS", "1")
    suits = (
        series("周建", 4, 100, wording=STANDARD)
        + series("王丽", 3, 200, wording=OTHER_STANDARD)
        + series("李强", 3, 300, wording=STANDARD)
        + series("赵敏", 6, 400)
    )
    load(engine, suits)
    passes: list[int] = []
    excluded_sql = cw._excluded_sql
    monkeypatch.setattr(cw, "_excluded_sql", lambda n, at: passes.append(n) or excluded_sql(n, at))

    def run() -> list[dict[str, object]]:
        cw.ClaimWording().run(engine)
        return engine.rows("SELECT * FROM claim_wording ORDER BY kind, doc_id")

    one = run()
    assert set(passes) == {1}
    assert {r["cluster_size"] for r in one} == {3, 7}  # 周建 and 李强 share STANDARD; 王丽 its own
    passes.clear()
    monkeypatch.setattr(cw, "_passes", lambda shingle_rows: 3)
    assert run() == one
    assert set(passes) == {3}


def test_passes_are_bounded_by_shingle_rows() -> None:
    per = cw.ROWS_PER_PASS
    assert [cw._passes(n) for n in (0, 1, per, per + 1, 8 * per)] == [1, 1, 1, 2, 8]


@pytest.mark.spark
@pytest.mark.slow
def test_spark_finds_the_clusters_duckdb_finds(tmp_path: Path) -> None:
    """The same clusters, row for row, on both engines: the pleadings of two shared standard
    wordings (clusters of 7 and 3). A checkout of 6fc55e3 run with its Spark workers importing
    another jiandu wrote 0 rows on Spark and 182 on DuckDB (tests/engines/test_worker_code.py)."""
    suits = (
        series("周建", 4, 100, wording=STANDARD)
        + series("王丽", 3, 200, wording=OTHER_STANDARD)
        + series("李强", 3, 300, wording=STANDARD)
        + series("赵敏", 6, 400)
    )
    found = {}
    for kind in ("duckdb", "spark"):
        engine = make_engine(kind, tmp_path / kind)
        try:
            load(engine, suits)
            count = cw.ClaimWording().run(engine)
            found[kind] = engine.rows("SELECT * FROM claim_wording ORDER BY kind, doc_id")
        finally:
            engine.close()
        assert count == len(found[kind]), kind
    assert found["spark"] == found["duckdb"]
    assert {r["cluster_size"] for r in found["duckdb"]} == {3, 7}
    assert {r["kind"] for r in found["duckdb"]} == {"pleading"}
