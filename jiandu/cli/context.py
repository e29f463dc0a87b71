"""Shared state of one command-line invocation: the workspace, engine choice and console."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console

from jiandu.engines.base import Engine
from jiandu.workspace import Workspace, WorkspaceError

console = Console()
err_console = Console(stderr=True)


@dataclass(slots=True)
class CliState:
    workspace: Workspace
    engine: str | None  # None: the engine configured in the workspace

    def open_engine(self) -> Engine:
        try:
            return self.workspace.open_engine(self.engine)
        except WorkspaceError as exc:
            err_console.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from None

    def ensure_workspace(self) -> None:
        """Create the workspace on first use, so `jiandu ingest` works without `jiandu init`."""
        if not self.workspace.exists():
            self.workspace.init(engine=self.engine or "duckdb")

    def start_log(self, command: str, run_id: str) -> Path:
        """Log this command's warnings (quarantine reasons, ...) to a file in the workspace."""
        self.workspace.logs_dir.mkdir(parents=True, exist_ok=True)
        path = self.workspace.logs_dir / f"{run_id}.log"
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root = logging.getLogger("jiandu")
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        root.info("%s started in %s", command, self.workspace.root)
        return path


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliState)
    return obj
