"""Bulk actions on the queue: assign many clues to a colleague, or dismiss many with a reason.

Each clue goes through the same checks and steps as a single action (`jiandu.workflow.working`)
and leaves its own audited event, with the batch's reason. A clue that may not be changed is
left as it is and reported with the reason (e.g. already closed, another's clue); the others are
changed. The assignee gets one notification for the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from jiandu.workflow import notifications
from jiandu.workflow.authz import Permission, Principal, require
from jiandu.workflow.clues import load_clue
from jiandu.workflow.errors import InvalidInput, WorkflowError
from jiandu.workflow.lifecycle import Status
from jiandu.workflow.working import (
    check_assignment,
    check_move,
    check_reject_reason,
    give,
    log_change,
    move,
    snapshot,
    workable,
)

MAX_BATCH = 500


@dataclass(slots=True)
class BulkResult:
    """Which clues changed, and which did not, each with the reason (in Chinese)."""

    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def _ids(clue_ids: Sequence[str]) -> list[str]:
    ids = list(dict.fromkeys(c.strip() for c in clue_ids if c and c.strip()))
    if not ids:
        raise InvalidInput("no clues selected", zh="请先选择线索")
    if len(ids) > MAX_BATCH:
        raise InvalidInput(f"at most {MAX_BATCH} clues at a time", zh=f"一次最多处理 {MAX_BATCH} 条线索")
    return ids


def _refusal(error: WorkflowError) -> str:
    return error.zh or str(error)


def bulk_assign(
    session: Session, principal: Principal, clue_ids: Sequence[str], assignee: str, *, reason: str | None
) -> BulkResult:
    """Assign each clue to ``assignee`` (as `working.assign`), with the batch's reason."""
    require(principal, Permission.CLUE_WORK)
    result = BulkResult()
    for clue_id in _ids(clue_ids):
        try:
            clue = load_clue(session, principal, clue_id, for_update=True)
            check_assignment(session, principal, clue, assignee)
        except WorkflowError as error:
            result.refused.append((clue_id, _refusal(error)))
            continue
        give(session, principal, clue, assignee, reason)
        result.done.append(clue_id)
    if result.done:
        notifications.notify(
            session,
            [assignee],
            kind=notifications.ASSIGNED,
            actor=principal.username,
            clue_id=result.done[0] if len(result.done) == 1 else None,
            message=f"批量分派给您 {len(result.done)} 条线索" + (f"（{reason}）" if reason else ""),
        )
    return result


def bulk_dismiss(
    session: Session,
    principal: Principal,
    clue_ids: Sequence[str],
    *,
    reject_reason: str,
    reason: str | None,
) -> BulkResult:
    """Dismiss each clue (→ rejected, as `working.transition`) with one reason code and text."""
    require(principal, Permission.CLUE_WORK)
    check_reject_reason(reject_reason, reason)
    result = BulkResult()
    ids = _ids(clue_ids)
    for clue_id in ids:
        try:
            clue = workable(session, principal, clue_id)
            check_move(
                session,
                principal,
                clue,
                Status.REJECTED,
                reason=reason,
                reject_reason=reject_reason,
                merged_into=None,
            )
        except WorkflowError as error:
            result.refused.append((clue_id, _refusal(error)))
            continue
        before = snapshot(clue)
        move(clue, Status.REJECTED, reject_reason=reject_reason)
        log_change(session, principal, clue, "status_changed", before, reason, extra={"bulk": len(ids)})
        result.done.append(clue_id)
    return result
