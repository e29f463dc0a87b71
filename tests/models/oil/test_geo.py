"""Coordinates: GCJ-02 and BD-09 to WGS-84 with coordtransform, the same formulas in SQL, and the
real Shanghai fuel-station POIs (GCJ-02) loaded through a declared source and converted.

What is known about the points, and how each check was made
  * sources.md §0.4 measured WGS-84 → GCJ-02 on the Shanghai stations with the published
    formulas: 461–497 m, median 480 m. Converting back must move them by the same amounts.
  * In Shanghai GCJ-02 lies east and south of WGS-84 (the datum's published offset field), so
    the WGS-84 point of each station is west and north of its GCJ-02 point.
  * District extents checked by hand on the converted points against the map of Shanghai:
    崇明区 is the island group north of the Yangtze mouth (every station north of 31.33°N, the
    south shore of 长兴岛); 金山区 is the southern coast (south of 30.92°N); 浦东新区 lies east of the
    Huangpu (east of 121.48°E); 中国石化(康健加油站), 虹漕南路777号 at 沪闵高架, lies in 徐汇区
    (121.40–121.45°E, 31.14–31.17°N). Seven stations of the file are in 舟山市普陀区 (their
    addresses say so): the export mistook Zhoushan's 普陀区 for Shanghai's; they land on Zhoushan.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import duckdb
import numpy as np
import pytest
from coordTransform import bd09_to_gcj02, wgs84_to_bd09, wgs84_to_gcj02

from jiandu.engines.duckdb_engine import DuckDBEngine
from jiandu.geo import distance_m, to_wgs84, to_wgs84_point, wgs84_sql
from jiandu.ingest.registers import ingest_registers
from jiandu.models.oil.operators.visits import station_fences
from tests.paths import REAL, needs_real

STATIONS = REAL / "poi" / "shanghai_fuel_stations.csv"
LODGING = REAL / "poi" / "beijing_lodging.csv"


@pytest.mark.parametrize("datum", ["gcj02", "bd09"])
def test_sql_expression_agrees_with_coordtransform(datum: str) -> None:
    rng = np.random.default_rng(3)
    lon = np.concatenate([rng.uniform(74, 135, 3000), [0.0, 10.0, 140.0]])
    lat = np.concatenate([rng.uniform(4, 53, 3000), [0.0, 50.0, 35.0]])
    want_lon, want_lat = to_wgs84(lon, lat, datum)
    con = duckdb.connect()
    con.execute("CREATE TABLE p AS SELECT unnest(?) AS lon, unnest(?) AS lat", [lon.tolist(), lat.tolist()])
    x, y = wgs84_sql("lon", "lat", f"'{datum}'")
    got = con.execute(f"SELECT {x} AS x, {y} AS y FROM p").fetchnumpy()
    assert np.abs(got["x"] - want_lon).max() < 1e-9
    assert np.abs(got["y"] - want_lat).max() < 1e-9
    # outside China's box no offset is applied
    assert got["x"][-3:].tolist() == [0.0, 10.0, 140.0] if datum == "gcj02" else True


def test_round_trips_and_unknown_datum() -> None:
    for lon, lat in [(121.4737, 31.2304), (116.3913, 39.9075), (120.58, 30.0), (87.6, 43.8)]:
        g = wgs84_to_gcj02(lon, lat)
        back = to_wgs84_point(g[0], g[1], "gcj02")
        assert distance_m(lon, lat, *back) < 5.0  # the one-step inverse: median 0.7 m, at most 4.8 m
        assert 200 < distance_m(lon, lat, *g) < 800  # the offset GCJ-02 adds in China (Urumqi: 265 m)
        b = wgs84_to_bd09(lon, lat)
        assert distance_m(lon, lat, *to_wgs84_point(b[0], b[1], "bd09")) < 5.0
    assert to_wgs84_point(121.0, 31.0, "cgcs2000") == (121.0, 31.0)
    with pytest.raises(ValueError, match="unknown datum"):
        to_wgs84([121.0], [31.0], "beijing54")
    con = duckdb.connect()
    x, _ = wgs84_sql("121.0", "31.0", "'beijing54'")
    assert con.execute(f"SELECT {x}").fetchone() == (None,)


@needs_real
def test_beijing_lodging_bd09_offset_matches_the_measurement() -> None:
    """sources.md §0.4: BD-09 → GCJ-02 moves the Beijing lodging POIs a median 872 m."""
    rows = duckdb.connect().execute(f"SELECT lng, lat FROM read_csv_auto('{LODGING}')").fetchall()
    moves = [distance_m(lon, lat, *bd09_to_gcj02(lon, lat)) for lon, lat in rows]
    assert len(rows) == 684
    assert 850 < statistics.median(moves) < 895


@needs_real
def test_shanghai_stations_through_a_declared_source(tmp_path: Path) -> None:
    engine = DuckDBEngine(tmp_path / "ws")
    try:
        ingest_registers(engine, tmp_path / "q", [STATIONS])
        # 418 rows, one repeated (same name and address): 417 stations by the table's key
        assert engine.count("fuel_stations") == 417
        rows = engine.rows("SELECT * FROM fuel_stations")
        assert {r["source_id"] for r in rows} == {"map.fuel_station_pois"}
        assert {r["datum"] for r in rows} == {"gcj02"}
        fences = station_fences(rows)
    finally:
        engine.close()
    assert len(fences) == len(rows)
    by_key = {(r["station_name"], r["address"]): r for r in rows}
    moves, west, north = [], 0, 0
    for f in fences:
        raw = by_key[(f.station_name, f.station_address)]
        moves.append(distance_m(raw["lon"], raw["lat"], f.lon, f.lat))
        west += f.lon < raw["lon"]
        north += f.lat > raw["lat"]
    assert min(moves) > 455 and max(moves) < 500
    assert 475 < statistics.median(moves) < 485
    assert west == north == len(fences)

    district = {(r["station_name"], r["address"]): r["district"] for r in rows}
    by_district: dict[str, list[tuple[float, float]]] = {}
    for f in fences:
        by_district.setdefault(district[(f.station_name, f.station_address)], []).append((f.lon, f.lat))
    assert all(lat > 31.33 for _, lat in by_district["崇明区"])
    assert all(lat < 30.92 for _, lat in by_district["金山区"])
    assert all(lon > 121.48 for lon, _ in by_district["浦东新区"])
    kangjian = next(f for f in fences if f.station_name == "中国石化(康健加油站)")
    assert 121.40 < kangjian.lon < 121.45 and 31.14 < kangjian.lat < 31.17
    # every station inside Shanghai's extent (120.85–122.0°E, 30.67–31.88°N), except the seven
    # whose address says 舟山市普陀区: the POI export took Zhoushan's 普陀区 for Shanghai's, and
    # they land on the Zhoushan islands (29.7–30.0°N, 122.2–122.4°E), where their addresses are
    zhoushan = [f for f in fences if "舟山" in f.station_address]
    assert len(zhoushan) == 7
    assert all(122.2 < f.lon < 122.4 and 29.7 < f.lat < 30.0 for f in zhoushan)
    assert all(120.85 < f.lon < 122.0 and 30.67 < f.lat < 31.88 for f in fences if f not in zhoushan)
