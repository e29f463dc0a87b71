"""Opening the workflow store: which database, migrations, sessions.

Which database (first that is set):

1. ``JIANDU_WORKFLOW_URL`` (environment), e.g. ``postgresql+psycopg://jiandu:secret@db/jiandu``;
2. ``workflow_url`` in the workspace's ``workspace.yaml``;
3. ``sqlite:///<workspace>/workflow.sqlite``.

URLs are only ever shown through `safe_url` (password replaced by ``***``).

Sessions: `Store.read()` for reads and `Store.write()` for changes. Both commit on success and
roll back on error. On SQLite a write session starts with ``BEGIN IMMEDIATE`` so that two
writers never interleave (the event chain needs one writer at a time) while readers keep going
(WAL journal); on PostgreSQL writers serialise on the ``chain_head`` row (SELECT … FOR UPDATE).
A SQLite writer that finds another one (a web request, `jiandu clues sync`) waits for it up to
``JIANDU_LOCK_WAIT`` seconds (busy timeout, default 30) before "database is locked".
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from jiandu.locks import lock_wait_seconds
from jiandu.workflow.audit_keys import WORKSPACE_INFO

ENV_URL = "JIANDU_WORKFLOW_URL"
WAIT_OPTION = "jiandu_wait_ms"  # execution option: this transaction's wait for a writer (SQLite)
SQLITE_NAME = "workflow.sqlite"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class StoreError(Exception):
    """The workflow store cannot be opened or is not at the expected schema."""


def safe_url(url: str) -> str:
    """The URL with its password masked, fit for logs and messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL we can parse: show nothing of it
        return "<unparsable database URL>"


def workflow_url(workspace_root: Path) -> str:
    """The database URL for a workspace (environment, then workspace.yaml, then SQLite)."""
    env = os.environ.get(ENV_URL)
    if env:
        return env
    config = workspace_root / "workspace.yaml"
    if config.is_file():
        data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
        if isinstance(data, dict) and data.get("workflow_url"):
            return str(data["workflow_url"])
    return f"sqlite:///{workspace_root / SQLITE_NAME}"


def _sqlite_hooks(engine: Engine) -> Engine:
    try:
        busy_ms = int(lock_wait_seconds() * 1000)
    except ValueError as exc:
        raise StoreError(str(exc)) from None

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        options = conn.get_execution_options()
        # every transaction sets its own wait: a pooled connection never keeps a short one
        conn.exec_driver_sql(f"PRAGMA busy_timeout={int(options.get(WAIT_OPTION, busy_ms))}")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get("jiandu_write") else "BEGIN")

    return engine


def make_engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return _sqlite_hooks(create_engine(url, **kwargs))
    return create_engine(url, pool_pre_ping=True, **kwargs)


def alembic_config(connection: Any) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (Alembic, in one transaction)."""
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)


class Store:
    """The workflow database: an engine, its migrations and session factories."""

    def __init__(
        self, url: str, *, migrate: bool = True, workspace: Path | None = None, **engine_kwargs: Any
    ) -> None:
        self.url = url
        self.workspace = workspace  # where the audit key and anchors live (jiandu.workflow.audit_keys)
        self.engine = make_engine(url, **engine_kwargs)
        self.dialect = self.engine.dialect.name
        write_bind = (
            self.engine.execution_options(jiandu_write=True) if self.dialect == "sqlite" else self.engine
        )
        info = {WORKSPACE_INFO: workspace} if workspace is not None else {}
        self._read = sessionmaker(self.engine, expire_on_commit=False, info=info)
        self._write = sessionmaker(write_bind, expire_on_commit=False, info=info)
        if migrate:
            self.upgrade()

    @classmethod
    def for_workspace(cls, workspace_root: Path, **kwargs: Any) -> Store:
        return cls(workflow_url(workspace_root), workspace=workspace_root, **kwargs)

    def __repr__(self) -> str:
        return f"Store({safe_url(self.url)})"

    @property
    def safe_url(self) -> str:
        return safe_url(self.url)

    def upgrade(self) -> None:
        try:
            if current_revision(self.engine) != head_revision():
                upgrade(self.engine)
        except Exception as exc:
            raise StoreError(f"cannot open the workflow store at {self.safe_url}: {exc}") from exc

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session, session.begin():
            yield session

    @contextmanager
    def write(self, *, wait: float | None = None) -> Iterator[Session]:
        """A write transaction. ``wait``: seconds to wait for another writer (default
        ``JIANDU_LOCK_WAIT``) before `sqlalchemy.exc.OperationalError` — short for a page that
        can do without writing (e.g. a clue shown masked while a long sync holds the store)."""
        if wait is None:
            with self._write() as session, session.begin():
                yield session
            return
        ms = max(0, int(wait * 1000))
        bind = self._write.kw["bind"].execution_options(**{WAIT_OPTION: ms})
        info = self._write.kw.get("info", {})
        with Session(bind, expire_on_commit=False, info=info) as session, session.begin():
            if self.dialect == "postgresql":
                session.execute(text(f"SET LOCAL lock_timeout = {ms}"))
            yield session

    def close(self) -> None:
        self.engine.dispose()
