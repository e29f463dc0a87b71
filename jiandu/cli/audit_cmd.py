"""`jiandu audit verify|log`: the tamper-evident event log of the workflow store."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from jiandu.cli.context import console, err_console
from jiandu.cli.workflow_cmd import workflow
from jiandu.workflow import list_events, verify_log

audit_app = typer.Typer(no_args_is_help=True)


@audit_app.command("verify")
def audit_verify(ctx: typer.Context) -> None:
    """Check the hash chain of the event log; name the first broken link (exit 1)."""
    with workflow(ctx, write=False) as (s, p):
        result = verify_log(s, p)
    if result.ok:
        console.print(f"[green]{result.describe()}[/green]")
        return
    err_console.print(f"[red]{result.describe()}[/red]")
    raise typer.Exit(1)


@audit_app.command("log")
def audit_log(
    ctx: typer.Context,
    after: Annotated[int, typer.Option(help="Only events after this seq.")] = 0,
    limit: Annotated[int, typer.Option(help="Events to show.")] = 50,
    clue: Annotated[str | None, typer.Option(help="Only events of this clue.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """Show events of the log."""
    with workflow(ctx, write=False) as (s, p):
        events = list_events(s, p, after_seq=after, limit=limit, entity_id=clue)
    if as_json:
        for e in events:
            sys.stdout.write(e.model_dump_json() + "\n")
        return
    grid = Table(title=f"事件 Events: {len(events)}")
    for heading in ("序号", "时间", "操作人", "事件", "对象", "理由", "变更"):
        grid.add_column(heading, overflow="fold")
    for e in events:
        change = (
            json.dumps({"before": e.before, "after": e.after}, ensure_ascii=False)
            if e.before or e.after
            else ""
        )
        grid.add_row(
            str(e.seq),
            e.at.strftime("%Y-%m-%d %H:%M:%S"),
            e.actor,
            e.kind,
            f"{e.entity_type}:{e.entity_id or ''}",
            e.reason or "",
            change,
        )
    console.print(grid)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit", help="The tamper-evident event log: verify, show.")
