"""A workspace is one folder holding everything a run writes.

Layout::

    WORKSPACE/
      workspace.yaml       engine choice and settings
      jiandu.duckdb        analytic store (DuckDB engine)
      snapshots/           read-only copies of jiandu.duckdb the web reads (CURRENT names one)
      spark-warehouse/     analytic store (Spark engine)
      quarantine/          copies of rejected inputs, by quarantine id
      logs/                one log file per command run
      reports/             exports and generated documents

Everything in a workspace is case data: folders are created 0700 and files 0600 (the process
umask is narrowed to 077 while a workspace is in use), readable by the owner only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from jiandu.engines.base import Engine

DEFAULT_DIR = "jiandu-workspace"
ENGINES = ("duckdb", "spark")
FOLDER_MODE = 0o700
FILE_MODE = 0o600
PRIVATE_UMASK = 0o077


def owner_only() -> None:
    """Narrow the process umask so that every file jiandu creates is readable by its owner only."""
    os.umask(os.umask(PRIVATE_UMASK) | PRIVATE_UMASK)


class WorkspaceError(Exception):
    """The workspace is missing or its configuration is invalid."""


class WorkspaceBusy(WorkspaceError):
    """The analytic store stayed held by another process longer than JIANDU_LOCK_WAIT."""


@dataclass(frozen=True, slots=True)
class Workspace:
    root: Path

    @classmethod
    def locate(cls, explicit: Path | None = None) -> Workspace:
        """``--workspace`` wins, then ``JIANDU_HOME``, then ``./jiandu-workspace``."""
        owner_only()  # logs, stores and keys written from here on are private
        if explicit is not None:
            return cls(explicit.expanduser().resolve())
        env = os.environ.get("JIANDU_HOME")
        return cls(Path(env).expanduser().resolve() if env else Path.cwd() / DEFAULT_DIR)

    @property
    def config_path(self) -> Path:
        return self.root / "workspace.yaml"

    @property
    def quarantine_dir(self) -> Path:
        return self.root / "quarantine"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    def exists(self) -> bool:
        return self.config_path.is_file()

    def init(
        self, engine: str = "duckdb", spark_master: str | None = None, spark_warehouse: str | None = None
    ) -> bool:
        """Create the folders and configuration; return False when it already existed."""
        if engine not in ENGINES:
            raise WorkspaceError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
        existed = self.exists()
        owner_only()
        for folder in (self.root, self.quarantine_dir, self.logs_dir, self.reports_dir):
            folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
            folder.chmod(FOLDER_MODE)
        if not existed:
            config = {"engine": engine, "spark_master": spark_master}
            if spark_warehouse:
                config["spark_warehouse"] = spark_warehouse
            self.config_path.write_text(
                yaml.safe_dump(config, allow_unicode=True), encoding="utf-8"
            )
            self.config_path.chmod(FILE_MODE)
        return not existed

    def config(self) -> dict[str, object]:
        if not self.exists():
            raise WorkspaceError(f"no workspace at {self.root}; run `jiandu init` first")
        data = yaml.safe_load(self.config_path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict) or data.get("engine") not in ENGINES:
            raise WorkspaceError(
                f"{self.config_path}: 'engine' must be one of {', '.join(ENGINES)}"
            )
        return data

    def open_engine(self, engine: str | None = None, *, lock_wait: float | None = None) -> Engine:
        """Open the analytic store with the configured engine (or the one given).

        A DuckDB store held by another process is waited for (``lock_wait`` seconds, default
        JIANDU_LOCK_WAIT), then refused with `WorkspaceBusy`; closed normally after a change, it
        publishes the web's read snapshot (`jiandu.engines.snapshot`).
        """
        from jiandu.engines import open_engine
        from jiandu.engines.duckdb_engine import DuckDBEngine
        from jiandu.locks import StoreBusy

        config = self.config()
        owner_only()
        kind = engine or str(config["engine"])
        master = config.get("spark_master")
        warehouse = config.get("spark_warehouse")
        try:
            opened = open_engine(
                kind,
                self.root,
                spark_master=str(master) if master else None,
                lock_wait=lock_wait,
                spark_warehouse=str(warehouse) if warehouse else None,
            )
        except StoreBusy as exc:
            raise WorkspaceBusy(str(exc)) from None
        except ValueError as exc:  # a setting such as JIANDU_LOCK_WAIT is malformed
            raise WorkspaceError(str(exc)) from None
        if isinstance(opened, DuckDBEngine):
            opened.publish_snapshots = True
        return opened
