"""Law firms per clue (clue_firms) and a narrow index of each clue's state by id, so the 类案
view counts its law-firm classes in one grouped query on the workflow store instead of joining
tens of thousands of pairs from the analytic store to a scan of every clue in Python (issue 13:
/classes p95).

Revision ID: 0008_clue_firms
Revises: 0007_desk_indexes
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_clue_firms"
down_revision = "0007_desk_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clue_firms",
        sa.Column("law_firm", sa.String(length=200), nullable=False),
        sa.Column("clue_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("law_firm", "clue_id", name=op.f("pk_clue_firms")),
    )
    op.create_index("ix_clue_firms_clue_id", "clue_firms", ["clue_id"])
    op.create_index(
        "ix_clues_id_state", "clues", ["clue_id", "jurisdiction_code", "status", "outcome", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_clues_id_state", table_name="clues")
    op.drop_index("ix_clue_firms_clue_id", table_name="clue_firms")
    op.drop_table("clue_firms")
