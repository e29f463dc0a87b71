"""The clue lifecycle: statuses, the one table of allowed transitions, reason codes, outcomes.

::

    new ──► assigned ──► verifying ──► case_filed* ──────┐
     │        │  ▲                ├──► suggestion_issued* ┤
     │        ▼  │                ├──► rejected (reason) ─┼──► closed
     │       new (returned)       └──► merged (into)  ────┘
     └────────┴──► rejected (dismissed at triage, with a reason)
                                   case_filed ──► suggestion_issued*

* needs approval (审批): the 承办人 proposes, a 部门负责人 approves (the move happens) or returns
  the proposal with a reason (`jiandu.workflow.approvals`).

Outcomes (confirmed, valuable, false_positive) are recorded once verification has started and
may be corrected, with feedback for the model's authors (a false positive names its cause); a
changed judgment (改判) is recorded on a filed case or issued suggestion.

Deadlines (期限): assigning starts the verification period (`VERIFY_DAYS`), an issued suggestion
the reply period (`REPLY_DAYS`); the other statuses carry none (`jiandu.workflow.deadlines`).
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    VERIFYING = "verifying"
    CASE_FILED = "case_filed"
    SUGGESTION_ISSUED = "suggestion_issued"
    REJECTED = "rejected"
    MERGED = "merged"
    CLOSED = "closed"


STATUS_NAMES_ZH = {
    Status.NEW: "新线索",
    Status.ASSIGNED: "已分派",
    Status.VERIFYING: "核查中",
    Status.CASE_FILED: "已立案",
    Status.SUGGESTION_ISSUED: "已发检察建议",
    Status.REJECTED: "不予立案",
    Status.MERGED: "已合并",
    Status.CLOSED: "已办结",
}

S = Status
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.NEW: frozenset({S.ASSIGNED, S.REJECTED}),
    S.ASSIGNED: frozenset({S.VERIFYING, S.NEW, S.REJECTED}),
    S.VERIFYING: frozenset({S.CASE_FILED, S.SUGGESTION_ISSUED, S.REJECTED, S.MERGED}),
    S.CASE_FILED: frozenset({S.SUGGESTION_ISSUED, S.CLOSED}),
    S.SUGGESTION_ISSUED: frozenset({S.CLOSED}),
    S.REJECTED: frozenset({S.CLOSED}),
    S.MERGED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}

# statuses in which the clue may be (re)assigned without changing status
REASSIGNABLE = frozenset({S.ASSIGNED, S.VERIFYING})
# statuses after verification: an outcome may be recorded from verifying on
OUTCOME_FROM = frozenset({S.VERIFYING, S.CASE_FILED, S.SUGGESTION_ISSUED, S.REJECTED, S.MERGED, S.CLOSED})
CHANGED_JUDGMENT_FROM = frozenset({S.CASE_FILED, S.SUGGESTION_ISSUED, S.CLOSED})
DECIDED = frozenset({S.CASE_FILED, S.SUGGESTION_ISSUED, S.REJECTED, S.MERGED})
# moves a 部门负责人 must approve (the 承办人 proposes them)
NEEDS_APPROVAL = frozenset({S.CASE_FILED, S.SUGGESTION_ISSUED})
# a clue can be dismissed (rejected) in bulk from these statuses
DISMISSABLE = frozenset(s for s, nexts in TRANSITIONS.items() if S.REJECTED in nexts)

# Deadlines (days; office policy): verification from assignment, and the two months the
# addressee of a 检察建议 has to reply in writing (《人民检察院检察建议工作规定》).
VERIFY_DAYS = 30
REPLY_DAYS = 60
# statuses whose deadline runs; entering any other status clears it
DEADLINE_STATUSES = frozenset({S.ASSIGNED, S.VERIFYING, S.SUGGESTION_ISSUED})


class RejectReason(StrEnum):
    DATA_ERROR = "data_error"
    LAWFUL = "lawful"
    DUPLICATE = "duplicate"
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"
    OTHER = "other"


REJECT_REASON_NAMES_ZH = {
    RejectReason.DATA_ERROR: "数据错误",
    RejectReason.LAWFUL: "经核查合法",
    RejectReason.DUPLICATE: "重复线索",
    RejectReason.INSUFFICIENT_EVIDENCE: "证据不足",
    RejectReason.OTHER: "其他",
}


class Outcome(StrEnum):
    CONFIRMED = "confirmed"
    VALUABLE = "valuable"
    FALSE_POSITIVE = "false_positive"


OUTCOME_NAMES_ZH = {Outcome.CONFIRMED: "属实", Outcome.VALUABLE: "有价值", Outcome.FALSE_POSITIVE: "误报"}
POSITIVE_OUTCOMES = frozenset({Outcome.CONFIRMED, Outcome.VALUABLE})


class FalsePositiveCause(StrEnum):
    """Why a clue was a false positive: what the model's authors need to improve it."""

    DATA_ERROR = "data_error"
    NAMESAKE = "namesake"
    RULE_TOO_BROAD = "rule_too_broad"
    TEXT_MISREAD = "text_misread"
    ALREADY_HANDLED = "already_handled"
    OTHER = "other"


FALSE_POSITIVE_CAUSE_NAMES_ZH = {
    FalsePositiveCause.DATA_ERROR: "源数据错误",
    FalsePositiveCause.NAMESAKE: "同名误认（非同一人）",
    FalsePositiveCause.RULE_TOO_BROAD: "规则过宽",
    FalsePositiveCause.TEXT_MISREAD: "文书内容识别错误",
    FalsePositiveCause.ALREADY_HANDLED: "已依法处理",
    FalsePositiveCause.OTHER: "其他",
}


def allowed_next(status: str) -> frozenset[Status]:
    return TRANSITIONS[Status(status)]


def transition_error(current: str, target: str) -> str | None:
    """None when ``current → target`` is allowed, else a message naming what is allowed."""
    try:
        frm, to = Status(current), Status(target)
    except ValueError:
        return f"unknown status {target!r}; statuses are {', '.join(s.value for s in Status)}"
    if to in TRANSITIONS[frm]:
        return None
    nexts = ", ".join(sorted(s.value for s in TRANSITIONS[frm])) or "none (the clue is closed)"
    return (
        f"a clue cannot go from {frm.value} ({STATUS_NAMES_ZH[frm]}) to {to.value} ({STATUS_NAMES_ZH[to]}); "
        f"allowed next: {nexts}"
    )
