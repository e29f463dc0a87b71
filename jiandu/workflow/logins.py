"""Logging in and out: password check with lock-outs, audit events, server-side sessions.

Failed logins are counted in the store (``login_failures``), so a lock holds across server
processes and restarts. `LoginPolicy` (defaults): 5 failures for one user name within 15 minutes
lock that name for 15 minutes; 20 failures from one client address within 15 minutes lock the
address for 15 minutes. A name is counted whether or not such a user exists, so neither the
lock nor its message tells an attacker which names exist. While locked, the password is not
even checked (a right password is refused too). A successful login clears the name's failures
(not the address's).

Audit events (``entity_type`` user; ``actor`` and ``entity_id`` the user name as typed, ``after``
the client address): ``login``, ``logout``,
``login_failed`` (each counted failure), ``login_locked`` (when a failure starts a lock; its
``after`` says whether the account or the address and until when). Attempts refused while
locked are not counted or logged one by one (that would let an attacker grow the log without
bound); the ``login_locked`` event covers them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from jiandu.workflow.audit import chain, flush_chain
from jiandu.workflow.authz import Principal
from jiandu.workflow.db import Store
from jiandu.workflow.sessions import (
    DEFAULT_LIFETIME,
    end_session,
    open_session,
    purge_sessions,
    utc,
)
from jiandu.workflow.tables import LoginFailure, User
from jiandu.workflow.users import confirm_login, stored_hash, verify_password


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    """How many failures within ``window`` seconds lock a user name or an address, and for how
    long (``lock`` seconds, counted from the failure that reached the limit)."""

    account_failures: int = 5
    address_failures: int = 20
    window: int = 15 * 60
    lock: int = 15 * 60


@dataclass(frozen=True, slots=True)
class LoginResult:
    """A principal on success; otherwise ``locked_until`` is set when a lock refused the login."""

    principal: Principal | None
    locked_until: dt.datetime | None = None


def _name(username: str) -> str:
    return username[:64]


def _lock_end(times: list[dt.datetime], limit: int, policy: LoginPolicy) -> dt.datetime | None:
    """The end of the latest lock started by ``limit`` failures within the window, if any."""
    times = sorted(times)
    end: dt.datetime | None = None
    for i in range(limit - 1, len(times)):
        if times[i] - times[i - limit + 1] <= dt.timedelta(seconds=policy.window):
            end = times[i] + dt.timedelta(seconds=policy.lock)
    return end


def _failures(
    s: Session, column: InstrumentedAttribute[str], value: str, since: dt.datetime
) -> list[dt.datetime]:
    rows = s.execute(select(LoginFailure.at).where(column == value, LoginFailure.at >= since)).scalars()
    return [utc(t) for t in rows]


def locked_until(
    s: Session, username: str, address: str, *, now: dt.datetime, policy: LoginPolicy = LoginPolicy()
) -> tuple[dt.datetime, str] | None:
    """``(until, "account" | "address")`` when the name or the address is locked at ``now``."""
    since = now - dt.timedelta(seconds=policy.window + policy.lock)
    found: list[tuple[dt.datetime, str]] = []
    for scope, column, value, limit in (
        ("account", LoginFailure.username, _name(username), policy.account_failures),
        ("address", LoginFailure.address, address[:64], policy.address_failures),
    ):
        end = _lock_end(_failures(s, column, value, since), limit, policy)
        if end is not None and end > now:
            found.append((end, scope))
    return max(found) if found else None


def record_failure(
    s: Session,
    username: str,
    address: str,
    *,
    now: dt.datetime,
    policy: LoginPolicy = LoginPolicy(),
    kind: str = "login_failed",
) -> tuple[dt.datetime, str] | None:
    """Count and audit one failed password check; audit a lock it starts; return the lock."""
    s.execute(
        delete(LoginFailure).where(LoginFailure.at < now - dt.timedelta(seconds=policy.window + policy.lock))
    )
    s.add(LoginFailure(at=now, username=_name(username), address=address[:64]))
    s.flush()
    log = chain(s)
    log.append(
        actor=_name(username),  # as typed: who tried to log in, like an sshd log line
        kind=kind,
        entity_type="user",
        entity_id=_name(username),
        after={"address": address[:64]},
    )
    lock = locked_until(s, username, address, now=now, policy=policy)
    if lock is not None:
        log.append(
            actor="system",
            kind="login_locked",
            entity_type="user",
            entity_id=_name(username),
            reason="登录失败次数过多，暂时锁定" + ("该账号" if lock[1] == "account" else "该地址"),
            after={"scope": lock[1], "address": address[:64], "until": lock[0].isoformat()},
        )
    flush_chain(s)
    return lock


def _check(
    store: Store,
    username: str,
    password: str,
    *,
    address: str,
    now: dt.datetime,
    policy: LoginPolicy,
    failure_kind: str,
    on_success: Callable[[Session, Principal], None] | None = None,
) -> LoginResult:
    """Locks, then the password, then counting: Argon2 runs between two short transactions, so
    checking a password never holds the store's write lock (on SQLite, every writer's)."""
    with store.read() as s:
        lock = locked_until(s, username, address, now=now, policy=policy)
        stored = None if lock else stored_hash(s, username)
    if lock is not None:
        return LoginResult(None, lock[0])
    matched = verify_password(stored, password)
    with store.write() as s:
        lock = locked_until(s, username, address, now=now, policy=policy)
        if lock is not None:  # concurrent failures locked it meanwhile: even a match is refused
            return LoginResult(None, lock[0])
        principal = confirm_login(s, username, password, stored) if matched and stored else None
        if principal is None:
            lock = record_failure(s, username, address, now=now, policy=policy, kind=failure_kind)
            return LoginResult(None, lock[0] if lock else None)
        if on_success is not None:
            on_success(s, principal)
        return LoginResult(principal)


def attempt_login(
    store: Store,
    username: str,
    password: str,
    *,
    address: str,
    now: dt.datetime,
    policy: LoginPolicy = LoginPolicy(),
) -> LoginResult:
    """Check a login against the locks and the password; count, audit and lock. A refused login
    is a result, not an exception: its failure and events are committed."""

    def logged_in(s: Session, principal: Principal) -> None:
        s.execute(delete(LoginFailure).where(LoginFailure.username == _name(username)))
        chain(s).append(
            actor=principal.username,
            kind="login",
            entity_type="user",
            entity_id=principal.username,
            after={"address": address[:64]},
        )
        flush_chain(s)

    return _check(
        store,
        username,
        password,
        address=address,
        now=now,
        policy=policy,
        failure_kind="login_failed",
        on_success=logged_in,
    )


def check_own_password(
    store: Store,
    principal: Principal,
    password: str,
    *,
    address: str,
    now: dt.datetime,
    policy: LoginPolicy = LoginPolicy(),
) -> LoginResult:
    """Re-check a logged-in user's current password (before a password change), under the same
    locks and counts as a login, so a stolen session cannot guess the password without limit."""
    return _check(
        store,
        principal.username,
        password,
        address=address,
        now=now,
        policy=policy,
        failure_kind="password_check_failed",
    )


def start_session(
    s: Session,
    principal: Principal,
    sid: str,
    *,
    issued_at: dt.datetime,
    address: str,
    lifetime: int = DEFAULT_LIFETIME,
) -> None:
    """Register the session a login opens (and drop rows of sessions past their lifetime)."""
    user_id = principal.user_id
    if user_id is None:
        user_id = s.execute(select(User.id).where(User.username == principal.username)).scalar_one()
    purge_sessions(s, now=issued_at, lifetime=lifetime)
    open_session(s, user_id, sid, issued_at=issued_at, address=address)


def logout(
    s: Session, username: str, sid: str, *, address: str, now: dt.datetime, reason: str = "logout"
) -> None:
    """End a session and audit it (``reason`` replaced: another login in the same browser)."""
    if end_session(s, sid, reason, now=now):
        chain(s).append(
            actor=username,
            kind="logout",
            entity_type="user",
            entity_id=username,
            reason=None if reason == "logout" else reason,
            after={"address": address[:64]},
        )
        flush_chain(s)
