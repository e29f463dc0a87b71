"""claim_wording's shingle rows: documents keyed by a 64-bit hash of their id, checked for clashes;
the corpus-wide counts split into passes give the rows one pass gives; a daily batch updates the
kept shingles, document counts, excluded shingles and bands to the rows a full build gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from jiandu.engines.base import Engine
from jiandu.engines.duckdb_engine import DuckDBEngine
from jiandu.models.civil.operators import claim_wording as cw
from jiandu.models.operators import OperatorReport, update_derived
from tests.engine_support import make_engine, sorted_rows
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
        # scratch and kept tables dropped all the same: the next run builds in full
        assert not [t for t in engine.tables() if t.startswith("claim_wording_")]
        assert not [t for t in engine.tables() if t.startswith("claim_wording__")]
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


# plaintiffs of one suit each, all pleading STANDARD (authors are counted by plaintiff name)
AUTHORS = ("周建", "王丽", "李强", "赵敏", "钱进", "孙红", "吴刚", "郑洁", "冯涛", "陈静", "褚明")


def _update(engine: Engine, run_id: str, *, force: bool = False) -> OperatorReport:
    return update_derived(engine, run_id=run_id, operators=[cw.ClaimWording()], force=force)[0]


def _outputs(engine: Engine) -> dict[str, list[dict[str, object]]]:
    return {t: sorted_rows(engine.rows(f"SELECT * FROM {t}")) for t in cw.ClaimWording().outputs}


def _batch_then_full(engine: Engine) -> tuple[dict[str, list[dict[str, object]]], list[dict[str, object]]]:
    """The outputs after the batch's update, checked equal to a full build's; its clusters."""
    report = _update(engine, "m2")
    assert report.status == "incremental", report
    updated = _outputs(engine)
    assert _update(engine, "m3", force=True).status == "built"
    assert _outputs(engine) == updated
    return updated, updated["claim_wording"]


def test_a_batch_joins_and_forms_clusters_as_a_full_build(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIANDU_WORKERS", "1")
    load(engine, series("周建", 4, 100, wording=STANDARD) + series("赵敏", 6, 400), run_id="run-1")
    assert _update(engine, "m1").status == "built"
    before = engine.rows("SELECT doc_id, cluster_size FROM claim_wording")
    assert {r["cluster_size"] for r in before} == {4}
    batch = series("周建", 2, 500, wording=STANDARD) + series("王丽", 3, 200, wording=OTHER_STANDARD)
    load(engine, batch, run_id="run-2")
    _, rows = _batch_then_full(engine)
    sizes = sorted((r["cluster_size"], r["doc_id"] in {s.doc_id for s in batch}) for r in rows)
    # the old cluster grew by the batch's two; the batch's own standard made a cluster of three
    assert sizes == [(3, True)] * 3 + [(6, False)] * 4 + [(6, True)] * 2


def test_a_shingle_that_starts_to_count_as_boilerplate_undoes_old_clusters(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten plaintiffs share a wording: at most MIN_DF_CAP authors, so its shingles count and the
    ten documents cluster. An eleventh makes them boilerplate: the old documents' band keys must
    be recomputed although the batch did not touch them, and the cluster goes."""
    monkeypatch.setenv("JIANDU_WORKERS", "1")
    assert len(AUTHORS) == cw.MIN_DF_CAP + 1
    first = [
        s for i, name in enumerate(AUTHORS[:-1]) for s in series(name, 1, 100 * (i + 1), wording=STANDARD)
    ]
    load(engine, first, run_id="run-1")
    assert _update(engine, "m1").status == "built"
    assert {r["cluster_size"] for r in engine.rows("SELECT cluster_size FROM claim_wording")} == {10}
    load(engine, series(AUTHORS[-1], 1, 5000, wording=STANDARD), run_id="run-2")
    updated, rows = _batch_then_full(engine)
    assert rows == []
    assert updated["claim_wording_excluded"]  # the shared wording's shingles no longer count


def test_a_batch_adds_only_its_documents_shingles_and_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The update shingles the batch alone and adds its counts to the kept ones. After an update
    that stopped midway (rows of the batch's documents held, added to the counts or not), the
    next one builds in full rather than count them twice."""
    monkeypatch.setenv("JIANDU_WORKERS", "1")
    engine = DuckDBEngine()
    try:
        load(engine, series("周建", 4, 100, wording=STANDARD), run_id="run-1")
        _update(engine, "m1")
        shingled: list[int] = []
        batch_of = cw._shingles_of_batch
        monkeypatch.setattr(cw, "_shingles_of_batch", lambda t: shingled.append(t.num_rows) or batch_of(t))
        counted = f"SELECT sum(docs) AS n FROM {cw._COUNTS.name}"
        rows = f"SELECT count(*) AS n FROM {cw._SHINGLES.name} WHERE shingle >= 0"
        regions = f"SELECT count(*) AS n FROM {cw._SHINGLES.name} WHERE shingle < 0"

        load(engine, series("周建", 2, 500, wording=STANDARD), run_id="run-2")
        assert _update(engine, "m2").status == "incremental"
        assert sum(shingled) == 2
        assert engine.rows(counted)[0]["n"] == engine.rows(rows)[0]["n"]
        assert {r["cluster_size"] for r in engine.rows("SELECT cluster_size FROM claim_wording")} == {6}

        batch = series("周建", 2, 700, wording=STANDARD)
        load(engine, batch, run_id="run-3")
        ids = "', '".join(s.doc_id for s in batch)
        # as if an update had written the batch's rows and stopped
        engine.map_arrow(f"{cw.TEXTS_SQL} AND d.doc_id IN ('{ids}')", batch_of, cw._SHINGLES, append=True)
        shingled.clear()
        assert _update(engine, "m3").status == "incremental"
        assert sum(shingled) == 8  # built in full
        assert engine.rows(regions)[0]["n"] == 8  # replaced, not counted twice
        assert engine.rows(counted)[0]["n"] == engine.rows(rows)[0]["n"]
        assert {r["cluster_size"] for r in engine.rows("SELECT cluster_size FROM claim_wording")} == {8}
        assert not [t for t in engine.tables() if t.startswith("claim_wording__")]
    finally:
        engine.close()
