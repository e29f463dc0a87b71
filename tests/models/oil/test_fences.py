"""Station fences: the register's polygon replaces the radius, its vertices converted from the
register's datum; the nearest facility wins; a malformed polygon falls back to the radius."""

from __future__ import annotations

import numpy as np
from coordTransform import wgs84_to_gcj02

from jiandu.geo import distance_m
from jiandu.models.oil.operators.visits import match_fences, station_fences
from jiandu.models.oil.patterns.fleet import xy_to_lonlat


def _gcj(x: float, y: float) -> tuple[float, float]:
    lon, lat = xy_to_lonlat(x, y)
    g = wgs84_to_gcj02(lon, lat)
    return g[0], g[1]


def _wkt(corners: list[tuple[float, float]]) -> str:
    ring = [_gcj(x, y) for x, y in [*corners, corners[0]]]
    return "POLYGON((" + ", ".join(f"{lon:.7f} {lat:.7f}" for lon, lat in ring) + "))"


def _row(name: str, x: float, y: float, **extra: object) -> dict[str, object]:
    lon, lat = _gcj(x, y)
    return {
        "station_name": name,
        "address": name,
        "tin": None,
        "facility_type": extra.pop("kind", "加油站"),
        "lon": lon,
        "lat": lat,
        "datum": "gcj02",
        "fence_wkt": extra.pop("wkt", None),
    }


def _points(*xy: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    pts = [xy_to_lonlat(x, y) for x, y in xy]
    return np.array([p[0] for p in pts]), np.array([p[1] for p in pts])


def test_polygon_replaces_the_radius_and_is_converted() -> None:
    # a long forecourt: 400 m east-west, 60 m deep, the station point at its west end
    polygon = _wkt([(-20, -30), (380, -30), (380, 30), (-20, 30)])
    fences = station_fences([_row("长廊加油站", 0, 0, wkt=polygon), _row("圆站", 2000, 0)])
    assert fences[0].polygon is not None and fences[1].polygon is None
    # converted to WGS-84: the station point lies back where it was planted (within 5 m)
    assert distance_m(fences[0].lon, fences[0].lat, *xy_to_lonlat(0, 0)) < 5
    lons, lats = _points((350, 0), (0, 80), (2100, 0), (2200, 0), (900, 0))
    best, dist, is_polygon = match_fences(lons, lats, fences, radius_m=150)
    # 350 m east: inside the polygon (distance 0) although far beyond the radius
    assert best[0] == 0 and dist[0] == 0.0 and is_polygon[0]
    # 80 m north: within 150 m of the point but outside the polygon: no fence
    assert best[1] == -1
    # the round station: 100 m inside its radius, 200 m outside
    assert best[2] == 1 and 95 < dist[2] < 105 and not is_polygon[2]
    assert best[3] == -1 and best[4] == -1


def test_nearest_facility_wins_and_a_bad_polygon_falls_back() -> None:
    fences = station_fences(
        [
            _row("站", 0, 0),
            _row("油库", 0, 120, kind="油库"),
            _row("坏多边形站", 5000, 0, wkt="POLYGON((1 2, 3"),
        ]
    )
    assert fences[2].polygon is None
    lons, lats = _points((0, 100), (0, 30), (5050, 0))
    best, dist, _ = match_fences(lons, lats, fences, radius_m=150)
    assert [fences[i].station_name for i in best] == ["油库", "站", "坏多边形站"]
    assert 45 < dist[2] < 55
