"""A fix sent twice with one time but two load states (a re-sent packet with the load sensor
changed in between) gives each stop one load state at entry and exit, whatever order the two
rows reach the query in: the lower state at the start, the higher at the end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jiandu.engines import open_engine
from jiandu.models.oil.operators.stops import stops_sql
from jiandu.schema import canonical_tables, table

START = dt.datetime(2024, 3, 5, 9, 0, 0)
FULL, HALF, EMPTY = 3 * 256, 1 * 256, 0  # load bits 3, 1 and 0 in status_bits (bits 8–9)


def _fix(minute: int, status: int) -> dict[str, Any]:
    return {
        "plate": "浙D71234",
        "plate_colour": "黄",
        "fix_time": START + dt.timedelta(minutes=minute),
        "lon": 120.58,
        "lat": 30.01,
        "datum": "wgs84",
        "speed_kmh": 0.0,
        "heading": 0,
        "status_bits": status,
    }


def _stop(tmp_path: Path, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    engine = open_engine("duckdb", tmp_path)
    try:
        engine.ensure_tables([canonical_tables()["tanker_gps"]])
        engine.append("tanker_gps", table("tanker_gps").to_arrow(rows))
        return engine.rows(f"SELECT load_in, load_out, points FROM ({stops_sql()}) AS s")
    finally:
        engine.close()


def test_duplicate_fixes_give_one_load_state_in_any_order(tmp_path: Path) -> None:
    # a 40-minute stop: two fixes at its first minute (full, half), one a minute, two at its
    # last minute (empty, half)
    body = [_fix(m, FULL) for m in range(1, 40)]
    first = [_fix(0, FULL), _fix(0, HALF)]
    last = [_fix(40, EMPTY), _fix(40, HALF)]
    one = _stop(tmp_path / "a", first + body + last)
    other = _stop(tmp_path / "b", first[::-1] + body + last[::-1])
    assert one == other == [{"load_in": 1, "load_out": 1, "points": 43}]
