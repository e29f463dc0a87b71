"""未再命中: a clue the model's latest successful run no longer produced keeps its workflow state
but says so. ``clues.not_found_run_id`` names that run, ``clues.not_found_at`` when it finished;
both are cleared when a later run finds the clue again (`jiandu.workflow.not_found`).

Revision ID: 0009_clue_not_found
Revises: 0008_clue_firms
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_clue_not_found"
down_revision = "0008_clue_firms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clues") as batch:
        batch.add_column(sa.Column("not_found_run_id", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("not_found_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_clues_not_found_score", "clues", ["not_found_run_id", "score", "clue_id"])


def downgrade() -> None:
    op.drop_index("ix_clues_not_found_score", table_name="clues")
    with op.batch_alter_table("clues") as batch:
        batch.drop_column("not_found_at")
        batch.drop_column("not_found_run_id")
