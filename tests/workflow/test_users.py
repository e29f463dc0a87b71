"""Users: argon2 passwords, API tokens stored as hashes, principals and their scope."""

from __future__ import annotations

import datetime as dt

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import select

from jiandu.workflow import (
    AuthenticationFailed,
    InvalidInput,
    NotFound,
    add_user,
    authenticate,
    create_token,
    principal_from_token,
    set_active,
    set_password,
)
from jiandu.workflow.sessions import Verdict, check_session, open_session
from jiandu.workflow.tables import ApiToken, Event, User
from jiandu.workflow.users import principal_for_username, revoke_tokens
from tests.workflow.conftest import World


def test_passwords_are_argon2_and_authenticate(world: World) -> None:
    with world.store.write() as s:
        add_user(
            s,
            world.p("admin"),
            "zhang",
            role="prosecutor",
            jurisdiction_code="330602",
            password="correct horse",
            display_name="张检察官",
        )
    with world.store.read() as s:
        stored = s.execute(select(User.password_hash).where(User.username == "zhang")).scalar_one()
        assert stored is not None and stored.startswith("$argon2id$") and "correct horse" not in stored
    with world.store.write() as s:
        p = authenticate(s, "zhang", "correct horse")
        assert (p.username, p.role.value, p.jurisdiction_code, p.scope) == (
            "zhang",
            "prosecutor",
            "330602",
            frozenset({"330602"}),
        )
        for user, password in (("zhang", "wrong"), ("nobody", "correct horse"), ("yc_pro", "anything")):
            with pytest.raises(AuthenticationFailed):
                authenticate(s, user, password)
        set_active(s, world.p("admin"), "zhang", False, reason="调离")
    with world.store.write() as s, pytest.raises(AuthenticationFailed):
        authenticate(s, "zhang", "correct horse")


def test_tokens_are_stored_as_hashes(world: World) -> None:
    with world.store.write() as s:
        token = create_token(s, world.p("admin"), "yc_analyst", label="nightly sync")
    assert token.startswith("jdt_") and len(token) > 40
    with world.store.read() as s:
        hashes = list(s.execute(select(ApiToken.token_hash)).scalars())
        assert token not in hashes and len(hashes[0]) == 64
        assert token not in str(list(s.execute(select(Event.after)).scalars()))
        p = principal_from_token(s, token)
        assert (p.username, p.role.value) == ("yc_analyst", "analyst")
        with pytest.raises(AuthenticationFailed):
            principal_from_token(s, token[:-1] + ("A" if token[-1] != "A" else "B"))
    with world.store.write() as s:
        assert revoke_tokens(s, world.p("admin"), "yc_analyst") == 1
    with world.store.read() as s, pytest.raises(AuthenticationFailed):
        principal_from_token(s, token)


def test_user_admin_stays_in_its_jurisdiction(world: World) -> None:
    with world.store.write() as s:
        add_user(s, world.p("admin"), "city_admin", role="admin", jurisdiction_code="330600")
    with world.store.read() as s:
        city_admin = principal_for_username(s, "city_admin")
    assert city_admin.scope >= {"330602", "330603"} and "330000" not in city_admin.scope
    with world.store.write() as s, pytest.raises(NotFound):
        add_user(s, city_admin, "hz", role="viewer", jurisdiction_code="330000")
    with world.store.write() as s, pytest.raises(InvalidInput):
        add_user(s, city_admin, "bad name!", role="viewer", jurisdiction_code="330602")
    with world.store.write() as s, pytest.raises(InvalidInput, match="至少需要 10 个字符"):
        set_password(s, city_admin, "yc_pro", "short")
    with world.store.write() as s, pytest.raises(ValueError, match="unknown role"):
        add_user(s, city_admin, "x2", role="boss", jurisdiction_code="330602")


@pytest.mark.parametrize(
    "old_hasher",
    [
        PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1),  # weaker parameters
        PasswordHasher(type=Type.I),  # another Argon2 variant
    ],
    ids=["old-parameters", "argon2i"],
)
def test_a_login_rehashes_an_outdated_hash_as_argon2id(world: World, old_hasher: PasswordHasher) -> None:
    with world.store.write() as s:
        user = s.execute(select(User).where(User.username == "yc_pro")).scalar_one()
        user.password_hash = old_hasher.hash("an old passphrase")
        old = user.password_hash
    with world.store.write() as s:
        authenticate(s, "yc_pro", "an old passphrase")
    with world.store.read() as s:
        new = s.execute(select(User.password_hash).where(User.username == "yc_pro")).scalar_one()
    assert new is not None and new != old
    assert new.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert not PasswordHasher().check_needs_rehash(new)
    with world.store.write() as s:
        assert authenticate(s, "yc_pro", "an old passphrase").username == "yc_pro"


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("nine char", "至少需要 10 个字符"),
        ("x" * 257, "不能超过 256 个字符"),
        ("abababababab", "过于简单"),
        ("YC_PRO-is-me-2026", "不能包含用户名"),
    ],
)
def test_the_password_policy(world: World, password: str, words: str) -> None:
    with world.store.write() as s, pytest.raises(InvalidInput, match=words):
        set_password(s, world.p("admin"), "yc_pro", password)
    with world.store.write() as s, pytest.raises(InvalidInput, match=words):
        add_user(s, world.p("admin"), "pro", role="viewer", jurisdiction_code="330602", password=password)


def test_password_change_and_deactivation_end_sessions_in_the_store(world: World) -> None:
    now = dt.datetime.now(dt.UTC)
    with world.store.write() as s:
        uid = s.execute(select(User.id).where(User.username == "yc_pro")).scalar_one()
        for sid in ("own", "other-1", "other-2"):
            open_session(s, uid, sid, issued_at=now)
    with world.store.write() as s:
        me = principal_for_username(s, "yc_pro")
        assert set_password(s, me, "yc_pro", "a long new passphrase", keep_sid="own") == 2
    with world.store.read() as s:
        alive = {
            sid: check_session(s, sid, "yc_pro", issued_at=now, now=now)
            for sid in ("own", "other-1", "other-2")
        }
    assert alive == {"own": Verdict.ALIVE, "other-1": Verdict.DEAD, "other-2": Verdict.DEAD}
    with world.store.write() as s:
        token = create_token(s, world.p("admin"), "yc_pro")
        set_active(s, world.p("admin"), "yc_pro", False)
        after = s.execute(select(Event.after).where(Event.kind == "user_deactivated")).scalar_one()
    assert after == {"active": False, "sessions_ended": 1, "tokens_revoked": 1}
    with world.store.write() as s:
        set_active(s, world.p("admin"), "yc_pro", True)
    with world.store.read() as s:
        assert check_session(s, "own", "yc_pro", issued_at=now, now=now) is Verdict.DEAD
        with pytest.raises(AuthenticationFailed):
            principal_from_token(s, token)
