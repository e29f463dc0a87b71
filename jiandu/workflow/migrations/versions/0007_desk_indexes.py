"""Covering indexes for the pages that count many clues: 统计分析 (/statistics), 类案 (/classes)
and the workload's latest assignment.

Each index holds every column its query reads, so SQLite (and PostgreSQL, index-only) answers
from the narrow index instead of the clues table, whose rows carry the evidence and features
(kilobytes each): on 100k clues the statistics page fell from 0.6–1.1 s to well under 300 ms
uncached (benchmarks/bench_pages.py, docs/benchmarks.md).

- ``ix_clues_stats_created``: clues found in a range (by day, and their funnel per jurisdiction
  and model) and the later milestones by their dates (`jiandu.workflow.trends`);
- ``ix_clues_workload``: clues per assignee, open, overdue and finished;
- ``ix_clues_model_classes``, ``ix_clues_court_classes``, ``ix_clues_subject_classes``: the
  classes by model, court and subject party (`jiandu.workflow.related.clue_classes`), and the
  confirmed groups (model, court, jurisdiction);
- ``ix_clues_jurisdiction_state``: the state of every clue in a scope (status, outcome, creation),
  for the law-firm classes, which count tens of thousands of clues: one scan of it instead of a
  lookup per clue;
- ``ix_events_clue_kind``: a clue's latest event of one kind (the latest assignment).

Revision ID: 0007_desk_indexes
Revises: 0006_desk
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0007_desk_indexes"
down_revision = "0006_desk"
branch_labels = None
depends_on = None

INDEXES = (
    (
        "ix_clues_stats_created",
        "clues",
        [
            "created_at",
            "jurisdiction_code",
            "model_id",
            "verified_at",
            "case_filed_at",
            "suggestion_at",
            "changed_judgment_at",
            "outcome",
        ],
    ),
    (
        "ix_clues_workload",
        "clues",
        [
            "assignee",
            "status",
            "jurisdiction_code",
            "model_id",
            "verified_at",
            "created_at",
            "updated_at",
            "clue_id",
        ],
    ),
    (
        "ix_clues_model_classes",
        "clues",
        ["model_id", "status", "jurisdiction_code", "created_at", "outcome", "court"],
    ),
    ("ix_clues_court_classes", "clues", ["court", "status", "jurisdiction_code", "created_at", "outcome"]),
    (
        "ix_clues_subject_classes",
        "clues",
        ["subject_key", "subject_type", "jurisdiction_code", "status", "created_at", "outcome"],
    ),
    (
        "ix_clues_jurisdiction_state",
        "clues",
        ["jurisdiction_code", "clue_id", "status", "outcome", "created_at"],
    ),
    ("ix_events_clue_kind", "events", ["entity_type", "entity_id", "kind", "at"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
