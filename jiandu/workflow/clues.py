"""Clue services: sync from model runs, the queue, one clue, export, and working a clue.

Every function that a user triggers takes a `Principal` first (after the session) and checks,
in this order: the role's permission (`PermissionDenied`), the clue's jurisdiction (`NotFound`,
so ids outside the principal's scope cannot be probed), then the lifecycle
(`InvalidTransition`). Everything returned is masked for the principal
(`jiandu.workflow.masking`). Changes append hash-chained events in the same transaction; run
them in `Store.write()`.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, insert, or_, select, true
from sqlalchemy.orm import Session

from jiandu.workflow.audit import chain, flush_chain
from jiandu.workflow.authz import ASSIGNABLE_ROLES, Permission, Principal, Role, require
from jiandu.workflow.errors import (
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    WorkflowError,
)
from jiandu.workflow.jurisdictions import Resolver, subtree
from jiandu.workflow.lifecycle import (
    CHANGED_JUDGMENT_FROM,
    DECIDED,
    OUTCOME_FROM,
    REASSIGNABLE,
    STATUS_NAMES_ZH,
    Outcome,
    RejectReason,
    Status,
    allowed_next,
    transition_error,
)
from jiandu.workflow.masking import mask_value, masker
from jiandu.workflow.reresolve import EVENT_KIND as JURISDICTION_CHANGED
from jiandu.workflow.tables import Clue, Event, Jurisdiction, User
from jiandu.workflow.views import ClueDetail, ClueSummary, EventView, EvidenceItem, Page, Subject, SyncResult

BANDS = ("red", "yellow", "green")
REQUIRED = ("clue_id", "model_id", "model_version", "score", "band")
SYNC_BATCH = 1000
MAX_PAGE = 500
VIEWED = "personal_data_viewed"  # an access, not a change: in the audit log, not the clue's timeline


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# ---------------------------------------------------------------- sync from model runs


def _content(c: dict[str, Any]) -> dict[str, Any]:
    missing = [k for k in REQUIRED if c.get(k) is None]
    if missing:
        raise InvalidInput(f"clue {c.get('clue_id')!r} lacks {', '.join(missing)}")
    if c["band"] not in BANDS:
        raise InvalidInput(f"clue {c['clue_id']}: unknown band {c['band']!r}")
    subject = c.get("subject") or {}
    return {
        "model_id": str(c["model_id"]),
        "model_version": str(c["model_version"]),
        "subject_type": subject.get("type"),
        "subject_key": subject.get("key"),
        "subject_name": subject.get("name"),
        "score": float(c["score"]),
        "band": c["band"],
        "explanation": c.get("explanation") or "",
        "evidence": list(c.get("evidence") or []),
        "features": dict(c.get("features") or {}),
        "run_id": c.get("run_id"),
        "region": c.get("region"),
    }


def sync_clues(session: Session, clues: Iterable[dict[str, Any]], *, actor: str = "system") -> SyncResult:
    """Upsert clues in the contract form by their stable ``clue_id``.

    A new clue starts as ``new`` with a 'created' event. A known clue gets the run's score, band,
    explanation, evidence and version, and keeps its workflow state (status, assignee, outcome);
    a changed score or band appends a 'rescored' event with before/after. Idempotent: syncing
    the same clues again changes nothing and appends no event.
    """
    resolver = Resolver(session)
    writer = chain(session)
    result = SyncResult()
    iterator = iter(clues)
    while batch := list(itertools.islice(iterator, SYNC_BATCH)):
        by_id = {str(c["clue_id"]): c for c in batch if c.get("clue_id")}
        if len(by_id) < len(batch) and any(not c.get("clue_id") for c in batch):
            raise InvalidInput("a clue without clue_id")
        existing = {
            c.clue_id: c for c in session.execute(select(Clue).where(Clue.clue_id.in_(list(by_id)))).scalars()
        }
        now = _now()
        new_rows = []
        for clue_id, c in by_id.items():
            content = _content(c)
            jurisdiction, court = resolver.resolve(c)
            row = existing.get(clue_id)
            if row is None:
                new_rows.append(
                    {
                        "clue_id": clue_id,
                        **content,
                        "first_run_id": content["run_id"],
                        "jurisdiction_code": jurisdiction,
                        "court": court,
                        "status": Status.NEW.value,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                writer.append(
                    actor=actor,
                    kind="created",
                    entity_type="clue",
                    entity_id=clue_id,
                    after={
                        "status": Status.NEW.value,
                        "score": content["score"],
                        "band": content["band"],
                        "model_id": content["model_id"],
                        "model_version": content["model_version"],
                        "run_id": content["run_id"],
                        "jurisdiction_code": jurisdiction,
                    },
                    at=now,
                )
                result.new += 1
                continue
            current = {k: getattr(row, k) for k in content}
            if row.status == Status.NEW.value:
                current["jurisdiction_code"], content["jurisdiction_code"] = (
                    row.jurisdiction_code,
                    jurisdiction,
                )
            current["court"], content["court"] = row.court, court
            if current == content:
                result.unchanged += 1
                continue
            if row.status == Status.NEW.value and row.jurisdiction_code != jurisdiction:
                writer.append(  # re-resolved into another procuratorate's queue
                    actor=actor,
                    kind=JURISDICTION_CHANGED,
                    entity_type="clue",
                    entity_id=clue_id,
                    reason="同步线索时重新解析辖区",
                    before={"jurisdiction_code": row.jurisdiction_code, "court": row.court},
                    after={"jurisdiction_code": jurisdiction, "court": court},
                    at=now,
                )
            if abs(row.score - content["score"]) > 1e-9 or row.band != content["band"]:
                writer.append(
                    actor=actor,
                    kind="rescored",
                    entity_type="clue",
                    entity_id=clue_id,
                    before={
                        "score": row.score,
                        "band": row.band,
                        "model_version": row.model_version,
                        "run_id": row.run_id,
                    },
                    after={
                        "score": content["score"],
                        "band": content["band"],
                        "model_version": content["model_version"],
                        "run_id": content["run_id"],
                    },
                    at=now,
                )
                result.rescored += 1
            else:
                result.updated += 1
            for key, value in content.items():
                if getattr(row, key) != value:
                    setattr(row, key, value)
            row.updated_at = now
        if new_rows:
            session.execute(insert(Clue), new_rows)
        writer.flush()
    flush_chain(session)
    return result


def sync_clues_as(session: Session, principal: Principal, clues: Iterable[dict[str, Any]]) -> SyncResult:
    """`sync_clues` for a user (analyst or admin: permission clue.sync)."""
    require(principal, Permission.CLUE_SYNC)
    return sync_clues(session, clues, actor=principal.username)


# ---------------------------------------------------------------- scope and views


def scope_filter(session: Session, principal: Principal) -> ColumnElement[bool]:
    """The SQL condition that limits clues to the principal's jurisdictions."""
    total = session.execute(select(func.count()).select_from(Jurisdiction)).scalar_one()
    if principal.sees_unassigned and len(principal.scope) >= total:
        return true()
    condition: ColumnElement[bool] = (
        Clue.jurisdiction_code.in_(sorted(principal.scope)) if principal.scope else false()
    )
    if principal.sees_unassigned:
        condition = or_(condition, Clue.jurisdiction_code.is_(None))
    return condition


def _visible(principal: Principal, clue: Clue | None, clue_id: str) -> Clue:
    if clue is None or not principal.can_see(clue.jurisdiction_code):
        raise NotFound(f"no clue {clue_id}", zh="未找到该线索（或不在您的辖区内）")
    return clue


def _clue(session: Session, principal: Principal, clue_id: str, *, for_update: bool = False) -> Clue:
    query = select(Clue).where(Clue.clue_id == clue_id)
    if for_update:
        chain(session)  # lock the chain head first: every writer takes the locks in one order
        query = query.with_for_update()
    return _visible(principal, session.execute(query).scalar_one_or_none(), clue_id)


_SUMMARY_COLUMNS = (
    Clue.clue_id,
    Clue.model_id,
    Clue.model_version,
    Clue.subject_type,
    Clue.subject_key,
    Clue.subject_name,
    Clue.score,
    Clue.band,
    func.substr(Clue.explanation, 1, 200).label("headline"),
    Clue.status,
    Clue.assignee,
    Clue.outcome,
    Clue.jurisdiction_code,
    Clue.region,
    Clue.court,
    Clue.updated_at,
)


def _summary(row: Any, principal: Principal) -> ClueSummary:
    mask = masker(principal.sees_personal_data)
    headline = (row.headline or "").split("\n", 1)[0]
    return ClueSummary(
        clue_id=row.clue_id,
        model_id=row.model_id,
        model_version=row.model_version,
        subject=Subject(
            type=row.subject_type,
            key=mask(row.subject_key) if row.subject_key else row.subject_key,
            name=mask(row.subject_name) if row.subject_name else row.subject_name,
        ),
        score=row.score,
        band=row.band,
        headline=mask(headline),
        status=row.status,
        assignee=row.assignee,
        outcome=row.outcome,
        jurisdiction_code=row.jurisdiction_code,
        region=row.region,
        court=row.court,
        updated_at=row.updated_at,
    )


def masker_for(principal: Principal) -> Callable[[str], str]:
    """The text filter for this principal (e.g. for judgment text shown next to a clue)."""
    return masker(principal.sees_personal_data)


def _event_view(e: Event, principal: Principal) -> EventView:
    mask = masker(principal.sees_personal_data)
    return EventView(
        seq=e.seq,
        at=e.at,
        actor=e.actor,
        kind=e.kind,
        entity_type=e.entity_type,
        entity_id=e.entity_id,
        reason=mask(e.reason) if e.reason else e.reason,
        before=mask_value(e.before, mask),
        after=mask_value(e.after, mask),
        hash=e.hash,
    )


def _events(session: Session, clue_id: str) -> list[Event]:
    return list(
        session.execute(
            select(Event)
            .where(Event.entity_type == "clue", Event.entity_id == clue_id, Event.kind != VIEWED)
            .order_by(Event.seq)
        ).scalars()
    )


def _detail(session: Session, clue: Clue, principal: Principal) -> ClueDetail:
    mask = masker(principal.sees_personal_data)
    row = SimpleNamespace(**{c.key: getattr(clue, c.key) for c in _SUMMARY_COLUMNS if c.key != "headline"})
    row.headline = clue.explanation[:200]
    summary = _summary(row, principal)
    evidence = [
        EvidenceItem(**{k: v for k, v in mask_value(e, mask).items() if k in EvidenceItem.model_fields})
        for e in clue.evidence or []
    ]
    return ClueDetail(
        **summary.model_dump(),
        explanation=mask(clue.explanation),
        evidence=evidence,
        features=mask_value(clue.features or {}, mask),
        run_id=clue.run_id,
        first_run_id=clue.first_run_id,
        reject_reason=clue.reject_reason,
        merged_into=clue.merged_into,
        outcome_model_version=clue.outcome_model_version,
        verified_at=clue.verified_at,
        case_filed_at=clue.case_filed_at,
        suggestion_at=clue.suggestion_at,
        changed_judgment_at=clue.changed_judgment_at,
        created_at=clue.created_at,
        allowed_next=sorted(s.value for s in allowed_next(clue.status)),
        events=[_event_view(e, principal) for e in _events(session, clue.clue_id)],
    )


# ---------------------------------------------------------------- the queue


@dataclass(frozen=True, slots=True)
class ClueFilter:
    """Queue filters; each is optional. ``jurisdiction_code`` narrows within the principal's scope
    (that jurisdiction and below)."""

    model_id: str | None = None
    band: str | None = None
    status: str | None = None
    jurisdiction_code: str | None = None
    assignee: str | None = None
    min_score: float | None = None


def encode_cursor(score: float, clue_id: str) -> str:
    return base64.urlsafe_b64encode(f"{score!r}|{clue_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        score, clue_id = raw.split("|", 1)
        return float(score), clue_id
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("invalid page cursor") from None


def _status_zh(status: object) -> str:
    try:
        return STATUS_NAMES_ZH[Status(str(status))]
    except ValueError:
        return str(status)


def _conditions(session: Session, principal: Principal, f: ClueFilter) -> list[ColumnElement[bool]]:
    conditions = [scope_filter(session, principal)]
    if f.model_id:
        conditions.append(Clue.model_id == f.model_id)
    if f.band:
        if f.band not in BANDS:
            raise InvalidInput(f"unknown band {f.band!r}; use one of {', '.join(BANDS)}")
        conditions.append(Clue.band == f.band)
    if f.status:
        try:
            Status(f.status)
        except ValueError:
            raise InvalidInput(f"unknown status {f.status!r}") from None
        conditions.append(Clue.status == f.status)
    if f.jurisdiction_code:
        wanted = subtree(session, f.jurisdiction_code) & principal.scope
        conditions.append(Clue.jurisdiction_code.in_(sorted(wanted)) if wanted else false())
    if f.assignee:
        conditions.append(Clue.assignee == f.assignee)
    if f.min_score is not None:
        conditions.append(Clue.score >= f.min_score)
    return conditions


def list_clues(
    session: Session,
    principal: Principal,
    filters: ClueFilter | None = None,
    *,
    limit: int = 50,
    cursor: str | None = None,
) -> Page:
    """One page of the queue, highest score first (ties: clue id descending), keyset paged."""
    require(principal, Permission.CLUE_READ)
    limit = max(1, min(limit, MAX_PAGE))
    conditions = _conditions(session, principal, filters or ClueFilter())
    if cursor:
        score, clue_id = decode_cursor(cursor)
        conditions.append(Clue.score <= score)
        conditions.append(or_(Clue.score < score, Clue.clue_id < clue_id))
    rows = session.execute(
        select(*_SUMMARY_COLUMNS)
        .where(and_(*conditions))
        .order_by(Clue.score.desc(), Clue.clue_id.desc())
        .limit(limit + 1)
    ).all()
    items = [_summary(r, principal) for r in rows[:limit]]
    next_cursor = encode_cursor(rows[limit - 1].score, rows[limit - 1].clue_id) if len(rows) > limit else None
    return Page(items=items, next_cursor=next_cursor)


def count_clues(session: Session, principal: Principal, filters: ClueFilter | None = None) -> int:
    """How many clues match (a full count: use sparingly at 1M clues)."""
    require(principal, Permission.CLUE_READ)
    conditions = _conditions(session, principal, filters or ClueFilter())
    return session.execute(select(func.count()).select_from(Clue).where(and_(*conditions))).scalar_one()


def get_clue(session: Session, principal: Principal, clue_id: str) -> ClueDetail:
    """One clue with evidence and its event timeline.

    Shown unmasked (a principal with ``personal.read``), the view is itself an event: who saw
    whose personal data, when. Run in `Store.write()` then."""
    require(principal, Permission.CLUE_READ)
    if not principal.sees_personal_data:
        return _detail(session, _clue(session, principal, clue_id), principal)
    writer = chain(session)  # lock the chain head first: every writer takes the locks in one order
    clue = _clue(session, principal, clue_id)
    writer.append(actor=principal.username, kind=VIEWED, entity_type="clue", entity_id=clue.clue_id)
    flush_chain(session)
    return _detail(session, clue, principal)


def clue_events(session: Session, principal: Principal, clue_id: str) -> list[EventView]:
    require(principal, Permission.CLUE_READ)
    _clue(session, principal, clue_id)
    return [_event_view(e, principal) for e in _events(session, clue_id)]


def export_clues(
    session: Session, principal: Principal, filters: ClueFilter | None = None
) -> Iterator[dict[str, Any]]:
    """Clues in the contract form (plus status, outcome, jurisdiction), masked; the export itself is
    an event (who exported what). Run in `Store.write()` and consume before it closes."""
    require(principal, Permission.CLUE_EXPORT)
    f = filters or ClueFilter()
    conditions = _conditions(session, principal, f)
    total = session.execute(select(func.count()).select_from(Clue).where(and_(*conditions))).scalar_one()
    chain(session).append(
        actor=principal.username,
        kind="exported",
        entity_type="store",
        entity_id=None,
        after={
            "filters": {k: v for k, v in dataclasses.asdict(f).items() if v is not None},
            "clues": total,
        },
    )
    flush_chain(session)
    mask = masker(principal.sees_personal_data)
    query = (
        select(Clue)
        .where(and_(*conditions))
        .order_by(Clue.score.desc(), Clue.clue_id.desc())
        .execution_options(yield_per=1000)
    )
    for c in session.execute(query).scalars():
        yield mask_value(
            {
                "clue_id": c.clue_id,
                "model_id": c.model_id,
                "model_version": c.model_version,
                "subject": {"type": c.subject_type, "key": c.subject_key, "name": c.subject_name},
                "score": c.score,
                "band": c.band,
                "explanation": c.explanation,
                "evidence": c.evidence,
                "run_id": c.run_id,
                "region": c.region,
                "jurisdiction_code": c.jurisdiction_code,
                "status": c.status,
                "outcome": c.outcome,
            },
            mask,
        )


# ---------------------------------------------------------------- working a clue


def _snapshot(c: Clue) -> dict[str, Any]:
    return {
        "status": c.status,
        "assignee": c.assignee,
        "reject_reason": c.reject_reason,
        "merged_into": c.merged_into,
        "outcome": c.outcome,
    }


def _workable(session: Session, principal: Principal, clue_id: str) -> Clue:
    require(principal, Permission.CLUE_WORK)
    clue = _clue(session, principal, clue_id, for_update=True)
    if clue.assignee and clue.assignee != principal.username and principal.role != Role.ADMIN:
        raise PermissionDenied(
            f"clue {clue_id} is assigned to {clue.assignee}; only they or an admin may work it",
            zh="此线索已分派给其他承办人，只有承办人本人或管理员可以办理",
        )
    return clue


def _log(
    session: Session, principal: Principal, clue: Clue, kind: str, before: dict[str, Any], reason: str | None
) -> None:
    after = _snapshot(clue)
    changed = {k for k in after if after[k] != before.get(k)}
    chain(session).append(
        actor=principal.username,
        kind=kind,
        entity_type="clue",
        entity_id=clue.clue_id,
        reason=reason,
        before={k: before[k] for k in sorted(changed)} if changed else before,
        after={k: after[k] for k in sorted(changed)} if changed else after,
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
    clue = _clue(session, principal, clue_id)
    users = session.execute(select(User).where(User.active.is_(True))).scalars()
    fit = [u for u in users if _assignee_problem(session, principal, clue, u, u.username) is None]
    return sorted(((u.username, u.display_name or u.username) for u in fit), key=lambda x: (x[1], x[0]))


def assign(
    session: Session, principal: Principal, clue_id: str, assignee: str, *, reason: str | None = None
) -> ClueDetail:
    """Assign a new clue (new → assigned), or reassign one that is assigned or being verified."""
    require(principal, Permission.CLUE_WORK)
    clue = _clue(session, principal, clue_id, for_update=True)
    if clue.status not in (Status.NEW, *REASSIGNABLE):
        raise InvalidTransition(
            f"a clue in status {clue.status} cannot be assigned; only new, assigned or verifying clues can",
            zh=f"线索处于“{_status_zh(clue.status)}”状态，不能分派；只有新线索、已分派和核查中的线索可以分派",
        )
    if (
        clue.assignee
        and clue.assignee != principal.username
        and principal.role != Role.ADMIN
        and clue.status != Status.NEW
    ):
        raise PermissionDenied(
            f"clue {clue_id} is assigned to {clue.assignee}; only they or an admin may reassign it",
            zh="此线索已分派给其他承办人，只有承办人本人或管理员可以改派",
        )
    user = session.execute(select(User).where(User.username == assignee)).scalar_one_or_none()
    problem = _assignee_problem(session, principal, clue, user, assignee)
    if problem is not None:
        raise problem
    if clue.assignee == assignee:
        raise InvalidTransition(
            f"clue {clue_id} is already assigned to {assignee}",
            zh="此线索已分派给该承办人",
        )
    before = _snapshot(clue)
    clue.assignee = assignee
    if clue.status == Status.NEW:
        clue.status = Status.ASSIGNED.value
    _log(session, principal, clue, "assigned", before, reason)
    return _detail(session, clue, principal)


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
    returns the clue to the pool and clears the assignee.
    """
    clue = _workable(session, principal, clue_id)
    if to == Status.ASSIGNED:
        raise InvalidInput("use assign() to assign a clue (it needs an assignee)")
    problem = transition_error(clue.status, to)
    if problem:
        raise InvalidTransition(
            problem,
            zh=f"线索处于“{_status_zh(clue.status)}”状态，不能变更为“{_status_zh(to)}”",
        )
    target = Status(to)
    if target != Status.REJECTED and reject_reason:
        raise InvalidInput(
            "a reject reason goes only with status rejected",
            zh="只有不予立案时才填写不予立案理由",
        )
    if target != Status.MERGED and merged_into:
        raise InvalidInput("merged_into goes only with status merged", zh="只有并案时才填写并入的线索")
    before = _snapshot(clue)
    now = _now()
    if target == Status.REJECTED:
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
        clue.reject_reason = code.value
    if target == Status.MERGED:
        if not merged_into:
            raise InvalidInput("merging needs the clue to merge into", zh="并案须指明并入哪条线索")
        if merged_into == clue_id:
            raise InvalidInput("a clue cannot be merged into itself", zh="线索不能并入其自身")
        into = _clue(session, principal, merged_into)
        if into.status == Status.MERGED:
            raise InvalidInput(
                f"clue {merged_into} is itself merged into {into.merged_into}; merge into that one",
                zh="所选线索已并入另一线索，请并入那一条",
            )
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
    _log(session, principal, clue, "status_changed", before, reason)
    return _detail(session, clue, principal)


def record_outcome(
    session: Session, principal: Principal, clue_id: str, outcome: str, *, reason: str | None = None
) -> ClueDetail:
    """Record (or correct) the outcome: confirmed, valuable or false_positive (from verifying on)."""
    clue = _workable(session, principal, clue_id)
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
    if clue.outcome == value:
        raise InvalidTransition(
            f"clue {clue_id} already has outcome {value.value}",
            zh="此线索已记录该核查结论",
        )
    before = _snapshot(clue)
    clue.outcome = value.value
    clue.outcome_model_version = clue.model_version
    _log(session, principal, clue, "outcome_recorded", before, reason)
    return _detail(session, clue, principal)


def record_changed_judgment(
    session: Session, principal: Principal, clue_id: str, *, reason: str | None = None
) -> ClueDetail:
    """Record that the judgment was changed (改判) after the case or suggestion."""
    clue = _workable(session, principal, clue_id)
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
    before = _snapshot(clue) | {"changed_judgment": False}
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
    return _detail(session, clue, principal)
