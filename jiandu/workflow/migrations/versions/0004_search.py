"""The search index (issue 13 §3): ``search_entries`` and its full-text index.

SQLite: an FTS5 table ``search_fts`` (trigram tokenizer: any substring of three or more
characters, Chinese included) over ``body`` and ``personal``, with ``search_entries`` as its
external content. PostgreSQL: the ``pg_trgm`` extension and GIN trigram indexes on both columns
(``LIKE``/``ILIKE`` use them). Neither index is a SQLAlchemy model; autogenerate and the schema
test leave them out by name (`jiandu.workflow.search.SEARCH_INDEX_OBJECTS`).

Revision ID: 0004_search
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_search"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=400), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("personal", sa.Text(), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=12), nullable=True),
        sa.Column("target", sa.String(length=400), nullable=False),
        sa.Column("rank", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entries")),
    )
    with op.batch_alter_table("search_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_search_entries_kind_jurisdiction", ["kind", "jurisdiction_code", "rank"], unique=False
        )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5(body, personal, content='search_entries', "
            "content_rowid='id', tokenize='trigram')"
        )
    elif op.get_bind().dialect.name == "postgresql":
        # the extension is per database; its operator class lives in the schema it was made in
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
        schema = (
            op.get_bind()
            .execute(
                sa.text(
                    "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                    "WHERE e.extname = 'pg_trgm'"
                )
            )
            .scalar_one()
        )
        ops = f'"{schema}".gin_trgm_ops'
        for column in ("body", "personal"):
            op.execute(
                f"CREATE INDEX ix_search_entries_{column}_trgm ON search_entries USING gin ({column} {ops})"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    elif op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_entries_personal_trgm")
        op.execute("DROP INDEX IF EXISTS ix_search_entries_body_trgm")
    with op.batch_alter_table("search_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_search_entries_kind_jurisdiction")
    op.drop_table("search_entries")
