"""Sessions, CSRF tokens and the session secret.

- The secret lives in the workspace (``web-secret.key``), generated once with 256 random bits and
  written with mode 0600; it is never logged and never part of the repository.
- A session is a cookie (``jiandu_session``) holding ``{"sid": random id, "u": user name or
  None}``, signed and timestamped with itsdangerous; it is HttpOnly, SameSite=Lax, and Secure when
  the request came over https (or always/never, as configured). A visitor gets an anonymous
  session (no user) on the login page, so the login form has a CSRF token too; logging in issues
  a fresh session id (no fixation), logging out revokes the id.
- The CSRF token of a form is an HMAC of the session id under the secret (a session-bound token):
  every form POST carries it in the hidden field ``csrf_token``; API calls authenticated by the
  cookie send it in the ``X-CSRF-Token`` header. API calls with a bearer token need none.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

SECRET_FILE = "web-secret.key"
COOKIE_NAME = "jiandu_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
DEFAULT_MAX_AGE = 12 * 3600

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


class Sessions:
    """Signs and reads session cookies; derives CSRF tokens; remembers revoked session ids."""

    def __init__(self, secret: bytes, *, max_age: int = DEFAULT_MAX_AGE) -> None:
        self._secret = secret
        self._serializer = URLSafeTimedSerializer(secret, salt="jiandu-session")
        self.max_age = max_age
        self._revoked: dict[str, float] = {}
        self._lock = threading.Lock()

    def new(self, username: str | None) -> tuple[SessionData, str]:
        data = SessionData(secrets.token_urlsafe(24), username)
        return data, self._serializer.dumps({"sid": data.sid, "u": username})

    def read(self, cookie: str | None) -> SessionData | None:
        if not cookie:
            return None
        try:
            raw = self._serializer.loads(cookie, max_age=self.max_age)
        except BadSignature:
            return None
        if not isinstance(raw, dict) or not isinstance(raw.get("sid"), str):
            return None
        user = raw.get("u")
        if user is not None and not isinstance(user, str):
            return None
        with self._lock:
            if raw["sid"] in self._revoked:
                return None
        return SessionData(raw["sid"], user)

    def revoke(self, sid: str) -> None:
        now = time.time()
        with self._lock:
            self._revoked[sid] = now + self.max_age
            for old in [k for k, until in self._revoked.items() if until < now]:
                del self._revoked[old]

    def csrf_token(self, sid: str) -> str:
        return hmac.new(self._secret, b"csrf:" + sid.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, sid: str, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf_token(sid), str(token))
