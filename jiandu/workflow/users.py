"""Users, passwords (argon2), API tokens, and turning either into a `Principal`.

Passwords are hashed with Argon2id (argon2-cffi's recommended parameters; a login re-hashes a
password stored with older parameters or another Argon2 variant) and must pass
`check_password_policy`; tokens are random (``jdt_`` + 43 URL-safe characters, 256 bits) and only
their SHA-256 is stored, so a database dump reveals neither.

A password change ends the user's other browser sessions (an own change keeps the current one);
deactivation ends all of them and revokes the user's API tokens (`jiandu.workflow.sessions`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.workflow.audit import chain, flush_chain
from jiandu.workflow.authz import Permission, Principal, Role, parse_role, require
from jiandu.workflow.errors import AuthenticationFailed, InvalidInput, NotFound
from jiandu.workflow.jurisdictions import subtree
from jiandu.workflow.sessions import end_user_sessions
from jiandu.workflow.tables import ApiToken, Jurisdiction, User

_hasher = PasswordHasher(type=Type.ID)
# verified against when the user does not exist, so timing does not reveal user names
_DUMMY_HASH = _hasher.hash("jiandu-no-such-user")
TOKEN_PREFIX = "jdt_"
MIN_PASSWORD = 10
MAX_PASSWORD = 256
MIN_DISTINCT = 5
USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")


@dataclass(frozen=True, slots=True)
class UserView:
    id: int
    username: str
    display_name: str | None
    role: str
    jurisdiction_code: str
    active: bool


def _view(u: User) -> UserView:
    return UserView(u.id, u.username, u.display_name, u.role, u.jurisdiction_code, u.active)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_policy(password: str, username: str) -> None:
    """Refuse a password that is too short or too long, too uniform, or holds the user name."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"密码至少需要 {MIN_PASSWORD} 个字符")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"密码不能超过 {MAX_PASSWORD} 个字符")
    if len(set(password)) < MIN_DISTINCT:
        raise InvalidInput(f"密码过于简单：至少需要 {MIN_DISTINCT} 个不同的字符")
    if len(username) >= 3 and username.casefold() in password.casefold():
        raise InvalidInput("密码不能包含用户名")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def principal_for(session: Session, user: User) -> Principal:
    """The principal of a user: role and the jurisdiction subtree it may see."""
    parent = session.execute(
        select(Jurisdiction.parent_code).where(Jurisdiction.code == user.jurisdiction_code)
    ).scalar_one_or_none()
    return Principal(
        username=user.username,
        role=Role(user.role),
        jurisdiction_code=user.jurisdiction_code,
        scope=subtree(session, user.jurisdiction_code),
        sees_unassigned=parent is None,
        user_id=user.id,
    )


def system_principal(session: Session, name: str = "system") -> Principal:
    """An administrator over every jurisdiction: the command line and model runs act as this."""
    codes = frozenset(session.execute(select(Jurisdiction.code)).scalars())
    return Principal(
        username=name,
        role=Role.ADMIN,
        jurisdiction_code="",
        scope=codes,
        sees_unassigned=True,
    )


def add_user(
    session: Session,
    principal: Principal,
    username: str,
    *,
    role: str,
    jurisdiction_code: str,
    password: str | None = None,
    display_name: str | None = None,
) -> UserView:
    """Create a user in a jurisdiction the administrator covers."""
    require(principal, Permission.USER_ADMIN)
    if not USERNAME.match(username):
        raise InvalidInput("a user name is 2–64 letters, digits, '_', '.' or '-'")
    parsed = parse_role(role)
    if session.get(Jurisdiction, jurisdiction_code) is None or not principal.can_see(jurisdiction_code):
        raise NotFound(f"no jurisdiction {jurisdiction_code}")
    if session.execute(select(User.id).where(User.username == username)).first():
        raise InvalidInput(f"user {username!r} already exists")
    if password is not None:
        check_password_policy(password, username)
    user = User(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password) if password else None,
        role=parsed.value,
        jurisdiction_code=jurisdiction_code,
        active=True,
    )
    session.add(user)
    session.flush()
    chain(session).append(
        actor=principal.username,
        kind="user_added",
        entity_type="user",
        entity_id=username,
        after={"role": parsed.value, "jurisdiction_code": jurisdiction_code, "display_name": display_name},
    )
    flush_chain(session)
    return _view(user)


def _managed_user(session: Session, principal: Principal, username: str) -> User:
    require(principal, Permission.USER_ADMIN)
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not principal.can_see(user.jurisdiction_code):
        raise NotFound(f"no user {username!r}")
    return user


def set_password(
    session: Session,
    principal: Principal,
    username: str,
    password: str,
    *,
    keep_sid: str | None = None,
    now: dt.datetime | None = None,
) -> int:
    """An administrator sets a password, or a user changes their own. Ends the user's browser
    sessions but ``keep_sid`` (honoured only for an own change: the session making it); returns
    how many were ended."""
    own = principal.username == username
    if not own:
        user = _managed_user(session, principal, username)
    else:
        user = session.execute(select(User).where(User.username == username)).scalar_one()
    check_password_policy(password, username)
    user.password_hash = hash_password(password)
    ended = end_user_sessions(
        session,
        user.id,
        "password_changed",
        now=now or dt.datetime.now(dt.UTC),
        keep_sid=keep_sid if own else None,
    )
    chain(session).append(
        actor=principal.username,
        kind="password_set",
        entity_type="user",
        entity_id=username,
        after={"sessions_ended": ended},
    )
    flush_chain(session)
    return ended


def set_active(
    session: Session, principal: Principal, username: str, active: bool, reason: str | None = None
) -> None:
    """Activate or deactivate a user; deactivation ends every session and revokes every token
    (reactivating brings neither back)."""
    user = _managed_user(session, principal, username)
    before = user.active
    user.active = active
    after: dict[str, object] = {"active": active}
    if not active:
        now = dt.datetime.now(dt.UTC)
        after["sessions_ended"] = end_user_sessions(session, user.id, "deactivated", now=now)
        after["tokens_revoked"] = _revoke_tokens_of(session, user.id, now)
    chain(session).append(
        actor=principal.username,
        kind="user_activated" if active else "user_deactivated",
        entity_type="user",
        entity_id=username,
        reason=reason,
        before={"active": before},
        after=after,
    )
    flush_chain(session)


def list_users(session: Session, principal: Principal) -> list[UserView]:
    """Users in the administrator's jurisdiction subtree."""
    require(principal, Permission.USER_ADMIN)
    users = session.execute(select(User).order_by(User.username)).scalars()
    return [_view(u) for u in users if principal.can_see(u.jurisdiction_code)]


def stored_hash(session: Session, username: str) -> str | None:
    """The password hash of a user (None: no such user, or no password)."""
    found = session.execute(select(User.password_hash).where(User.username == username)).scalar_one_or_none()
    return found or None


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (a dummy hash is checked when there is none, so
    the time taken does not tell whether the user exists). Needs no database transaction."""
    try:
        return bool(_hasher.verify(stored or _DUMMY_HASH, password)) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def confirm_login(session: Session, username: str, password: str, verified: str) -> Principal | None:
    """After `verify_password` matched hash ``verified``: the principal, if the user is still
    active with that same hash; re-hashes it when its parameters are outdated."""
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.active or user.password_hash != verified:
        return None
    if _hasher.check_needs_rehash(verified):
        user.password_hash = hash_password(password)
    return principal_for(session, user)


def authenticate(session: Session, username: str, password: str) -> Principal:
    """The principal for a user name and password; `AuthenticationFailed` otherwise."""
    stored = stored_hash(session, username)
    if not verify_password(stored, password) or stored is None:
        raise AuthenticationFailed("wrong user name or password")
    principal = confirm_login(session, username, password, stored)
    if principal is None:  # inactive
        raise AuthenticationFailed("wrong user name or password")
    return principal


def create_token(
    session: Session, principal: Principal, username: str | None = None, label: str | None = None
) -> str:
    """A new API token for oneself (or, for an administrator, for a user); shown only once."""
    target = username or principal.username
    if target != principal.username:
        user = _managed_user(session, principal, target)
    else:
        found = session.execute(select(User).where(User.username == target)).scalar_one_or_none()
        if found is None:
            raise NotFound(f"no user {target!r}")
        user = found
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=token_hash(token), label=label))
    session.flush()
    chain(session).append(
        actor=principal.username,
        kind="token_created",
        entity_type="user",
        entity_id=target,
        after={"label": label},
    )
    flush_chain(session)
    return token


def revoke_tokens(session: Session, principal: Principal, username: str) -> int:
    user = _managed_user(session, principal, username) if username != principal.username else None
    if user is None:
        user = session.execute(select(User).where(User.username == username)).scalar_one()
    revoked = _revoke_tokens_of(session, user.id, dt.datetime.now(dt.UTC))
    chain(session).append(
        actor=principal.username,
        kind="tokens_revoked",
        entity_type="user",
        entity_id=username,
        after={"revoked": revoked},
    )
    flush_chain(session)
    return revoked


def _revoke_tokens_of(session: Session, user_id: int, now: dt.datetime) -> int:
    tokens = (
        session.execute(select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)))
        .scalars()
        .all()
    )
    for t in tokens:
        t.revoked_at = now
    return len(tokens)


def principal_from_token(session: Session, token: str) -> Principal:
    """The principal of an API token; `AuthenticationFailed` if unknown, revoked or inactive."""
    if not token.startswith(TOKEN_PREFIX):
        raise AuthenticationFailed("not a jiandu API token")
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == token_hash(token))
    ).first()
    if row is None:
        raise AuthenticationFailed("unknown API token")
    api_token, user = row
    if api_token.revoked_at is not None or not user.active:
        raise AuthenticationFailed("revoked API token or inactive user")
    return principal_for(session, user)


def principal_for_username(session: Session, username: str) -> Principal:
    """The principal of an active user by name (for sessions whose cookie names the user)."""
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.active:
        raise AuthenticationFailed(f"no active user {username!r}")
    return principal_for(session, user)
