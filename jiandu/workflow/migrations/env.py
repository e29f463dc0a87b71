"""Alembic environment for the workflow store; run programmatically by `jiandu.workflow.db`.

The caller passes an open connection in ``config.attributes["connection"]``; there is no
alembic.ini and no URL here (so a password never reaches a log line).
"""

from __future__ import annotations

from alembic import context

from jiandu.workflow.search import include_name
from jiandu.workflow.tables import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only programmatic use is supported
    raise RuntimeError("run the workflow migrations through jiandu.workflow.db.upgrade()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=include_name,  # the full-text index objects of 0004_search are not models
)
with context.begin_transaction():
    context.run_migrations()
