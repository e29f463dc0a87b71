"""oil_station_visits: the stops that fall inside a fuel station's (or depot's) geofence.

Fences, in WGS-84 (station coordinates converted from their declared datum with
`jiandu.geo.to_wgs84`, polygons vertex by vertex):

- the register's polygon (``fence_wkt``) when it gives one: a stop inside it is at distance 0;
- else a circle of ``candidate_radius_m`` around the station point. The model narrows it with
  its own ``fence_radius_m`` parameter (default 150 m): the operator keeps every candidate so a
  region can change the radius without rebuilding tables.

The fences are indexed with a shapely ``STRtree`` (bounding boxes in degrees), so each stop is
tested against the few fences near it. A stop inside several fences goes to the nearest
facility: a depot next to a station keeps its own tankers. The visit then gets the tanker's
capacity (hazmat_vehicles) and the waybill whose trip covers the stop (hazmat_waybills: same
tractor plate, departed before the stop and not arrived more than three hours before it), with
the quantity in tonnes (kg / 1000; litres by the litres-per-tonne of gasoline for UN1203, of
diesel otherwise). Works the same on every engine: stops and stations are read through the
engine, matched in Python, written back and joined in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import shapely

from jiandu.engines.base import Engine
from jiandu.geo import to_wgs84
from jiandu.models.store import rebuild_table
from jiandu.schema.derived import derived_table

__all__ = ["Fence", "OilStationVisits", "match_fences", "station_fences"]

METRES_PER_DEGREE = 111319.49


@dataclass(frozen=True)
class Fence:
    """One facility's fence in WGS-84."""

    station_name: str
    station_address: str
    station_tin: str | None
    facility_type: str
    lon: float
    lat: float
    polygon: shapely.Geometry | None


def _polygon_wgs84(wkt: str, datum: str) -> shapely.Geometry | None:
    try:
        geom = shapely.from_wkt(wkt)
    except Exception:  # a malformed polygon falls back to the radius
        return None
    if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return None

    def convert(coords: np.ndarray) -> np.ndarray:
        x, y = to_wgs84(coords[:, 0], coords[:, 1], datum)
        return np.column_stack([x, y])

    return shapely.transform(geom, convert)


def station_fences(rows: Iterable[dict[str, Any]]) -> list[Fence]:
    """Fences from fuel_stations rows (coordinates in their declared datum)."""
    fences: list[Fence] = []
    for r in rows:
        if r["lon"] is None or r["lat"] is None:
            continue
        lon, lat = to_wgs84([r["lon"]], [r["lat"]], r["datum"])
        polygon = _polygon_wgs84(r["fence_wkt"], r["datum"]) if r.get("fence_wkt") else None
        fences.append(
            Fence(
                station_name=r["station_name"],
                station_address=r["address"],
                station_tin=r.get("tin"),
                facility_type=r.get("facility_type") or "加油站",
                lon=float(lon[0]),
                lat=float(lat[0]),
                polygon=polygon,
            )
        )
    return fences


def match_fences(
    lons: np.ndarray, lats: np.ndarray, fences: list[Fence], radius_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each point (WGS-84): the index of the nearest fence holding it (-1: none), the
    distance to that facility's point (0 inside a polygon) and whether the fence is a polygon."""
    n = len(lons)
    best = np.full(n, -1, dtype=np.int64)
    best_d = np.full(n, np.inf)
    is_polygon = np.zeros(n, dtype=bool)
    if not n or not fences:
        return best, np.full(n, np.nan), is_polygon
    shapes = []
    for f in fences:
        if f.polygon is not None:
            shapes.append(f.polygon)
        else:
            dlat = radius_m / METRES_PER_DEGREE
            dlon = radius_m / (METRES_PER_DEGREE * max(0.1, np.cos(np.radians(f.lat))))
            shapes.append(shapely.box(f.lon - dlon, f.lat - dlat, f.lon + dlon, f.lat + dlat))
    tree = shapely.STRtree(shapes)
    points = shapely.points(lons, lats)
    point_idx, fence_idx = tree.query(points, predicate="intersects")
    for i, j in zip(point_idx.tolist(), fence_idx.tolist(), strict=True):
        f = fences[j]
        if f.polygon is not None:
            if not shapely.contains_xy(f.polygon, lons[i], lats[i]):
                continue
            d = 0.0
        else:
            dx = (lons[i] - f.lon) * METRES_PER_DEGREE * np.cos(np.radians((lats[i] + f.lat) / 2))
            dy = (lats[i] - f.lat) * METRES_PER_DEGREE
            d = float(np.hypot(dx, dy))
            if d > radius_m:
                continue
        if d < best_d[i]:
            best[i], best_d[i], is_polygon[i] = j, d, f.polygon is not None
    return best, np.where(best >= 0, best_d, np.nan), is_polygon


@dataclass(frozen=True)
class OilStationVisits:
    """oil_station_visits: stops inside a station or depot fence (see the module docstring)."""

    name: str = "oil_station_visits"
    version: str = "1"
    inputs: tuple[str, ...] = ("oil_stops", "fuel_stations")
    optional_inputs: tuple[str, ...] = ("hazmat_vehicles", "hazmat_waybills")
    outputs: tuple[str, ...] = ("oil_station_visits",)
    candidate_radius_m: float = 300.0

    def run(self, engine: Engine) -> int:
        fences = station_fences(
            engine.rows(
                "SELECT station_name, address, tin, facility_type, lon, lat, datum, fence_wkt "
                "FROM fuel_stations ORDER BY station_name, address"
            )
        )
        stops = engine.query(
            "SELECT plate, plate_colour, start_time, lon, lat FROM oil_stops ORDER BY plate, start_time"
        )
        lons = np.asarray(stops.column("lon").to_numpy(zero_copy_only=False), dtype=np.float64)
        lats = np.asarray(stops.column("lat").to_numpy(zero_copy_only=False), dtype=np.float64)
        best, dist, polygon = match_fences(lons, lats, fences, self.candidate_radius_m)
        hit = np.flatnonzero(best >= 0)
        picked = [fences[j] for j in best[hit].tolist()]
        matched = pa.table(
            {
                "plate": stops.column("plate").take(pa.array(hit)),
                "start_time": stops.column("start_time").take(pa.array(hit)),
                "station_name": pa.array([f.station_name for f in picked], pa.string()),
                "station_address": pa.array([f.station_address for f in picked], pa.string()),
                "station_tin": pa.array([f.station_tin for f in picked], pa.string()),
                "facility_type": pa.array([f.facility_type for f in picked], pa.string()),
                "fence": pa.array(["polygon" if p else "radius" for p in polygon[hit].tolist()], pa.string()),
                "distance_m": pa.array(dist[hit], pa.float64()),
            }
        )
        vehicles = (
            "SELECT plate, max(tank_m3) AS tank_m3 FROM hazmat_vehicles GROUP BY plate"
            if engine.table_exists("hazmat_vehicles")
            else "SELECT CAST(NULL AS VARCHAR) AS plate, CAST(NULL AS DOUBLE) AS tank_m3 WHERE FALSE"
        )
        if engine.table_exists("hazmat_waybills"):
            waybills = """
SELECT waybill_no, tractor_plate, un_no, consignee_tin, depart_time, arrive_time,
    CASE WHEN qty_unit IN ('吨', 't', 'T') THEN qty
         WHEN qty_unit IN ('千克', 'kg', 'KG', '公斤') THEN qty / 1000.0
         WHEN qty_unit IN ('升', 'L', 'l') THEN qty / CASE WHEN un_no = '1203' THEN 1388.0 ELSE 1176.0 END
         END AS qty_t
FROM hazmat_waybills WHERE depart_time IS NOT NULL"""
        else:
            waybills = (
                "SELECT CAST(NULL AS VARCHAR) AS waybill_no, CAST(NULL AS VARCHAR) AS tractor_plate, "
                "CAST(NULL AS VARCHAR) AS un_no, CAST(NULL AS VARCHAR) AS consignee_tin, "
                "CAST(NULL AS TIMESTAMP) AS depart_time, CAST(NULL AS TIMESTAMP) AS arrive_time, "
                "CAST(NULL AS DOUBLE) AS qty_t WHERE FALSE"
            )
        with engine.temp_table(matched, "oil_matched") as tmp:
            select = f"""
WITH visits AS (
    SELECT s.plate, s.plate_colour, s.start_time, s.end_time, s.dwell_min, s.lon, s.lat,
        s.load_in, s.load_out, m.station_name, m.station_address, m.station_tin, m.facility_type,
        m.fence, m.distance_m
    FROM oil_stops AS s
    JOIN {tmp} AS m ON m.plate = s.plate AND m.start_time = s.start_time
),
covering AS (
    SELECT v.plate, v.start_time, w.waybill_no, w.un_no, w.qty_t, w.consignee_tin,
        row_number() OVER (PARTITION BY v.plate, v.start_time
                           ORDER BY w.depart_time DESC, w.waybill_no) AS rn
    FROM visits AS v
    JOIN ({waybills}) AS w
      ON w.tractor_plate = v.plate AND w.depart_time <= v.start_time
     AND v.start_time <= coalesce(w.arrive_time, w.depart_time + INTERVAL 1 DAY) + INTERVAL 3 HOUR
)
SELECT v.plate, v.plate_colour, v.start_time, v.end_time,
    CAST(date_trunc('month', v.start_time) AS DATE) AS month, v.dwell_min, v.lon, v.lat,
    v.load_in, v.load_out, v.station_name, v.station_address, v.station_tin, v.facility_type,
    v.fence, v.distance_m, h.tank_m3, c.waybill_no, c.un_no AS waybill_un_no,
    c.qty_t AS waybill_qty_t, c.consignee_tin AS waybill_consignee_tin
FROM visits AS v
LEFT JOIN ({vehicles}) AS h ON h.plate = v.plate
LEFT JOIN covering AS c ON c.plate = v.plate AND c.start_time = v.start_time AND c.rn = 1
"""
            return rebuild_table(engine, derived_table("oil_station_visits"), select)
