"""Reading and verifying the event log (auditors and admins: permission audit.read)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.workflow.audit import VerifyResult, verify
from jiandu.workflow.authz import Permission, Principal, require
from jiandu.workflow.clues import _event_view
from jiandu.workflow.tables import Event
from jiandu.workflow.views import EventView


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
    """Events in seq order after ``after_seq`` (page with the last seq you got), masked."""
    require(principal, Permission.AUDIT_READ)
    query = select(Event).where(Event.seq > after_seq)
    if entity_type:
        query = query.where(Event.entity_type == entity_type)
    if entity_id:
        query = query.where(Event.entity_id == entity_id)
    if actor:
        query = query.where(Event.actor == actor)
    events = session.execute(query.order_by(Event.seq).limit(max(1, min(limit, 1000)))).scalars()
    return [_event_view(e, principal) for e in events]


def verify_log(session: Session, principal: Principal) -> VerifyResult:
    """Verify the whole hash chain; names the first broken link."""
    require(principal, Permission.AUDIT_READ)
    return verify(session)
