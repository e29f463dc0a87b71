"""Statistics over time for the 统计分析 page (issue 13 §9): trends, breakdowns, workload.

All counts are of clues in the principal's jurisdiction scope (optionally one model and one
jurisdiction subtree inside it), over a date range of Beijing calendar days (inclusive).

- **Trend**: per period (ISO week for ranges up to `WEEKLY_UP_TO_DAYS`, else calendar month), how
  many clues were found (``created_at``), verified (``verified_at``), filed as cases
  (``case_filed_at``), turned into suggestions (``suggestion_at``) and adopted — a suggestion counts
  as adopted when the court changed its judgment afterwards (``changed_judgment_at`` on a clue
  with ``suggestion_at``; the only adoption the store records), dated by the change.
- **Breakdowns** per model and per jurisdiction follow the clues *found* in the range (a cohort)
  through the funnel, whenever the later steps happened; precision = (属实 + 有价值) / clues with
  an outcome, conversion = cases / clues (as in `jiandu.workflow.stats`).
- **Workload** per assignee: clues assigned to them now, open (not finished: `FINISHED`),
  overdue (past their deadline: the one rule of `jiandu.workflow.deadlines`), and finished in the
  range (the clue's last change falls in it).

Days are bucketed in SQL (SQLite ``date(col, '+8 hours')``; PostgreSQL
``timezone('Asia/Shanghai', col)::date``) and rolled up into weeks or months in Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Date, and_, case, cast, false, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement, True_

from jiandu.workflow.authz import Permission, Principal, require
from jiandu.workflow.clues import scope_filter
from jiandu.workflow.deadlines import overdue_condition
from jiandu.workflow.errors import InvalidInput, NotFound
from jiandu.workflow.jurisdictions import subtree
from jiandu.workflow.lifecycle import Status
from jiandu.workflow.stats import conversion, precision
from jiandu.workflow.tables import Clue

BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")
# Overdue, defined here only: a clue assigned to someone and not verified within this many days
# of its (latest) assignment (the clue's creation when no assignment event is recorded).
WEEKLY_UP_TO_DAYS = 92
MAX_RANGE_DAYS = 3 * 366 + 1
FINISHED = frozenset({Status.REJECTED, Status.MERGED, Status.CLOSED})
TREND_SERIES = ("found", "verified", "cases", "suggestions", "adopted")
TREND_NAMES_ZH = {
    "found": "发现线索",
    "verified": "完成核查",
    "cases": "立案",
    "suggestions": "制发检察建议",
    "adopted": "建议被采纳（改判）",
}


def beijing_today(now: dt.datetime | None = None) -> dt.date:
    return (now or dt.datetime.now(dt.UTC)).astimezone(BEIJING).date()


def default_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last 12 months: the first day of the month eleven months back, through today."""
    month = today.year * 12 + today.month - 1 - 11
    return dt.date(month // 12, month % 12 + 1, 1), today


@dataclass(frozen=True, slots=True)
class StatsQuery:
    """What the page asks for: Beijing days ``start``..``end`` (inclusive) and optional filters."""

    start: dt.date
    end: dt.date
    model_id: str | None = None
    jurisdiction: str | None = None
    granularity: str | None = None  # "week" | "month"; None: by the range's length

    def checked(self) -> StatsQuery:
        if self.end < self.start:
            raise InvalidInput("the range ends before it starts")
        if (self.end - self.start).days > MAX_RANGE_DAYS:
            raise InvalidInput(f"a range spans at most {MAX_RANGE_DAYS} days")
        if self.granularity not in (None, "week", "month"):
            raise InvalidInput(f"unknown granularity {self.granularity!r}; use week or month")
        return self

    @property
    def unit(self) -> str:
        if self.granularity:
            return self.granularity
        return "week" if (self.end - self.start).days < WEEKLY_UP_TO_DAYS else "month"

    def utc_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[from, to) in UTC covering the Beijing days."""
        lo = dt.datetime.combine(self.start, dt.time(), BEIJING).astimezone(dt.UTC)
        hi = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), BEIJING).astimezone(dt.UTC)
        return lo, hi


@dataclass(frozen=True, slots=True)
class Period:
    key: str  # 2026-03 or 2026-W09
    label: str  # 2026年3月 or 2026年第9周
    start: dt.date


@dataclass(slots=True)
class TrendRow:
    period: Period
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TREND_SERIES, 0))


@dataclass(frozen=True, slots=True)
class Breakdown:
    key: str | None  # model id or jurisdiction code (None: no jurisdiction)
    clues: int
    verified: int
    cases: int
    suggestions: int
    adopted: int
    confirmed: int
    valuable: int
    false_positive: int

    @property
    def judged(self) -> int:
        return self.confirmed + self.valuable + self.false_positive

    @property
    def precision(self) -> float | None:
        return precision(self.confirmed, self.valuable, self.false_positive)

    @property
    def conversion(self) -> float | None:
        return conversion(self.cases, self.clues)


@dataclass(frozen=True, slots=True)
class Workload:
    assignee: str
    assigned: int
    open: int
    overdue: int
    finished: int


@dataclass(frozen=True, slots=True)
class Statistics:
    query: StatsQuery
    unit: str
    trend: list[TrendRow]
    totals: dict[str, int]
    by_model: list[Breakdown]
    by_jurisdiction: list[Breakdown]
    workload: list[Workload]


def period_of(day: dt.date, unit: str) -> Period:
    if unit == "week":
        year, week, weekday = day.isocalendar()
        return Period(f"{year}-W{week:02d}", f"{year}年第{week}周", day - dt.timedelta(days=weekday - 1))
    return Period(f"{day.year}-{day.month:02d}", f"{day.year}年{day.month}月", day.replace(day=1))


def periods(query: StatsQuery) -> list[Period]:
    """Every period the range touches, in order."""
    out: dict[str, Period] = {}
    day = query.start
    while day <= query.end:
        p = period_of(day, query.unit)
        out.setdefault(p.key, p)
        day += dt.timedelta(days=1 if query.unit == "week" else 28)
    last = period_of(query.end, query.unit)
    out.setdefault(last.key, last)
    return sorted(out.values(), key=lambda p: p.start)


def _local_day(session: Session, column: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("Asia/Shanghai", column), Date)
    return func.date(column, "+8 hours")


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _unindexed(session: Session, column: Any) -> Any:
    """``column`` in a form SQLite cannot look up in an index of its own (the same values)."""
    return column.op("||")("") if session.get_bind().dialect.name == "sqlite" else column


def aggregate_scope(session: Session, principal: Principal) -> list[ColumnElement[bool]]:
    """The principal's jurisdiction scope for a query that aggregates many clues: the same test
    as `jiandu.workflow.clues.scope_filter`, written so that SQLite reads it from the covering
    index the query is served by (migration 0007) instead of looking every row up through the
    jurisdiction index (several times slower for most of a table)."""
    if isinstance(scope_filter(session, principal), True_):
        return []
    code = _unindexed(session, Clue.jurisdiction_code)
    visible = code.in_(sorted(principal.scope)) if principal.scope else false()
    if principal.sees_unassigned:
        visible = or_(visible, Clue.jurisdiction_code.is_(None))
    return [visible]


def _scope(session: Session, principal: Principal, query: StatsQuery) -> list[ColumnElement[bool]]:
    """The principal's scope, the model and the jurisdiction subtree as SQL conditions."""
    conditions = aggregate_scope(session, principal)
    if query.model_id:
        conditions.append(_unindexed(session, Clue.model_id) == query.model_id)
    if query.jurisdiction:
        if not principal.can_see(query.jurisdiction):
            raise NotFound(f"no jurisdiction {query.jurisdiction}")
        code = _unindexed(session, Clue.jurisdiction_code)
        conditions.append(code.in_(sorted(subtree(session, query.jurisdiction) & principal.scope)))
    return conditions


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


_ADOPTED = and_(Clue.suggestion_at.is_not(None), Clue.changed_judgment_at.is_not(None))
_COHORT = ("clues", "verified", "cases", "suggestions", "adopted", "confirmed", "valuable", "false_positive")


def _found(
    session: Session, conditions: list[ColumnElement[bool]], query: StatsQuery, rows: dict[str, TrendRow]
) -> tuple[list[Breakdown], list[Breakdown]]:
    """The 'found' series (one scan grouped by day) and the funnel of the clues found in the
    range per model and per jurisdiction (one scan grouped by both)."""
    lo, hi = query.utc_bounds()
    in_range = and_(*conditions, Clue.created_at >= lo, Clue.created_at < hi)
    day = _local_day(session, Clue.created_at).label("day")
    for found_day, n in session.execute(select(day, func.count()).where(in_range).group_by(day)):
        p = period_of(_as_date(found_day), query.unit)
        if p.key in rows:
            rows[p.key].counts["found"] += int(n)
    # grouped by an expression first, so that SQLite sorts instead of walking an index row by row
    place = func.coalesce(Clue.jurisdiction_code, "").label("place")
    stmt = (
        select(
            place,
            Clue.model_id,
            func.count().label("clues"),
            _count(Clue.verified_at.is_not(None)).label("verified"),
            _count(Clue.case_filed_at.is_not(None)).label("cases"),
            _count(Clue.suggestion_at.is_not(None)).label("suggestions"),
            _count(_ADOPTED).label("adopted"),
            _count(Clue.outcome == "confirmed").label("confirmed"),
            _count(Clue.outcome == "valuable").label("valuable"),
            _count(Clue.outcome == "false_positive").label("false_positive"),
        )
        .where(in_range)
        .group_by(place, Clue.model_id)
    )
    models: dict[str | None, list[int]] = {}
    places: dict[str | None, list[int]] = {}
    for r in session.execute(stmt):
        values = [int(getattr(r, k) or 0) for k in _COHORT]
        for key, into in ((r.model_id, models), (r.place or None, places)):
            total = into.setdefault(key, [0] * len(_COHORT))
            for i, v in enumerate(values):
                total[i] += v

    def listed(found: dict[str | None, list[int]]) -> list[Breakdown]:
        out = [Breakdown(key, *values) for key, values in found.items()]
        return sorted(out, key=lambda b: (-b.clues, b.key or ""))

    return listed(models), listed(places)


def _milestones(
    session: Session, conditions: list[ColumnElement[bool]], query: StatsQuery, rows: dict[str, TrendRow]
) -> None:
    """One scan for the later steps: verified, filed, suggested, adopted, each by its own date."""
    lo, hi = query.utc_bounds()
    dated = {
        "verified": (Clue.verified_at, None),
        "cases": (Clue.case_filed_at, None),
        "suggestions": (Clue.suggestion_at, None),
        "adopted": (Clue.changed_judgment_at, Clue.suggestion_at.is_not(None)),
    }
    days, within = [], []
    for name, (column, extra) in dated.items():
        day = _local_day(session, column)
        if extra is not None:
            day = case((extra, day), else_=None)
        days.append(day.label(name))
        inside = and_(column >= lo, column < hi)
        within.append(and_(inside, extra) if extra is not None else inside)
    stmt = select(*days, func.count().label("n")).where(and_(*conditions, or_(*within))).group_by(*days)
    for r in session.execute(stmt):
        for name in dated:
            value = getattr(r, name)
            if value is None:
                continue
            found = _as_date(value)
            if query.start <= found <= query.end:
                p = period_of(found, query.unit)
                if p.key in rows:
                    rows[p.key].counts[name] += int(r.n)


def _workload(
    session: Session, conditions: list[ColumnElement[bool]], query: StatsQuery, now: dt.datetime
) -> list[Workload]:
    lo, hi = query.utc_bounds()
    finished = [s.value for s in FINISHED]
    stmt = (
        select(
            Clue.assignee,
            func.count().label("assigned"),
            _count(Clue.status.not_in(finished)).label("open"),
            _count(overdue_condition(now)).label("overdue"),
            _count(and_(Clue.status.in_(finished), Clue.updated_at >= lo, Clue.updated_at < hi)).label(
                "finished"
            ),
        )
        .where(and_(*conditions, Clue.assignee.is_not(None)))
        .group_by(Clue.assignee)
    )
    out = [
        Workload(
            assignee=r.assignee,
            assigned=int(r.assigned),
            open=int(r.open or 0),
            overdue=int(r.overdue or 0),
            finished=int(r.finished or 0),
        )
        for r in session.execute(stmt)
    ]
    return sorted(out, key=lambda w: (-w.overdue, -w.open, w.assignee))


def statistics(
    session: Session,
    principal: Principal,
    query: StatsQuery,
    *,
    now: dt.datetime | None = None,
) -> Statistics:
    """Trend, breakdowns and workload for the range, within the principal's scope."""
    require(principal, Permission.STATS_READ)
    query = query.checked()
    conditions = _scope(session, principal, query)
    rows = {p.key: TrendRow(p) for p in periods(query)}
    by_model, by_jurisdiction = _found(session, conditions, query, rows)
    _milestones(session, conditions, query, rows)
    trend = list(rows.values())
    totals = {s: sum(r.counts[s] for r in trend) for s in TREND_SERIES}
    return Statistics(
        query=query,
        unit=query.unit,
        trend=trend,
        totals=totals,
        by_model=by_model,
        by_jurisdiction=by_jurisdiction,
        workload=_workload(session, conditions, query, now or dt.datetime.now(dt.UTC)),
    )
