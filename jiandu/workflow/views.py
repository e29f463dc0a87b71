"""What the service layer returns: plain pydantic models, already masked for the principal.

The web layer can use them directly as FastAPI response models.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field


class Subject(BaseModel):
    type: str | None
    key: str | None
    name: str | None


class EvidenceItem(BaseModel):
    kind: str | None = None
    source: str | None = None
    doc_id: str | None = None
    case_number: str | None = None
    span: list[int] | None = None
    text: str | None = None
    label: str | None = None


class EventView(BaseModel):
    seq: int
    at: dt.datetime
    actor: str
    kind: str
    entity_type: str
    entity_id: str | None
    reason: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    hash: str


class ClueSummary(BaseModel):
    """A row of the clue queue."""

    clue_id: str
    model_id: str
    model_version: str
    subject: Subject
    score: float
    band: str
    headline: str = Field(description="first line of the explanation")
    status: str
    assignee: str | None
    outcome: str | None
    jurisdiction_code: str | None
    region: str | None
    court: str | None
    updated_at: dt.datetime
    due_at: dt.datetime | None = Field(default=None, description="running deadline (核查期限 or 回复期限)")
    proposal: str | None = Field(default=None, description="status proposed and awaiting approval")
    not_found_run_id: str | None = Field(
        default=None,
        description="未再命中: the first successful run (this run id) that no longer produced the clue",
    )
    not_found_at: dt.datetime | None = Field(default=None, description="when that run finished")


class ClueDetail(ClueSummary):
    explanation: str
    evidence: list[EvidenceItem]
    features: dict[str, Any]
    run_id: str | None
    first_run_id: str | None
    reject_reason: str | None
    merged_into: str | None
    outcome_model_version: str | None
    verified_at: dt.datetime | None
    case_filed_at: dt.datetime | None
    suggestion_at: dt.datetime | None
    changed_judgment_at: dt.datetime | None
    proposed_by: str | None = None
    proposed_at: dt.datetime | None = None
    outcome_cause: str | None = None
    outcome_feedback: str | None = None
    created_at: dt.datetime
    allowed_next: list[str]
    events: list[EventView]


class Page(BaseModel):
    """One page of the queue; pass ``next_cursor`` back for the next page (None: last page)."""

    items: list[ClueSummary]
    next_cursor: str | None


class SyncResult(BaseModel):
    new: int = 0
    updated: int = 0
    rescored: int = 0
    unchanged: int = 0
    not_found: int = 0  # newly marked 未再命中 (only the full sync from the analytic store marks)
    found_again: int = 0  # marked before, produced by a run again
