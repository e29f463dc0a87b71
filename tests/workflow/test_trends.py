"""Statistics over time (`jiandu.workflow.trends`) against hand-dated clues, on SQLite and
PostgreSQL: per-month and per-week counts in Beijing days, jurisdiction scoping, breakdowns and
the overdue rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import update

from jiandu.workflow import NotFound, assign, system_principal, transition
from jiandu.workflow.errors import InvalidInput
from jiandu.workflow.lifecycle import VERIFY_DAYS
from jiandu.workflow.tables import Clue
from jiandu.workflow.trends import StatsQuery, default_range, period_of, statistics
from tests.workflow.conftest import KEQIAO, YUECHENG, World


def cid(n: int) -> str:
    return f"c{n:031d}"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


# clues 1–3 in 越城, 4–5 in 柯桥 (the world fixture); their milestones, in UTC
DATES: dict[int, dict[str, Any]] = {
    1: {
        "created_at": utc(2026, 1, 10, 2),
        "verified_at": utc(2026, 2, 3, 2),
        "case_filed_at": utc(2026, 2, 5, 2),
        "outcome": "confirmed",
    },
    # 17:00 UTC on 31 January is 1 February in Beijing
    2: {"created_at": utc(2026, 1, 31, 17), "outcome": "false_positive", "verified_at": utc(2026, 2, 20)},
    3: {
        "created_at": utc(2026, 3, 15, 3),
        "verified_at": utc(2026, 3, 18, 3),
        "suggestion_at": utc(2026, 3, 20, 3),
        "changed_judgment_at": utc(2026, 4, 2, 3),
        "outcome": "valuable",
    },
    4: {"created_at": utc(2026, 2, 10, 3)},
    # outside the range: 2 May in Beijing
    5: {"created_at": utc(2026, 5, 1, 16, 30)},
}
RANGE = StatsQuery(dt.date(2026, 1, 1), dt.date(2026, 4, 30), granularity="month")


def dated(world: World) -> World:
    with world.store.write() as s:
        for n, values in DATES.items():
            s.execute(update(Clue).where(Clue.clue_id == cid(n)).values(**values))
    return world


def series(world: World, who: str, query: StatsQuery = RANGE, name: str = "found") -> dict[str, int]:
    with world.store.read() as s:
        result = statistics(s, world.p(who), query)
    return {r.period.key: r.counts[name] for r in result.trend}


def test_counts_per_beijing_month(world: World) -> None:
    dated(world)
    assert series(world, "admin") == {"2026-01": 1, "2026-02": 2, "2026-03": 1, "2026-04": 0}
    assert series(world, "admin", name="verified") == {"2026-01": 0, "2026-02": 2, "2026-03": 1, "2026-04": 0}
    assert series(world, "admin", name="cases") == {"2026-01": 0, "2026-02": 1, "2026-03": 0, "2026-04": 0}
    assert series(world, "admin", name="suggestions")["2026-03"] == 1
    # adopted: the suggestion's judgment was changed, dated by the change
    assert series(world, "admin", name="adopted") == {"2026-01": 0, "2026-02": 0, "2026-03": 0, "2026-04": 1}
    with world.store.read() as s:
        result = statistics(s, world.p("admin"), RANGE)
    assert result.totals == {"found": 4, "verified": 3, "cases": 1, "suggestions": 1, "adopted": 1}
    assert [r.period.label for r in result.trend] == ["2026年1月", "2026年2月", "2026年3月", "2026年4月"]


def test_range_ends_are_beijing_days(world: World) -> None:
    dated(world)
    # clue 2 was found on 1 February in Beijing: a range ending on 31 January leaves it out
    january = StatsQuery(dt.date(2026, 1, 1), dt.date(2026, 1, 31), granularity="month")
    assert series(world, "admin", january) == {"2026-01": 1}
    first = StatsQuery(dt.date(2026, 2, 1), dt.date(2026, 2, 1), granularity="month")
    assert series(world, "admin", first) == {"2026-02": 1}


def test_short_ranges_count_per_iso_week(world: World) -> None:
    dated(world)
    query = StatsQuery(dt.date(2026, 1, 26), dt.date(2026, 2, 15))
    assert query.unit == "week"
    # 1 Feb 2026 is a Sunday (week 5); 10 Feb is in week 7
    assert series(world, "admin", query) == {"2026-W05": 1, "2026-W06": 0, "2026-W07": 1}
    assert period_of(dt.date(2026, 2, 1), "week").label == "2026年第5周"


def test_jurisdiction_scope_and_filter(world: World) -> None:
    dated(world)
    assert series(world, "yc_pro") == {"2026-01": 1, "2026-02": 1, "2026-03": 1, "2026-04": 0}
    assert series(world, "kq_pro") == {"2026-01": 0, "2026-02": 1, "2026-03": 0, "2026-04": 0}
    keqiao = StatsQuery(RANGE.start, RANGE.end, jurisdiction=KEQIAO, granularity="month")
    assert sum(series(world, "sx_pro", keqiao).values()) == 1
    with world.store.read() as s, pytest.raises(NotFound):  # outside the county's subtree
        statistics(s, world.p("yc_pro"), keqiao)
    other_model = StatsQuery(RANGE.start, RANGE.end, model_id="civil.other", granularity="month")
    assert sum(series(world, "admin", other_model).values()) == 0


def test_breakdowns_follow_the_clues_found_in_the_range(world: World) -> None:
    dated(world)
    with world.store.read() as s:
        result = statistics(s, world.p("admin"), RANGE)
    places = {b.key: b for b in result.by_jurisdiction}
    assert set(places) == {YUECHENG, KEQIAO}  # clue 5 was found after the range
    yc = places[YUECHENG]
    assert (yc.clues, yc.verified, yc.cases, yc.suggestions, yc.adopted) == (3, 3, 1, 1, 1)
    assert yc.precision == pytest.approx(2 / 3)
    assert yc.conversion == pytest.approx(1 / 3)
    assert places[KEQIAO].precision is None
    [model] = result.by_model
    assert (model.key, model.clues, model.judged) == ("civil.repeat_plaintiff_basic", 4, 3)


def test_overdue_is_a_passed_deadline(world: World) -> None:
    """Workload counts a clue as overdue by the deadline rule every page uses
    (`jiandu.workflow.deadlines`): assigned, the verification period of VERIFY_DAYS runs."""
    with world.store.write() as s:
        root = system_principal(s)
        assign(s, root, cid(1), "yc_pro")
        assign(s, root, cid(2), "yc_pro")
        transition(s, root, cid(2), "verifying")
        transition(s, root, cid(2), "rejected", reject_reason="lawful")  # decided: no deadline
        assign(s, root, cid(3), "yc_pro2")
    today = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    query = StatsQuery(*default_range(today))
    with world.store.read() as s:
        soon = statistics(s, world.p("yc_pro"), query, now=soon_now(3))
        late = statistics(s, world.p("yc_pro"), query, now=soon_now(VERIFY_DAYS + 2))
        kq = statistics(s, world.p("kq_pro"), query, now=soon_now(VERIFY_DAYS + 2))
    by = {w.assignee: w for w in soon.workload}
    mine = by["yc_pro"]
    assert (mine.assigned, mine.open, mine.overdue, mine.finished) == (2, 1, 0, 1)
    assert {w.assignee: w.overdue for w in late.workload} == {"yc_pro": 1, "yc_pro2": 1}
    assert kq.workload == []  # 柯桥 sees none of 越城's assignments


def soon_now(days: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(days=days)


def test_default_range_is_twelve_months(world: World) -> None:
    assert default_range(dt.date(2026, 12, 3)) == (dt.date(2026, 1, 1), dt.date(2026, 12, 3))
    assert default_range(dt.date(2026, 3, 31)) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    with world.store.read() as s:
        result = statistics(s, world.p("admin"), StatsQuery(*default_range(dt.date(2026, 3, 31))))
    assert result.unit == "month" and len(result.trend) == 12


def test_bad_ranges_and_roles(world: World) -> None:
    with world.store.read() as s:
        with pytest.raises(InvalidInput):
            statistics(s, world.p("admin"), StatsQuery(dt.date(2026, 2, 1), dt.date(2026, 1, 1)))
        with pytest.raises(InvalidInput):
            statistics(s, world.p("admin"), StatsQuery(dt.date(2010, 1, 1), dt.date(2026, 1, 1)))
