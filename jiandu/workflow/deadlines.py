"""Deadlines (期限) on clues: the one definition of when a clue is due and when it is overdue.

Assigning a clue starts its verification period (`VERIFY_DAYS`); issuing a 检察建议 starts the
addressee's reply period (`REPLY_DAYS`, two months); entering any status outside
`DEADLINE_STATUSES` clears the deadline. The assignee, a chief or an admin may set another date,
with a reason (an audited event). A clue is overdue when its deadline has passed: the queue's
filter (`overdue_condition`, SQL) and the badge on every page (`is_overdue`, Python) use the
same rule.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, and_

from jiandu.workflow.lifecycle import DEADLINE_STATUSES, REPLY_DAYS, VERIFY_DAYS, Status
from jiandu.workflow.tables import Clue

BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
PERIOD_DAYS = {Status.ASSIGNED: VERIFY_DAYS, Status.SUGGESTION_ISSUED: REPLY_DAYS}
PERIOD_NAMES_ZH = {
    Status.ASSIGNED: "核查期限",
    Status.VERIFYING: "核查期限",
    Status.SUGGESTION_ISSUED: "回复期限",
}
MAX_DAYS_AHEAD = 3 * 366  # a deadline further out is a typing error


def end_of_day(day: dt.date) -> dt.datetime:
    """A deadline on ``day`` runs to the end of that day in Beijing (as UTC)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), BEIJING).astimezone(dt.UTC)


def due_day(due_at: dt.datetime | None) -> dt.date | None:
    """The Beijing calendar day a deadline falls on (the day a prosecutor reads)."""
    if due_at is None:
        return None
    aware = due_at if due_at.tzinfo else due_at.replace(tzinfo=dt.UTC)
    return (aware - dt.timedelta(microseconds=1)).astimezone(BEIJING).date()


def due_text(due_at: dt.datetime | None) -> str | None:
    """A deadline as an event records it: the ISO day (None without one)."""
    day = due_day(due_at)
    return day.isoformat() if day else None


def on_status(clue: Clue, status: Status, now: dt.datetime) -> None:
    """Start, keep or clear the clue's deadline as it enters ``status``."""
    days = PERIOD_DAYS.get(status)
    if days is not None:
        clue.due_at = end_of_day((now.astimezone(BEIJING) + dt.timedelta(days=days)).date())
    elif status not in DEADLINE_STATUSES:
        clue.due_at = None


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def is_overdue(due_at: dt.datetime | None, now: dt.datetime) -> bool:
    return due_at is not None and _aware(due_at) <= _aware(now)


def days_left(due_at: dt.datetime | None, now: dt.datetime) -> int | None:
    """Whole Beijing days from today to the deadline's day (negative: overdue by that many)."""
    day = due_day(due_at)
    if day is None:
        return None
    return (day - _aware(now).astimezone(BEIJING).date()).days


def overdue_condition(now: dt.datetime) -> ColumnElement[bool]:
    """The SQL form of `is_overdue` over the clues table."""
    return and_(Clue.due_at.is_not(None), Clue.due_at <= now)


def deadline_label(status: str, due_at: dt.datetime | None, now: dt.datetime) -> dict[str, Any] | None:
    """What a page shows: the period's name, the day, days left and whether it is overdue."""
    if due_at is None:
        return None
    try:
        name = PERIOD_NAMES_ZH.get(Status(status), "期限")
    except ValueError:
        name = "期限"
    return {
        "name": name,
        "day": due_day(due_at),
        "days_left": days_left(due_at, now),
        "overdue": is_overdue(due_at, now),
    }
