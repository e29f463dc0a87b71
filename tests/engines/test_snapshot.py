"""Read snapshots and the writer's lock, with real processes (DuckDB's file locks are per process).

The attack these defend against is ordinary: a reader in another process (the web server) that
holds the store read-only makes every writer fail, and a writer makes every reader fail.
"""

from __future__ import annotations

import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from jiandu.engines import DUCKDB_FILE, snapshot
from jiandu.engines.duckdb_engine import DuckDBEngine
from jiandu.locks import StoreBusy, describe_process, holder_pid, lock_wait_seconds
from jiandu.web.analytic import UPDATING, AnalyticReader, AnalyticUnavailable
from jiandu.workspace import Workspace, WorkspaceBusy

HOLD = (
    "import duckdb, sys\n"
    "con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro')\n"
    "print('held', flush=True)\n"
    "for line in sys.stdin:\n"
    "    print(con.execute(line).fetchall(), flush=True)\n"
)


class Holder:
    """Another process holding a DuckDB file (read-only or for writing) until closed."""

    def __init__(self, path: Path, mode: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(path), mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None and self.proc.stdin is not None
        first = self.proc.stdout.readline().strip()
        assert first == "held", self.proc.stderr.read() if self.proc.stderr else first

    def query(self, sql: str) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(sql + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.communicate(input="", timeout=30)


@pytest.fixture
def holders() -> Iterator[list[Holder]]:
    started: list[Holder] = []
    yield started
    for h in started:
        h.close()


def _store(root: Path, rows: int) -> Workspace:
    ws = Workspace(root)
    ws.init("duckdb")
    engine = ws.open_engine()
    try:
        engine.execute(f"CREATE OR REPLACE TABLE t AS SELECT range AS i FROM range({rows})")
    finally:
        engine.close()
    return ws


def _count(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        row = con.execute("SELECT count(*) FROM t").fetchone()
        return int(row[0]) if row else -1
    finally:
        con.close()


def test_duckdb_allows_a_writer_or_readers_never_both(tmp_path: Path, holders: list[Holder]) -> None:
    """The cause, measured: a read-only holder in another process keeps every writer out."""
    path = tmp_path / "x.duckdb"
    duckdb.connect(str(path)).close()
    holders.append(Holder(path, "ro"))
    with pytest.raises(StoreBusy) as refused:
        DuckDBEngine(path, lock_wait=0)
    assert refused.value.holder.endswith(f"(PID {holders[0].proc.pid})")
    holders.append(Holder(path, "ro"))  # several readers are fine


def test_writer_waits_bounded_and_names_the_holder(
    tmp_path: Path, holders: list[Holder], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _store(tmp_path / "ws", 10)
    holders.append(Holder(ws.root / DUCKDB_FILE, "rw"))
    monkeypatch.setenv("JIANDU_LOCK_WAIT", "1.5")
    begin = time.monotonic()
    with pytest.raises(WorkspaceBusy) as refused:
        ws.open_engine()
    waited = time.monotonic() - begin
    assert 1.5 <= waited < 20
    message = str(refused.value)
    assert "分析库" in message and "正被另一进程占用" in message and "已等待" in message
    assert "analytic store" in message and f"PID {holders[0].proc.pid}" in message
    assert "JIANDU_LOCK_WAIT" in message

    # released while the writer waits: it goes ahead
    holders[0].close()
    late = subprocess.Popen(
        [sys.executable, "-c", HOLD.replace("for line", "import time; time.sleep(1.5)\nfor line"),
         str(ws.root / DUCKDB_FILE), "rw"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert late.stdout is not None and late.stdout.readline().strip() == "held"
    late.stdin.close()  # type: ignore[union-attr]  # it exits after its sleep
    monkeypatch.setenv("JIANDU_LOCK_WAIT", "60")
    engine = ws.open_engine()
    engine.close()
    late.wait(timeout=30)


def test_lock_wait_setting_is_checked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("JIANDU_LOCK_WAIT", raising=False)
    assert lock_wait_seconds() == 30
    monkeypatch.setenv("JIANDU_LOCK_WAIT", "0")
    assert lock_wait_seconds() == 0
    for bad in ("soon", "-1", "1e9", "nan"):
        monkeypatch.setenv("JIANDU_LOCK_WAIT", bad)
        with pytest.raises(ValueError, match="JIANDU_LOCK_WAIT"):
            lock_wait_seconds()
    ws = Workspace(tmp_path / "ws")
    ws.init("duckdb")
    with pytest.raises(Exception, match="JIANDU_LOCK_WAIT") as refused:
        _store(tmp_path / "ws", 1)
    assert type(refused.value).__name__ == "WorkspaceError"


def test_holder_is_named_from_the_lock_error(tmp_path: Path) -> None:
    message = (
        'IO Error: Could not set lock on file "/x": Conflicting lock is held in /usr/bin/python3 (PID 4242)'
    )
    assert holder_pid(message) == 4242
    assert holder_pid("no pid here") is None
    assert "未知进程" in describe_process(None)
    script = tmp_path / "jiandu"  # a process started as the jiandu command line
    script.write_text("import time\ntime.sleep(30)\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), "--workspace", str(tmp_path), "run", "civil.x"])
    try:
        deadline = time.monotonic() + 10
        while "run" not in describe_process(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert describe_process(proc.pid) == f"jiandu run civil.x (PID {proc.pid})"
    finally:
        proc.kill()
        proc.wait()


def test_readers_of_the_snapshot_never_block_the_writer(tmp_path: Path, holders: list[Holder]) -> None:
    ws = _store(tmp_path / "ws", 100)
    live = ws.root / DUCKDB_FILE
    first = snapshot.current(live)
    assert first is not None and _count(first.path) == 100
    reader = Holder(first.path, "ro")
    holders.append(reader)

    engine = ws.open_engine()  # not refused: the reader holds a copy, not the live file
    try:
        engine.execute("INSERT INTO t SELECT range FROM range(5)")
        assert reader.query("SELECT count(*) FROM t") == "[(100,)]"  # a half-done run is not seen
    finally:
        engine.close()
    second = snapshot.current(live)
    assert second is not None and second.path != first.path and _count(second.path) == 105
    assert first.path.is_file(), "a snapshot a reader holds is not removed"
    assert reader.query("SELECT count(*) FROM t") == "[(100,)]"

    reader.close()
    engine = ws.open_engine()
    try:
        engine.execute("INSERT INTO t SELECT range FROM range(1)")
    finally:
        engine.close()
    third = snapshot.current(live)
    assert third is not None and _count(third.path) == 106
    assert sorted(p.name for p in snapshot.snapshot_dir(live).glob("*.duckdb")) == [third.path.name]


def test_unchanged_store_is_not_copied_again(tmp_path: Path) -> None:
    ws = _store(tmp_path / "ws", 10)
    live = ws.root / DUCKDB_FILE
    before = snapshot.current(live)
    engine = ws.open_engine()
    try:
        assert engine.count("t") == 10  # reading changes nothing
    finally:
        engine.close()
    assert snapshot.current(live) == before


def test_no_snapshot_of_a_run_that_failed(tmp_path: Path) -> None:
    ws = _store(tmp_path / "ws", 10)
    live = ws.root / DUCKDB_FILE
    before = snapshot.current(live)
    with pytest.raises(RuntimeError, match="model crashed"), ws.open_engine() as engine:
        engine.execute("INSERT INTO t SELECT range FROM range(7)")
        raise RuntimeError("model crashed half-way")
    assert snapshot.current(live) == before  # readers keep the last finished state
    assert before is not None and _count(before.path) == 10


def test_sandboxed_engine_publishes(tmp_path: Path) -> None:
    """A run's engine is sandboxed (no file access, locked configuration) and still publishes."""
    ws = _store(tmp_path / "ws", 3)
    engine = ws.open_engine()
    try:
        engine.enter_sandbox()
        engine.append("t", pa.table({"i": pa.array([7], pa.int64())}))
    finally:
        engine.close()
    published = snapshot.current(ws.root / DUCKDB_FILE)
    assert published is not None and _count(published.path) == 4


def test_snapshot_files_are_private(tmp_path: Path) -> None:
    ws = _store(tmp_path / "ws", 3)
    folder = snapshot.snapshot_dir(ws.root / DUCKDB_FILE)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_web_reads_the_snapshot_and_says_when_there_is_none(tmp_path: Path, holders: list[Holder]) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.init("duckdb")
    reader = AnalyticReader(ws.root)
    with pytest.raises(AnalyticUnavailable, match="尚未建立"):
        reader.model_runs()
    duckdb.connect(str(ws.root / DUCKDB_FILE)).close()  # a store written by a tool that does not publish
    with pytest.raises(AnalyticUnavailable, match=UPDATING):
        reader.model_runs()

    engine = ws.open_engine()
    try:
        engine.execute("CREATE TABLE documents AS SELECT 'd1' AS doc_id, '标题' AS title, '正文' AS text")
    finally:
        engine.close()
    holders.append(Holder(ws.root / DUCKDB_FILE, "rw"))  # a run is writing the live store right now
    assert reader.documents(["d1"])["d1"]["text"] == "正文"

    pointer = snapshot.snapshot_dir(ws.root / DUCKDB_FILE) / snapshot.POINTER
    pointer.write_text(pointer.read_text().replace(".duckdb", "0.duckdb"), encoding="utf-8")
    with pytest.raises(AnalyticUnavailable, match=UPDATING):  # a vanished snapshot: a notice, not a 500
        reader.documents(["d1"])
    pointer.write_text('{"file": "../jiandu.duckdb"}', encoding="utf-8")  # never outside snapshots/
    with pytest.raises(AnalyticUnavailable, match=UPDATING):
        reader.documents(["d1"])


def test_readers_in_one_process_share_a_snapshot(tmp_path: Path) -> None:
    """DuckDB refuses a second connection to an open file with another configuration: every
    reader goes through `open_current`, so the web's readers never refuse each other."""
    ws = Workspace(tmp_path / "ws")
    ws.init("duckdb")
    engine = ws.open_engine()
    try:
        engine.execute("CREATE TABLE documents AS SELECT 'd1' AS doc_id, '标题' AS title, '正文' AS text")
    finally:
        engine.close()
    live = ws.root / DUCKDB_FILE
    first = snapshot.open_current(live)
    assert first is not None
    try:
        second = snapshot.open_current(live)
        assert second is not None
        second.close()
        assert AnalyticReader(ws.root).documents(["d1"])["d1"]["title"] == "标题"
    finally:
        first.close()


def test_serve_publishes_a_store_written_without_snapshots(
    tmp_path: Path, holders: list[Holder], capsys: pytest.CaptureFixture[str]
) -> None:
    """`jiandu serve` on a store from before snapshots: it publishes one, unless a writer holds
    the store right now (then it does not wait: that writer publishes when it finishes)."""
    from jiandu.cli.serve_cmd import publish_if_stale

    ws = Workspace(tmp_path / "ws")
    ws.init("duckdb")
    live = ws.root / DUCKDB_FILE
    con = duckdb.connect(str(live))  # written by a tool that does not publish
    con.execute("CREATE TABLE documents AS SELECT 'd1' AS doc_id, '标题' AS title, '正文' AS text")
    con.close()
    holders.append(Holder(live, "rw"))
    begin = time.monotonic()
    publish_if_stale(ws)
    assert time.monotonic() - begin < 10 and snapshot.current(live) is None
    assert f"PID {holders[0].proc.pid}" in " ".join(capsys.readouterr().err.split())
    holders[0].close()
    publish_if_stale(ws)
    published = snapshot.current(live)
    assert published is not None and published.matches(live)
    assert AnalyticReader(ws.root).documents(["d1"])["d1"]["text"] == "正文"
    publish_if_stale(ws)  # up to date: nothing copied again
    assert snapshot.current(live) == published

