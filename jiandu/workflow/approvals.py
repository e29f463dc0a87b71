"""Approval (审批): filing a case (立案) and issuing a 检察建议 need a chief's approval.

The 承办人 (the clue's assignee, or a chief or admin working it) proposes the move with a written
opinion; the chiefs (部门负责人) of the clue's procuratorate are notified (the nearest level up
the tree that has one). A chief or an admin other than the proposer then approves (the move
happens, the proposer is notified) or returns the proposal with a reason (the clue stays where
it was, the proposer is notified). The proposer may withdraw a pending proposal. Each step is an
audited event; a pending proposal blocks every other move of the clue.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.workflow import notifications
from jiandu.workflow.authz import Permission, Principal, Role, require
from jiandu.workflow.clues import clue_detail, load_clue, status_zh
from jiandu.workflow.errors import InvalidInput, InvalidTransition, PermissionDenied
from jiandu.workflow.lifecycle import NEEDS_APPROVAL, Status, transition_error
from jiandu.workflow.tables import Clue, Jurisdiction, User
from jiandu.workflow.views import ClueDetail
from jiandu.workflow.working import check_move, clue_title, log_change, move, snapshot, workable

APPROVER_ROLES = frozenset({Role.CHIEF})  # notified of proposals (admins may approve but are not paged)


def _written(reason: str | None, what: str) -> str:
    if not (reason and reason.strip()):
        raise InvalidInput(f"{what} needs a written reason", zh=f"{what}须写明理由")
    return reason.strip()


def approvers_for(session: Session, jurisdiction_code: str | None) -> list[str]:
    """The chiefs to notify of a proposal: those of the clue's procuratorate, else of the nearest
    one above it that has any (a clue without jurisdiction: the chiefs at the roots)."""
    chiefs: dict[str, list[str]] = {}
    for username, home in session.execute(
        select(User.username, User.jurisdiction_code).where(
            User.active.is_(True), User.role.in_([r.value for r in APPROVER_ROLES])
        )
    ):
        chiefs.setdefault(home, []).append(username)
    parents: dict[str, str | None] = {
        code: parent for code, parent in session.execute(select(Jurisdiction.code, Jurisdiction.parent_code))
    }
    if jurisdiction_code is None:
        return sorted(u for home, users in chiefs.items() if parents.get(home) is None for u in users)
    code: str | None = jurisdiction_code
    seen: set[str] = set()
    while code is not None and code not in seen:
        if chiefs.get(code):
            return sorted(chiefs[code])
        seen.add(code)
        code = parents.get(code)
    return []


def propose(
    session: Session, principal: Principal, clue_id: str, to: str, *, reason: str | None
) -> ClueDetail:
    """Propose filing a case or issuing a suggestion, with the 承办人's written opinion."""
    clue = workable(session, principal, clue_id)
    try:
        target = Status(to)
    except ValueError:
        raise InvalidInput(f"unknown status {to!r}", zh="未知的线索状态") from None
    if target not in NEEDS_APPROVAL:
        raise InvalidInput(
            f"only {', '.join(sorted(s.value for s in NEEDS_APPROVAL))} need approval; use transition()",
            zh="只有立案和制发检察建议需要审批",
        )
    opinion = _written(reason, "提请审批")
    check_move(session, principal, clue, target, reason=opinion, reject_reason=None, merged_into=None)
    before = snapshot(clue)
    clue.proposal = target.value
    clue.proposed_by = principal.username
    clue.proposed_at = dt.datetime.now(dt.UTC)
    log_change(session, principal, clue, "proposed", before, opinion)
    notifications.notify(
        session,
        approvers_for(session, clue.jurisdiction_code),
        kind=notifications.PROPOSED,
        actor=principal.username,
        clue_id=clue_id,
        message=f"提请审批“{status_zh(target)}”：{clue_title(clue)}",
    )
    return clue_detail(session, clue, principal)


def _pending(session: Session, principal: Principal, clue_id: str) -> Clue:
    require(principal, Permission.CLUE_APPROVE)
    clue = load_clue(session, principal, clue_id, for_update=True)
    if not clue.proposal:
        raise InvalidTransition(
            f"clue {clue_id} has no proposal awaiting approval", zh="此线索没有待审批的申请"
        )
    if clue.proposed_by == principal.username:
        raise PermissionDenied(
            "a proposal is approved or returned by someone other than its proposer",
            zh="不能审批本人提出的申请，须由其他部门负责人审批",
        )
    return clue


def _clear(clue: Clue) -> str | None:
    proposer = clue.proposed_by
    clue.proposal = clue.proposed_by = None
    clue.proposed_at = None
    return proposer


def approve(session: Session, principal: Principal, clue_id: str, *, reason: str | None = None) -> ClueDetail:
    """Approve the pending proposal: the clue moves (milestones and deadlines as for any move)."""
    clue = _pending(session, principal, clue_id)
    target = Status(clue.proposal or "")
    problem = transition_error(clue.status, target)
    if problem:  # the clue moved on since (cannot happen while the proposal blocks moves)
        raise InvalidTransition(problem, zh=f"线索处于“{status_zh(clue.status)}”状态，不能批准此申请")
    before = snapshot(clue)
    proposer = _clear(clue)
    move(clue, target)
    log_change(session, principal, clue, "approved", before, reason, extra={"proposed_by": proposer})
    notifications.notify(
        session,
        [proposer or "", clue.assignee or ""],
        kind=notifications.APPROVED,
        actor=principal.username,
        clue_id=clue_id,
        message=f"“{status_zh(target)}”已获批准：{clue_title(clue)}",
    )
    return clue_detail(session, clue, principal)


def return_proposal(
    session: Session, principal: Principal, clue_id: str, *, reason: str | None
) -> ClueDetail:
    """Return the pending proposal to its proposer with a written reason (退回)."""
    clue = _pending(session, principal, clue_id)
    why = _written(reason, "退回")
    target = clue.proposal or ""
    before = snapshot(clue)
    proposer = _clear(clue)
    log_change(session, principal, clue, "returned", before, why, extra={"proposed_by": proposer})
    notifications.notify(
        session,
        [proposer or ""],
        kind=notifications.RETURNED,
        actor=principal.username,
        clue_id=clue_id,
        message=f"“{status_zh(target)}”申请被退回：{clue_title(clue)}（{why}）",
    )
    return clue_detail(session, clue, principal)


def withdraw(
    session: Session, principal: Principal, clue_id: str, *, reason: str | None = None
) -> ClueDetail:
    """The proposer (or a chief or admin) withdraws a pending proposal."""
    clue = workable(session, principal, clue_id)
    if not clue.proposal:
        raise InvalidTransition(
            f"clue {clue_id} has no proposal awaiting approval", zh="此线索没有待审批的申请"
        )
    if clue.proposed_by != principal.username and not principal.supervises:
        raise PermissionDenied("only the proposer may withdraw a proposal", zh="只有提请人可以撤回申请")
    before = snapshot(clue)
    _clear(clue)
    log_change(session, principal, clue, "withdrawn", before, reason)
    return clue_detail(session, clue, principal)
