"""The workflow commands through Typer's runner, on a workspace with a SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from jiandu.cli.main import app
from jiandu.workflow import (
    Store,
    add_user,
    approve,
    assign,
    principal_for_username,
    propose,
    record_outcome,
    sync_clues,
    system_principal,
    transition,
)
from jiandu.workflow.db import head_revision
from jiandu.workflow.tables import Event
from tests.workflow.conftest import make_clue

runner = CliRunner()


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("JIANDU_WORKFLOW_URL", raising=False)
    root = tmp_path / "ws"
    assert runner.invoke(app, ["-w", str(root), "jurisdictions", "defaults"]).exit_code == 0
    return root


def run(root: Path, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["-w", str(root), *args], input=input)


def test_users_and_jurisdictions(ws: Path) -> None:
    result = run(
        ws,
        "users",
        "add",
        "zhang",
        "--role",
        "prosecutor",
        "--jurisdiction",
        "330602",
        "--name",
        "张检察官",
        input="a-long-password\na-long-password\n",
    )
    assert result.exit_code == 0, result.output
    assert (
        run(
            ws, "users", "add", "li", "--role", "viewer", "--jurisdiction", "330603", "--no-password"
        ).exit_code
        == 0
    )
    bad = run(ws, "users", "add", "wang", "--role", "boss", "--jurisdiction", "330602", "--no-password")
    assert bad.exit_code != 0
    listed = run(ws, "users", "list")
    assert "zhang" in listed.output and "检察官" in listed.output and "330603" in listed.output
    token = run(ws, "users", "token", "li", "--label", "script")
    assert token.exit_code == 0 and token.stdout.strip().startswith("jdt_")
    added = run(ws, "jurisdictions", "add", "330699", "测试区人民检察院", "--parent", "330600")
    assert added.exit_code == 0, added.output
    tree = run(ws, "jurisdictions", "list")
    assert "330000  浙江省人民检察院" in tree.output and "    330699  测试区人民检察院  county" in tree.output
    info = run(ws, "workflow", "info")
    assert "workflow.sqlite" in info.output and f"schema revision: {head_revision()}" in info.output


def test_audit_verify_names_the_broken_link(ws: Path) -> None:
    assert (
        run(
            ws, "users", "add", "li", "--role", "viewer", "--jurisdiction", "330603", "--no-password"
        ).exit_code
        == 0
    )
    ok = run(ws, "audit", "verify")
    assert ok.exit_code == 0 and "chain intact" in ok.output
    store = Store.for_workspace(ws)
    with store.write() as s:
        s.execute(update(Event).where(Event.seq == 3).values(actor="mallory"))
    store.close()
    broken = run(ws, "audit", "verify")
    assert broken.exit_code == 1
    assert "altered" in broken.output and "seq 3" in broken.output
    log = run(ws, "audit", "log", "--json", "--limit", "2")
    assert log.exit_code == 0 and log.stdout.count("\n") == 2


def test_stats_governance_and_draft(ws: Path, tmp_path: Path) -> None:
    from jiandu.cli import workflow_cmd

    store = Store.for_workspace(ws)
    with store.write() as s:
        p = system_principal(s)
        sync_clues(s, [make_clue(1), make_clue(2)])
        add_user(s, p, "zhang", role="prosecutor", jurisdiction_code="330602")
        add_user(s, p, "li", role="chief", jurisdiction_code="330602")
        chief = principal_for_username(s, "li")
        for cid in (f"c{1:031d}", f"c{2:031d}"):
            assign(s, p, cid, "zhang")
            transition(s, p, cid, "verifying")
            propose(s, p, cid, "case_filed", reason="提请立案")
            approve(s, chief, cid)
            record_outcome(s, p, cid, "confirmed")
    store.close()
    import typer

    stats_app = typer.Typer()
    stats_app.command("stats")(workflow_cmd.models_stats)
    stats_app.command("noop")(lambda: None)  # two commands, so "stats" stays a subcommand
    from jiandu.cli.context import CliState
    from jiandu.workspace import Workspace

    result = runner.invoke(stats_app, ["stats", "--json"], obj=CliState(Workspace(ws), None))
    assert result.exit_code == 0, result.output
    assert '"clues": 2' in result.stdout and '"precision": 1.0' in result.stdout
    groups = run(ws, "governance", "groups")
    assert groups.exit_code == 0 and "浙0602" in groups.output
    out = tmp_path / "draft.docx"
    draft = run(ws, "governance", "draft", "civil.repeat_plaintiff_basic|浙0602|330602", "--output", str(out))
    assert draft.exit_code == 0, draft.output
    from tests.workflow.test_governance import docx_text

    assert "（2023）浙0602民初101号" in docx_text(out.read_bytes())
    missing = run(ws, "governance", "draft", "x|y|z", "--output", str(out))
    assert missing.exit_code == 1 and "no governance group" in missing.output
    tpl = tmp_path / "t.docx"
    assert (
        run(ws, "governance", "template", "--output", str(tpl)).exit_code == 0 and tpl.stat().st_size > 1000
    )


def test_synthetic_load_and_bench(ws: Path) -> None:
    assert run(ws, "workflow", "load-synthetic", "300").exit_code == 0
    bench = run(ws, "workflow", "bench", "--repeat", "2")
    assert bench.exit_code == 0, bench.output
    assert "first page" in bench.output and "page after 10,000 rows" in bench.output
