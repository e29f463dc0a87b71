"""Stop detection on real trajectories: ../shared/data/real/gps/geolife_sample.csv.gz (Microsoft
Research Geolife, two Beijing users, WGS-84, 217,653 fixes 4–5 s apart, no speed column).

The feed has no speed, so the query derives it from the positions six fixes before and after
(`StopParameters.derive_speed`), with a walking-aware threshold of 3 km/h, an 80 m step and a 200 m
extent, and keeps stops of at least 20 minutes (the unloading scale).

Verified by hand (DuckDB on the raw CSV, independently of the stop query):
  * user 001, 2008-11-05 18:26:22 – 23:42:05: 4,088 fixes, every one within 80 m of their mean
    (40.01378 N, 116.30654 E; 95% within 15 m), no two fixes more than 55 s apart; the fix before
    is at 12:38:08 (the feed was off for almost six hours: that gap is not dwell).
  * user 001, 2008-12-13 19:40:41 – 2008-12-14 01:15:06: 3,910 fixes within 37 m of the same
    place (95% within 9 m), largest gap 573 s: the user's evening place, twice.
  * user 005, 2008-10-24 09:58:35 – 11:36:47: 678 fixes within 83 m of 39.95786 N, 116.35668 E,
    largest gap 590 s.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa

from jiandu.engines.duckdb_engine import DuckDBEngine
from jiandu.geo import distance_m
from jiandu.models.oil.operators.stops import StopParameters, stops_sql
from jiandu.schema import canonical_tables
from tests.paths import REAL, needs_real

GEOLIFE = REAL / "gps" / "geolife_sample.csv.gz"
# a pedestrian feed: the tanker step (80 m) and a 200 m extent (tankers: 250 m)
PARAMS = StopParameters(slow_kmh=3.0, max_extent_m=200.0, derive_speed=True, min_dwell_s=1200)
T = dt.datetime.fromisoformat

HAND_VERIFIED = [  # user, start, end, lon, lat
    ("001", T("2008-11-05 18:26:22"), T("2008-11-05 23:42:05"), 116.30654, 40.01378),
    ("001", T("2008-12-13 19:40:41"), T("2008-12-14 01:15:06"), 116.30650, 40.01381),
    ("005", T("2008-10-24 09:58:35"), T("2008-10-24 11:36:47"), 116.35668, 39.95786),
]


def _raw() -> pa.Table:
    return (
        duckdb.connect()
        .sql(
            "SELECT uid AS plate, '未知' AS plate_colour, CAST(datetime AS TIMESTAMP) AS fix_time, "
            "lng AS lon, lat, "
            f"'wgs84' AS datum, CAST(NULL AS DOUBLE) AS speed_kmh FROM read_csv_auto('{GEOLIFE}')"
        )
        .to_arrow_table()
    )


@needs_real
def test_geolife_stops_verified_by_hand(tmp_path: Path) -> None:
    raw = _raw()
    assert raw.num_rows == 217_653
    engine = DuckDBEngine(tmp_path / "ws")
    try:
        schema = canonical_tables()["tanker_gps"]
        engine.create_table(schema)
        engine.append("tanker_gps", raw)
        stops = engine.rows(
            f"SELECT * FROM ({stops_sql('tanker_gps', PARAMS)}) AS s ORDER BY plate, start_time"
        )
    finally:
        engine.close()
    assert 50 <= len(stops) <= 200
    for user, start, end, lon, lat in HAND_VERIFIED:
        # found at the resolution of the minute cells: start and end within five minutes
        hits = [
            s for s in stops if s["plate"] == user and abs((s["start_time"] - start).total_seconds()) <= 300
        ]
        assert len(hits) == 1, (user, start)
        s = hits[0]
        assert abs((s["end_time"] - end).total_seconds()) <= 300
        assert distance_m(s["lon"], s["lat"], lon, lat) < 30

    # every stop found holds together on the raw fixes of its time window (moving fixes
    # included): no gap above 10 minutes, and at least 90% of them within 200 m of its centre
    con = duckdb.connect()
    con.register("raw", raw)
    con.register("stops", pa.Table.from_pylist(stops))
    bad = con.execute(
        """
        WITH inside AS (
            SELECT s.plate, s.start_time, r.fix_time,
                date_diff('second', lag(r.fix_time) OVER (
                    PARTITION BY s.plate, s.start_time ORDER BY r.fix_time), r.fix_time) AS gap,
                sqrt(power((r.lon - s.lon) * 111319.49 * cos(radians(r.lat)), 2)
                     + power((r.lat - s.lat) * 111319.49, 2)) AS d
            FROM stops AS s JOIN raw AS r
              ON r.plate = s.plate AND r.fix_time BETWEEN s.start_time AND s.end_time
        )
        SELECT plate, start_time, max(gap) AS max_gap, avg(CASE WHEN d <= 200 THEN 1.0 ELSE 0.0 END) AS near
        FROM inside GROUP BY plate, start_time
        HAVING max(gap) > 600 OR avg(CASE WHEN d <= 200 THEN 1.0 ELSE 0.0 END) < 0.9
        """
    ).fetchall()
    assert bad == []


@needs_real
def test_geolife_without_derived_speed_finds_no_long_stop_across_the_feed_gaps(tmp_path: Path) -> None:
    """The six-hour silence before 18:26:22 on 2008-11-05 is never part of a stop, even when the
    gap rule is the only guard (speed unknown, every fix counted as slow)."""
    raw = _raw()
    con = duckdb.connect()
    con.register("tanker_gps", raw.append_column("status_bits", pa.nulls(raw.num_rows, pa.int64())))
    query = stops_sql("tanker_gps", StopParameters(min_dwell_s=1200))
    rows = con.execute(
        f"SELECT start_time, end_time FROM ({query}) AS s "
        "WHERE plate = '001' AND start_time < TIMESTAMP '2008-11-05 18:30:00' "
        "AND end_time > TIMESTAMP '2008-11-05 12:40:00'"
    ).fetchall()
    assert all(start >= T("2008-11-05 18:26:22") for start, _ in rows)
