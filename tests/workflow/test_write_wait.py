"""`Store.write(wait=...)`: a writer that can do without writing gives up after ``wait`` seconds
when another transaction holds the chain head (SQLite: the write lock; PostgreSQL: the row lock),
with `OperationalError`, and the pooled connection keeps the store's normal wait afterwards."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from jiandu.workflow import Store
from jiandu.workflow.audit import chain
from jiandu.workflow.tables import Event


def test_a_short_wait_gives_up_while_another_writer_holds_the_chain(store: Store) -> None:
    held, release = threading.Event(), threading.Event()

    def writer() -> None:
        with store.write() as s:
            chain(s)  # locks the chain head, as every writer does first
            held.set()
            release.wait(30)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert held.wait(10)
        started = time.monotonic()
        with pytest.raises(OperationalError), store.write(wait=0.5) as s:
            chain(s)
        assert time.monotonic() - started < 5
    finally:
        release.set()
        thread.join(30)
    # the lock is free: a short wait is enough, and a normal write works on the same pool
    with store.write(wait=0.5) as s:
        chain(s)
    with store.write() as s:
        assert s.execute(select(func.count()).select_from(Event)).scalar_one() >= 0
