"""`jiandu init` and `jiandu status`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from jiandu.cli.context import console, err_console, state
from jiandu.schema import canonical_tables
from jiandu.workspace import WorkspaceError


def init(
    ctx: typer.Context,
    engine: Annotated[
        str, typer.Option(help="Default analytic engine: duckdb or spark.")
    ] = "duckdb",
    spark_master: Annotated[
        str | None,
        typer.Option(help="Spark master URL (default local[*]) when the engine is spark."),
    ] = None,
    spark_warehouse: Annotated[
        str | None,
        typer.Option(
            help="Spark warehouse: a folder or a Hadoop-compatible URI (hdfs://…, s3a://…, "
            "file:///…); default <workspace>/spark-warehouse."
        ),
    ] = None,
) -> None:
    """Create a workspace folder: analytic store, quarantine, logs, reports."""
    st = state(ctx)
    try:
        created = st.workspace.init(engine=engine, spark_master=spark_master, spark_warehouse=spark_warehouse)
    except WorkspaceError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    eng = st.open_engine()
    try:
        eng.ensure_tables(canonical_tables().values())
    finally:
        eng.close()
    verb = "Created" if created else "Workspace already exists at"
    console.print(f"{verb} {st.workspace.root} (engine: {st.workspace.config()['engine']})")


def status(ctx: typer.Context) -> None:
    """Show the workspace and the row count of every canonical table."""
    st = state(ctx)
    eng = st.open_engine()
    try:
        grid = Table(title=f"工作区 Workspace {st.workspace.root} ({eng.name})")
        grid.add_column("table")
        grid.add_column("rows", justify="right")
        grid.add_column("description")
        for name, schema in canonical_tables().items():
            rows = str(eng.count(name)) if eng.table_exists(name) else "-"
            grid.add_row(name, rows, schema.description)
        console.print(grid)
    finally:
        eng.close()


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("status")(status)
