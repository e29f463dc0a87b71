"""Sessions and passwords under attack (issue 12 §5): each attack is built at test time as a
fixture, the defence is the assertion.

- a logged-out cookie replayed, on the same server and after a restart (a second app on the
  same workspace stands for `jiandu serve` restarted);
- a cookie replayed after its owner changed the password from another session, or after an
  administrator set it;
- 30 passwords tried on one account, and 30 accounts tried from one address;
- a deactivated user's API token; idle and over-age sessions.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from jiandu.web import create_app
from jiandu.web.security import COOKIE_NAME
from jiandu.workflow import create_token, set_active, system_principal
from jiandu.workflow.tables import Event, LoginFailure, WebSession
from jiandu.workflow.users import principal_for_username
from tests.web.conftest import CSRF, csrf_of
from tests.web.world import PASSWORD

ATTACKER = ("203.0.113.66", 40000)  # TEST-NET-3: the attacker's address
OFFICE = ("198.51.100.7", 40000)  # TEST-NET-2: where the real users sit
LOCKED = "登录失败次数过多，已暂时锁定"


def _client(app: FastAPI, address: tuple[str, int] = OFFICE) -> TestClient:
    return TestClient(app, follow_redirects=False, client=address)


def _post_login(client: TestClient, username: str, password: str) -> tuple[int, str]:
    token = CSRF.search(client.get("/login").text)
    assert token
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token.group(1)}
    )
    return response.status_code, response.text


def _logged_in(app: FastAPI, username: str, address: tuple[str, int] = OFFICE) -> TestClient:
    """A client logged in through the login form (a registered server-side session)."""
    client = _client(app, address)
    status, _ = _post_login(client, username, PASSWORD)
    assert status == 303
    return client


def _replay(app: FastAPI, cookie: str) -> TestClient:
    """Another browser (the attacker's) presenting a copied cookie."""
    client = _client(app, ATTACKER)
    client.cookies.set(COOKIE_NAME, cookie)
    return client


def _refused(client: TestClient) -> bool:
    page = client.get("/clues")
    api = client.get("/api/me")
    return (
        page.status_code == 303 and page.headers["location"].startswith("/login") and api.status_code == 401
    )


def _kinds(app: FastAPI, *kinds: str) -> list[tuple[str, str | None]]:
    with app.state.jiandu.store.read() as s:
        rows = s.execute(select(Event.kind, Event.entity_id).where(Event.kind.in_(kinds)).order_by(Event.seq))
        return [(k, e) for k, e in rows.all()]


@pytest.fixture
def restarted(workspace: Path) -> Iterator[Callable[[], FastAPI]]:
    """`jiandu serve` started again on the same workspace: a new app, nothing shared in memory."""
    apps: list[FastAPI] = []

    def start() -> FastAPI:
        apps.append(create_app(workspace))
        return apps[-1]

    yield start
    for a in apps:
        a.state.jiandu.close()


@pytest.fixture
def logged_out_cookie(app: FastAPI) -> str:
    """The attack: copy a session cookie, and keep it after its owner logs out."""
    client = _logged_in(app, "yc_pro")
    cookie = client.cookies.get(COOKIE_NAME)
    assert cookie and client.get("/clues").status_code == 200
    assert client.post("/logout", data={"csrf_token": csrf_of(client)}).status_code == 303
    return cookie


def test_a_logged_out_cookie_is_refused(app: FastAPI, logged_out_cookie: str) -> None:
    assert _refused(_replay(app, logged_out_cookie))
    assert [k for k, _ in _kinds(app, "login", "logout")] == ["login", "logout"]


def test_a_logged_out_cookie_is_refused_after_a_restart(
    app: FastAPI, logged_out_cookie: str, restarted: Callable[[], FastAPI]
) -> None:
    app.state.jiandu.close()
    again = restarted()
    assert _refused(_replay(again, logged_out_cookie))


def test_a_live_session_survives_a_restart(app: FastAPI, restarted: Callable[[], FastAPI]) -> None:
    cookie = _logged_in(app, "yc_pro").cookies.get(COOKIE_NAME)
    assert cookie
    again = restarted()
    client = _client(again)
    client.cookies.set(COOKIE_NAME, cookie)
    assert client.get("/clues").status_code == 200


@dataclass
class TwoSessions:
    mine: TestClient  # the owner, on the office computer
    stolen: str  # the same user's other session, as copied by an attacker


@pytest.fixture
def two_sessions(app: FastAPI) -> TwoSessions:
    """The attack: a second session of the same user, copied before the password changes."""
    mine = _logged_in(app, "yc_viewer")
    other = _logged_in(app, "yc_viewer")
    cookie = other.cookies.get(COOKIE_NAME)
    assert cookie and _replay(app, cookie).get("/clues").status_code == 200
    return TwoSessions(mine, cookie)


def test_an_own_password_change_ends_the_other_sessions(
    app: FastAPI, two_sessions: TwoSessions, restarted: Callable[[], FastAPI]
) -> None:
    mine = two_sessions.mine
    response = mine.post(
        "/account/password",
        data={"csrf_token": csrf_of(mine), "current": PASSWORD, "new": "a brand-new passphrase"},
    )
    assert response.status_code == 200 and "密码已修改" in response.text
    assert _refused(_replay(app, two_sessions.stolen))
    assert _refused(_replay(restarted(), two_sessions.stolen))
    assert mine.get("/clues").status_code == 200  # the session that changed it stays
    with app.state.jiandu.store.read() as s:
        after = s.execute(select(Event.after).where(Event.kind == "password_set")).scalar_one()
    assert after == {"sessions_ended": 1}


def test_an_administrator_setting_the_password_ends_every_session(
    app: FastAPI, two_sessions: TwoSessions
) -> None:
    admin = _logged_in(app, "admin")
    response = admin.post(
        "/admin/users/yc_viewer/password",
        data={"csrf_token": csrf_of(admin), "password": "set by the administrator"},
    )
    assert response.status_code == 303
    assert _refused(_replay(app, two_sessions.stolen))
    assert _refused(two_sessions.mine)
    assert admin.get("/clues").status_code == 200


def test_a_cookie_never_seen_before_a_password_change_is_refused(app: FastAPI) -> None:
    """A cookie signed before the change but never presented (not registered) dies too."""
    _, cookie = app.state.jiandu.sessions.new("yc_viewer")
    admin = _logged_in(app, "admin")
    admin.post(
        "/admin/users/yc_viewer/password",
        data={"csrf_token": csrf_of(admin), "password": "set by the administrator"},
    )
    assert _refused(_replay(app, cookie))


def test_deactivation_ends_every_session_for_good(app: FastAPI) -> None:
    cookie = _logged_in(app, "yc_pro").cookies.get(COOKIE_NAME)
    assert cookie
    with app.state.jiandu.store.write() as s:
        set_active(s, system_principal(s), "yc_pro", False, reason="调离")
    assert _refused(_replay(app, cookie))
    with app.state.jiandu.store.write() as s:
        set_active(s, system_principal(s), "yc_pro", True)
    assert _refused(_replay(app, cookie))  # coming back does not revive old sessions
    assert _logged_in(app, "yc_pro").get("/clues").status_code == 200


@pytest.fixture
def deactivated_users_token(app: FastAPI) -> str:
    """The attack: an API token of a user who has since been deactivated (and reactivated)."""
    with app.state.jiandu.store.write() as s:
        token = create_token(s, principal_for_username(s, "yc_analyst"), label="夜间同步")
    assert TestClient(app).get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    with app.state.jiandu.store.write() as s:
        set_active(s, system_principal(s), "yc_analyst", False, reason="离职")
    return token


def test_a_deactivated_users_token_stops_working(app: FastAPI, deactivated_users_token: str) -> None:
    headers = {"Authorization": f"Bearer {deactivated_users_token}"}
    client = TestClient(app)
    assert client.get("/api/me", headers=headers).status_code == 401
    assert client.get("/api/clues", headers=headers).status_code == 401
    with app.state.jiandu.store.write() as s:
        set_active(s, system_principal(s), "yc_analyst", True)
    assert client.get("/api/me", headers=headers).status_code == 401  # revoked, not just paused


@pytest.fixture
def later(app: FastAPI) -> Callable[[float], None]:
    """Move the server's clock forward by some seconds."""

    def move(seconds: float) -> None:
        app.state.jiandu.sessions.clock = lambda: time.time() + seconds

    return move


def test_an_idle_session_dies(app: FastAPI, later: Callable[[float], None]) -> None:
    client = _logged_in(app, "yc_pro")
    later(25 * 60)
    assert client.get("/clues").status_code == 200  # in use: refreshed
    later(25 * 60 + 31 * 60)
    assert _refused(client)


def test_a_session_dies_at_its_absolute_lifetime(app: FastAPI, later: Callable[[float], None]) -> None:
    client = _logged_in(app, "yc_pro")
    sessions = app.state.jiandu.sessions
    for minutes in range(20, 12 * 60, 20):  # used every 20 minutes: never idle
        later(minutes * 60)
        assert client.get("/api/me").status_code == 200, minutes
    later(sessions.max_age + 60)
    assert _refused(client)


@pytest.fixture
def thirty_passwords() -> list[str]:
    """The attack: 30 guesses (random, so no guess is right by accident)."""
    return [secrets.token_urlsafe(9) for _ in range(30)]


def test_brute_force_on_one_account_locks_it(
    app: FastAPI,
    thirty_passwords: list[str],
    restarted: Callable[[], FastAPI],
    later: Callable[[float], None],
) -> None:
    statuses = []
    for i, guess in enumerate(thirty_passwords):
        # a botnet: every guess from another address, so only the account lock can stop it
        status, page = _post_login(_client(app, (f"203.0.113.{i + 1}", 40000)), "yc_pro", guess)
        statuses.append(status)
    assert statuses == [401] * 4 + [429] * 26  # the 5th failure starts the lock and says so
    assert LOCKED in page and "15 分钟" in page
    # while locked even the right password is refused, here and after a restart
    assert _post_login(_client(app), "yc_pro", PASSWORD)[0] == 429
    assert _post_login(_client(restarted()), "yc_pro", PASSWORD)[0] == 429
    # other accounts are not affected
    assert _post_login(_client(app), "yc_viewer", PASSWORD)[0] == 303
    events = _kinds(app, "login_failed", "login_locked")
    assert events == [("login_failed", "yc_pro")] * 5 + [("login_locked", "yc_pro")]
    later(16 * 60)
    assert _post_login(_client(app), "yc_pro", PASSWORD)[0] == 303


def test_the_lock_does_not_reveal_whether_the_account_exists(
    app: FastAPI, thirty_passwords: list[str]
) -> None:
    pages = {}
    for username in ("yc_pro", "no_such_user"):
        for guess in thirty_passwords[:6]:
            status, page = _post_login(_client(app, ATTACKER), username, guess)
        pages[username] = (status, CSRF.sub("", page))
    assert pages["yc_pro"] == pages["no_such_user"]
    assert pages["yc_pro"][0] == 429


def test_brute_force_from_one_address_locks_the_address(app: FastAPI, thirty_passwords: list[str]) -> None:
    statuses = []
    for i, guess in enumerate(thirty_passwords):  # password spraying: a new account each time
        statuses.append(_post_login(_client(app, ATTACKER), f"user{i:02d}", guess)[0])
    assert statuses == [401] * 19 + [429] * 11
    # from that address nobody logs in for now, not even with a right password
    assert _post_login(_client(app, ATTACKER), "yc_pro", PASSWORD)[0] == 429
    # the office is not locked out
    assert _post_login(_client(app, OFFICE), "yc_pro", PASSWORD)[0] == 303
    locked = [e for k, e in _kinds(app, "login_locked")]
    assert locked == ["user19"]
    with app.state.jiandu.store.read() as s:
        after = s.execute(select(Event.after).where(Event.kind == "login_locked")).scalar_one()
    assert after["scope"] == "address" and after["address"] == ATTACKER[0]


def test_a_right_login_clears_the_accounts_failures(app: FastAPI, thirty_passwords: list[str]) -> None:
    for guess in thirty_passwords[:4]:
        assert _post_login(_client(app), "yc_pro", guess)[0] == 401
    assert _post_login(_client(app), "yc_pro", PASSWORD)[0] == 303
    with app.state.jiandu.store.read() as s:
        left = s.execute(select(LoginFailure.username)).scalars().all()
    assert "yc_pro" not in left
    assert _post_login(_client(app), "yc_pro", thirty_passwords[5])[0] == 401  # not locked


def test_a_stolen_session_cannot_guess_the_current_password(
    app: FastAPI, thirty_passwords: list[str]
) -> None:
    """The account page re-checks the current password under the same lock as the login."""
    stolen = _replay(app, _logged_in(app, "yc_viewer").cookies.get(COOKIE_NAME) or "")
    token = csrf_of(stolen)
    statuses = [
        stolen.post(
            "/account/password", data={"csrf_token": token, "current": guess, "new": "attacker's choice!"}
        ).status_code
        for guess in thirty_passwords[:8]
    ]
    assert statuses == [400] * 4 + [429] * 4
    assert [k for k, _ in _kinds(app, "password_check_failed", "login_locked")] == [
        "password_check_failed"
    ] * 5 + ["login_locked"]
    assert _post_login(_client(app), "yc_viewer", "attacker's choice!")[0] == 429  # still locked
    with app.state.jiandu.store.read() as s:
        assert s.execute(select(Event.id).where(Event.kind == "password_set")).first() is None


def test_login_and_logout_are_audited_with_the_address(app: FastAPI) -> None:
    client = _logged_in(app, "yc_pro")
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    with app.state.jiandu.store.read() as s:
        rows = s.execute(
            select(Event.kind, Event.actor, Event.after).where(Event.kind.in_(("login", "logout")))
        ).all()
        sessions = s.execute(select(WebSession.end_reason, WebSession.address)).all()
    assert [(k, a, after["address"]) for k, a, after in rows] == [
        ("login", "yc_pro", OFFICE[0]),
        ("logout", "yc_pro", OFFICE[0]),
    ]
    assert sessions == [("logout", OFFICE[0])]


def test_a_second_login_in_the_same_browser_ends_the_first_session(app: FastAPI) -> None:
    client = _logged_in(app, "yc_pro")
    first = client.cookies.get(COOKIE_NAME)
    assert first
    assert _post_login(client, "yc_viewer", PASSWORD)[0] == 303
    assert _refused(_replay(app, first))


def test_the_password_policy_is_told_in_chinese(app: FastAPI, client_as: Callable[[str], TestClient]) -> None:
    client = client_as("yc_viewer")
    token = csrf_of(client)
    for new, words in (
        ("short", "至少需要 10 个字符"),
        ("aaaaaaaaaaaaaaa", "过于简单"),
        ("my-yc_viewer-password", "不能包含用户名"),
    ):
        response = client.post(
            "/account/password", data={"csrf_token": token, "current": PASSWORD, "new": new}
        )
        assert response.status_code == 400 and words in response.text, new
    assert _post_login(_client(app), "yc_viewer", PASSWORD)[0] == 303  # unchanged


def test_a_busy_store_does_not_log_anyone_out(
    app: FastAPI, later: Callable[[float], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A nightly clue sync holds the store's write lock: recording a session's use may fail, the
    session (alive as just read) goes on."""
    client = _logged_in(app, "yc_pro")
    later(5 * 60)  # the last use is due to be recorded

    @contextmanager
    def busy() -> Iterator[None]:
        raise OperationalError("BEGIN IMMEDIATE", None, Exception("database is locked"))
        yield

    monkeypatch.setattr(app.state.jiandu.store, "write", busy)
    assert client.get("/api/me").status_code == 200


def test_the_audit_page_names_the_login_events_in_chinese(
    app: FastAPI, thirty_passwords: list[str], client_as: Callable[[str], TestClient]
) -> None:
    for guess in thirty_passwords[:5]:
        _post_login(_client(app, ATTACKER), "yc_pro", guess)
    client = _logged_in(app, "yc_viewer")
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    page = client_as("zj_auditor").get("/audit").text
    for words in ("登录失败", "登录锁定", "退出登录"):
        assert f"<td>{words}</td>" in page, words


def test_checking_a_password_never_holds_the_write_lock(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Argon2 takes a while: while it runs, other writers (a clue action, a sync) must get in."""
    from jiandu.workflow import logins

    database = app.state.jiandu.store.engine.url.database
    if app.state.jiandu.store.engine.url.get_backend_name() != "sqlite" or not database:
        pytest.skip("probes SQLite's write lock")
    real = logins.verify_password
    free: list[bool] = []

    def probe(stored: str | None, password: str) -> bool:
        con = sqlite3.connect(database, timeout=0)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.rollback()
            free.append(True)
        except sqlite3.OperationalError:  # database is locked
            free.append(False)
        finally:
            con.close()
        return real(stored, password)

    monkeypatch.setattr(logins, "verify_password", probe)
    assert _post_login(_client(app), "yc_pro", PASSWORD)[0] == 303
    assert _post_login(_client(app), "yc_pro", "not the password")[0] == 401
    assert free == [True, True]
