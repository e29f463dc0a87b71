"""The search index is written by difference: ``search_entries.fingerprint`` is a hash of a row's
columns (`jiandu.workflow.index_diff.fingerprint`), read through its own index so that a rebuild
finds the rows that changed without reading the stored text. Rows already there get none and are
replaced by the next rebuild.

Revision ID: 0010_search_fingerprint
Revises: 0009_clue_not_found
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_search_fingerprint"
down_revision = "0009_clue_not_found"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ALTER TABLE ADD COLUMN on both databases: no copy of the table, FTS5 left alone
    op.add_column("search_entries", sa.Column("fingerprint", sa.LargeBinary(length=16), nullable=True))
    op.create_index("ix_search_entries_fingerprint", "search_entries", ["fingerprint"])


def downgrade() -> None:
    op.drop_index("ix_search_entries_fingerprint", table_name="search_entries")
    op.drop_column("search_entries", "fingerprint")  # SQLite 3.35+ drops a column in place
