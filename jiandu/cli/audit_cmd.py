"""`jiandu audit verify|log`: the tamper-evident event log of the workflow store."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from jiandu.cli.context import console, err_console
from jiandu.cli.workflow_cmd import workflow
from jiandu.workflow import list_events, verify_log
from jiandu.workflow.audit import record, restart_anchors

audit_app = typer.Typer(no_args_is_help=True)


@audit_app.command("verify")
def audit_verify(ctx: typer.Context) -> None:
    """Check the keyed hash chain, its head and the anchors in audit-anchors.log; print the head
    and the last anchor; name the first problem (exit 1)."""
    with workflow(ctx, write=False) as (s, p):
        result = verify_log(s, p)
    head = (
        f"head 链头: seq {result.head_seq} hash {result.head_hash}"
        if result.head_seq is not None
        else "head 链头: missing 缺失"
    )
    a = result.anchor
    anchor = f"anchor 锚点: seq {a.seq} hash {a.hash} at {a.at}" if a else "anchor 锚点: none 无"
    console.print(escape(head), highlight=False)
    console.print(escape(anchor), highlight=False)
    if result.ok:
        console.print(f"[green]{escape(result.describe())}[/green]")
        console.print(f"[green]{escape(result.describe_zh())}[/green]")
        return
    err_console.print(f"[red]{escape(result.describe())}[/red]")
    err_console.print(f"[red]{escape(result.describe_zh())}[/red]")
    raise typer.Exit(1)


@audit_app.command("reanchor")
def audit_reanchor(
    ctx: typer.Context,
    reason: Annotated[str, typer.Option(help="Why the anchor file was lost (recorded in the log).")],
) -> None:
    """Start a new audit-anchors.log at the current head after the old one was lost or garbled
    (the old file is kept aside); only when the chain itself verifies; an audited event."""
    with workflow(ctx, write=True) as (s, p):
        result = restart_anchors(s, actor=p.username, reason=reason)
    if result.problem is not None and result.problem.kind != "anchors":
        err_console.print(f"[red]{escape(result.describe())}[/red]")
        err_console.print(f"[red]{escape(result.describe_zh())}[/red]")
        raise typer.Exit(1)
    console.print("anchors restarted at the current head; 已在当前链头重新建立锚点（已记入审计日志）")


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


def log_cli_export(
    ctx: typer.Context,
    *,
    fmt: str,
    clues: int,
    models: list[str] | None,
    band: str | None,
    output: Path | None,
) -> None:
    """Record `jiandu clues export` (clues read straight from the analytic store, unmasked) as an
    ``exported`` event before anything is written."""
    with workflow(ctx, write=True) as (s, p):
        record(
            s,
            actor=p.username,
            kind="exported",
            entity_type="store",
            entity_id=None,
            reason="jiandu clues export",
            after={
                "source": "analytic",
                "format": fmt,
                "clues": clues,
                "filters": {k: v for k, v in (("models", models), ("band", band)) if v},
                "output": output.name[:200] if output is not None else "stdout",
            },
        )


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit", help="The tamper-evident event log: verify, show.")
