"""Latency of the 统计分析 page (/statistics) on a workspace of N synthetic clues (default 100k).

Builds a throwaway workspace (SQLite workflow store), bulk-loads clues
(`jiandu.workflow.synthetic.bulk_load`), spreads their dates over the last 18 months with the
milestones their status implies, then requests the page in-process (FastAPI TestClient, one
worker) as a city prosecutor (sees every county) and a county prosecutor, for the default range
(12 months, monthly), a 60-day range (weekly) and one model, first with the page's result cache
off (every request counts afresh), then on (`jiandu.web.statistics.CACHE_SECONDS`). Prints
p50/p95/max per case and the process's peak resident memory.

    .venv/bin/python benchmarks/bench_statistics.py --clues 100000 --repeat 30
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import tempfile
import time
import warnings
from pathlib import Path

from sqlalchemy import text

from jiandu.workflow import Store, add_user, install_defaults, system_principal
from jiandu.workflow.synthetic import bulk_load
from jiandu.workspace import Workspace

warnings.filterwarnings("ignore", message=".*httpx.*")

USERS = (("bench_city", "prosecutor", "330600"), ("bench_county", "prosecutor", "330602"))
ASSIGNEES = ("bench_city", "bench_county")
# SQLite: dates over 540 days back, then milestones by status (as the lifecycle sets them)
SPREAD = (
    "UPDATE clues SET created_at = datetime('now', '-' || (abs(random()) % 540) || ' days', "
    "'-' || (abs(random()) % 86400) || ' seconds')",
    "UPDATE clues SET assignee = CASE WHEN abs(random()) % 2 = 0 THEN 'bench_city' ELSE 'bench_county' END "
    "WHERE status <> 'new'",
    "UPDATE clues SET verified_at = datetime(created_at, '+' || (abs(random()) % 30) || ' days') "
    "WHERE status IN ('case_filed', 'rejected', 'closed')",
    "UPDATE clues SET case_filed_at = datetime(verified_at, '+1 days') WHERE status = 'case_filed' "
    "OR (status = 'closed' AND abs(random()) % 2 = 0)",
    "UPDATE clues SET suggestion_at = datetime(case_filed_at, '+10 days') "
    "WHERE case_filed_at IS NOT NULL AND abs(random()) % 3 = 0",
    "UPDATE clues SET changed_judgment_at = datetime(suggestion_at, '+40 days') "
    "WHERE suggestion_at IS NOT NULL AND abs(random()) % 2 = 0",
    "UPDATE clues SET outcome = CASE abs(random()) % 3 WHEN 0 THEN 'confirmed' WHEN 1 THEN 'valuable' "
    "ELSE 'false_positive' END WHERE verified_at IS NOT NULL",
    "UPDATE clues SET updated_at = coalesce(verified_at, created_at)",
)


def build(root: Path, clues: int) -> float:
    started = time.perf_counter()
    Workspace(root).init(engine="duckdb")
    store = Store.for_workspace(root)
    try:
        with store.write() as s:
            install_defaults(s)
            system = system_principal(s, name="bench")
            for username, role, code in USERS:
                add_user(s, system, username, role=role, jurisdiction_code=code, display_name=f"检察官{code}")
            bulk_load(s, clues)
            for statement in SPREAD:
                s.execute(text(statement))
        with store.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    finally:
        store.close()
    return time.perf_counter() - started


def measure(root: Path, repeat: int, *, cached: bool) -> dict[str, list[float]]:
    from fastapi.testclient import TestClient

    from jiandu.web import create_app
    from jiandu.web import statistics as page
    from jiandu.web.security import COOKIE_NAME

    page.CACHE_SECONDS = 60.0 if cached else 0.0

    app = create_app(root)
    today = dt.date.today()
    cases = {
        "city, 12 months": ("bench_city", {}),
        "city, 60 days (weekly)": ("bench_city", {"start": (today - dt.timedelta(days=60)).isoformat()}),
        "city, one model": ("bench_city", {"model": "civil.false_litigation"}),
        "county, 12 months": ("bench_county", {}),
    }
    out: dict[str, list[float]] = {}
    try:
        for label, (username, params) in cases.items():
            client = TestClient(app)
            client.cookies.set(COOKIE_NAME, app.state.jiandu.sessions.new(username)[1])
            assert client.get("/statistics", params=params).status_code == 200  # warm up
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                response = client.get("/statistics", params=params)
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, response.text[:200]
            out[label] = times
            client.close()
    finally:
        app.state.jiandu.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clues", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        built = build(root, args.clues)
        print(f"built {args.clues:,} clues in {built:.1f} s")
        for cached in (False, True):
            print("cached (60 s)" if cached else "uncached: every request counts afresh")
            for label, times in measure(root, args.repeat, cached=cached).items():
                q = statistics.quantiles(times, n=20)
                print(
                    f"  {label:26s} p50 {statistics.median(times):6.0f} ms  p95 {q[18]:6.0f} ms"
                    f"  max {max(times):6.0f} ms"
                )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
