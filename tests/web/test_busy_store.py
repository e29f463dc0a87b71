"""A clue page while a long clue sync holds the workflow store's write lock: the page does not wait
for it; it shows the clue masked (so no view of personal data goes unlogged), says why, offers no
action, and logs nothing. Once the store is free the same page is unmasked and logged."""

from __future__ import annotations

import threading
import time

from fastapi import FastAPI
from sqlalchemy import func, select

from jiandu.workflow.tables import Event
from tests.web.conftest import Login
from tests.web.world import ID_NUMBER, YC


def events(app: FastAPI) -> int:
    with app.state.jiandu.store.read() as s:
        return s.execute(select(func.count()).select_from(Event)).scalar_one()


def test_a_clue_is_shown_masked_while_a_sync_holds_the_store(app: FastAPI, client_as: Login) -> None:
    client = client_as("yc_pro")
    client.get("/clues")  # the session is confirmed before the store is taken
    held, release = threading.Event(), threading.Event()

    def long_sync() -> None:
        with app.state.jiandu.store.write() as s:
            s.execute(select(func.count()).select_from(Event))  # BEGIN IMMEDIATE has the lock
            held.set()
            release.wait(30)

    writer = threading.Thread(target=long_sync)
    writer.start()
    try:
        assert held.wait(10)
        before = events(app)
        started = time.monotonic()
        page = client.get(f"/clues/{YC[0]}")
        waited = time.monotonic() - started
        assert page.status_code == 200
        assert waited < 10  # the view waits about VIEW_WAIT (2 s), never the store's 30 s
        assert 'id="busy-notice"' in page.text and "个人信息暂以脱敏方式显示" in page.text
        assert ID_NUMBER not in page.text and ID_NUMBER[:6] + "********" + ID_NUMBER[-4:] in page.text
        assert 'id="form-assign"' not in page.text
        assert events(app) == before
    finally:
        release.set()
        writer.join(30)
    page = client.get(f"/clues/{YC[0]}")
    assert 'id="busy-notice"' not in page.text and ID_NUMBER in page.text
    assert events(app) == before + 1  # the unmasked view is logged
