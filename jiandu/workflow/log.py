"""Reading and verifying the event log (auditors and admins: permission audit.read).

An auditor sees the events of their jurisdiction only: a clue's events by the clue's
jurisdiction, a user's events by that user's jurisdiction, any other event (an export, a model
import, a jurisdiction added) by its actor's jurisdiction; events of actors who are no user
(``system``, ``cli:<login>``) only at a root of the jurisdiction tree.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, true
from sqlalchemy.orm import QueryableAttribute, Session

from jiandu.workflow.audit import VerifyResult, verify
from jiandu.workflow.authz import Permission, Principal, require
from jiandu.workflow.clues import _event_view, scope_filter
from jiandu.workflow.tables import Clue, Event, Jurisdiction, User
from jiandu.workflow.views import EventView


def event_scope(session: Session, principal: Principal) -> ColumnElement[bool]:
    """The SQL condition that limits events to the principal's jurisdictions."""
    total = session.execute(select(func.count()).select_from(Jurisdiction)).scalar_one()
    if principal.sees_unassigned and len(principal.scope) >= total:
        return true()
    # correlated EXISTS (a key lookup per event), so a page of 100 stops early on a large log
    codes = sorted(principal.scope)

    def user_in_scope(name: QueryableAttribute[Any]) -> ColumnElement[bool]:
        return exists().where(User.username == name, User.jurisdiction_code.in_(codes))

    by_actor = user_in_scope(Event.actor)
    if principal.sees_unassigned:  # at a root: also what no user did (system, command line)
        by_actor = or_(by_actor, ~exists().where(User.username == Event.actor))
    return or_(
        and_(
            Event.entity_type == "clue",
            exists().where(Clue.clue_id == Event.entity_id, scope_filter(session, principal)),
        ),
        and_(Event.entity_type == "user", user_in_scope(Event.entity_id)),
        and_(Event.entity_type.not_in(("clue", "user")), by_actor),
    )


def list_events(
    session: Session,
    principal: Principal,
    *,
    after_seq: int = 0,
    limit: int = 100,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor: str | None = None,
) -> list[EventView]:
    """Events of the principal's jurisdiction in seq order after ``after_seq`` (page with the
    last seq you got), masked."""
    require(principal, Permission.AUDIT_READ)
    query = select(Event).where(Event.seq > after_seq, event_scope(session, principal))
    if entity_type:
        query = query.where(Event.entity_type == entity_type)
    if entity_id:
        query = query.where(Event.entity_id == entity_id)
    if actor:
        query = query.where(Event.actor == actor)
    events = session.execute(query.order_by(Event.seq).limit(max(1, min(limit, 1000)))).scalars()
    return [_event_view(e, principal) for e in events]


def verify_log(session: Session, principal: Principal) -> VerifyResult:
    """Verify the whole chain, its head and anchors; names the first problem (never raises)."""
    require(principal, Permission.AUDIT_READ)
    return verify(session)
