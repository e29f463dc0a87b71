"""Working a clue: assign, move through the lifecycle, record the outcome and a changed judgment.

Every function takes a `Principal` first (after the session) and checks, in this order: the
role's permission (`PermissionDenied`), the clue's jurisdiction (`NotFound`), who holds the clue
(its assignee, a chief or an admin), then the lifecycle (`InvalidTransition`). All checks run
before anything changes (`check_assignment`, `check_move`), so bulk actions
(`jiandu.workflow.bulk`) can apply the same steps clue by clue. Every change appends a
hash-chained event in the same transaction; run them in `Store.write()`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.workflow import deadlines, notifications
from jiandu.workflow.audit import chain, flush_chain
from jiandu.workflow.authz import ASSIGNABLE_ROLES, Permission, Principal, Role, require
from jiandu.workflow.clues import clue_detail, load_clue, status_zh
from jiandu.workflow.deadlines import due_text
from jiandu.workflow.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied, WorkflowError
from jiandu.workflow.jurisdictions import subtree
from jiandu.workflow.lifecycle import (
    CHANGED_JUDGMENT_FROM,
    DEADLINE_STATUSES,
    DECIDED,
    NEEDS_APPROVAL,
    OUTCOME_FROM,
    REASSIGNABLE,
    FalsePositiveCause,
    Outcome,
    RejectReason,
    Status,
    transition_error,
)
from jiandu.workflow.masking import masker
from jiandu.workflow.tables import Clue, User
from jiandu.workflow.views import ClueDetail


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def snapshot(c: Clue) -> dict[str, Any]:
    """The workflow fields of a clue an event records before and after a change."""
    return {
        "status": c.status,
        "assignee": c.assignee,
        "reject_reason": c.reject_reason,
        "merged_into": c.merged_into,
        "outcome": c.outcome,
        "outcome_cause": c.outcome_cause,
        "proposal": c.proposal,
        "due_at": due_text(c.due_at),
    }


def workable(session: Session, principal: Principal, clue_id: str) -> Clue:
    """The clue, locked for a change by ``principal``: its assignee, a chief or an admin."""
    require(principal, Permission.CLUE_WORK)
    clue = load_clue(session, principal, clue_id, for_update=True)
    if clue.assignee and clue.assignee != principal.username and not principal.supervises:
        raise PermissionDenied(
            f"clue {clue_id} is assigned to {clue.assignee}; only they, a chief or an admin may work it",
            zh="此线索已分派给其他承办人，只有承办人本人、部门负责人或管理员可以办理",
        )
    return clue


def log_change(
    session: Session,
    principal: Principal,
    clue: Clue,
    kind: str,
    before: dict[str, Any],
    reason: str | None,
    *,
    extra: dict[str, Any] | None = None,
) -> None:
    """Append the change of ``clue`` since ``before`` (a `snapshot`) as an event: only the fields
    that changed (all when none did), plus ``extra`` facts (non-empty values) in ``after``."""
    after = snapshot(clue)
    changed = {k for k in after if after[k] != before.get(k)}
    facts = {k: v for k, v in (extra or {}).items() if v not in (None, "")}
    chain(session).append(
        actor=principal.username,
        kind=kind,
        entity_type="clue",
        entity_id=clue.clue_id,
        reason=reason,
        before={k: before[k] for k in sorted(changed)} if changed else before,
        after=({k: after[k] for k in sorted(changed)} if changed else after) | facts,
    )
    clue.updated_at = _now()
    flush_chain(session)


def _assignee_problem(
    session: Session, principal: Principal, clue: Clue, user: User | None, name: str
) -> WorkflowError | None:
    """Why ``user`` may not take ``clue`` (None: they may): the one rule `assign` enforces and
    `assignable_users` offers."""
    if user is None or not user.active or not principal.can_see(user.jurisdiction_code):
        return NotFound(f"no active user {name!r}", zh=f"没有登录名为“{name}”的在职用户")
    if Role(user.role) not in ASSIGNABLE_ROLES:
        return InvalidInput(
            f"{name} is a {user.role}; clues go to a prosecutor or an admin",
            zh="线索只能分派给检察官或管理员",
        )
    if clue.jurisdiction_code is not None and clue.jurisdiction_code not in subtree(
        session, user.jurisdiction_code
    ):
        return InvalidInput(
            f"{name} works in {user.jurisdiction_code}, outside this clue's jurisdiction",
            zh="该用户所在辖区不包含此线索的辖区",
        )
    return None


def assignable_users(session: Session, principal: Principal, clue_id: str) -> list[tuple[str, str]]:
    """The colleagues a clue may be assigned to, as (login name, display name), by name: active
    prosecutors and administrators the principal sees whose jurisdiction covers the clue's."""
    require(principal, Permission.CLUE_WORK)
    clue = load_clue(session, principal, clue_id)
    users = session.execute(select(User).where(User.active.is_(True))).scalars()
    fit = [u for u in users if _assignee_problem(session, principal, clue, u, u.username) is None]
    return sorted(((u.username, u.display_name or u.username) for u in fit), key=lambda x: (x[1], x[0]))


def colleagues(session: Session, principal: Principal) -> list[tuple[str, str]]:
    """Who the principal may give clues to in bulk, as (login name, display name), by name: active
    prosecutors, chiefs and admins in the principal's jurisdiction and below (each clue is still
    checked against its own jurisdiction when assigned)."""
    require(principal, Permission.CLUE_WORK)
    users = session.execute(
        select(User).where(User.active.is_(True), User.role.in_([r.value for r in ASSIGNABLE_ROLES]))
    ).scalars()
    fit = [u for u in users if principal.can_see(u.jurisdiction_code)]
    return sorted(((u.username, u.display_name or u.username) for u in fit), key=lambda x: (x[1], x[0]))


def check_assignment(session: Session, principal: Principal, clue: Clue, assignee: str) -> None:
    """Raise unless ``principal`` may give ``clue`` to ``assignee`` now (status, who holds it, who
    may take it): the checks `assign` and bulk assignment make before changing anything."""
    if clue.status not in (Status.NEW, *REASSIGNABLE):
        raise InvalidTransition(
            f"a clue in status {clue.status} cannot be assigned; only new, assigned or verifying clues can",
            zh=f"线索处于“{status_zh(clue.status)}”状态，不能分派；只有新线索、已分派和核查中的线索可以分派",
        )
    if (
        clue.assignee
        and clue.assignee != principal.username
        and not principal.supervises
        and clue.status != Status.NEW
    ):
        raise PermissionDenied(
            f"clue {clue.clue_id} is assigned to {clue.assignee}; "
            "only they, a chief or an admin may reassign it",
            zh="此线索已分派给其他承办人，只有承办人本人、部门负责人或管理员可以改派",
        )
    user = session.execute(select(User).where(User.username == assignee)).scalar_one_or_none()
    problem = _assignee_problem(session, principal, clue, user, assignee)
    if problem is not None:
        raise problem
    if clue.assignee == assignee:
        raise InvalidTransition(
            f"clue {clue.clue_id} is already assigned to {assignee}",
            zh="此线索已分派给该承办人",
        )


def give(session: Session, principal: Principal, clue: Clue, assignee: str, reason: str | None) -> None:
    """Assign a checked clue (`check_assignment`): a new clue starts its verification period."""
    before = snapshot(clue)
    clue.assignee = assignee
    if clue.status == Status.NEW:
        clue.status = Status.ASSIGNED.value
        deadlines.on_status(clue, Status.ASSIGNED, _now())
    log_change(session, principal, clue, "assigned", before, reason)


def assign(
    session: Session, principal: Principal, clue_id: str, assignee: str, *, reason: str | None = None
) -> ClueDetail:
    """Assign a new clue (new → assigned), or reassign one that is assigned or being verified;
    the assignee is notified."""
    require(principal, Permission.CLUE_WORK)
    clue = load_clue(session, principal, clue_id, for_update=True)
    check_assignment(session, principal, clue, assignee)
    give(session, principal, clue, assignee, reason)
    if assignee != principal.username:
        notifications.notify(
            session,
            [assignee],
            kind=notifications.ASSIGNED,
            actor=principal.username,
            clue_id=clue_id,
            message=f"分派给您一条线索：{clue_title(clue)}" + (f"（{reason}）" if reason else ""),
        )
    return clue_detail(session, clue, principal)


def clue_title(clue: Clue) -> str:
    """A clue's subject as a notification names it, masked like a list (no ID numbers)."""
    return masker(False)(clue.subject_name or "（对象不详）")


def check_move(
    session: Session,
    principal: Principal,
    clue: Clue,
    target: Status,
    *,
    reason: str | None,
    reject_reason: str | None,
    merged_into: str | None,
) -> None:
    """Raise unless ``clue`` may move to ``target`` with these details (the transition table,
    a reject reason, the clue to merge into): every check `move` relies on, before any change."""
    problem = transition_error(clue.status, target)
    if problem:
        raise InvalidTransition(
            problem,
            zh=f"线索处于“{status_zh(clue.status)}”状态，不能变更为“{status_zh(target)}”",
        )
    if clue.proposal:
        raise InvalidTransition(
            f"clue {clue.clue_id} has a proposal ({clue.proposal}) awaiting approval",
            zh=f"此线索有待审批的“{status_zh(clue.proposal)}”申请，须先审批或撤回",
        )
    if target != Status.REJECTED and reject_reason:
        raise InvalidInput(
            "a reject reason goes only with status rejected",
            zh="只有不予立案时才填写不予立案理由",
        )
    if target != Status.MERGED and merged_into:
        raise InvalidInput("merged_into goes only with status merged", zh="只有并案时才填写并入的线索")
    if target == Status.REJECTED:
        check_reject_reason(reject_reason, reason)
    if target == Status.MERGED:
        if not merged_into:
            raise InvalidInput("merging needs the clue to merge into", zh="并案须指明并入哪条线索")
        if merged_into == clue.clue_id:
            raise InvalidInput("a clue cannot be merged into itself", zh="线索不能并入其自身")
        into = load_clue(session, principal, merged_into)
        if into.status == Status.MERGED:
            raise InvalidInput(
                f"clue {merged_into} is itself merged into {into.merged_into}; merge into that one",
                zh="所选线索已并入另一线索，请并入那一条",
            )


def check_reject_reason(reject_reason: str | None, reason: str | None) -> None:
    """Raise unless ``reject_reason`` is a reason code (and 'other' comes with a written reason)."""
    try:
        code = RejectReason(reject_reason or "")
    except ValueError:
        raise InvalidInput(
            f"rejecting needs a reason code: {', '.join(r.value for r in RejectReason)}",
            zh="不予立案须选择理由",
        ) from None
    if code == RejectReason.OTHER and not (reason and reason.strip()):
        raise InvalidInput(
            "reason code 'other' needs a written reason",
            zh="理由为“其他”时须写明具体理由",
        )


def move(
    clue: Clue, target: Status, *, reject_reason: str | None = None, merged_into: str | None = None
) -> None:
    """Put a checked clue (`check_move`) in ``target``: milestones, deadline, assignee."""
    now = _now()
    if target == Status.REJECTED:
        clue.reject_reason = RejectReason(reject_reason or "").value
    if target == Status.MERGED:
        clue.merged_into = merged_into
    if target == Status.NEW:
        clue.assignee = None
    if clue.status == Status.VERIFYING and target in DECIDED:
        clue.verified_at = now
    if target == Status.CASE_FILED:
        clue.case_filed_at = now
    if target == Status.SUGGESTION_ISSUED:
        clue.suggestion_at = now
    clue.status = target.value
    deadlines.on_status(clue, target, now)


def transition(
    session: Session,
    principal: Principal,
    clue_id: str,
    to: str,
    *,
    reason: str | None = None,
    reject_reason: str | None = None,
    merged_into: str | None = None,
) -> ClueDetail:
    """Move a clue to another status, as the transition table allows.

    ``rejected`` needs ``reject_reason`` (data_error, lawful, duplicate, insufficient_evidence,
    other — 'other' also needs ``reason``); ``merged`` needs ``merged_into`` (another visible
    clue that is not itself merged); ``assigned`` goes through `assign`; ``new`` (from assigned)
    returns the clue to the pool and clears the assignee. Filing a case and issuing a suggestion
    need approval: they go through `jiandu.workflow.approvals` (propose, approve).
    """
    clue = workable(session, principal, clue_id)
    if to == Status.ASSIGNED:
        raise InvalidInput("use assign() to assign a clue (it needs an assignee)", zh="分派线索须选择承办人")
    try:
        target = Status(to)
    except ValueError:
        raise InvalidInput(f"unknown status {to!r}", zh="未知的线索状态") from None
    if target in NEEDS_APPROVAL and not transition_error(clue.status, target):
        raise InvalidTransition(
            f"{target.value} needs a chief's approval: propose it (approvals.propose)",
            zh=f"“{status_zh(target)}”须经部门负责人审批，请提交审批",
        )
    check_move(
        session, principal, clue, target, reason=reason, reject_reason=reject_reason, merged_into=merged_into
    )
    before = snapshot(clue)
    move(clue, target, reject_reason=reject_reason, merged_into=merged_into)
    log_change(session, principal, clue, "status_changed", before, reason)
    return clue_detail(session, clue, principal)


def record_outcome(
    session: Session,
    principal: Principal,
    clue_id: str,
    outcome: str,
    *,
    reason: str | None = None,
    cause: str | None = None,
    feedback: str | None = None,
) -> ClueDetail:
    """Record (or correct) the outcome: confirmed, valuable or false_positive (from verifying on).

    ``feedback`` is free text for the model's authors (kept with the outcome, shown on the model's
    page next to its precision); a false positive also needs its ``cause``
    (`FalsePositiveCause`: data_error, namesake, rule_too_broad, text_misread, already_handled,
    other — 'other' with feedback).
    """
    clue = workable(session, principal, clue_id)
    try:
        value = Outcome(outcome)
    except ValueError:
        raise InvalidInput(
            f"unknown outcome {outcome!r}; use one of {', '.join(o.value for o in Outcome)}",
            zh="请选择有效的核查结论",
        ) from None
    if clue.status not in OUTCOME_FROM:
        raise InvalidTransition(
            f"an outcome is recorded once verification has started (status is {clue.status})",
            zh="开始核查后才能记录核查结论",
        )
    feedback = feedback.strip() if feedback and feedback.strip() else None
    cause_code = _false_positive_cause(value, cause, feedback)
    if (clue.outcome, clue.outcome_cause, clue.outcome_feedback) == (value.value, cause_code, feedback):
        raise InvalidTransition(
            f"clue {clue_id} already has outcome {value.value}",
            zh="此线索已记录该核查结论",
        )
    before = snapshot(clue)
    clue.outcome = value.value
    clue.outcome_cause = cause_code
    clue.outcome_feedback = feedback
    clue.outcome_model_version = clue.model_version
    log_change(session, principal, clue, "outcome_recorded", before, reason, extra={"feedback": feedback})
    return clue_detail(session, clue, principal)


def _false_positive_cause(outcome: Outcome, cause: str | None, feedback: str | None) -> str | None:
    if outcome != Outcome.FALSE_POSITIVE:
        if cause:
            raise InvalidInput("a cause goes only with a false positive", zh="只有误报才选择误报原因")
        return None
    try:
        code = FalsePositiveCause(cause or "")
    except ValueError:
        raise InvalidInput(
            f"a false positive needs its cause: {', '.join(c.value for c in FalsePositiveCause)}",
            zh="记录误报须选择误报原因",
        ) from None
    if code == FalsePositiveCause.OTHER and not feedback:
        raise InvalidInput("cause 'other' needs written feedback", zh="误报原因为“其他”时须填写反馈意见")
    return code.value


def record_changed_judgment(
    session: Session, principal: Principal, clue_id: str, *, reason: str | None = None
) -> ClueDetail:
    """Record that the judgment was changed (改判) after the case or suggestion."""
    clue = workable(session, principal, clue_id)
    if clue.status not in CHANGED_JUDGMENT_FROM:
        raise InvalidTransition(
            f"a changed judgment follows a filed case or an issued suggestion (status is {clue.status})",
            zh="立案或制发检察建议后才能记录改判",
        )
    if clue.changed_judgment_at is not None:
        raise InvalidTransition(
            f"clue {clue_id} already has a changed judgment recorded",
            zh="此线索已记录改判",
        )
    before = snapshot(clue) | {"changed_judgment": False}
    clue.changed_judgment_at = _now()
    chain(session).append(
        actor=principal.username,
        kind="changed_judgment",
        entity_type="clue",
        entity_id=clue_id,
        reason=reason,
        before={"changed_judgment": before["changed_judgment"]},
        after={"changed_judgment": True},
    )
    clue.updated_at = _now()
    flush_chain(session)
    return clue_detail(session, clue, principal)


def set_deadline(
    session: Session, principal: Principal, clue_id: str, day: dt.date, *, reason: str | None
) -> ClueDetail:
    """Set the running deadline of a clue to the end of ``day`` (Beijing), with a reason: an
    extension granted, a date the addressee agreed. Only a clue whose status carries a deadline."""
    clue = workable(session, principal, clue_id)
    if Status(clue.status) not in DEADLINE_STATUSES:
        raise InvalidTransition(
            f"a clue in status {clue.status} has no running deadline",
            zh=f"线索处于“{status_zh(clue.status)}”状态，没有办理期限",
        )
    if not (reason and reason.strip()):
        raise InvalidInput("changing a deadline needs a reason", zh="变更期限须写明理由")
    today = deadlines.days_left(deadlines.end_of_day(day), _now())
    if today is None or today < 0 or today > deadlines.MAX_DAYS_AHEAD:
        raise InvalidInput(
            f"a deadline is a day from today to {deadlines.MAX_DAYS_AHEAD} days ahead",
            zh="期限须是今天或以后、三年以内的日期",
        )
    before = snapshot(clue)
    clue.due_at = deadlines.end_of_day(day)
    if before["due_at"] == due_text(clue.due_at):
        raise InvalidTransition("the deadline is already that day", zh="期限已是该日期")
    log_change(session, principal, clue, "deadline_set", before, reason.strip())
    return clue_detail(session, clue, principal)
