"""oil_stops: where and how long each tanker stood still, detected in SQL on the engine.

One query in DuckDB's dialect (transpiled for Spark) over ``tanker_gps``:

1. keep the *slow* fixes only (speed below ``slow_kmh``; a missing speed counts as slow and is
   split by distance below) inside China's bounding box (drops unfixed (0, 0) points);
2. average them per vehicle, datum and minute (``cell_s``): one *cell* with its fix count, first
   and last fix time, mean position and load state at both ends (JT/T 808 status bits 8–9: 0 空,
   1 半, 3 满); a hash aggregation that runs in parallel and leaves a quarter to a half of the rows
   for the sort the windows need. Each cell's mean is converted to WGS-84 per its declared
   datum (`jiandu.geo.wgs84_sql`; the datum offset is constant over a cell, so
   averaging before converting is exact to the millimetre);
3. one window pass per vehicle (partition plate + colour, ordered by time) looks two cells back
   and one ahead: a cell is a *jump* when it lies more than ``jump_m`` from both neighbours while
   the neighbours lie within ``step_m`` of each other (a GPS spike); a new stop starts when the
   previous cell's last fix is more than ``max_gap_s`` before this cell's first (a gap in the feed
   is never counted as dwell) or its position more than ``step_m`` away (the vehicle moved between
   the slow fixes: passing a light, then another);
4. a running sum of the breaks numbers the stops; each stop is aggregated (jump cells left out):
   start, end, dwell, fixes, centroid (weighted by fixes), load state at arrival and departure,
   and kept when it lasts at least ``min_dwell_s`` and its cells spread at most ``max_extent_m``
   east-west and north-south (a slow creep of small steps, such as a queue moving on or a
   walker, is not a stop).

Moving fixes never reach the windows, and standing ones reach them as minute cells: on a fleet
year the sort runs on a fraction of the table (`benchmarks/bench_gps.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jiandu.engines.base import Engine
from jiandu.geo import distance_sql, in_china_sql, wgs84_sql
from jiandu.models.store import rebuild_table
from jiandu.schema.derived import derived_table

__all__ = ["OilStops", "StopParameters", "stops_sql"]


@dataclass(frozen=True)
class StopParameters:
    """Thresholds of stop detection (project choices, see docs/models.md)."""

    slow_kmh: float = 5.0  # below: standing (parked jitter reports 0–3 km/h)
    step_m: float = 80.0  # consecutive slow points farther apart: the vehicle moved
    jump_m: float = 400.0  # a point this far from both neighbours that agree: a spike
    max_gap_s: int = 600  # no fix for longer: the stop ends (a gap is not dwell)
    min_dwell_s: int = 300  # shorter stops (lights, queues) are not kept
    max_extent_m: float = 250.0  # cells spread wider (east-west or north-south): a creep, not a stop
    cell_s: int = 60  # slow fixes are first averaged per vehicle, datum and minute
    # Feeds without a speed column (phones, some exports): speed from the positions `derive_span`
    # fixes before and after each point (a span of about a minute at 5 s sampling smooths the
    # 5–20 m noise of a standing receiver). Costs one more window pass over every point.
    derive_speed: bool = False
    derive_span: int = 6


def stops_sql(table: str = "tanker_gps", p: StopParameters | None = None) -> str:
    """The stop-detection query over a table with tanker_gps's columns (DuckDB dialect)."""
    p = p or StopParameters()
    lon, lat = wgs84_sql("g.raw_lon", "g.raw_lat", "g.datum")
    w = "PARTITION BY plate, plate_colour ORDER BY t_first"
    d_prev = distance_sql("lon_1", "lat_1", "lon", "lat")
    d_next = distance_sql("lon", "lat", "lon_n", "lat_n")
    d_prev_next = distance_sql("lon_1", "lat_1", "lon_n", "lat_n")
    d_21 = distance_sql("lon_2", "lat_2", "lon_1", "lat_1")
    d_2 = distance_sql("lon_2", "lat_2", "lon", "lat")
    gap_1 = "date_diff('second', t_1, t_first)"
    gap_2 = "date_diff('second', t_2, t_first)"
    source = table
    if p.derive_speed:
        k = p.derive_span
        wp = "PARTITION BY plate, plate_colour ORDER BY fix_time"
        span = distance_sql(
            f"lag(lon, {k}) OVER ({wp})",
            f"lag(lat, {k}) OVER ({wp})",
            f"lead(lon, {k}) OVER ({wp})",
            f"lead(lat, {k}) OVER ({wp})",
        )
        seconds = f"date_diff('second', lag(fix_time, {k}) OVER ({wp}), lead(fix_time, {k}) OVER ({wp}))"
        source = f"""(
    SELECT plate, plate_colour, fix_time, lon, lat, datum, status_bits,
        coalesce(speed_kmh, 3.6 * {span} / nullif({seconds}, 0)) AS speed_kmh
    FROM {table}
)"""
    return f"""
WITH slow AS (
    SELECT g.plate, g.plate_colour, g.datum, g.fix_time, g.lon, g.lat,
        CAST(floor(epoch(g.fix_time) / {p.cell_s}) AS BIGINT) AS cell,
        CASE WHEN g.status_bits IS NULL THEN -1
             ELSE CAST(floor(g.status_bits / 256) AS BIGINT) % 4 END AS load_bits
    FROM {source} AS g
    WHERE coalesce(g.speed_kmh, 0.0) < {p.slow_kmh} AND {in_china_sql("g.lon", "g.lat")}
),
cells AS (
    SELECT plate, plate_colour, datum, cell, count(*) AS n, avg(lon) AS raw_lon, avg(lat) AS raw_lat,
        min(fix_time) AS t_first, max(fix_time) AS t_last,
        -- on fixes sent twice with one time, the lower load state at the start and the higher
        -- at the end (never the one that happens to come first: that changes between runs)
        arg_min(load_bits, (fix_time, load_bits)) AS load_first,
        arg_max(load_bits, (fix_time, load_bits)) AS load_last
    FROM slow
    GROUP BY plate, plate_colour, datum, cell
),
located AS (
    SELECT plate, plate_colour, n, t_first, t_last, load_first, load_last, {lon} AS lon, {lat} AS lat
    FROM cells AS g
),
near AS (
    SELECT plate, plate_colour, n, t_first, t_last, load_first, load_last, lon, lat,
        lag(lon, 1) OVER ({w}) AS lon_1, lag(lat, 1) OVER ({w}) AS lat_1,
        lag(lon, 2) OVER ({w}) AS lon_2, lag(lat, 2) OVER ({w}) AS lat_2,
        lead(lon, 1) OVER ({w}) AS lon_n, lead(lat, 1) OVER ({w}) AS lat_n,
        lag(t_last, 1) OVER ({w}) AS t_1, lag(t_last, 2) OVER ({w}) AS t_2
    FROM located
),
flagged AS (
    SELECT plate, plate_colour, n, t_first, t_last, load_first, load_last, lon, lat,
        coalesce({d_prev} > {p.jump_m} AND {d_next} > {p.jump_m} AND {d_prev_next} <= {p.step_m}, FALSE)
            AS is_jump,
        coalesce({d_21} > {p.jump_m} AND {d_prev} > {p.jump_m} AND {d_2} <= {p.step_m}, FALSE)
            AS after_jump,
        t_1, t_2, lon_1, lat_1, lon_2, lat_2
    FROM near
),
breaks AS (
    SELECT plate, plate_colour, n, t_first, t_last, load_first, load_last, lon, lat, is_jump,
        CASE WHEN t_1 IS NULL THEN 1
             WHEN is_jump THEN 0
             WHEN after_jump THEN CASE WHEN {gap_2} > {p.max_gap_s} OR {d_2} > {p.step_m} THEN 1 ELSE 0 END
             WHEN {gap_1} > {p.max_gap_s} OR {d_prev} > {p.step_m} THEN 1
             ELSE 0 END AS brk
    FROM flagged
),
numbered AS (
    SELECT plate, plate_colour, n, t_first, t_last, load_first, load_last, lon, lat, is_jump,
        sum(brk) OVER ({w} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS stop_seq
    FROM breaks
)
SELECT plate, plate_colour, stop_seq, min(t_first) AS start_time, max(t_last) AS end_time,
    date_diff('second', min(t_first), max(t_last)) AS dwell_s, sum(n) AS points,
    sum(lon * n) / sum(n) AS lon, sum(lat * n) / sum(n) AS lat,
    arg_min(load_first, (t_first, load_first)) AS load_in, arg_max(load_last, (t_last, load_last)) AS load_out
FROM numbered
WHERE NOT is_jump
GROUP BY plate, plate_colour, stop_seq
HAVING date_diff('second', min(t_first), max(t_last)) >= {p.min_dwell_s}
    AND (max(lon) - min(lon)) * 111319.49 * cos(radians(avg(lat))) <= {p.max_extent_m}
    AND (max(lat) - min(lat)) * 111319.49 <= {p.max_extent_m}
"""


@dataclass(frozen=True)
class OilStops:
    """oil_stops: every stop of every tanker, from tanker_gps (see the module docstring)."""

    name: str = "oil_stops"
    version: str = "2"  # 2: a fix sent twice with one time gives one load state, whatever the order
    inputs: tuple[str, ...] = ("tanker_gps",)
    optional_inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ("oil_stops",)
    parameters: StopParameters = field(default_factory=StopParameters)

    def run(self, engine: Engine) -> int:
        select = f"""
SELECT plate, plate_colour, start_time, end_time, CAST(dwell_s AS DOUBLE) / 60.0 AS dwell_min,
    points, lon, lat,
    CASE load_in WHEN 0 THEN '空' WHEN 1 THEN '半' WHEN 3 THEN '满' ELSE '未知' END AS load_in,
    CASE load_out WHEN 0 THEN '空' WHEN 1 THEN '半' WHEN 3 THEN '满' ELSE '未知' END AS load_out
FROM ({stops_sql("tanker_gps", self.parameters)}) AS s
"""
        return rebuild_table(engine, derived_table("oil_stops"), select)
