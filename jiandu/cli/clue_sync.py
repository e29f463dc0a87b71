"""`jiandu clues sync` (also the end of `jiandu run`): model-run clues into the workflow store."""

from __future__ import annotations

import typer

from jiandu.cli.context import console, state
from jiandu.cli.workflow_cmd import workflow
from jiandu.workflow import sync_clues


def clues_sync(ctx: typer.Context) -> None:
    """Load the clues of model runs (analytic store) into the workflow store, by clue id."""
    from jiandu.models.clues import load_clues

    engine = state(ctx).open_engine()
    try:
        clues = load_clues(engine)
    finally:
        engine.close()
    with workflow(ctx, write=True) as (s, p):
        result = sync_clues(s, clues, actor=p.username)
    console.print(
        f"synced {len(clues)} clues: {result.new} new, {result.rescored} rescored, {result.updated} updated, "
        f"{result.unchanged} unchanged"
    )
