"""The insurance ring model over a million synthetic claims (issue 14 §6: ≤ 2 minutes).

    python benchmarks/bench_insurance.py [--accidents 400000] [--rings 200] [--work DIR]

Generates claims straight to Parquet with DuckDB (no Python per row): ``--accidents`` honest
accidents between cars drawn from a pool six times larger (a car seldom has two), each giving
the liable side's 交强险 and 商业险 claims (both sides' under shared or main liability: about
2.6 claims an accident, so 400,000 accidents are about a million claims), police
determinations for 55% of them, 2,000 repair shops and 3,000 assessors; plus ``--rings``
planted rings of six staged accidents each (one victim car hit by four rotating drivers, one
phone, one shop). The claims and determinations are loaded into a fresh DuckDB workspace
(`motor_claims`, `accident_determinations`), then timed: the operator ``insurance_rings``
(latest revisions, graph, igraph components, Leiden on large components, communities, nodes,
edges) and the model ``insurance.fraud_ring`` (scoring, evidence). It prints the times, the
clues found, how many planted rings are among them, and the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import duckdb  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from jiandu.engines import open_engine  # noqa: E402
from jiandu.models.clues import load_clues  # noqa: E402
from jiandu.models.insurance.operators.rings import LAST_TIMINGS, InsuranceRings  # noqa: E402
from jiandu.models.library import Library  # noqa: E402
from jiandu.models.operators import update_derived  # noqa: E402
from jiandu.models.runner import run_model  # noqa: E402
from jiandu.schema import canonical_tables  # noqa: E402
from jiandu.schema.derived import derived_table  # noqa: E402

ACCIDENTS_SQL = """
CREATE TABLE acc AS
SELECT i AS acc,
    hash(i, 1) % {pool} AS a,
    hash(i, 2) % {pool} AS b,
    TIMESTAMP '2016-01-01 00:00:00' + to_minutes(CAST(hash(i, 3) % (9 * 365 * 24 * 60) AS BIGINT)) AS t,
    CASE WHEN hash(i, 4) % 100 < 55 THEN '全部' WHEN hash(i, 4) % 100 < 75 THEN '主要' ELSE '同等' END
        AS liability,
    hash(i, 5) % 100 < 55 AS police,
    800 + CAST(hash(i, 6) % 20000 AS DOUBLE) AS amount,
    NULL::VARCHAR AS reporter,
    NULL::VARCHAR AS ring_shop
FROM range({accidents}) AS r(i)
WHERE hash(i, 1) % {pool} <> hash(i, 2) % {pool}
UNION ALL
SELECT {accidents} + r * 6 + k AS acc,
    {pool} + r * 10 + 1 + k % 4 AS a,              -- four rotating drivers
    {pool} + r * 10 AS b,                          -- one victim car
    TIMESTAMP '2018-01-01 21:00:00' + to_days(CAST(r % 1500 + k * 37 AS BIGINT)) AS t,
    '全部' AS liability, FALSE AS police, 20000.0 + k * 1000 AS amount,
    '139' || lpad(CAST(r AS VARCHAR), 8, '0') AS reporter,
    'ring-shop-' || CAST(r AS VARCHAR) AS ring_shop
FROM range({rings}) AS x(r), range(6) AS y(k)
"""

CLAIMS_SQL = """
WITH sides AS (
    SELECT acc, t, police, amount, reporter, ring_shop, liability, a AS payer, b AS victim, 0 AS n
    FROM acc
    UNION ALL
    SELECT acc, t, police, amount * 0.6, reporter, ring_shop,
        CASE liability WHEN '主要' THEN '次要' ELSE '同等' END, b, a, 1
    FROM acc WHERE liability IN ('主要', '同等')
),
parts AS (
    SELECT s.*, p.coverage,
        CASE p.coverage WHEN '交强险' THEN least(2000.0, s.amount) ELSE s.amount - 2000.0 END AS paid
    FROM sides AS s, (VALUES ('交强险'), ('商业险-三者')) AS p(coverage)
    WHERE p.coverage = '交强险' OR s.amount > 2000
)
SELECT 'R' || lpad(CAST(acc AS VARCHAR), 9, '0') || CAST(n AS VARCHAR) AS report_no,
    'A' || lpad(CAST(acc AS VARCHAR), 9, '0') || CAST(n AS VARCHAR)
        || CASE coverage WHEN '交强险' THEN '1' ELSE '2' END AS claim_no,
    'P' || CAST(payer AS VARCHAR) AS policy_no,
    '保险公司' || CAST(payer % 8 AS VARCHAR) AS insurer,
    coverage,
    '车主' || CAST(payer AS VARCHAR) AS insured_name,
    '3306' || lpad(CAST(payer AS VARCHAR), 14, '0') AS insured_key,
    '车主' || CAST(payer AS VARCHAR) AS owner_name,
    '浙D' || CAST(payer AS VARCHAR) AS plate,
    NULL::VARCHAR AS plate_colour, NULL::VARCHAR AS vin,
    t AS loss_time, t + INTERVAL 2 HOUR AS report_time,
    '绍兴市' AS loss_place, NULL::VARCHAR AS loss_desc,
    '车主' || CAST(payer AS VARCHAR) AS driver_name,
    '3306' || lpad(CAST(payer AS VARCHAR), 14, '0') AS driver_key,
    coalesce(reporter, '13' || lpad(CAST(payer AS VARCHAR), 9, '0')) AS reporter_phone,
    liability,
    '浙D' || CAST(victim AS VARCHAR) AS tp_plate,
    '车主' || CAST(victim AS VARCHAR) AS tp_name,
    '3306' || lpad(CAST(victim AS VARCHAR), 14, '0') AS tp_key,
    'CK' || CAST(hash(acc, 7) % 3000 AS VARCHAR) AS surveyor,
    'DS' || CAST(hash(acc, 8) % 3000 AS VARCHAR) AS assessor,
    coalesce(ring_shop, 'shop-' || CAST(hash(victim, 9) % 2000 AS VARCHAR)) AS repair_shop,
    paid AS assessed_amount, paid AS approved_amount, paid AS paid_amount,
    coalesce(ring_shop, '车主' || CAST(victim AS VARCHAR)) AS payee,
    t + INTERVAL 20 DAY AS closed_time,
    t + INTERVAL 20 DAY AS revision_time
FROM parts
"""

DETERMINATIONS_SQL = """
SELECT 'S' || lpad(CAST(acc AS VARCHAR), 9, '0') AS accident_no, t AS accident_time, '绍兴市' AS place,
    '简易' AS procedure, side AS party_seq, '车主' || CAST(who AS VARCHAR) AS party_name,
    '3306' || lpad(CAST(who AS VARCHAR), 14, '0') AS party_key, NULL::VARCHAR AS licence_no,
    '浙D' || CAST(who AS VARCHAR) AS plate, '小型汽车' AS plate_type, NULL::VARCHAR AS insurer,
    NULL::VARCHAR AS policy_no, lia AS liability, 0 AS injured, 0 AS killed,
    NULL::VARCHAR AS determination_no, CAST(t AS DATE) AS determination_date, NULL::VARCHAR AS officer
FROM (
    SELECT acc, t, 1 AS side, a AS who, liability AS lia FROM acc WHERE police
    UNION ALL
    SELECT acc, t, 2, b, CASE liability WHEN '全部' THEN '无责' WHEN '主要' THEN '次要' ELSE '同等' END
    FROM acc WHERE police
) AS d
"""


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(folder: Path, accidents: int, rings: int) -> tuple[int, int, float]:
    started = time.perf_counter()
    con = duckdb.connect()
    con.sql("SET threads TO 2")
    con.sql(ACCIDENTS_SQL.format(accidents=accidents, rings=rings, pool=6 * accidents))
    claims = folder / "motor_claims.parquet"
    determinations = folder / "accident_determinations.parquet"
    con.sql(f"COPY ({CLAIMS_SQL}) TO '{claims}' (FORMAT parquet)")
    con.sql(f"COPY ({DETERMINATIONS_SQL}) TO '{determinations}' (FORMAT parquet)")
    n_claims = con.sql(f"SELECT count(*) FROM read_parquet('{claims}')").fetchall()[0][0]
    n_det = con.sql(f"SELECT count(*) FROM read_parquet('{determinations}')").fetchall()[0][0]
    con.close()
    return int(n_claims), int(n_det), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accidents", type=int, default=400_000)
    parser.add_argument("--rings", type=int, default=200)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-insurance-"))
    if work.exists():
        shutil.rmtree(work)
    (work / "data").mkdir(parents=True)
    n_claims, n_det, gen_s = generate(work / "data", args.accidents, args.rings)
    print(f"generated {n_claims:,} claims and {n_det:,} determination rows to Parquet in {gen_s:.1f} s")

    engine = open_engine("duckdb", work / "workspace")
    tables = canonical_tables()
    engine.ensure_tables(tables.values())
    started = time.perf_counter()
    for name in ("motor_claims", "accident_determinations"):
        rows = pq.read_table(work / "data" / f"{name}.parquet")
        engine.append(name, tables[name].conform(rows))
        del rows
    load_s = time.perf_counter() - started
    print(f"loaded into the workspace in {load_s:.1f} s (peak RSS so far {peak_rss_mib():,.0f} MiB)")

    engine.ensure_tables([derived_table(t) for t in ("clues", "clue_evidence", "model_runs")])
    started, cpu = time.perf_counter(), cpu_seconds()
    update_derived(engine, run_id="bench", operators=[InsuranceRings()], force=True)
    operator_s, operator_cpu = time.perf_counter() - started, cpu_seconds() - cpu
    communities = engine.rows("SELECT count(*) AS n, max(claims) AS biggest FROM insurance_communities")[0]
    print(
        f"operator insurance_rings: {operator_s:.1f} s "
        f"({communities['n']:,} communities of two or more accidents, "
        f"the largest {communities['biggest']} claims)"
    )
    for phase, seconds in LAST_TIMINGS.items():
        print(f"  {phase}: {seconds:.1f} s")
    spec = Library().get("insurance.fraud_ring")
    started, cpu = time.perf_counter(), cpu_seconds()
    report = run_model(engine, spec, spec.resolve({}), run_id="bench")
    model_s, model_cpu = time.perf_counter() - started, cpu_seconds() - cpu
    assert report.status == "ok", report.message
    clues = [c for c in load_clues(engine) if c["model_id"] == "insurance.fraud_ring"]
    ring_keys = {
        r["community_id"]
        for r in engine.rows(
            "SELECT DISTINCT community_id FROM insurance_graph_edges WHERE report_no >= ?",
            [f"R{args.accidents:09d}"],
        )
    }
    found = sum(1 for c in clues if c["subject"]["key"] in ring_keys)
    bands = {b: sum(1 for c in clues if c["band"] == b) for b in ("red", "yellow", "green")}
    print(
        f"model insurance.fraud_ring: {model_s:.1f} s; {len(clues)} clues {bands}; "
        f"planted rings found {found}/{args.rings}"
    )
    print(
        f"ring model total (operator + model): {operator_s + model_s:.1f} s wall, "
        f"{operator_cpu + model_cpu:.1f} s CPU (all threads) for {n_claims:,} claims"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"peak RSS {peak_rss_mib():,.0f} MiB")
    engine.close()
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
