"""End to end: `jiandu run` on the hand-built county, then `jiandu clues sync` into the workflow
store — the clue contract is all the two sides share."""

from __future__ import annotations

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
    store = Store.for_workspace(workspace)
    try:
        with store.read() as s:
            assert s.execute(select(func.count()).select_from(Event)).scalar_one() == events
    finally:
        store.close()
    assert "chain intact" in jiandu(workspace, "audit", "verify")
    # a plain `jiandu run` upserts its clues itself: a rerun adds none
    assert f"synced {len(exported)} clues: 0 new" in jiandu(workspace, "run")
    assert "chain intact" in jiandu(workspace, "audit", "verify")
