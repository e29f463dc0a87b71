"""Sessions, CSRF tokens and the session secret.

- The secret lives in the workspace (``web-secret.key``), generated once with 256 random bits and
  written with mode 0600; it is never logged and never part of the repository.
- A session is a cookie (``jiandu_session``) holding ``{"sid": random id, "u": user name or
  None, "t": issue time}``, signed and timestamped with itsdangerous; it is HttpOnly,
  SameSite=Lax, and Secure when the request came over https (or always/never, as configured). A
  visitor gets an anonymous session (no user, nothing stored) on the login page, so the login
  form has a CSRF token too; logging in issues a fresh session id (no fixation).
- A logged-in session is also a row in the workflow store (`jiandu.workflow.sessions`): logout,
  a password change and deactivation end it there, so a replayed cookie is refused by every
  server process and after a restart; it dies after ``idle`` seconds unused (default 30 min) and
  ``max_age`` seconds after login (default 12 h).
- The CSRF token of a form is an HMAC of the session id under the secret (a session-bound token):
  every form POST carries it in the hidden field ``csrf_token``; API calls authenticated by the
  cookie send it in the ``X-CSRF-Token`` header. API calls with a bearer token need none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from jiandu.workflow.authz import Principal
from jiandu.workflow.db import Store
from jiandu.workflow.logins import LoginPolicy, logout, start_session
from jiandu.workflow.sessions import (
    DEFAULT_IDLE,
    DEFAULT_LIFETIME,
    Verdict,
    check_session,
    confirm_session,
)

SECRET_FILE = "web-secret.key"
COOKIE_NAME = "jiandu_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
DEFAULT_MAX_AGE = DEFAULT_LIFETIME  # absolute lifetime of a session (12 h)

log = logging.getLogger(__name__)


def load_or_create_secret(workspace_root: Path) -> bytes:
    """The workspace's session secret; created once (0600) when missing."""
    path = workspace_root / SECRET_FILE
    workspace_root.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(32) + "\n")
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        log.warning("%s is readable by others (mode %o); run chmod 600 on it", path, mode)
    secret = path.read_text(encoding="ascii").strip()
    if len(secret) < 32:
        raise ValueError(f"{path} holds too short a secret; delete it to generate a new one")
    return secret.encode("ascii")


@dataclass(frozen=True, slots=True)
class SessionData:
    sid: str
    username: str | None
    issued_at: float = 0.0  # seconds since the epoch (the cookie's own stamp)


class Sessions:
    """Signs and reads session cookies, derives CSRF tokens, and keeps logged-in sessions in the
    workflow store (`jiandu.workflow.sessions`), so ending one holds for every process and after
    a restart.

    ``max_age`` is the absolute lifetime of a session, ``idle`` how long it may go unused;
    ``login_policy`` sets the lock-outs after failed logins; ``clock`` gives the time (tests).
    """

    def __init__(
        self,
        secret: bytes,
        *,
        max_age: int = DEFAULT_MAX_AGE,
        idle: int = DEFAULT_IDLE,
        login_policy: LoginPolicy | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._secret = secret
        self._serializer = URLSafeTimedSerializer(secret, salt="jiandu-session")
        self.max_age = max_age
        self.idle = idle
        self.login_policy = login_policy or LoginPolicy()
        self.clock = clock

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock(), dt.UTC)

    def new(self, username: str | None) -> tuple[SessionData, str]:
        """A fresh session id and its signed cookie. A logged-in session is registered in the
        store by `open` (at login) or, for a cookie made here directly, on its first use."""
        data = SessionData(secrets.token_urlsafe(24), username, self.clock())
        return data, self._serializer.dumps({"sid": data.sid, "u": username, "t": data.issued_at})

    def open(self, s: Session, principal: Principal, address: str) -> tuple[SessionData, str]:
        """A new logged-in session for ``principal``, registered in the store session ``s``."""
        data, cookie = self.new(principal.username)
        start_session(
            s,
            principal,
            data.sid,
            issued_at=_utc(data.issued_at),
            address=address,
            lifetime=self.max_age,
        )
        return data, cookie

    def decode(self, cookie: str | None) -> SessionData | None:
        """The session a cookie names if its signature holds and it is not too old; whether the
        store still holds it alive is `read`'s job."""
        if not cookie:
            return None
        try:
            raw = self._serializer.loads(cookie, max_age=self.max_age)
        except BadSignature:
            return None
        if not isinstance(raw, dict) or not isinstance(raw.get("sid"), str):
            return None
        user = raw.get("u")
        issued = raw.get("t")
        if user is not None and not isinstance(user, str):
            return None
        if not isinstance(issued, int | float) or isinstance(issued, bool):
            return None
        return SessionData(raw["sid"], user, float(issued))

    def read(self, cookie: str | None, store: Store, address: str | None = None) -> SessionData | None:
        """The session of a cookie, or None: bad signature, too old, idle too long, ended
        (logout, password change, deactivation), or its user is inactive."""
        data = self.decode(cookie)
        if data is None or data.username is None:
            return data
        args: dict[str, Any] = {
            "issued_at": _utc(data.issued_at),
            "now": self.now(),
            "idle": self.idle,
            "lifetime": self.max_age,
        }
        with store.read() as s:
            verdict = check_session(s, data.sid, data.username, **args)
        if verdict is Verdict.ALIVE:
            return data
        if verdict is Verdict.DEAD:
            return None
        try:
            with store.write() as s:
                alive = confirm_session(s, data.sid, data.username, address=address, **args)
        except IntegrityError:  # another request registered the same session at that moment
            with store.read() as s:
                alive = check_session(s, data.sid, data.username, **args) is not Verdict.DEAD
        except OperationalError as exc:  # the store is busy (a long clue sync): alive as just read
            log.warning("session use not recorded, the workflow store is busy: %s", type(exc).__name__)
            alive = True
        return data if alive else None

    def end(self, store: Store, data: SessionData, address: str, reason: str = "logout") -> None:
        """End a logged-in session (logout) and audit it."""
        if data.username is None:
            return
        with store.write() as s:
            logout(s, data.username, data.sid, address=address, now=self.now(), reason=reason)

    def csrf_token(self, sid: str) -> str:
        return hmac.new(self._secret, b"csrf:" + sid.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, sid: str, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf_token(sid), str(token))


def _utc(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)
