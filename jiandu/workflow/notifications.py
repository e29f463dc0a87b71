"""In-app notifications (站内通知): assignments, proposals awaiting approval, approvals, returns.

A notification is written in the same transaction as the change it announces, to the users it
concerns, and shown to them only (by login name). Reading one marks it read; nothing else changes
it. Overdue clues are not stored as notifications: they are counted live from the deadlines
(`jiandu.workflow.deadlines`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pydantic import BaseModel
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from jiandu.workflow.deadlines import overdue_condition
from jiandu.workflow.tables import Clue, Notification

ASSIGNED = "assigned"
PROPOSED = "proposed"
APPROVED = "approved"
RETURNED = "returned"
KIND_NAMES_ZH = {ASSIGNED: "分派", PROPOSED: "待审批", APPROVED: "审批通过", RETURNED: "退回"}
MAX_SHOWN = 200
MAX_MESSAGE = 500


class NotificationView(BaseModel):
    """One notification as its user sees it (also the JSON API's form)."""

    id: int
    kind: str
    clue_id: str | None
    actor: str
    message: str
    created_at: dt.datetime
    read: bool


def notify(
    session: Session,
    usernames: Iterable[str],
    *,
    kind: str,
    actor: str,
    message: str,
    clue_id: str | None = None,
) -> int:
    """Write one notification to each user (once each, never to the actor); how many."""
    if kind not in KIND_NAMES_ZH:
        raise ValueError(f"unknown notification kind {kind!r}")
    now = dt.datetime.now(dt.UTC)
    rows = [
        {
            "username": name,
            "kind": kind,
            "clue_id": clue_id,
            "actor": actor,
            "message": message[:MAX_MESSAGE],
            "created_at": now,
        }
        for name in dict.fromkeys(usernames)
        if name and name != actor
    ]
    if rows:
        session.execute(insert(Notification), rows)
    return len(rows)


def unread_count(session: Session, username: str) -> int:
    return session.execute(
        select(func.count())
        .select_from(Notification)
        .where(Notification.username == username, Notification.read_at.is_(None))
    ).scalar_one()


def list_notifications(
    session: Session, username: str, *, unread_only: bool = False, limit: int = 50
) -> list[NotificationView]:
    """The user's notifications, newest first."""
    query = select(Notification).where(Notification.username == username)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    rows = session.execute(
        query.order_by(Notification.id.desc()).limit(max(1, min(limit, MAX_SHOWN)))
    ).scalars()
    return [
        NotificationView(
            id=n.id,
            kind=n.kind,
            clue_id=n.clue_id,
            actor=n.actor,
            message=n.message,
            created_at=n.created_at,
            read=n.read_at is not None,
        )
        for n in rows
    ]


def mark_read(session: Session, username: str, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (``ids`` None: all of them); how many changed. Ids of
    other users' notifications are ignored."""
    query = update(Notification).where(Notification.username == username, Notification.read_at.is_(None))
    if ids is not None:
        wanted = sorted(set(ids))
        if not wanted:
            return 0
        query = query.where(Notification.id.in_(wanted))
    result = session.execute(query.values(read_at=dt.datetime.now(dt.UTC)))
    return int(getattr(result, "rowcount", 0) or 0)


def open_notification(session: Session, username: str, notice_id: int) -> str | None:
    """Mark one of the user's notifications read; the clue it is about (None: none, or not theirs)."""
    row = session.execute(
        select(Notification).where(Notification.id == notice_id, Notification.username == username)
    ).scalar_one_or_none()
    if row is None:
        return None
    if row.read_at is None:
        row.read_at = dt.datetime.now(dt.UTC)
    return row.clue_id


def overdue_count(session: Session, username: str) -> int:
    """How many of the user's own clues are past their deadline (counted live, not stored)."""
    return session.execute(
        select(func.count())
        .select_from(Clue)
        .where(Clue.assignee == username, overdue_condition(dt.datetime.now(dt.UTC)))
    ).scalar_one()
