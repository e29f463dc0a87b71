"""The JSON API of the desk (issue 13 §6): approval, deadlines, bulk actions, notifications.

Same rules as `jiandu.web.api`: a bearer token or the session cookie (with ``X-CSRF-Token`` on
changes); the service layer checks role, jurisdiction and lifecycle.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from jiandu.web.api import CHANGE_ERRORS, ERRORS, ClueIdPath, aware
from jiandu.web.deps import ApiPrincipal, State
from jiandu.workflow import (
    ClueDetail,
    approve,
    bulk_assign,
    bulk_dismiss,
    propose,
    return_proposal,
    set_deadline,
    withdraw,
)
from jiandu.workflow import notifications as notices
from jiandu.workflow.bulk import MAX_BATCH, BulkResult

router = APIRouter(prefix="/api", tags=["api"])

Reason = Annotated[str | None, Field(default=None, max_length=2000)]
ClueIds = Annotated[list[Annotated[str, Field(max_length=64)]], Field(min_length=1, max_length=MAX_BATCH)]


class ProposeIn(BaseModel):
    to: str = Field(max_length=40, description="case_filed or suggestion_issued (checked with the clue)")
    reason: Reason = Field(default=None, description="the 承办人's opinion (required)")


class ReasonIn(BaseModel):
    reason: Reason = None


class DeadlineIn(BaseModel):
    day: dt.date = Field(description="the last day (Beijing)")
    reason: Reason = Field(default=None, description="why (required)")


class BulkAssignIn(BaseModel):
    clue_ids: ClueIds
    assignee: str = Field(min_length=1, max_length=64)
    reason: Reason = None


class BulkDismissIn(BaseModel):
    clue_ids: ClueIds
    reject_reason: Literal["data_error", "lawful", "duplicate", "insufficient_evidence", "other"]
    reason: Reason = None


class Refusal(BaseModel):
    clue_id: str
    reason: str


class BulkOut(BaseModel):
    done: list[str]
    refused: list[Refusal]


class NotificationsOut(BaseModel):
    unread: int
    overdue: int = Field(description="the caller's own clues past their deadline")
    items: list[notices.NotificationView]


class ReadIn(BaseModel):
    ids: list[int] | None = Field(default=None, max_length=1000, description="None: all")


def _bulk(result: BulkResult) -> BulkOut:
    return BulkOut(done=result.done, refused=[Refusal(clue_id=c, reason=r) for c, r in result.refused])


@router.post("/clues/{clue_id}/propose", responses=CHANGE_ERRORS)
def clue_propose(clue_id: ClueIdPath, body: ProposeIn, p: ApiPrincipal, state: State) -> ClueDetail:
    """Propose filing a case or issuing a suggestion; a chief (部门负责人) approves or returns it."""
    with state.store.write() as s:
        return aware(propose(s, p, clue_id, body.to, reason=body.reason))


@router.post("/clues/{clue_id}/approve", responses=CHANGE_ERRORS)
def clue_approve(clue_id: ClueIdPath, body: ReasonIn, p: ApiPrincipal, state: State) -> ClueDetail:
    """Approve the pending proposal (a chief or admin other than the proposer): the clue moves."""
    with state.store.write() as s:
        return aware(approve(s, p, clue_id, reason=body.reason))


@router.post("/clues/{clue_id}/return", responses=CHANGE_ERRORS)
def clue_return(clue_id: ClueIdPath, body: ReasonIn, p: ApiPrincipal, state: State) -> ClueDetail:
    """Return the pending proposal to its proposer, with a reason."""
    with state.store.write() as s:
        return aware(return_proposal(s, p, clue_id, reason=body.reason))


@router.post("/clues/{clue_id}/withdraw", responses=CHANGE_ERRORS)
def clue_withdraw(clue_id: ClueIdPath, body: ReasonIn, p: ApiPrincipal, state: State) -> ClueDetail:
    """Withdraw a pending proposal (its proposer, a chief or an admin)."""
    with state.store.write() as s:
        return aware(withdraw(s, p, clue_id, reason=body.reason))


@router.post("/clues/{clue_id}/deadline", responses=CHANGE_ERRORS)
def clue_deadline(clue_id: ClueIdPath, body: DeadlineIn, p: ApiPrincipal, state: State) -> ClueDetail:
    """Set the running deadline (核查期限 or 回复期限) to another day, with a reason."""
    with state.store.write() as s:
        return aware(set_deadline(s, p, clue_id, body.day, reason=body.reason))


@router.post("/bulk/assign", responses=CHANGE_ERRORS)
def clues_bulk_assign(body: BulkAssignIn, p: ApiPrincipal, state: State) -> BulkOut:
    """Assign many clues to one colleague; the clues that may not be assigned are listed with why."""
    with state.store.write() as s:
        return _bulk(bulk_assign(s, p, body.clue_ids, body.assignee, reason=body.reason))


@router.post("/bulk/dismiss", responses=CHANGE_ERRORS)
def clues_bulk_dismiss(body: BulkDismissIn, p: ApiPrincipal, state: State) -> BulkOut:
    """Dismiss many clues (→ rejected) with one reason code; refusals are listed with why."""
    with state.store.write() as s:
        return _bulk(bulk_dismiss(s, p, body.clue_ids, reject_reason=body.reject_reason, reason=body.reason))


@router.get("/notifications", responses=ERRORS)
def notifications(
    p: ApiPrincipal,
    state: State,
    unread_only: bool = False,
    limit: Annotated[int, Query(ge=1, le=notices.MAX_SHOWN)] = 50,
) -> NotificationsOut:
    """The caller's notifications, newest first, with the unread and overdue counts."""
    with state.store.read() as s:
        items = notices.list_notifications(s, p.username, unread_only=unread_only, limit=limit)
        return aware(
            NotificationsOut(
                unread=notices.unread_count(s, p.username),
                overdue=notices.overdue_count(s, p.username),
                items=items,
            )
        )


@router.post("/notifications/read", responses=ERRORS)
def notifications_read(body: ReadIn, p: ApiPrincipal, state: State) -> dict[str, int]:
    """Mark the caller's notifications read (all, or those listed); how many changed."""
    with state.store.write() as s:
        return {"marked": notices.mark_read(s, p.username, body.ids)}
