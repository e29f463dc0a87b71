"""Fixtures: the web-test workspace (built once, copied per test), apps and logged-in clients;
for the browser tests, the app served by uvicorn on 127.0.0.1, headless Chromium (Debian's
/usr/bin/chromium driven by Playwright) and a login in it that watches what the pages fetch and
log."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient.*")

from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from jiandu.web import create_app  # noqa: E402
from jiandu.web.security import COOKIE_NAME  # noqa: E402
from tests.web.world import PASSWORD, build_workspace, copy_workspace  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Page

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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


# -- the browser tests ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(workspace: Path) -> Iterator[str]:
    """The web app of ``workspace`` served by uvicorn on a free port of 127.0.0.1: its base URL."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(create_app(workspace), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def server(workspace: Path) -> Iterator[str]:
    with serve(workspace) as url:
        yield url


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Page]:
    """A page of a fresh headless Chromium profile (downloads on, zh-CN, 20 s default timeout)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (scripts/test installs it: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            accept_downloads=True,
            locale="zh-CN",
        )
        try:
            tab = context.new_page()
            tab.set_default_timeout(20_000)
            yield tab
        finally:
            context.close()


@dataclass(slots=True)
class Browsing:
    """A user logged in through the login form, with what the pages fetched from anywhere but
    ``server`` and the console errors, warnings and page errors they raised."""

    page: Page
    server: str
    external: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        """Nothing fetched from outside, no console errors (but the browser's own /favicon.ico
        request: the site has none, not the page's doing)."""
        assert self.external == [], f"fetched from outside: {self.external}"
        problems = [p for p in self.problems if not p.endswith("/favicon.ico")]
        assert problems == [], f"console errors: {problems}"


Browse = Callable[[str, str], Browsing]


@pytest.fixture
def browse(page: Page) -> Browse:
    """Log a user (username, the world's password) in at a server's /login in Chromium, watching
    requests and the console from the start; lands on /clues."""

    def open_as(server: str, username: str) -> Browsing:
        from playwright.sync_api import expect

        b = Browsing(page, server)
        page.on("request", lambda r: b.external.append(r.url) if not r.url.startswith(server) else None)
        page.on(
            "console",
            lambda m: (
                b.problems.append(f"{m.text} {m.location.get('url', '')}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        page.on("pageerror", lambda e: b.problems.append(str(e)))
        page.goto(f"{server}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        expect(page).to_have_url(f"{server}/clues")
        return b

    return open_as
