"""The statistics page and the 类案 classes count many clues from covering indexes (migration
0007_desk_indexes), never by reading the clues table row by row (whose rows carry the evidence):
every statement they send SQLite is planned onto an index, for a county user and the province."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from jiandu.workflow import Store, add_user, install_defaults, system_principal
from jiandu.workflow.related import clue_classes
from jiandu.workflow.synthetic import bulk_load
from jiandu.workflow.trends import StatsQuery, statistics
from jiandu.workflow.users import principal_for_username

MILESTONES = (
    "UPDATE clues SET created_at = datetime('now', '-' || (abs(random()) % 400) || ' days'), "
    "court = '浙' || substr(jurisdiction_code, 3, 4), subject_key = 'name:当事人' || (abs(random()) % 300)",
    "UPDATE clues SET assignee = 'county' WHERE status <> 'new'",
    "UPDATE clues SET verified_at = datetime(created_at, '+3 days'), outcome = 'confirmed' "
    "WHERE status IN ('case_filed', 'closed')",
    "UPDATE clues SET case_filed_at = verified_at, suggestion_at = verified_at, "
    "changed_judgment_at = verified_at WHERE status = 'case_filed'",
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path: Path = tmp_path_factory.mktemp("plans") / "workflow.sqlite"
    store = Store(f"sqlite:///{path}")
    with store.write() as s:
        install_defaults(s)
        system = system_principal(s)
        add_user(s, system, "county", role="prosecutor", jurisdiction_code="330602")
        add_user(s, system, "province", role="admin", jurisdiction_code="330000")
        bulk_load(s, 3000)
        for statement in MILESTONES:
            s.execute(text(statement))
    with store.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    yield store
    store.close()


def plans(store: Store, work: Any) -> list[tuple[str, list[str]]]:
    """Each statement ``work(session)`` sends that reads the clues or events, with its plan."""
    sent: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if " clues" in statement or " events" in statement:
            sent.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        with store.read() as s:
            work(s)
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    out = []
    with store.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        for statement, parameters in sent:
            steps = [str(r[3]) for r in raw.execute("EXPLAIN QUERY PLAN " + statement, parameters)]
            out.append((statement, steps))
    return out


def row_by_row(steps: list[str]) -> list[str]:
    """Plan steps that read clues or events from the table itself, whole."""
    return [
        s
        for s in steps
        if (s.startswith("SCAN clues") or s.startswith("SCAN events")) and "COVERING INDEX" not in s
    ]


@pytest.mark.parametrize("username", ["county", "province"])
def test_statistics_read_indexes_only(store: Store, username: str) -> None:
    today = dt.date.today()
    queries = [
        StatsQuery(start=today - dt.timedelta(days=365), end=today),
        StatsQuery(start=today - dt.timedelta(days=60), end=today, model_id="civil.false_litigation"),
    ]

    def work(s: Any) -> None:
        p = principal_for_username(s, username)
        for q in queries:
            result = statistics(s, p, q)
            assert result.totals["found"] > 0 and result.workload

    found = plans(store, work)
    assert len(found) >= 6
    for statement, steps in found:
        assert not row_by_row(steps), (statement, steps)
        if " FROM clues" in statement:
            assert any("COVERING INDEX" in s for s in steps), (statement, steps)


@pytest.mark.parametrize("username", ["county", "province"])
def test_classes_read_indexes_only(store: Store, username: str) -> None:
    def work(s: Any) -> None:
        classes = clue_classes(s, principal_for_username(s, username), None)
        assert classes["model"] and classes["court"] and classes["party"]

    found = plans(store, work)
    assert len(found) >= 4
    for statement, steps in found:
        assert not row_by_row(steps), (statement, steps)
