"""The web's pooled read connection to the analytic snapshot (`jiandu.engines.snapshot.ReadPool`):
one connection per published snapshot shared by every request, a newly published snapshot read
from the next request on, the old connection closed when its last reader is done, and readers
of the old snapshot undisturbed meanwhile."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

from jiandu.engines import snapshot
from jiandu.web.analytic import NOT_BUILT, AnalyticReader, AnalyticUnavailable


def write_version(live: Path, version: int) -> None:
    con = duckdb.connect(str(live))
    try:
        con.execute("CREATE OR REPLACE TABLE documents (doc_id VARCHAR, title VARCHAR, text VARCHAR)")
        con.execute("INSERT INTO documents VALUES (?, ?, ?)", [f"d{version}", f"版本{version}", "正文"])
        con.execute("CHECKPOINT")
    finally:
        con.close()
    snapshot.publish(live)


def write_version_elsewhere(live: Path, version: int) -> None:
    """`write_version` in another process (as `jiandu run` does while the web serves): its
    publisher sees this process's hold on the old snapshot (file locks are per process)."""
    code = (
        "import sys; from pathlib import Path; from tests.web.test_page_perf_snapshot import write_version; "
    )
    code += "write_version(Path(sys.argv[1]), int(sys.argv[2]))"
    subprocess.run([sys.executable, "-c", code, str(live), str(version)], check=True, cwd=Path.cwd())


def read_version(lease: snapshot.Lease) -> str:
    return str(lease.cursor.execute("SELECT doc_id FROM documents").fetchone()[0])


def test_one_connection_serves_every_use_until_a_new_snapshot(tmp_path: Path) -> None:
    live = tmp_path / "jiandu.duckdb"
    write_version(live, 1)
    pool = snapshot.ReadPool(live, threads=1)
    try:
        with pool.cursor() as a, pool.cursor() as b:
            assert a is not None and b is not None
            assert read_version(a) == read_version(b) == "d1"
            assert "documents" in a.tables
            first = pool._con
            assert a.path == b.path == snapshot.current(live).path  # type: ignore[union-attr]
        with pool.cursor() as c:
            assert c is not None and pool._con is first  # not opened again
            assert c.cursor.execute("SELECT current_setting('threads')").fetchone()[0] == 1
        old = pool.lease()
        assert old is not None
        write_version_elsewhere(live, 2)  # published while a reader here holds version 1
        with pool.cursor() as new:
            assert new is not None and read_version(new) == "d2" and new.path != old.path
            assert pool._con is not first
        assert read_version(old) == "d1"  # the old reader is undisturbed
        assert old.path in pool._retired and old.path.is_file()  # kept: it is held
        old.close()
        assert not pool._retired and not pool._users  # closed with its last reader
        assert snapshot.remove_stale(live) == [old.path]  # so the next publish may delete it
    finally:
        pool.close()


def test_no_snapshot_yet(tmp_path: Path) -> None:
    pool = snapshot.ReadPool(tmp_path / "jiandu.duckdb")
    with pool.cursor() as lease:
        assert lease is None
    reader = AnalyticReader(tmp_path)
    try:
        with reader.source() as source:
            assert source is None
        try:
            reader.documents(["d1"])
        except AnalyticUnavailable as exc:
            assert str(exc) == NOT_BUILT
        else:
            raise AssertionError("documents read without a store")
    finally:
        reader.close()


def test_the_reader_follows_published_snapshots(tmp_path: Path) -> None:
    live = tmp_path / "jiandu.duckdb"
    write_version(live, 1)
    reader = AnalyticReader(tmp_path)
    try:
        assert set(reader.documents(["d1", "d2"])) == {"d1"}
        with reader.source() as source:
            assert source is not None and source.table_exists("documents")
            assert source.rows("SELECT doc_id FROM documents") == [{"doc_id": "d1"}]
        write_version(live, 2)
        assert set(reader.documents(["d1", "d2"])) == {"d2"}
        assert reader.evidence_total("c1") is None  # no clues table in this store
    finally:
        reader.close()
