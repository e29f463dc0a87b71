"""Users: argon2 passwords, API tokens stored as hashes, principals and their scope."""

from __future__ import annotations

import pytest
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
from jiandu.workflow.tables import ApiToken, Event, User
from jiandu.workflow.users import revoke_tokens
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
        from jiandu.workflow.users import principal_for_username

        city_admin = principal_for_username(s, "city_admin")
    assert city_admin.scope >= {"330602", "330603"} and "330000" not in city_admin.scope
    with world.store.write() as s, pytest.raises(NotFound):
        add_user(s, city_admin, "hz", role="viewer", jurisdiction_code="330000")
    with world.store.write() as s, pytest.raises(InvalidInput):
        add_user(s, city_admin, "bad name!", role="viewer", jurisdiction_code="330602")
    with world.store.write() as s, pytest.raises(InvalidInput, match="8 characters"):
        set_password(s, city_admin, "yc_pro", "short")
    with world.store.write() as s, pytest.raises(ValueError, match="unknown role"):
        add_user(s, city_admin, "x2", role="boss", jurisdiction_code="330602")
