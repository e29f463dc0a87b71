"""Latency of every main page on a workspace of 100k clues, uncached (issue 13: page p95 ≤ 300 ms).

Builds (or reuses) a benchmark workspace from a county workspace made by ``scripts/demo``
(``--source``, default ``./jiandu-workspace``: 20,000 generated judgments, their entities and
the clues the models found): the source is copied, its clues are multiplied to ``--clues``
(default 100,000) in the workflow store — each copy keeps the evidence, subject and model of a
real clue (evidence under 20 kB), gets a county (30 % 越城, the rest spread over the tree), its
court, dates over the last 540 days and the milestones its status implies — and the copies'
evidence rows are added to the analytic store's ``clue_evidence`` (so related clues and law-firm
classes have real work), which is then published as the read snapshot; the search index is
rebuilt. The built workspace is kept (``--workspace``) and reused by later runs.

Then, in-process (FastAPI TestClient, one worker), each page is requested ``--repeat`` times as
the county prosecutor (越城, ``demo_prosecutor``) and as the province administrator
(``demo_admin``), with the statistics and classes caches turned off (every request counts
afresh): the queue, a clue page (a different clue each time; the related-clue section
included), a clue page with many related clues, the full list of one relation, /classes,
/statistics (default 12 months), a person's profile, and a search. Prints p50/p95/max per page
and user — wall time, and the process's CPU time (all threads), which other processes on a shared
machine inflate less — the load average before and after, and the process's peak resident memory.

    .venv/bin/python benchmarks/bench_pages.py --repeat 20
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import shutil
import statistics
import time
import warnings
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from sqlalchemy import text

warnings.filterwarnings("ignore", message=".*httpx.*")

USERS = {"county": "demo_prosecutor", "province": "demo_admin"}
HOME_COUNTY = "330602"
DONE = "bench-pages.done"
SPREAD = (
    "UPDATE clues SET created_at = datetime('now', '-' || (abs(random()) % 540) || ' days', "
    "'-' || (abs(random()) % 86400) || ' seconds') WHERE clue_id LIKE 'bench%'",
    "UPDATE clues SET assignee = CASE abs(random()) % 3 WHEN 0 THEN 'demo_prosecutor' "
    "WHEN 1 THEN 'demo_city_prosecutor' ELSE 'demo_admin' END "
    "WHERE status <> 'new' AND clue_id LIKE 'bench%'",
    "UPDATE clues SET verified_at = datetime(created_at, '+' || (abs(random()) % 30) || ' days') "
    "WHERE status IN ('case_filed', 'rejected', 'closed') AND clue_id LIKE 'bench%'",
    "UPDATE clues SET case_filed_at = datetime(verified_at, '+1 days') WHERE clue_id LIKE 'bench%' "
    "AND (status = 'case_filed' OR (status = 'closed' AND abs(random()) % 2 = 0))",
    "UPDATE clues SET suggestion_at = datetime(case_filed_at, '+10 days') "
    "WHERE case_filed_at IS NOT NULL AND abs(random()) % 3 = 0 AND clue_id LIKE 'bench%'",
    "UPDATE clues SET changed_judgment_at = datetime(suggestion_at, '+40 days') "
    "WHERE suggestion_at IS NOT NULL AND abs(random()) % 2 = 0 AND clue_id LIKE 'bench%'",
    "UPDATE clues SET outcome = CASE abs(random()) % 3 WHEN 0 THEN 'confirmed' WHEN 1 THEN 'valuable' "
    "ELSE 'false_positive' END WHERE verified_at IS NOT NULL AND clue_id LIKE 'bench%'",
    "UPDATE clues SET updated_at = coalesce(verified_at, created_at) WHERE clue_id LIKE 'bench%'",
)
STATUS_MIX = (
    "CASE abs(random()) % 20 WHEN 0 THEN 'case_filed' WHEN 1 THEN 'rejected' WHEN 2 THEN 'closed' "
    "WHEN 3 THEN 'assigned' WHEN 4 THEN 'assigned' WHEN 5 THEN 'verifying' ELSE 'new' END"
)


def build(source: Path, root: Path, clues: int) -> float:
    """Copy ``source`` to ``root`` and multiply its clues to ``clues`` (see the module docstring)."""
    from jiandu.engines import snapshot
    from jiandu.workflow import Store
    from jiandu.workflow.search import analytic_source, rebuild_search_index

    started = time.perf_counter()
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("snapshots", "county", "quarantine"))
    store = Store.for_workspace(root)  # migrates to the head revision
    try:
        with store.write() as s:
            counties = [
                str(c)
                for c in s.execute(
                    text("SELECT code FROM jurisdictions WHERE level = 'county' ORDER BY code")
                ).scalars()
            ]
            courts = dict(
                s.execute(
                    text("SELECT jurisdiction_code, min(code) FROM courts GROUP BY jurisdiction_code")
                ).all()
            )
            s.execute(text("DROP TABLE IF EXISTS temp.bench_src"))
            s.execute(
                text(
                    "CREATE TEMP TABLE bench_src AS SELECT row_number() OVER (ORDER BY clue_id) - 1 AS r, "
                    "clue_id AS src FROM clues WHERE length(evidence) < 20000"
                )
            )
            n_src = s.execute(text("SELECT count(*) FROM bench_src")).scalar_one()
            places = " ".join(f"WHEN {i} THEN '{code}'" for i, code in enumerate(counties))
            court_of = " ".join(f"WHEN '{j}' THEN '{c}'" for j, c in courts.items())
            s.execute(
                text(
                    "INSERT INTO clues (clue_id, model_id, model_version, subject_type, subject_key, "
                    "subject_name, score, band, explanation, evidence, features, run_id, first_run_id, "
                    "region, jurisdiction_code, court, status, created_at, updated_at) "
                    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :clues - 1), "
                    "m AS (SELECT i, printf('bench%027d', i) AS clue_id, "
                    f"CASE WHEN i % 10 < 3 THEN '{HOME_COUNTY}' "
                    f"ELSE CASE i % {len(counties)} {places} END END AS place FROM n) "
                    "SELECT m.clue_id, c.model_id, c.model_version, c.subject_type, c.subject_key, "
                    "c.subject_name, round(abs(random()) % 10000 / 100.0, 2), 'green', c.explanation, "
                    "c.evidence, c.features, "
                    "'bench', 'bench', c.region, m.place, "
                    f"CASE m.place {court_of} END, {STATUS_MIX}, c.created_at, c.updated_at "
                    "FROM m JOIN bench_src AS b ON b.r = m.i % :n JOIN clues AS c ON c.clue_id = b.src"
                ),
                {"clues": clues, "n": n_src},
            )
            s.execute(
                text(
                    "UPDATE clues SET band = CASE WHEN score >= 70 THEN 'red' WHEN score >= 40 THEN 'yellow' "
                    "ELSE 'green' END WHERE clue_id LIKE 'bench%'"
                )
            )
            for statement in SPREAD:
                s.execute(text(statement))
            pairs = s.execute(
                text(
                    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :clues - 1) "
                    "SELECT printf('bench%027d', i), b.src FROM n JOIN bench_src AS b ON b.r = n.i % :n"
                ),
                {"clues": clues, "n": n_src},
            ).all()
        with store.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
        live = root / "jiandu.duckdb"
        mapping = pa.table({"clue_id": [p[0] for p in pairs], "src": [p[1] for p in pairs]})
        con = duckdb.connect(str(live))
        try:
            con.register("bench_map", mapping)
            con.execute(
                "INSERT INTO clue_evidence SELECT m.clue_id, e.* EXCLUDE (clue_id) "
                "FROM bench_map AS m JOIN clue_evidence AS e ON e.clue_id = m.src"
            )
            con.execute("CHECKPOINT")
        finally:
            con.close()
        snapshot.publish(live)
        with analytic_source(root) as analytic:
            rebuild_search_index(store, analytic)
    finally:
        store.close()
    (root / DONE).write_text(f"{clues}\n", encoding="utf-8")
    return time.perf_counter() - started


def _cases(root: Path) -> dict[str, dict[str, str]]:
    """Per user, page label → URL (clue pages get a fresh clue per request: see `_url`)."""
    from jiandu.workflow import Store

    store = Store.for_workspace(root)
    try:
        with store.read() as s:
            # the clue whose subject has the most clues in the home county: many related clues
            busy = s.execute(
                text(
                    "SELECT max(clue_id) FROM clues WHERE jurisdiction_code = :c AND subject_key = "
                    "(SELECT subject_key FROM clues WHERE jurisdiction_code = :c AND subject_type <> 'case' "
                    "GROUP BY subject_key ORDER BY count(*) DESC LIMIT 1)"
                ),
                {"c": HOME_COUNTY},
            ).scalar_one()
            name = s.execute(
                text("SELECT title FROM search_entries WHERE kind = 'person' ORDER BY rank DESC LIMIT 1")
            ).scalar_one()
            person = s.execute(
                text(
                    "SELECT target FROM search_entries WHERE kind = 'person' "
                    "ORDER BY rank DESC LIMIT 1 OFFSET 50"
                )
            ).scalar_one()
    finally:
        store.close()
    pages = {
        "queue": "/clues",
        "clue": "@clue",
        "clue, many related": f"/clues/{busy}",
        "related list (party)": f"/clues/{busy}/related/party",
        "classes": "/classes",
        "statistics": "/statistics",
        "profile": person,
        "search": "/search?q=" + str(name)[:3],
    }
    return {user: dict(pages) for user in USERS}


def measure(
    root: Path, repeat: int, seed: int, only: set[str] | None = None
) -> dict[tuple[str, str], tuple[list[float], list[float]]]:
    from fastapi.testclient import TestClient

    from jiandu.web import create_app, related_pages
    from jiandu.web import statistics as stats_page
    from jiandu.web.security import COOKIE_NAME
    from jiandu.workflow import Store

    stats_page.CACHE_SECONDS = 0.0  # the first view is what counts
    related_pages.CLASSES_SECONDS = 0.0
    store = Store.for_workspace(root)
    try:
        with store.read() as s:
            ids = {
                "county": list(
                    s.execute(
                        text("SELECT clue_id FROM clues WHERE jurisdiction_code = :c ORDER BY clue_id"),
                        {"c": HOME_COUNTY},
                    ).scalars()
                ),
                "province": list(s.execute(text("SELECT clue_id FROM clues ORDER BY clue_id")).scalars()),
            }
    finally:
        store.close()
    rng = random.Random(seed)
    app = create_app(root)
    gc.collect()  # as `jiandu serve` does after start-up
    gc.freeze()
    out: dict[tuple[str, str], tuple[list[float], list[float]]] = {}
    try:
        for who, pages in _cases(root).items():
            client = TestClient(app, follow_redirects=False)
            client.cookies.set(COOKIE_NAME, app.state.jiandu.sessions.new(USERS[who])[1])
            for label, url in pages.items():
                if only and label not in only:
                    continue

                def get(url: str = url, client: TestClient = client, who: str = who) -> Any:
                    target = f"/clues/{rng.choice(ids[who])}" if url == "@clue" else url
                    response = client.get(target)
                    assert response.status_code == 200, (target, response.status_code, response.text[:300])
                    return response

                get()  # warm-up (templates, the snapshot connection)
                times, cpu = [], []
                for _ in range(repeat):
                    t0, c0 = time.perf_counter(), time.process_time()
                    get()
                    times.append((time.perf_counter() - t0) * 1000)
                    cpu.append((time.process_time() - c0) * 1000)
                out[(who, label)] = (times, cpu)
            client.close()
    finally:
        app.state.jiandu.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--source", type=Path, default=Path("jiandu-workspace"))
    parser.add_argument("--workspace", type=Path, default=Path("/tmp/jiandu-bench-pages"))
    parser.add_argument("--clues", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rebuild", action="store_true", help="build the workspace even if one is there")
    parser.add_argument("--only", default="", help="comma-separated page labels to measure (default: all)")
    args = parser.parse_args()
    done = args.workspace / DONE
    if args.rebuild or not done.is_file() or done.read_text().strip() != str(args.clues):
        if not (args.source / "workflow.sqlite").is_file():
            raise SystemExit(f"{args.source} is not a county workspace: run scripts/demo first")
        print(f"built {args.clues:,} clues in {build(args.source, args.workspace, args.clues):.1f} s")
    else:
        from jiandu.workflow import Store

        Store.for_workspace(args.workspace).close()  # migrate a reused workspace
        print(f"reusing {args.workspace}")
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    results = measure(args.workspace, args.repeat, args.seed, {x for x in args.only.split(",") if x} or None)
    print(f"load average after:  {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'user':9s} {'page':22s} {'p50':>6s} {'p95':>6s} {'max':>6s} {'cpu p50':>8s} {'cpu p95':>8s}")
    for (who, label), (times, cpu) in results.items():
        q, qc = statistics.quantiles(times, n=20), statistics.quantiles(cpu, n=20)
        print(
            f"{who:9s} {label:22s} {statistics.median(times):6.0f} {q[18]:6.0f} {max(times):6.0f}"
            f" {statistics.median(cpu):8.0f} {qc[18]:8.0f}"
        )
    print(f"(ms; {args.repeat} requests each after one warm-up; cpu: the process's CPU time, all threads)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
