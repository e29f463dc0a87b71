"""Server-side state of browser sessions: which are alive, and ending them.

A session's id travels in a signed cookie (`jiandu.web.security`); this module keeps a row per
logged-in session in ``web_sessions`` (only the SHA-256 of the id), so that every server
process, and the same server after a restart, refuses a session that was ended:

- logout ends one session; a password change ends the user's other sessions (an own change
  keeps the current one); deactivation ends all of them (`end_user_sessions`);
- a session unused for ``idle`` seconds, or older than ``lifetime`` seconds, is dead;
- a cookie the store has not seen yet (signed but never registered, e.g. issued by a test or a
  script) is registered on first use, unless it is older than the idle timeout or older than
  the user's cut-off (``session_cutoffs``: the last password change or deactivation).

`check_session` only reads; it answers ``STALE`` when the row needs an update (register, or
refresh ``last_seen_at``, at most once per `TOUCH_EVERY` seconds), which `confirm_session` does in
a write transaction, checking everything again.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from jiandu.workflow.tables import SessionCutoff, User, WebSession

DEFAULT_IDLE = 30 * 60
DEFAULT_LIFETIME = 12 * 3600
TOUCH_EVERY = 60
END_REASONS = frozenset({"logout", "password_changed", "deactivated", "replaced"})


class Verdict(enum.Enum):
    ALIVE = "alive"
    STALE = "stale"  # alive, but the row must be registered or its last use refreshed
    DEAD = "dead"


def sid_digest(sid: str) -> str:
    return hashlib.sha256(sid.encode("utf-8")).hexdigest()


def utc(value: dt.datetime) -> dt.datetime:
    """A stored time as an aware UTC datetime (SQLite gives it back naive)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def open_session(
    s: Session, user_id: int, sid: str, *, issued_at: dt.datetime, address: str | None = None
) -> None:
    """Register a new session (at login)."""
    s.add(
        WebSession(
            sid_hash=sid_digest(sid),
            user_id=user_id,
            created_at=issued_at,
            last_seen_at=issued_at,
            address=(address or "")[:64] or None,
        )
    )
    s.flush()


def _active_user(s: Session, username: str) -> User | None:
    user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
    return user if user is not None and user.active else None


def check_session(
    s: Session,
    sid: str,
    username: str,
    *,
    issued_at: dt.datetime,
    now: dt.datetime,
    idle: int = DEFAULT_IDLE,
    lifetime: int = DEFAULT_LIFETIME,
) -> Verdict:
    """Whether the session ``sid`` of ``username`` (issued at ``issued_at``) is alive at ``now``."""
    if not dt.timedelta(seconds=-60) <= now - issued_at <= dt.timedelta(seconds=lifetime):
        return Verdict.DEAD
    columns = (WebSession.user_id, WebSession.ended_at, WebSession.created_at, WebSession.last_seen_at)
    found = s.execute(  # one query: the active user and, if registered, the session
        select(User.id, *columns)
        .select_from(User)
        .outerjoin(WebSession, WebSession.sid_hash == sid_digest(sid))
        .where(User.username == username, User.active.is_(True))
    ).first()
    if found is None:
        return Verdict.DEAD
    user_id, owner, ended_at, created_at, last_seen_at = found
    if owner is None:  # not registered yet
        if now - issued_at > dt.timedelta(seconds=idle):
            return Verdict.DEAD
        cutoff = s.get(SessionCutoff, user_id)
        if cutoff is not None and issued_at <= utc(cutoff.not_before):
            return Verdict.DEAD
        return Verdict.STALE
    if owner != user_id or ended_at is not None:
        return Verdict.DEAD
    if now - utc(created_at) > dt.timedelta(seconds=lifetime):
        return Verdict.DEAD
    unused = now - utc(last_seen_at)
    if unused > dt.timedelta(seconds=idle):
        return Verdict.DEAD
    return Verdict.STALE if unused > dt.timedelta(seconds=TOUCH_EVERY) else Verdict.ALIVE


def confirm_session(
    s: Session,
    sid: str,
    username: str,
    *,
    issued_at: dt.datetime,
    now: dt.datetime,
    idle: int = DEFAULT_IDLE,
    lifetime: int = DEFAULT_LIFETIME,
    address: str | None = None,
) -> bool:
    """Check again inside a write transaction; register or refresh the row if alive."""
    verdict = check_session(s, sid, username, issued_at=issued_at, now=now, idle=idle, lifetime=lifetime)
    if verdict is Verdict.DEAD:
        return False
    if verdict is Verdict.STALE:
        row = s.get(WebSession, sid_digest(sid))
        if row is None:
            user = _active_user(s, username)
            assert user is not None  # check_session saw it
            open_session(s, user.id, sid, issued_at=issued_at, address=address)
            row = s.get(WebSession, sid_digest(sid))
            assert row is not None
        row.last_seen_at = now
    return True


def end_session(s: Session, sid: str, reason: str, *, now: dt.datetime) -> bool:
    """End one session (logout); False when it was not alive."""
    if reason not in END_REASONS:
        raise ValueError(f"unknown end reason {reason!r}")
    row = s.get(WebSession, sid_digest(sid))
    if row is None or row.ended_at is not None:
        return False
    row.ended_at, row.end_reason = now, reason
    return True


def end_user_sessions(
    s: Session, user_id: int, reason: str, *, now: dt.datetime, keep_sid: str | None = None
) -> int:
    """End every session of a user but ``keep_sid``; cookies issued until now die too. Returns
    how many registered sessions were ended."""
    if reason not in END_REASONS:
        raise ValueError(f"unknown end reason {reason!r}")
    condition = [WebSession.user_id == user_id, WebSession.ended_at.is_(None)]
    if keep_sid is not None:
        condition.append(WebSession.sid_hash != sid_digest(keep_sid))
    ended = s.execute(
        update(WebSession)
        .where(*condition)
        .values(ended_at=now, end_reason=reason)
        .returning(WebSession.sid_hash)
    ).all()
    cutoff = s.get(SessionCutoff, user_id)
    if cutoff is None:
        s.add(SessionCutoff(user_id=user_id, not_before=now))
    else:
        cutoff.not_before = max(utc(cutoff.not_before), now)
    s.flush()
    return len(ended)


def live_sessions(s: Session, user_id: int) -> int:
    """How many registered sessions of the user are not ended (idle ones included)."""
    rows = s.execute(
        select(WebSession.sid_hash).where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
    ).all()
    return len(rows)


def purge_sessions(s: Session, *, now: dt.datetime, lifetime: int = DEFAULT_LIFETIME) -> int:
    """Delete rows of sessions past their lifetime (their cookies are refused by age anyway)."""
    result = s.execute(
        delete(WebSession).where(WebSession.created_at < now - dt.timedelta(seconds=lifetime + 60))
    )
    return int(getattr(result, "rowcount", 0) or 0)
