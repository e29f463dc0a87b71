"""water_zone_hits: enterprises located inside a drinking-water source protection zone.

Zones come as WKT polygons in their declared datum (water_protection_zones) or as corner-point
tables (water_zone_points, DMS as approvals print them: 120°35′12.5″, 120°35'12.5", 120 35 12.5,
or decimal degrees); enterprises as points in theirs (water_enterprises, often GCJ-02 from a map
export). Both are converted to WGS-84 with `jiandu.geo.to_wgs84` before any test, never mixed: a
GCJ-02 point taken as WGS-84 moves about 500 m, more than most zone margins. The points are
tested with shapely (``STRtree`` over the zones, then ``contains_xy``) in Python over the rows
the engine returns, so DuckDB and Spark get the same table; the depth of each point inside its
zone is the distance to the boundary in metres (local equirectangular projection).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from jiandu.engines.base import Engine
from jiandu.geo import to_wgs84
from jiandu.models.store import write_rows
from jiandu.models.water.operators.tables import latest_rows, table_or_empty

__all__ = ["WaterZoneHits", "Zone", "parse_degrees", "zone_hits", "zones_wgs84"]

METRES_PER_DEGREE = 111319.49
LEVEL_RANK = {"一级": 1, "二级": 2, "准保护区": 3}
_DMS = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*[°度\s]\s*(?:(\d+(?:\.\d+)?)\s*['′分]?\s*)?(?:(\d+(?:\.\d+)?)\s*(?:\"|″|''|′′|秒)?)?\s*([NSEW东西南北])?\s*$"
)


def parse_degrees(text: str | None) -> float | None:
    """Decimal degrees from ``120.5867``, ``120°35′12.5″``, ``120°35'12.5"``, ``120 35 12.5``,
    ``120度35分12.5秒``; None when it is none of them."""
    if text is None:
        return None
    s = str(text).strip().replace("：", ":")
    if not s:
        return None
    try:
        return float(s)
    except ValueError:
        pass
    m = _DMS.match(s)
    if not m:
        return None
    deg = float(m.group(1)) + float(m.group(2) or 0) / 60 + float(m.group(3) or 0) / 3600
    return -deg if m.group(4) in ("S", "W", "南", "西") else deg


@dataclass(frozen=True)
class Zone:
    """One protection zone in WGS-84."""

    zone_code: str
    source_name: str
    level: str
    district: str | None
    approval_no: str | None
    polygon: shapely.Geometry


def _convert(geom: shapely.Geometry, datum: str) -> shapely.Geometry:
    def convert(coords: np.ndarray) -> np.ndarray:
        x, y = to_wgs84(coords[:, 0], coords[:, 1], datum)
        return np.column_stack([x, y])

    return shapely.transform(geom, convert)


def zones_wgs84(zones: Iterable[dict[str, Any]], points: Iterable[dict[str, Any]]) -> list[Zone]:
    """Zones from their WKT or, when it is empty, their corner points, in WGS-84; a zone whose
    outline cannot be read (bad WKT, fewer than three points) is left out."""
    corners: dict[str, list[tuple[int, float, float, str]]] = {}
    for p in points:
        lon, lat = parse_degrees(p["lon_text"]), parse_degrees(p["lat_text"])
        if lon is None or lat is None or p["point_no"] is None:
            continue
        corners.setdefault(p["zone_code"], []).append(
            (int(p["point_no"]), lon, lat, p["datum"] or "cgcs2000")
        )
    out: list[Zone] = []
    for z in zones:
        datum = z["datum"] or "cgcs2000"
        geom: shapely.Geometry | None = None
        if z["polygon_wkt"]:
            try:
                geom = shapely.from_wkt(z["polygon_wkt"])
            except Exception:  # an unreadable outline is no zone
                geom = None
        elif len(corners.get(z["zone_code"], [])) >= 3:
            ring = sorted(corners[z["zone_code"]])
            datum = ring[0][3]
            geom = shapely.Polygon([(lon, lat) for _, lon, lat, _ in ring])
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        geom = shapely.make_valid(_convert(geom, datum))
        out.append(Zone(z["zone_code"], z["source_name"], z["level"], z["district"], z["approval_no"], geom))
    return out


def _depth_m(polygon: shapely.Geometry, lon: float, lat: float) -> float:
    """Distance from a point inside ``polygon`` to its boundary, in metres."""
    kx = METRES_PER_DEGREE * math.cos(math.radians(lat))

    def local(coords: np.ndarray) -> np.ndarray:
        return np.column_stack([(coords[:, 0] - lon) * kx, (coords[:, 1] - lat) * METRES_PER_DEGREE])

    return float(shapely.distance(shapely.transform(polygon.boundary, local), shapely.Point(0.0, 0.0)))


def zone_hits(enterprises: list[dict[str, Any]], zones: list[Zone]) -> list[dict[str, Any]]:
    """One row per enterprise and zone containing it (coordinates converted first)."""
    rows = [e for e in enterprises if e["lon"] is not None and e["lat"] is not None]
    if not rows or not zones:
        return []
    lons = np.empty(len(rows))
    lats = np.empty(len(rows))
    by_datum: dict[str, list[int]] = {}
    for i, e in enumerate(rows):
        by_datum.setdefault(e["datum"] or "wgs84", []).append(i)
    for datum, idx in by_datum.items():
        x, y = to_wgs84([rows[i]["lon"] for i in idx], [rows[i]["lat"] for i in idx], datum)
        lons[idx], lats[idx] = x, y
    tree = shapely.STRtree([z.polygon for z in zones])
    point_idx, zone_idx = tree.query(shapely.points(lons, lats), predicate="intersects")
    hits: list[dict[str, Any]] = []
    for i, j in sorted(zip(point_idx.tolist(), zone_idx.tolist(), strict=True)):
        z, e = zones[j], rows[i]
        if not shapely.contains_xy(z.polygon, lons[i], lats[i]):
            continue
        hits.append(
            {
                "credit_code": e["credit_code"],
                "name": e["name"],
                "district": e["district"],
                "address": e["address"],
                "industry_code": e["industry_code"],
                "industry_name": e["industry_name"],
                "pollutant_class": e["pollutant_class"],
                "status": e["status"],
                "zone_code": z.zone_code,
                "source_name": z.source_name,
                "level": z.level,
                "level_rank": LEVEL_RANK.get(z.level, 3),
                "approval_no": z.approval_no,
                "zone_district": z.district,
                "lon_sent": e["lon"],
                "lat_sent": e["lat"],
                "datum_sent": e["datum"],
                "lon": round(float(lons[i]), 7),
                "lat": round(float(lats[i]), 7),
                "depth_m": round(_depth_m(z.polygon, float(lons[i]), float(lats[i])), 1),
            }
        )
    return hits


@dataclass(frozen=True)
class WaterZoneHits:
    """water_zone_hits (see the module docstring)."""

    name: str = "water_zone_hits"
    version: str = "1"
    inputs: tuple[str, ...] = ("water_enterprises", "water_protection_zones")
    optional_inputs: tuple[str, ...] = ("water_zone_points",)
    outputs: tuple[str, ...] = ("water_zone_hits",)

    def run(self, engine: Engine) -> int:
        zones = engine.rows(
            "SELECT zone_code, source_name, level, district, approval_no, polygon_wkt, datum "
            f"FROM {latest_rows('water_protection_zones', 't.zone_code')} AS z ORDER BY zone_code"
        )
        corner_table = latest_rows(table_or_empty(engine, "water_zone_points"), "t.zone_code, t.point_no")
        points = engine.rows(
            f"SELECT zone_code, point_no, lon_text, lat_text, datum FROM {corner_table} AS p "
            "ORDER BY zone_code, point_no"
        )
        enterprises = engine.rows(
            "SELECT upper(trim(credit_code)) AS credit_code, name, district, address, industry_code, "
            "industry_name, pollutant_class, status, lon, lat, datum "
            f"FROM {latest_rows('water_enterprises', 't.credit_code')} AS e ORDER BY credit_code"
        )
        return write_rows(engine, "water_zone_hits", zone_hits(enterprises, zones_wgs84(zones, points)))
