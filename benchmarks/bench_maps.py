"""Latency of the map pages (issue 15 §3) on a workspace of 100k map-model clues, in-process.

Builds the web-test workspace with the planted oil and hotel counties (tests/web/map_world.py:
one oil clue, seven hotel clues, the fleet's 15k GPS fixes), then multiplies those eight clues to
``--clues`` copies in the workflow store (same subjects, so every copy has a place on the map;
30 % in 越城, the rest spread over the counties of the tree, scores at random), as
benchmarks/bench_pages.py multiplies a demo county's clues. Then requests, ``--repeat`` times
each through the FastAPI TestClient (one worker): /map as the county prosecutor (越城), the city
prosecutor (绍兴) and the administrator with the registers layer, /map filtered to the hotel
model, and the oil clue's page with its tanker map. Prints p50/p95/max wall time per page, the
load average before and after, and the process's peak resident memory.

    .venv/bin/python benchmarks/bench_maps.py --clues 100000 --repeat 20
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

from sqlalchemy import text

warnings.filterwarnings("ignore", message=".*httpx.*")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def build(root: Path, clues: int) -> float:
    from jiandu.workflow import Store
    from tests.web.map_world import add_map_clues
    from tests.web.world import build_workspace

    started = time.perf_counter()
    build_workspace(root)
    add_map_clues(root)
    store = Store.for_workspace(root)
    try:
        with store.write() as s:
            counties = list(
                s.execute(
                    text("SELECT code FROM jurisdictions WHERE level = 'county' ORDER BY code")
                ).scalars()
            )
            places = " ".join(f"WHEN {i} THEN '{c}'" for i, c in enumerate(counties))
            s.execute(
                text(
                    "INSERT INTO clues (clue_id, model_id, model_version, subject_type, subject_key, "
                    "subject_name, score, band, explanation, evidence, features, run_id, first_run_id, "
                    "region, jurisdiction_code, court, status, created_at, updated_at) "
                    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :clues - 1), "
                    "src AS (SELECT row_number() OVER (ORDER BY clue_id) - 1 AS r, clue_id FROM clues "
                    "WHERE model_id IN ('oil.nonstandard_fuel_mass_balance', 'hotels.minor_check_in')) "
                    "SELECT printf('mapbench%024d', n.i), c.model_id, c.model_version, c.subject_type, "
                    "c.subject_key, c.subject_name, round(abs(random()) % 10000 / 100.0, 2), "
                    "CASE abs(random()) % 3 WHEN 0 THEN 'red' WHEN 1 THEN 'yellow' ELSE 'green' END, "
                    "c.explanation, c.evidence, c.features, 'bench', 'bench', c.region, "
                    f"CASE WHEN n.i % 10 < 3 THEN '330602' ELSE CASE n.i % {len(counties)} {places} END END, "
                    "NULL, 'new', c.created_at, c.updated_at "
                    "FROM n JOIN src ON src.r = n.i % (SELECT count(*) FROM src) "
                    "JOIN clues AS c ON c.clue_id = src.clue_id"
                ),
                {"clues": clues},
            )
        with store.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    finally:
        store.close()
    return time.perf_counter() - started


def measure(root: Path, repeat: int) -> None:
    from fastapi.testclient import TestClient

    from jiandu.web import create_app
    from jiandu.web.security import COOKIE_NAME

    app = create_app(root)
    oil = None
    try:
        clients = {}
        for user in ("yc_pro", "sx_pro", "admin"):
            client = TestClient(app)
            client.cookies.set(COOKIE_NAME, app.state.jiandu.sessions.new(user)[1])
            clients[user] = client
        with app.state.jiandu.store.read() as s:
            oil = s.execute(
                text("SELECT clue_id FROM clues WHERE model_id LIKE 'oil.%' ORDER BY clue_id LIMIT 1")
            ).scalar_one()
        cases = [
            ("/map, county (越城)", "yc_pro", "/map"),
            ("/map, city (绍兴)", "sx_pro", "/map"),
            ("/map, province + registers", "admin", "/map?layer=registers"),
            ("/map?model=hotels, city", "sx_pro", "/map?model=hotels.minor_check_in"),
            ("oil clue page (tanker map)", "yc_pro", f"/clues/{oil}"),
        ]
        print(f"{'page':32} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for label, user, url in cases:
            clients[user].get(url)  # warm
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                response = clients[user].get(url)
                times.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            print(f"{label:32} {statistics.median(times):8.0f} {p95:8.0f} {times[-1]:8.0f}")
    finally:
        app.state.jiandu.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clues", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--workspace", type=Path, default=None, help="build here and keep (reused if there)")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    work = Path(tempfile.mkdtemp(prefix="bench-maps-"))
    try:
        root = args.workspace or work / "ws"
        if not (root / "workflow.sqlite").exists():
            print(f"built {args.clues} map clues in {build(root, args.clues):.1f} s")
        measure(root, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"load average after: {os.getloadavg()}")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
