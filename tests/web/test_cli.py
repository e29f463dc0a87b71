"""`jiandu users demo` (demo logins printed once, idempotent) and `jiandu serve` (prints the URL)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jiandu.cli.main import app
from jiandu.web.demo import DEMO_USERS
from jiandu.workflow import Store, authenticate

runner = CliRunner()


def test_demo_users_are_created_once_with_passwords_shown_once(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    first = runner.invoke(app, ["-w", str(ws), "users", "demo"])
    assert first.exit_code == 0, first.output
    passwords = dict(re.findall(r"^\s+(demo_\w+)\s+\S+ \w+\s+\d{6}\s+(\S{16})$", first.output, re.M))
    assert set(passwords) == {u for u, *_ in DEMO_USERS}
    store = Store.for_workspace(ws)
    try:
        with store.write() as s:
            assert (
                authenticate(s, "demo_prosecutor", passwords["demo_prosecutor"]).jurisdiction_code == "330602"
            )
        again = runner.invoke(app, ["-w", str(ws), "users", "demo"])
        assert again.exit_code == 0
        assert not any(p in again.output for p in passwords.values())
        assert "exists, unchanged" in again.output
        with store.write() as s:  # unchanged
            authenticate(s, "demo_admin", passwords["demo_admin"])
    finally:
        store.close()


def test_serve_prints_the_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    called: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app_, **kw: called.update(kw, app=app_))
    result = runner.invoke(app, ["-w", str(tmp_path / "ws"), "serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/" in result.output
    assert called["host"] == "127.0.0.1" and called["port"] == 8123
    assert (tmp_path / "ws" / "web-secret.key").is_file()
    assert "web-secret" not in result.output
