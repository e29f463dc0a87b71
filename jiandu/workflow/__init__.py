"""The workflow store: clues from model runs, their lifecycle, users, jurisdictions, audit.

Service API (every user-facing function takes ``(session, principal, ...)``, checks the role's
permission and the jurisdiction, masks its output, and appends hash-chained events for changes)::

    store = Store.for_workspace(root)            # or Store(url); migrates on open
    with store.write() as s: ...                 # changes (commit on success)
    with store.read() as s: ...                  # reads

    authenticate(s, username, password) -> Principal
    principal_from_token(s, token) -> Principal
    principal_for_username(s, username) -> Principal   # e.g. from a signed session cookie
    create_token(s, principal, username=None, label=None) -> str

    list_clues(s, p, ClueFilter(...), limit=50, cursor=None) -> Page
    count_clues(s, p, ClueFilter(...)) -> int
    get_clue(s, p, clue_id) -> ClueDetail       # shown unmasked: a logged view (Store.write())
    clue_events(s, p, clue_id) -> list[EventView]
    masker_for(p) -> Callable[[str], str]       # mask other text shown to p (judgments)
    export_clues(s, p, ClueFilter(...)) -> Iterator[dict]
    assign(s, p, clue_id, assignee, reason=None) -> ClueDetail
    transition(s, p, clue_id, to, reason=None, reject_reason=None, merged_into=None) -> ClueDetail
    record_outcome(s, p, clue_id, outcome, reason=None, cause=None, feedback=None) -> ClueDetail
    record_changed_judgment(s, p, clue_id, reason=None) -> ClueDetail
    set_deadline(s, p, clue_id, day, reason) -> ClueDetail
    propose(s, p, clue_id, to, reason) / approve(s, p, clue_id) / return_proposal(s, p, clue_id, reason)
    withdraw(s, p, clue_id)                       # filing a case, issuing a suggestion: approval
    bulk_assign(s, p, ids, assignee, reason) / bulk_dismiss(s, p, ids, reject_reason, reason)
    jiandu.workflow.notifications: list_notifications / unread_count / mark_read (by login name)
    sync_clues(s, clues, actor="system") -> SyncResult
    sync_clues_as(s, p, clues) -> SyncResult      # a partial list: never marks 未再命中
    mark_not_found(s, found_ids, latest_runs, actor) -> NotFoundResult   # the full sync only

    model_stats(s, p, model_id=None, by_jurisdiction=True) -> list[StatsRow]
    governance_groups(s, p, min_clues=1) -> list[GovernanceGroup]
    suggestion_draft(s, p, group_key, model_title=None, ...) -> bytes (.docx)

    list_events(s, p, after_seq=0, limit=100, ...) -> list[EventView]   # the auditor's jurisdiction
    verify_log(s, p) -> VerifyResult   # keyed chain, head, anchors (jiandu.workflow.audit); never raises
    add_user / list_users / set_password / set_active (admin)
    add_jurisdiction / list_jurisdictions / add_court / add_region_alias / install_defaults
    reresolve_clues(s, p, all_clues=False) -> ReresolveResult   # audited; also after tree changes

Errors: `PermissionDenied` (403), `NotFound` (404, also outside the jurisdiction),
`InvalidTransition` (409), `InvalidInput` (400), `AuthenticationFailed` (401).
"""

from jiandu.workflow.approvals import approve, propose, return_proposal, withdraw
from jiandu.workflow.audit import VerifyResult
from jiandu.workflow.authz import PERMISSIONS, Permission, Principal, Role
from jiandu.workflow.bulk import BulkResult, bulk_assign, bulk_dismiss
from jiandu.workflow.clues import (
    ClueFilter,
    clue_events,
    count_clues,
    export_clues,
    get_clue,
    list_clues,
    masker_for,
    sync_clues,
    sync_clues_as,
)
from jiandu.workflow.db import Store, StoreError, safe_url, workflow_url
from jiandu.workflow.errors import (
    AuthenticationFailed,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    WorkflowError,
)
from jiandu.workflow.governance import GovernanceGroup, governance_groups, suggestion_draft
from jiandu.workflow.jurisdictions import (
    add_court,
    add_jurisdiction,
    add_region_alias,
    install_defaults,
    list_jurisdictions,
)
from jiandu.workflow.lifecycle import TRANSITIONS, Outcome, RejectReason, Status
from jiandu.workflow.log import list_events, verify_log
from jiandu.workflow.masking import mask_text
from jiandu.workflow.not_found import LatestRun, NotFoundResult, mark_not_found
from jiandu.workflow.reresolve import ReresolveResult, reresolve_clues
from jiandu.workflow.stats import StatsRow, funnel, model_stats
from jiandu.workflow.users import (
    add_user,
    authenticate,
    create_token,
    list_users,
    principal_for_username,
    principal_from_token,
    set_active,
    set_password,
    system_principal,
)
from jiandu.workflow.views import ClueDetail, ClueSummary, EventView, Page, SyncResult
from jiandu.workflow.working import (
    assign,
    assignable_users,
    record_changed_judgment,
    record_outcome,
    set_deadline,
    transition,
)

__all__ = [
    "PERMISSIONS",
    "TRANSITIONS",
    "AuthenticationFailed",
    "BulkResult",
    "ClueDetail",
    "ClueFilter",
    "ClueSummary",
    "EventView",
    "GovernanceGroup",
    "InvalidInput",
    "InvalidTransition",
    "LatestRun",
    "NotFound",
    "NotFoundResult",
    "Outcome",
    "Page",
    "Permission",
    "PermissionDenied",
    "Principal",
    "RejectReason",
    "ReresolveResult",
    "Role",
    "StatsRow",
    "Status",
    "Store",
    "StoreError",
    "SyncResult",
    "VerifyResult",
    "WorkflowError",
    "add_court",
    "add_jurisdiction",
    "add_region_alias",
    "add_user",
    "approve",
    "assign",
    "assignable_users",
    "authenticate",
    "bulk_assign",
    "bulk_dismiss",
    "clue_events",
    "count_clues",
    "create_token",
    "export_clues",
    "funnel",
    "get_clue",
    "governance_groups",
    "install_defaults",
    "list_clues",
    "list_events",
    "list_jurisdictions",
    "list_users",
    "mark_not_found",
    "mask_text",
    "masker_for",
    "model_stats",
    "principal_for_username",
    "principal_from_token",
    "propose",
    "record_changed_judgment",
    "record_outcome",
    "reresolve_clues",
    "return_proposal",
    "safe_url",
    "set_active",
    "set_deadline",
    "set_password",
    "suggestion_draft",
    "sync_clues",
    "sync_clues_as",
    "system_principal",
    "transition",
    "verify_log",
    "withdraw",
    "workflow_url",
]
