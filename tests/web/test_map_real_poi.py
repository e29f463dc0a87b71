"""The real POIs of ../shared/data/real/poi/ land in the right place on the vendored map: the
Beijing lodging export (BD-09) and the Shanghai fuel stations (GCJ-02), read through their
declared sources (map.lodging_pois, map.fuel_station_pois) and converted to WGS-84 as the map
page converts them (jiandu.web.maps.wgs84_points), fall inside 北京市 and 上海市 of
jiandu/web/static/vendor/china-provinces.json (Shanghai's shore stations within the coarse
coastline's error; seven stations the export files under 上海 普陀区 land in 舟山's 普陀区, where
they are), and the hotel at 北京站 lies within a few hundred metres of the station's published
WGS-84 position."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from shapely.geometry import Point, shape

from jiandu.engines import open_engine
from jiandu.geo import distance_m
from jiandu.ingest.registers import ingest_registers
from jiandu.web.maps import PROVINCES_FILE, wgs84_points
from tests.paths import REAL, needs_real

BEIJING_STATION = (116.4269, 39.9028)  # 北京站, WGS-84


def _provinces() -> dict[str, object]:
    data = json.loads(PROVINCES_FILE.read_text(encoding="utf-8"))
    return {f["properties"]["name"]: shape(f["geometry"]) for f in data["features"]}


def _registered(tmp_path: Path) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    folder = tmp_path / "poi"
    folder.mkdir()
    for name in ("beijing_lodging.csv", "shanghai_fuel_stations.csv"):
        shutil.copy(REAL / "poi" / name, folder / name)  # the shared files are never written
    engine = open_engine("duckdb", tmp_path / "ws")
    try:
        ingest_registers(engine, tmp_path / "quarantine", [folder])
        hotels = engine.rows("SELECT hotel_name AS name, lon, lat, datum FROM hotels")
        stations = engine.rows("SELECT station_name AS name, district, lon, lat, datum FROM fuel_stations")
    finally:
        engine.close()
    return hotels, stations


@needs_real
def test_real_pois_land_inside_their_cities(tmp_path: Path) -> None:
    hotels, stations = _registered(tmp_path)
    assert {h["datum"] for h in hotels} == {"bd09"} and {s["datum"] for s in stations} == {"gcj02"}
    provinces = _provinces()
    assert len(provinces) == 34 and {"北京市", "上海市", "浙江省", "台湾省"} <= set(provinces)
    beijing, shanghai = provinces["北京市"], provinces["上海市"]

    placed_hotels = wgs84_points(hotels)
    placed_stations = wgs84_points(stations)
    assert len(placed_hotels) == len(hotels) == 680 and len(placed_stations) == len(stations) == 417
    # every hotel of the five central districts inside 北京市
    assert all(beijing.contains(Point(p["lon"], p["lat"])) for p in placed_hotels)  # type: ignore[attr-defined]
    # Shanghai's stations: inside 上海市, or on the Yangtze shore within 3 km of Natural Earth's
    # coarse (~1 km) and simplified coastline; none in 北京市. Seven rows of the export that say
    # 普陀区 are stations of 舟山's 普陀区 (朱家尖, 普陀山, 东港 …), mislabelled by the export: the
    # map puts them in 浙江省's islands, 100 km off Shanghai, which is where they are.
    outline = shanghai.boundary  # type: ignore[attr-defined]
    near, far = [], []
    for p in placed_stations:
        point = Point(p["lon"], p["lat"])
        inside = shanghai.contains(point)  # type: ignore[attr-defined]
        (near if inside or outline.distance(point) * 111_000 < 3000 else far).append((p, inside))
        assert not beijing.contains(point)  # type: ignore[attr-defined]
    assert sum(inside for _, inside in near) >= 390 and len(near) == 410
    assert len(far) == 7 and all(p["district"] == "普陀区" and p["lon"] > 122.2 for p, _ in far)
    zhejiang = provinces["浙江省"]
    assert sum(zhejiang.contains(Point(p["lon"], p["lat"])) for p, _ in far) >= 4  # type: ignore[attr-defined]
    # unconverted (BD-09 as exported) the hotels would sit 1.3 km off; converted, the 北京站 hotel
    # is within a few hundred metres of the station
    station_hotel = next(p for p in placed_hotels if p["name"] == "北京中安宾馆(建国门北京站店)")
    assert distance_m(station_hotel["lon"], station_hotel["lat"], *BEIJING_STATION) < 300
    raw = next(h for h in hotels if h["name"] == "北京中安宾馆(建国门北京站店)")
    assert distance_m(float(raw["lon"]), float(raw["lat"]), *BEIJING_STATION) > 1000  # type: ignore[arg-type]
