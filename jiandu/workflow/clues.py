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
from jiandu.workflow.authz import Permission, Principal, require
from jiandu.workflow.deadlines import overdue_condition
from jiandu.workflow.errors import (
    InvalidInput,
    NotFound,
)
from jiandu.workflow.jurisdictions import Resolver, subtree
from jiandu.workflow.lifecycle import (
    STATUS_NAMES_ZH,
    Status,
    allowed_next,
)
from jiandu.workflow.masking import mask_value, masker
from jiandu.workflow.reresolve import EVENT_KIND as JURISDICTION_CHANGED
from jiandu.workflow.tables import Clue, Event, Jurisdiction
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


def load_clue(session: Session, principal: Principal, clue_id: str, *, for_update: bool = False) -> Clue:
    """The clue if the principal may see it (else `NotFound`); ``for_update`` locks it."""
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
    Clue.due_at,
    Clue.proposal,
    Clue.not_found_run_id,
    Clue.not_found_at,
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
        due_at=row.due_at,
        proposal=row.proposal,
        not_found_run_id=row.not_found_run_id,
        not_found_at=row.not_found_at,
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


def clue_detail(session: Session, clue: Clue, principal: Principal) -> ClueDetail:
    """The clue as ``principal`` may see it: masked, with evidence and its timeline."""
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
        proposed_by=clue.proposed_by,
        proposed_at=clue.proposed_at,
        outcome_cause=clue.outcome_cause,
        outcome_feedback=mask(clue.outcome_feedback) if clue.outcome_feedback else None,
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
    overdue: bool = False  # deadline passed (jiandu.workflow.deadlines)
    pending_approval: bool = False  # a proposal awaits a chief's approval
    not_found: str | None = None  # 未再命中: "only" those the latest run no longer found, or "hide" them

    def chosen(self) -> dict[str, Any]:
        """The filters in use (not None, not off), as an export's audit event records them."""
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None and v is not False}


def encode_cursor(score: float, clue_id: str) -> str:
    return base64.urlsafe_b64encode(f"{score!r}|{clue_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        score, clue_id = raw.split("|", 1)
        return float(score), clue_id
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("invalid page cursor") from None


def status_zh(status: object) -> str:
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
    if f.overdue:
        conditions.append(overdue_condition(_now()))
    if f.pending_approval:
        conditions.append(Clue.proposal.is_not(None))
    if f.not_found == "only":
        conditions.append(Clue.not_found_run_id.is_not(None))
    elif f.not_found == "hide":
        conditions.append(Clue.not_found_run_id.is_(None))
    elif f.not_found is not None:
        raise InvalidInput(f"unknown not_found filter {f.not_found!r}; use only or hide")
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
        return clue_detail(session, load_clue(session, principal, clue_id), principal)
    writer = chain(session)  # lock the chain head first: every writer takes the locks in one order
    clue = load_clue(session, principal, clue_id)
    writer.append(actor=principal.username, kind=VIEWED, entity_type="clue", entity_id=clue.clue_id)
    flush_chain(session)
    return clue_detail(session, clue, principal)


def clue_events(session: Session, principal: Principal, clue_id: str) -> list[EventView]:
    require(principal, Permission.CLUE_READ)
    load_clue(session, principal, clue_id)
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
            "filters": f.chosen(),
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
                "not_found_run_id": c.not_found_run_id,
            },
            mask,
        )
