"""End to end: `jiandu run` on the hand-built county, then `jiandu clues sync` into the workflow
store — the clue contract is all the two sides share."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from jiandu.cli.main import app
from jiandu.workflow import Store
from jiandu.workflow.tables import Clue, Event
from jiandu.workspace import Workspace
from tests.models import county

runner = CliRunner()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("JIANDU_WORKFLOW_URL", raising=False)
    ws = Workspace(tmp_path / "ws")
    ws.init("duckdb")
    engine = ws.open_engine()
    try:
        county.load(engine, county.baseline())
    finally:
        engine.close()
    return ws.root


def jiandu(root: Path, *args: str) -> str:
    result = runner.invoke(app, ["--workspace", str(root), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def event_count(root: Path) -> int:
    """Events in the workflow store's log."""
    store = Store.for_workspace(root)
    try:
        with store.read() as s:
            return s.execute(select(func.count()).select_from(Event)).scalar_one()
    finally:
        store.close()


def test_run_then_sync_then_rerun(workspace: Path) -> None:
    jiandu(workspace, "run", "--no-sync")
    exported = [json.loads(line) for line in jiandu(workspace, "clues", "export").splitlines()]
    assert exported, "the county fixture should produce clues"
    assert "added 8 jurisdictions" in jiandu(workspace, "jurisdictions", "defaults")
    out = jiandu(workspace, "clues", "sync")
    assert f"{len(exported)} new" in out
    store = Store.for_workspace(workspace)
    try:
        with store.read() as s:
            rows = {c.clue_id: c for c in s.execute(select(Clue)).scalars()}
            assert set(rows) == {c["clue_id"] for c in exported}
            for c in exported:
                row = rows[c["clue_id"]]
                assert (row.score, row.band, row.model_version) == (c["score"], c["band"], c["model_version"])
                if any((e.get("case_number") or "").startswith(("（20", "(20")) for e in c["evidence"]):
                    assert row.court is not None and row.jurisdiction_code is not None
            events = s.execute(select(func.count()).select_from(Event)).scalar_one()
    finally:
        store.close()
    assert "0 new" in jiandu(workspace, "clues", "sync") and f"{len(exported)} unchanged" in jiandu(
        workspace, "clues", "sync"
    )
    assert event_count(workspace) == events
    assert "chain intact" in jiandu(workspace, "audit", "verify")
    # a plain `jiandu run` upserts its clues itself: a rerun adds none
    assert f"synced {len(exported)} clues: 0 new" in jiandu(workspace, "run")
    assert "chain intact" in jiandu(workspace, "audit", "verify")


def test_a_clue_the_latest_run_no_longer_gives_is_marked_not_found(workspace: Path) -> None:
    """A prosecutor starts on a clue; the model runs again under parameters its data no longer
    meets: the analytic store drops the clue and the sync marks it 未再命中 (the work stays); a
    later failed run moves no mark; a run that finds it again unmarks it."""
    from jiandu.schema.derived import derived_table
    from jiandu.workflow import add_user, assign, system_principal, transition

    def said(*args: str) -> str:  # the output without the terminal's line breaks
        return " ".join(jiandu(workspace, *args).split())

    model = "civil.repeat_plaintiff_basic"
    strict = workspace / "regions" / "strict.yaml"
    strict.parent.mkdir(exist_ok=True)
    strict.write_text(
        f"region: strict\nname_zh: 测试省\nmodels:\n  {model}:\n    min_suits: 1000\n", encoding="utf-8"
    )
    jiandu(workspace, "jurisdictions", "defaults")
    assert "0 no longer found (未再命中), 0 found again" in said("run", model)
    store = Store.for_workspace(workspace)
    try:
        with store.write() as s:
            (found,) = s.execute(select(Clue.clue_id).where(Clue.model_id == model)).scalars().all()
            system = system_principal(s)
            add_user(s, system, "zj_admin", role="admin", jurisdiction_code="330000")
            assign(s, system, found, "zj_admin")
            transition(s, system, found, "verifying")
    finally:
        store.close()

    out = said("run", model, "--region", "strict")
    assert "synced 0 clues" in out and "1 no longer found (未再命中), 0 found again" in out
    store = Store.for_workspace(workspace)
    try:
        with store.read() as s:
            clue = s.execute(select(Clue).where(Clue.clue_id == found)).scalar_one()
            assert clue.not_found_run_id is not None and clue.not_found_run_id != clue.run_id
            assert clue.not_found_at is not None
            assert (clue.status, clue.assignee) == ("verifying", "zj_admin")
            (event,) = s.execute(select(Event).where(Event.kind == "not_found")).scalars().all()
            assert event.entity_id == found
            assert event.before == {"not_found_run_id": None, "run_id": clue.run_id}
            assert event.after == {"not_found_run_id": clue.not_found_run_id}
            events = s.execute(select(func.count()).select_from(Event)).scalar_one()
    finally:
        store.close()
    assert "0 no longer found" in said("clues", "sync")  # idempotent

    # the latest run failed: it marks and unmarks nothing
    engine = Workspace(workspace).open_engine()
    try:
        schema = derived_table("model_runs")
        later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=1)
        failed = {"run_id": "run-failed", "model_id": model, "model_version": "1.0.1", "status": "failed"}
        engine.append(schema.name, schema.to_arrow([{**failed, "started_at": later, "finished_at": later}]))
    finally:
        engine.close()
    assert "0 no longer found (未再命中), 0 found again" in said("clues", "sync")
    assert event_count(workspace) == events

    assert "0 no longer found (未再命中), 1 found again" in said("run", model)
    store = Store.for_workspace(workspace)
    try:
        with store.read() as s:
            assert s.execute(select(Clue.clue_id).where(Clue.not_found_run_id.is_not(None))).all() == []
            again = s.execute(select(Event.entity_id).where(Event.kind == "found_again")).scalars().all()
            assert again == [found]
    finally:
        store.close()
    assert "chain intact" in jiandu(workspace, "audit", "verify")
