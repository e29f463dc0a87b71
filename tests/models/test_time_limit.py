"""A model that runs too long is interrupted and recorded as failed, with the reason.

The slow model is a spec whose SQL joins a generated table with itself (tens of billions of
pairs); the table is built at test time with trusted SQL, the spec passes the guard, and the
runner's time limit is what stops it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jiandu.cli.context import console, err_console
from jiandu.cli.main import app
from jiandu.engines import open_engine
from jiandu.models.runner import DEFAULT_TIME_LIMIT, default_time_limit, run_model
from jiandu.models.spec import parse_spec
from jiandu.schema.derived import derived_table
from jiandu.workspace import Workspace
from tests.models import county
from tests.models.helpers import framework_only, minimal_data

SLOW_SQL = (
    "SELECT a.party_key AS subject_key, min(a.party_name) AS subject_name, "
    "least(1.0, count(*) / :n) AS volume "
    "FROM party_stats AS a JOIN party_stats AS b ON a.suits + b.suits > 0 "
    "GROUP BY a.party_key"
)


def slow_spec() -> object:
    return parse_spec(minimal_data(sql=SLOW_SQL))


def test_a_long_model_is_stopped_and_recorded(tmp_path: Path) -> None:
    engine = open_engine("duckdb", tmp_path / "ws")
    try:
        engine.ensure_tables([derived_table("model_runs"), derived_table("party_mentions")])
        engine.execute(
            "CREATE TABLE party_stats AS SELECT 'k' || CAST(range AS VARCHAR) AS party_key, "
            "'甲' AS party_name, 1 AS suits FROM range(300000)"
        )
        spec = slow_spec()
        t0 = time.perf_counter()
        report = run_model(engine, spec, spec.resolve(), run_id="run-slow", time_limit=1.5)  # type: ignore[arg-type]
        seconds = time.perf_counter() - t0
        assert report.status == "failed" and seconds < 15
        assert "时间限制 1.5 秒" in report.message and "time limit of 1.5 s" in report.message
        (row,) = engine.rows("SELECT status, message, clues FROM model_runs WHERE run_id = 'run-slow'")
        assert row["status"] == "failed" and "时间限制" in row["message"] and row["clues"] == 0
        assert engine.count("party_stats") == 300_000  # the engine goes on after the interrupt
    finally:
        engine.close()


def test_the_default_limit_and_its_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JIANDU_MODEL_TIME_LIMIT", raising=False)
    assert default_time_limit() == DEFAULT_TIME_LIMIT == 600.0
    monkeypatch.setenv("JIANDU_MODEL_TIME_LIMIT", "90")
    assert default_time_limit() == 90.0
    for bad in ("-1", "0", "soon", "nan"):
        monkeypatch.setenv("JIANDU_MODEL_TIME_LIMIT", bad)
        with pytest.raises(ValueError, match="JIANDU_MODEL_TIME_LIMIT"):
            default_time_limit()


def test_run_command_takes_a_time_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    framework_only(monkeypatch)
    monkeypatch.setattr(console, "width", 250)
    monkeypatch.setattr(err_console, "width", 250)
    ws = Workspace(tmp_path / "ws")
    ws.init("duckdb")
    engine = ws.open_engine()
    try:
        county.load(engine, county.baseline())
    finally:
        engine.close()
    runner = CliRunner()
    args = ["--workspace", str(ws.root), "run", "--no-sync"]
    stopped = runner.invoke(app, [*args, "--time-limit", "0.001"])
    assert stopped.exit_code == 1 and "time limit of 0.001 s" in stopped.output
    ok = runner.invoke(app, [*args, "--time-limit", "120"])
    assert ok.exit_code == 0, ok.output
