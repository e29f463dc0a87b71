"""Fixtures: the web-test workspace (built once, copied per test), apps and logged-in clients."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient.*")

from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from jiandu.web import create_app  # noqa: E402
from jiandu.web.security import COOKIE_NAME  # noqa: E402
from tests.web.world import PASSWORD, build_workspace, copy_workspace  # noqa: E402

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def template_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("web-template") / "ws"
    build_workspace(root)
    return root


@pytest.fixture
def workspace(template_workspace: Path, tmp_path: Path) -> Path:
    """A fresh copy of the web-test workspace (tests may change it)."""
    return copy_workspace(template_workspace, tmp_path / "ws")


@pytest.fixture
def app(workspace: Path) -> Iterator[FastAPI]:
    application = create_app(workspace)
    yield application
    application.state.jiandu.close()


Login = Callable[[str], TestClient]


@pytest.fixture
def client_as(app: FastAPI) -> Iterator[Login]:
    """A TestClient logged in as a user (a signed session, without the password round trip)."""
    clients: list[TestClient] = []

    def make(username: str | None) -> TestClient:
        client = TestClient(app, follow_redirects=False)
        if username is not None:
            _, cookie = app.state.jiandu.sessions.new(username)
            client.cookies.set(COOKIE_NAME, cookie)
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.close()


def csrf_of(client: TestClient, page: str = "/account") -> str:
    """The CSRF token of the client's session, read from a page's form."""
    response = client.get(page)
    found = CSRF.search(response.text)
    assert found, f"no CSRF token on {page} ({response.status_code})"
    return found.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> int:
    token = CSRF.search(client.get("/login").text)
    assert token
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token.group(1)}
    )
    return response.status_code
