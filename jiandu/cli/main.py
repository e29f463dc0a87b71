"""The `jiandu` command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jiandu import __version__
from jiandu.cli import (
    audit_cmd,
    clues_cmd,
    entities_cmd,
    evaluate_cmd,
    ingest_cmd,
    models_cmd,
    parse_cmd,
    quarantine_cmd,
    run_cmd,
    search_cmd,
    serve_cmd,
    sources_cmd,
    synth_cmd,
    workflow_cmd,
    workspace_cmd,
)
from jiandu.cli.context import CliState
from jiandu.workspace import Workspace

app = typer.Typer(
    name="jiandu",
    help="jiandu (监督): big-data legal supervision — ingest judgments, run supervision models, work clues.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"jiandu {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            help="Workspace folder (default: $JIANDU_HOME, else ./jiandu-workspace).",
        ),
    ] = None,
    engine: Annotated[
        str | None, typer.Option("--engine", help="Analytic engine for this command: duckdb or spark.")
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """jiandu (监督): big-data legal supervision for procuratorates."""
    ctx.obj = CliState(Workspace.locate(workspace), engine)


workspace_cmd.register(app)
parse_cmd.register(app)
app.add_typer(ingest_cmd.app, name="ingest", help="Load source data into the workspace (judgments, ...).")
app.add_typer(sources_cmd.app, name="sources", help="Declared agency sources (数据源登记): list, show, add.")
app.add_typer(quarantine_cmd.app, name="quarantine", help="Inspect inputs that were rejected, with reasons.")
app.add_typer(models_cmd.app, name="models", help="Supervision models: list, show, export, import.")
run_cmd.register(app)
app.add_typer(clues_cmd.app, name="clues", help="Clues pushed by models: list, show, export.")
app.add_typer(
    entities_cmd.app, name="entities", help="Resolved people and companies: resolve, show, judge, stats."
)
evaluate_cmd.register(app)
workflow_cmd.register(app)
audit_cmd.register(app)
synth_cmd.register(app)
search_cmd.register(app)
serve_cmd.register(app)

if __name__ == "__main__":
    app()
