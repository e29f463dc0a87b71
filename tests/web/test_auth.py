"""Login, logout, sessions, CSRF, API tokens and the session secret."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from jiandu.web.security import COOKIE_NAME, SECRET_FILE
from jiandu.workflow import create_token, set_active, system_principal
from jiandu.workflow.tables import User, WebSession
from jiandu.workflow.users import principal_for_username
from tests.web.conftest import CSRF, Login, csrf_of, login
from tests.web.world import YC


def test_pages_need_a_login(client_as: Login) -> None:
    anonymous = client_as(None)
    response = anonymous.get("/clues?band=red")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fclues%3Fband%3Dred"
    assert anonymous.get("/api/clues").status_code == 401
    assert anonymous.get("/api/clues").headers["www-authenticate"] == "Bearer"


def test_login_then_logout(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    assert login(client, "yc_pro") == 303
    cookie = client.cookies.get(COOKIE_NAME)
    assert client.get("/clues").status_code == 200
    token = csrf_of(client)
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert client.get("/clues").status_code == 303
    # the old cookie is revoked on the server, not only deleted in the browser
    replay = TestClient(app, follow_redirects=False)
    replay.cookies.set(COOKIE_NAME, cookie)
    assert replay.get("/clues").status_code == 303


def test_login_goes_to_next_but_never_off_site(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    token = CSRF.search(client.get("/login?next=/dashboard").text)
    assert token
    data = {"username": "yc_pro", "password": "correct horse battery", "csrf_token": token.group(1)}
    assert client.post("/login", data=data | {"next": "/dashboard"}).headers["location"] == "/dashboard"
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        client = TestClient(app, follow_redirects=False)
        token = CSRF.search(client.get("/login").text)
        assert token
        data["csrf_token"] = token.group(1)
        assert client.post("/login", data=data | {"next": evil}).headers["location"] == "/clues"


def _refused_login(client: TestClient, username: str, password: str) -> str:
    """POST a login that must fail; return the page it answers with."""
    token = CSRF.search(client.get("/login").text)
    assert token
    data = {"username": username, "password": password, "csrf_token": token.group(1)}
    response = client.post("/login", data=data)
    assert response.status_code == 401
    return response.text


def test_wrong_password_and_unknown_user_are_refused_alike(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    wrong_password = _refused_login(client, "yc_pro", "wrong password")
    unknown_user = _refused_login(client, "nobody", "wrong password")
    alert = '<p class="error" role="alert">用户名或密码错误</p>'
    assert alert in wrong_password
    assert alert in unknown_user  # the same words: the page does not tell which one was wrong
    # the message belongs to the refused POST only, not to a later visit of the form
    assert "用户名或密码错误" not in client.get("/login").text
    assert client.get("/clues").status_code == 303


def test_login_rotates_the_session_id(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    client.get("/login")
    before = app.state.jiandu.sessions.decode(client.cookies.get(COOKIE_NAME))
    assert before is not None and before.username is None
    assert login(client, "yc_pro") == 303
    after = app.state.jiandu.sessions.decode(client.cookies.get(COOKIE_NAME))
    assert after is not None and after.username == "yc_pro" and after.sid != before.sid


def test_session_cookie_flags(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    header = client.get("/login").headers["set-cookie"]
    assert "HttpOnly" in header and "SameSite=lax" in header and "Secure" not in header
    secure = TestClient(app, base_url="https://testserver", follow_redirects=False)
    assert "Secure" in secure.get("/login").headers["set-cookie"]


def test_a_tampered_or_foreign_cookie_is_no_session(app: FastAPI) -> None:
    _, cookie = app.state.jiandu.sessions.new("yc_pro")
    client = TestClient(app, follow_redirects=False)
    client.cookies.set(COOKIE_NAME, cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB"))
    assert client.get("/clues").status_code == 303
    from jiandu.web.security import Sessions

    foreign = Sessions(b"another-secret-another-secret-another").new("admin")[1]
    client.cookies.set(COOKIE_NAME, foreign)
    assert client.get("/clues").status_code == 303


def test_form_posts_without_a_valid_csrf_token_are_refused(client_as: Login) -> None:
    client = client_as("yc_pro")
    url = f"/clues/{YC[0]}/assign"
    assert client.post(url, data={"assignee": "yc_pro"}).status_code == 403
    assert client.post(url, data={"assignee": "yc_pro", "csrf_token": "0" * 64}).status_code == 403
    # a token of another session does not work either
    other = client_as("yc_pro")
    assert client.post(url, data={"assignee": "yc_pro", "csrf_token": csrf_of(other)}).status_code == 403
    assert client.get(f"/clues/{YC[0]}").text.count("已分派") == 0
    assert client.post(url, data={"assignee": "yc_pro", "csrf_token": csrf_of(client)}).status_code == 303


def test_login_form_needs_its_csrf_token(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    response = client.post("/login", data={"username": "yc_pro", "password": "correct horse battery"})
    assert response.status_code == 403
    assert COOKIE_NAME not in response.cookies


def test_api_changes_with_the_cookie_need_the_csrf_header(client_as: Login) -> None:
    client = client_as("yc_pro")
    url = f"/api/clues/{YC[0]}/assign"
    assert client.post(url, json={"assignee": "yc_pro"}).status_code == 403
    token = csrf_of(client)
    assert client.post(url, json={"assignee": "yc_pro"}, headers={"X-CSRF-Token": token}).status_code == 200
    assert client.get(f"/api/clues/{YC[0]}").json()["assignee"] == "yc_pro"


def test_api_token_authenticates_without_csrf(app: FastAPI) -> None:
    store = app.state.jiandu.store
    with store.write() as s:
        token = create_token(s, principal_for_username(s, "yc_pro"), label="test")
    client = TestClient(app)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/me", headers=headers).json()["username"] == "yc_pro"
    assert (
        client.post(f"/api/clues/{YC[0]}/assign", json={"assignee": "yc_pro"}, headers=headers).status_code
        == 200
    )
    assert client.get("/api/me", headers={"Authorization": "Bearer jdt_wrong"}).status_code == 401
    assert client.get("/api/me", headers={"Authorization": "Basic eDp5"}).status_code == 401


def test_a_deactivated_user_loses_the_session_at_once(app: FastAPI, client_as: Login) -> None:
    client = client_as("yc_pro")
    assert client.get("/clues").status_code == 200
    with app.state.jiandu.store.write() as s:
        set_active(s, system_principal(s), "yc_pro", False)
    assert client.get("/clues").status_code == 303
    assert client.get("/api/clues").status_code == 401


def test_account_page_creates_a_token_shown_once(client_as: Login) -> None:
    client = client_as("yc_viewer")
    response = client.post("/account/token", data={"csrf_token": csrf_of(client), "label": "脚本"})
    assert response.status_code == 200
    token = response.text.split('id="new-token">', 1)[1].split("<", 1)[0]
    assert token.startswith("jdt_")
    assert token not in client.get("/account").text
    assert (
        TestClient(client.app).get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )


def test_change_own_password(app: FastAPI, client_as: Login) -> None:
    client = client_as("yc_viewer")
    token = csrf_of(client)
    wrong = client.post(
        "/account/password", data={"csrf_token": token, "current": "nope", "new": "a new password"}
    )
    assert wrong.status_code == 400
    ok = client.post(
        "/account/password",
        data={"csrf_token": token, "current": "correct horse battery", "new": "a new password"},
    )
    assert ok.status_code == 200 and "密码已修改" in ok.text
    assert login(TestClient(app, follow_redirects=False), "yc_viewer", "a new password") == 303


def test_secret_is_generated_once_with_mode_600(workspace: Path, app: FastAPI) -> None:
    path = workspace / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_text()
    from jiandu.web import create_app

    create_app(workspace).state.jiandu.close()
    assert path.read_text() == first


def test_security_headers(client_as: Login) -> None:
    response = client_as("yc_pro").get("/clues")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"


def test_a_user_added_on_the_admin_page_gets_an_argon2id_hash(client_as: Login, app: FastAPI) -> None:
    admin = client_as("admin")
    data = {
        "csrf_token": csrf_of(admin),
        "username": "new_pro",
        "role": "prosecutor",
        "jurisdiction_code": "330602",
        "password": "a fresh passphrase",
    }
    assert admin.post("/admin/users", data=data).status_code == 303
    with app.state.jiandu.store.read() as s:
        stored = s.execute(select(User.password_hash).where(User.username == "new_pro")).scalar_one()
    assert stored is not None and stored.startswith("$argon2id$") and "fresh" not in stored
    short = admin.post("/admin/users", data=data | {"username": "new_pro2", "password": "too short"})
    assert short.status_code == 400 and "密码至少需要 10 个字符" in short.text


def test_a_locked_login_answers_429_with_retry_after(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    for _ in range(4):
        _refused_login(client, "yc_pro", "not the password")
    token = CSRF.search(client.get("/login").text)
    assert token
    data = {"username": "yc_pro", "password": "still not it", "csrf_token": token.group(1)}
    response = client.post("/login", data=data)
    assert response.status_code == 429
    assert 0 < int(response.headers["retry-after"]) <= 15 * 60
    assert '<p class="error" role="alert">登录失败次数过多，已暂时锁定，请 15 分钟后再试</p>' in response.text
    assert COOKIE_NAME not in response.cookies  # no session for a refused login


def test_the_store_keeps_only_a_hash_of_the_session_id(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    assert login(client, "yc_pro") == 303
    data = app.state.jiandu.sessions.decode(client.cookies.get(COOKIE_NAME))
    assert data is not None
    with app.state.jiandu.store.read() as s:
        stored = s.execute(select(WebSession.sid_hash)).scalars().all()
    assert stored == [hashlib.sha256(data.sid.encode()).hexdigest()]
