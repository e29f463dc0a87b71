"""The clue desk (issue 13 §6): approvals, deadlines, outcome feedback, notifications.

Revision ID: 0006_desk
Revises: 0005_related_indexes
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_desk"
down_revision = "0005_related_indexes"
branch_labels = None
depends_on = None

CLUE_COLUMNS = (
    ("proposal", sa.String(length=20)),
    ("proposed_by", sa.String(length=64)),
    ("proposed_at", sa.DateTime(timezone=True)),
    ("due_at", sa.DateTime(timezone=True)),
    ("outcome_cause", sa.String(length=30)),
    ("outcome_feedback", sa.Text()),
)


def upgrade() -> None:
    with op.batch_alter_table("clues", schema=None) as batch_op:
        for name, type_ in CLUE_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
        batch_op.create_index("ix_clues_due_at", ["due_at"], unique=False)
        batch_op.create_index(
            "ix_clues_proposal_jurisdiction", ["proposal", "jurisdiction_code"], unique=False
        )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("clue_id", sa.String(length=64), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_username_read", ["username", "read_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_table("notifications")
    with op.batch_alter_table("clues", schema=None) as batch_op:
        batch_op.drop_index("ix_clues_proposal_jurisdiction")
        batch_op.drop_index("ix_clues_due_at")
        for name, _ in reversed(CLUE_COLUMNS):
            batch_op.drop_column(name)
