"""Stop detection on a year of a county's tanker fleet: GPS points per second (issue 15 §1).

    python benchmarks/bench_gps.py [--tankers 200] [--days 365] [--threads 2] [--work DIR] [--keep]

Generates the fleet straight to Parquet with DuckDB (SQL over ``range``, no Python loops), then
runs the oil domain's stop-detection query (`jiandu.models.oil.operators.stops.stops_sql`, the
query the ``oil_stops`` operator runs) on DuckDB over the Parquet file and writes the stops to a
table. Reports points, seconds, points per second (generation excluded), stops found and the
process's peak RSS.

The fleet, per tanker and day (sources.md §4.1, §9): ten working hours in four-hour cycles
(2.5 trips a day) — an hour's drive to the depot, 40 minutes loading, an hour laden to one of 80
stations at 40–60 km/h, a 40-minute unloading, 35 minutes back and 5 minutes at a light — with
fixes every 15 s while moving and every 30 s while standing (10 m parked jitter, speed 0–2
km/h), and fourteen hours parked with ACC off, one fix every 5 minutes (168 fixes): 2,168 fixes
a tanker-day, a third of them standing. 200 tankers × 365 days = 158.3 million fixes.

The cores are shared: the script prints the process's CPU time and the load average beside the
wall time, so a figure taken on a busy machine can be read for what it is.
"""

from __future__ import annotations

import argparse
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

from jiandu.models.oil.operators.stops import stops_sql  # noqa: E402

WORK_STEP_S = 15
WORK_POINTS = 10 * 3600 // WORK_STEP_S  # 2,400
NIGHT_POINTS = 14 * 60 // 5  # 168
CYCLE = 960  # four hours of 15 s fixes


def generate_sql(tankers: int, days: int, path: Path) -> str:
    """One COPY statement that writes the fleet's fixes to ``path`` (Parquet)."""
    m = 1.0 / 111319.49  # degrees per metre (latitude)
    mx = m / 0.866  # degrees per metre (longitude at 30°N)
    return f"""
COPY (
    WITH tankers AS (
        SELECT range AS tanker, 120.3 + (range % 20) * 0.02 AS depot_lon,
            29.8 + (range // 20) * 0.02 AS depot_lat
        FROM range({tankers})
    ),
    days AS (SELECT range AS day FROM range({days})),
    work AS (
        SELECT t.tanker, d.day, w.range AS i, w.range // {CYCLE} AS cycle, w.range % {CYCLE} AS phase,
            t.depot_lon, t.depot_lat
        FROM tankers AS t, days AS d, range({WORK_POINTS}) AS w
    ),
    placed AS (
        SELECT *,
            120.2 + (hash(tanker, day, cycle) % 80 % 10) * 0.06 AS st_lon,
            29.7 + (hash(tanker, day, cycle) % 80 // 10) * 0.05 AS st_lat,
            (CAST(hash(tanker, day, i) % 2001 AS INTEGER) - 1000) / 100.0 AS jx,
            (CAST(hash(i, day, tanker) % 2001 AS INTEGER) - 1000) / 100.0 AS jy
        FROM work
    ),
    fixes AS (
        SELECT tanker, TIMESTAMP '2024-01-01 06:00:00' + to_days(CAST(day AS INTEGER))
                + to_seconds(CAST(i * {WORK_STEP_S} AS BIGINT)) AS fix_time,
            CASE WHEN phase < 240 THEN depot_lon + jx * {mx} / 5
                 WHEN phase < 400 THEN depot_lon + jx * {mx}
                 WHEN phase < 640 THEN depot_lon + (st_lon - depot_lon) * (phase - 400) / 240.0
                 WHEN phase < 800 THEN st_lon + jx * {mx}
                 WHEN phase < 940 THEN st_lon + (depot_lon - st_lon) * (phase - 800) / 140.0 * 0.9
                 ELSE st_lon + (depot_lon - st_lon) * 0.9 + jx * {mx} / 5 END AS lon,
            CASE WHEN phase < 240 THEN depot_lat + 0.05 * phase / 240.0
                 WHEN phase < 400 THEN depot_lat + 0.05 + jy * {m}
                 WHEN phase < 640 THEN depot_lat + 0.05 + (st_lat - depot_lat - 0.05) * (phase - 400) / 240.0
                 WHEN phase < 800 THEN st_lat + jy * {m}
                 WHEN phase < 940 THEN st_lat + (depot_lat - st_lat) * (phase - 800) / 140.0 * 0.9
                 ELSE st_lat + (depot_lat - st_lat) * 0.9 + jy * {m} / 5 END AS lat,
            CASE WHEN (phase >= 240 AND phase < 400) OR (phase >= 640 AND phase < 800) OR phase >= 940
                 THEN (hash(i, tanker) % 20) / 10.0
                 ELSE 40.0 + (hash(i, tanker) % 200) / 10.0 END AS speed_kmh,
            CASE WHEN phase >= 400 AND phase < 720 THEN 771 ELSE 3 END AS status_bits,
            (phase >= 240 AND phase < 400) OR (phase >= 640 AND phase < 800) AS standing
        FROM placed
        WHERE NOT ((phase >= 240 AND phase < 400) OR (phase >= 640 AND phase < 800)) OR i % 2 = 0
        UNION ALL
        SELECT t.tanker, TIMESTAMP '2024-01-01 16:00:00' + to_days(CAST(d.day AS INTEGER))
                + to_seconds(CAST(n.range * 300 AS BIGINT)) AS fix_time,
            t.depot_lon + (CAST(hash(t.tanker, d.day, n.range) % 201 AS INTEGER) - 100) / 10.0 * {mx} AS lon,
            t.depot_lat + (CAST(hash(n.range, d.day, t.tanker) % 201 AS INTEGER) - 100) / 10.0 * {m} AS lat,
            0.0 AS speed_kmh, 2 AS status_bits, TRUE AS standing
        FROM tankers AS t, days AS d, range({NIGHT_POINTS}) AS n
    )
    SELECT '浙D' || lpad(CAST(60000 + tanker AS VARCHAR), 5, '0') AS plate, '黄' AS plate_colour, fix_time,
        lon, lat, 'wgs84' AS datum, speed_kmh, CAST(status_bits AS BIGINT) AS status_bits
    FROM fixes
) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)
"""


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tankers", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="8GB")
    parser.add_argument(
        "--work", type=Path, default=None, help="folder for the Parquet file (default: a temp dir)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated Parquet file")
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="bench_gps_"))
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"fleet_{args.tankers}x{args.days}.parquet"
    con = duckdb.connect()
    con.execute(f"SET threads = {args.threads}")
    con.execute(f"SET memory_limit = '{args.memory_limit}'")
    con.execute(f"SET temp_directory = '{work / 'spill'}'")
    con.execute("SET preserve_insertion_order = false")

    started = time.perf_counter()
    if not path.exists():
        con.execute(generate_sql(args.tankers, args.days, path))
    generated = time.perf_counter() - started
    points = con.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0]  # type: ignore[index]
    size = path.stat().st_size
    print(
        f"fleet: {args.tankers} tankers × {args.days} days = {points:,} fixes, "
        f"{size / 2**30:.2f} GiB Parquet, generated in {generated:.1f} s"
    )

    con.execute(f"CREATE VIEW tanker_gps AS SELECT * FROM read_parquet('{path}')")
    load_before = os.getloadavg()[0]
    cpu_before = _cpu()
    started = time.perf_counter()
    con.execute(f"CREATE TABLE stops AS {stops_sql('tanker_gps')}")
    seconds = time.perf_counter() - started
    cpu = _cpu() - cpu_before
    load_after = os.getloadavg()[0]
    stops, long_stops = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE dwell_s >= 1200) FROM stops"
    ).fetchone()  # type: ignore[misc]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"stop detection (DuckDB, {args.threads} threads): {seconds:.1f} s, "
        f"{points / seconds / 1e6:.2f} million fixes/s; {stops:,} stops ({long_stops:,} of 20 min or more); "
        f"peak RSS {peak:,.0f} MiB"
    )
    print(
        f"CPU time {cpu:.1f} s ({points / cpu * args.threads / 1e6:.2f} million fixes/s if the "
        f"{args.threads} threads had their cores to themselves); load average {load_before:.1f} before, "
        f"{load_after:.1f} after (other processes share the cores)"
    )
    con.close()
    if not args.keep and args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
