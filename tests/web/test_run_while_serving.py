"""Running while serving (issue 12 §6): `jiandu run` while `jiandu serve` is up, for real.

`jiandu serve` runs in a subprocess on the hand-built county; a thread logged in as a user loads
pages that read the analytic store (model runs, evidence documents) and the workflow store the
whole time, while `jiandu run` runs twice. Before read snapshots every run failed on DuckDB's
file lock (the web held the file read-only) and a clue sync once died with a raw traceback.

Also here: a clue sync that fails half-way leaves the workflow store exactly as it was.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

import jiandu.models.clues as model_clues
from jiandu.cli.main import app
from jiandu.engines import DUCKDB_FILE, snapshot
from jiandu.models.clues import load_clues
from jiandu.workflow import Store, add_user, install_defaults, system_principal
from jiandu.workflow.tables import Clue, Event
from jiandu.workspace import Workspace
from tests.models import county

PASSWORD = "running while serving 1"
MODEL = "civil.repeat_plaintiff_basic"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
RUN_ID = re.compile(r"Run (\S+)")
JIANDU = [sys.executable, "-c", "import sys; from jiandu.cli.main import app; sys.argv[0] = 'jiandu'; app()"]


def jiandu(root: Path, *args: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the `jiandu` command line in its own process (as cron would)."""
    return subprocess.run(
        [*JIANDU, "--workspace", str(root), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "JIANDU_WORKFLOW_URL": "", "COLUMNS": "200", **env},
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout


@pytest.fixture
def county_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The hand-built county in the analytic store, the default jurisdictions and one admin."""
    monkeypatch.delenv("JIANDU_WORKFLOW_URL", raising=False)
    ws = Workspace(tmp_path / "ws")
    ws.init("duckdb")
    engine = ws.open_engine()
    try:
        county.load(engine, county.baseline())
    finally:
        engine.close()
    store = Store.for_workspace(ws.root)
    try:
        with store.write() as s:
            install_defaults(s)
            system = system_principal(s)
            add_user(s, system, "web_admin", role="admin", jurisdiction_code="330000", password=PASSWORD)
    finally:
        store.close()
    return ws.root


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(county_workspace: Path) -> Iterator[str]:
    """`jiandu serve` on the county workspace, in its own process; yields the base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [*JIANDU, "--workspace", str(county_workspace), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "JIANDU_WORKFLOW_URL": ""},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, f"jiandu serve exited: {proc.communicate()[0]}"
            assert time.monotonic() < deadline, "jiandu serve did not come up in 60 s"
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            output = proc.communicate(timeout=20)[0]
        except subprocess.TimeoutExpired:
            proc.kill()
            output = proc.communicate()[0]
        assert "Traceback" not in output, output


def logged_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    token = CSRF.search(client.get("/login").text)
    assert token
    response = client.post(
        "/login", data={"username": "web_admin", "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert response.status_code == 303, response.text[:500]
    return client


@dataclass
class Loads:
    """What the page-loading thread saw: (seconds since start, path, status, notice shown)."""

    seen: list[tuple[float, str, int, bool]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)


def load_pages(client: httpx.Client, loads: Loads, started: float) -> None:
    """Load pages until told to stop; every page that reads the analytic store is among them."""
    while not loads.stop.is_set():
        try:
            clues = client.get("/api/clues", params={"limit": 5})
            paths = ["/clues", "/models", f"/models/{MODEL}", f"/api/models/{MODEL}"]
            if clues.status_code == 200 and clues.json()["items"]:
                first = clues.json()["items"][0]["clue_id"]
                paths += [f"/clues/{first}", f"/api/clues/{first}/documents"]
            loads.seen.append((time.monotonic() - started, "/api/clues", clues.status_code, False))
            for path in paths:
                response = client.get(path)
                notice = "正在更新" in response.text or "不在分析库中" in response.text
                loads.seen.append((time.monotonic() - started, path, response.status_code, notice))
                if response.status_code != 200:
                    loads.errors.append(f"{path}: {response.status_code} {response.text[:300]}")
        except httpx.HTTPError as exc:  # a refused or dropped connection is a failure too
            loads.errors.append(f"{type(exc).__name__}: {exc}")


def analytic_clue_ids(root: Path) -> set[str]:
    """The clue ids of the published snapshot (what the web reads) — read-only, like the web."""
    published = snapshot.current(root / DUCKDB_FILE)
    assert published is not None
    con = duckdb.connect(str(published.path), read_only=True)
    try:
        return {r[0] for r in con.execute("SELECT clue_id FROM clues").fetchall()}
    finally:
        con.close()


@pytest.mark.slow
def test_run_twice_while_serving_and_loading_pages(served: str, county_workspace: Path) -> None:
    root = county_workspace
    client = logged_in(served)
    loads = Loads()
    started = time.monotonic()
    loader = threading.Thread(target=load_pages, args=(client, loads, started), daemon=True)
    loader.start()
    windows, run_ids = [], []
    try:
        time.sleep(1.0)  # pages load before the first run starts
        for _ in range(2):
            begin = time.monotonic() - started
            out = ok(jiandu(root, "run"))
            windows.append((begin, time.monotonic() - started))
            run_ids.append(RUN_ID.search(out).group(1))  # type: ignore[union-attr]
            assert "synced" in out
            time.sleep(0.5)
    finally:
        loads.stop.set()
        loader.join(timeout=60)
    assert not loads.errors, loads.errors[:5]
    assert all(status == 200 for _, _, status, _ in loads.seen)
    # a snapshot was published before the server started: no page ever had to say "updating",
    # and no evidence document was missing from what the web read
    assert not [path for _, path, _, notice in loads.seen if notice]
    for begin, end in windows:  # pages were really loaded while each run held the store
        during = [path for at, path, _, _ in loads.seen if begin <= at <= end]
        assert len(during) >= 3, (begin, end, len(loads.seen))

    # the web shows the last finished run: both runs are on the model page now
    page = client.get(f"/models/{MODEL}").text
    assert all(run_id in page for run_id in run_ids)
    documents = client.get(f"/api/clues/{client.get('/api/clues').json()['items'][0]['clue_id']}/documents")
    assert documents.status_code == 200 and documents.json()["documents"]
    client.close()

    # old snapshots were removed (one more may remain if a page held it during the last publish)
    assert 1 <= len(list(snapshot.snapshot_dir(root / DUCKDB_FILE).glob("*.duckdb"))) <= 2

    # clue counts agree, nothing was lost, the chain is intact
    expected = analytic_clue_ids(root)
    assert expected
    store = Store.for_workspace(root)
    try:
        with store.read() as s:
            stored = set(s.execute(select(Clue.clue_id)).scalars())
            created = s.execute(
                select(func.count()).select_from(Event).where(Event.kind == "created")
            ).scalar_one()
    finally:
        store.close()
    assert stored == expected
    assert created == len(expected)  # every clue created once; the second run changed nothing
    verify = jiandu(root, "audit", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "Traceback" not in verify.stderr


@pytest.mark.slow
def test_run_waits_for_another_writer_then_says_who(county_workspace: Path) -> None:
    """A run that finds the store held by another writer waits (bounded) and names the holder."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
            "sys.stdin.read()",
            str(county_workspace / DUCKDB_FILE),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        begin = time.monotonic()
        refused = jiandu(county_workspace, "run", JIANDU_LOCK_WAIT="2")
        waited = time.monotonic() - begin
    finally:
        holder.communicate(input="", timeout=30)
    assert refused.returncode != 0
    assert "Traceback" not in refused.stderr + refused.stdout
    message = " ".join((refused.stderr + refused.stdout).split())
    assert "正被另一进程占用" in message and "held by another process" in message
    assert f"PID {holder.pid}" in message and "JIANDU_LOCK_WAIT" in message
    assert waited >= 2

    # released within the wait: the run goes ahead
    late = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
            "time.sleep(2); c.close()",
            str(county_workspace / DUCKDB_FILE),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert late.stdout is not None and late.stdout.readline().strip() == "held"
    out = ok(jiandu(county_workspace, "run", JIANDU_LOCK_WAIT="60"))
    late.wait(timeout=30)
    assert "synced" in out


def _store_state(root: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    store = Store.for_workspace(root)
    try:
        with store.read() as s:
            clues = [tuple(r) for r in s.execute(select(Clue.clue_id, Clue.score, Clue.band)).all()]
            events = [tuple(r) for r in s.execute(select(Event.seq, Event.hash)).all()]
    finally:
        store.close()
    return sorted(clues), sorted(events)


def test_clue_sync_is_all_or_nothing(county_workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sync that fails after a thousand good clues keeps none of them and says so."""
    root = county_workspace
    runner = CliRunner()
    first = runner.invoke(app, ["--workspace", str(root), "run"])
    assert first.exit_code == 0, first.output
    before = _store_state(root)
    assert before[0], "the county run should have synced clues"
    engine = Workspace(root).open_engine()
    try:
        good = load_clues(engine)[0]
    finally:
        engine.close()
    many = [dict(good, clue_id=f"{n:032x}", score=50.0, band="yellow") for n in range(1500)]
    many.append(dict(good, clue_id="f" * 32, band="purple"))  # the 1501st: refused mid-sync
    monkeypatch.setattr(model_clues, "read_clues", lambda engine, **kw: many)
    failed = runner.invoke(app, ["--workspace", str(root), "clues", "sync"])
    assert failed.exit_code == 1, failed.output
    message = " ".join(failed.stderr.split())
    assert "线索同步失败，已全部回滚，工作流库未改动" in message and "rolled back" in message
    assert "purple" in message and "1501 clues not synced" in message
    assert failed.exception is None or isinstance(failed.exception, SystemExit)
    assert _store_state(root) == before  # not one of the 1500 good clues, not one event
    verified = runner.invoke(app, ["--workspace", str(root), "audit", "verify"])
    assert verified.exit_code == 0, verified.output
