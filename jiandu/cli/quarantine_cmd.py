"""`jiandu quarantine list`: what was rejected, where it came from, and why."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from jiandu.cli.context import console, state
from jiandu.ingest.rejection import REASON_CODES

app = typer.Typer(no_args_is_help=True)


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@app.command("list")
def list_(
    ctx: typer.Context,
    reason: Annotated[
        str | None, typer.Option(help=f"Only this reason: {', '.join(REASON_CODES)}.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Rows to show (0: all).")] = 50,
    fmt: Annotated[
        str, typer.Option("--format", help="table (for reading) or jsonl (for scripts).")
    ] = "table",
) -> None:
    """List quarantined inputs with file, record, reason and where the bytes are kept."""
    st = state(ctx)
    engine = st.open_engine()
    try:
        if not engine.table_exists("quarantine"):
            console.print("Nothing quarantined yet.")
            return
        where = f"WHERE reason_code = {_quote(reason)}" if reason else ""
        total = engine.query(f"SELECT count(*) AS n FROM quarantine {where}").column("n")[0].as_py()
        sql = (
            "SELECT source, record_ref, reason_code, reason, size_bytes, stored_path FROM quarantine "
            f"{where} ORDER BY quarantined_at, source, record_ref"
            + (f" LIMIT {int(limit)}" if limit else "")
        )
        rows = engine.query(sql).to_pylist()
        if fmt == "jsonl":
            for row in rows:
                typer.echo(json.dumps(row, ensure_ascii=False))
            return
        grid = Table(
            title=f"隔离区 Quarantine: {total} records" + (f" ({reason})" if reason else "")
        )
        for column in ("file", "record", "reason", "detail", "bytes", "kept at"):
            grid.add_column(column, overflow="fold")
        for row in rows:
            grid.add_row(
                row["source"],
                row["record_ref"] or "-",
                row["reason_code"],
                row["reason"],
                str(row["size_bytes"]),
                row["stored_path"] or "(not copied)",
            )
        console.print(grid)
        if limit and total > limit:
            console.print(f"… {total - limit} more; use --limit 0 to show all.")
    finally:
        engine.close()
