"""地图 (issue 15 §3) through the ASGI client: /map shows the clues of the oil and hotel models
in the viewer's jurisdiction as points at their station or hotel (WGS-84), coloured by band, and
the clue density per county; an oil clue's page draws the station, the tankers' stops in its
fence and the tracks around them (saying how many fixes are drawn of how many); a hotel clue's
page its hotel. The planted counties are the domains' own fixtures (tests/web/map_world.py)."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from jiandu.geo import distance_m
from jiandu.web import create_app
from jiandu.web.maps import MAX_TRACK, TRACK_AFTER_MIN, TRACK_BEFORE_MIN
from jiandu.web.security import COOKIE_NAME
from tests.web.map_world import map_template, map_workspace  # noqa: F401  (fixtures)

OIL = "oil.nonstandard_fuel_mass_balance"
HOTELS = "hotels.minor_check_in"
JIANHU_WGS84 = (120.58, 30.0)  # the planted station, whose register row is GCJ-02


def _clue_ids(root: Path, model: str) -> list[str]:
    with sqlite3.connect(root / "workflow.sqlite") as con:
        return [
            r[0]
            for r in con.execute("SELECT clue_id FROM clues WHERE model_id = ? ORDER BY clue_id", [model])
        ]


def _get(root: Path, user: str, url: str) -> str:
    app = create_app(root)
    try:
        client = TestClient(app)
        client.cookies.set(COOKIE_NAME, app.state.jiandu.sessions.new(user)[1])
        response = client.get(url)
        assert response.status_code == 200, response.text[:300]
        return response.text
    finally:
        app.state.jiandu.close()


def _data(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', page, re.S)
    assert found, "no map data block"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_map_shows_the_clues_of_the_viewers_jurisdiction(map_workspace: Path) -> None:  # noqa: F811
    county = _data(_get(map_workspace, "yc_pro", "/map"))  # 越城: the oil clue only
    assert [(p["kind"], p["band"], p["name"]) for p in county["points"]] == [("加油站", "red", "鉴湖加油站")]
    station = county["points"][0]
    # the register's GCJ-02 point, converted: within metres of where the station is (WGS-84)
    assert distance_m(station["lon"], station["lat"], *JIANHU_WGS84) < 10
    assert [(d["county"], d["clues"]) for d in county["density"]] == [("越城区", 1)]
    assert county["registered"] == []  # the registers layer is for users who see the whole tree
    assert county["boundaries"] == "/static/vendor/china-provinces.json"

    city_page = _get(map_workspace, "sx_pro", "/map")  # 绍兴: all eight, by band
    city = _data(city_page)
    assert len(city["points"]) == 8 and city["counts"] == dict(city["counts"], clues=8, drawn=8, unplaced=0)
    assert sorted(p["kind"] for p in city["points"]).count("旅馆") == 7
    assert {p["band"] for p in city["points"]} == {"red", "yellow"}
    dens = {d["county"]: d["clues"] for d in city["density"]}
    assert dens == {"越城区": 1, "柯桥区": 2, "诸暨市": 4, "新昌县": 1}
    assert "辖区内该类线索共 8 条，地图上画出 8 个点" in city_page
    (west, north), (east, south) = city["extent"]
    assert all(west < p["lon"] < east and south < p["lat"] < north for p in city["points"])

    hotels = _data(_get(map_workspace, "sx_pro", f"/map?model={HOTELS}"))
    assert len(hotels["points"]) == 7 and {p["kind"] for p in hotels["points"]} == {"旅馆"}
    keqiao = _data(_get(map_workspace, "kq_pro", "/map"))  # 柯桥: its two hotel clues
    assert len(keqiao["points"]) == 2 and {d["county"] for d in keqiao["density"]} == {"柯桥区"}

    admin = _data(_get(map_workspace, "admin", "/map?layer=registers"))
    kinds = {r["kind"] for r in admin["registered"]}
    assert kinds == {"加油站", "旅馆"}
    assert admin["counts"]["registered"]["加油站"] == 4  # five facilities minus the depot
    assert admin["counts"]["registered_drawn"]["加油站"] == 3  # minus the station with a clue


def test_oil_clue_page_draws_the_tankers_track_and_stops(map_workspace: Path) -> None:  # noqa: F811
    (clue,) = _clue_ids(map_workspace, OIL)
    page = _get(map_workspace, "yc_pro", f"/clues/{clue}")
    assert 'id="tanker-map"' in page and "罐车轨迹与进站停留" in page
    data = _data(page)
    assert len(data["stops"]) == 24 and {s["plate"][:2] for s in data["stops"]} == {"浙D"}
    (station,) = data["points"]
    # one coordinate system: the stops (WGS-84 from the GPS) lie inside the 150 m fence around
    # the converted station point; left in GCJ-02 the station would sit ~480 m away
    assert all(distance_m(s["lon"], s["lat"], station["lon"], station["lat"]) < 150 for s in data["stops"])
    counts = re.search(r"轨迹定位点共 (\d+) 个，为便于显示抽稀后画出 (\d+) 个", page)
    assert counts, "the page says how many fixes are drawn of how many"
    total, shown = int(counts.group(1)), int(counts.group(2))
    assert shown == sum(len(t["coords"]) for t in data["tracks"]) and shown <= MAX_TRACK < total
    assert (
        len(data["tracks"]) == 24 and f"停留前 {TRACK_BEFORE_MIN} 分钟至停留后 {TRACK_AFTER_MIN} 分钟" in page
    )
    for t in data["tracks"]:  # every fix near 绍兴 (no unconverted or (0, 0) point)
        assert all(120.3 < x < 120.9 and 29.8 < y < 30.2 for x, y in t["coords"])


def test_hotel_clue_page_draws_its_hotel(map_workspace: Path) -> None:  # noqa: F811
    clue = _clue_ids(map_workspace, HOTELS)[0]
    page = _get(map_workspace, "sx_pro", f"/clues/{clue}")
    assert 'id="hotel-map"' in page
    data = _data(page)
    (hotel,) = data["points"]
    assert hotel["kind"] == "旅馆" and hotel["band"] in ("red", "yellow") and data["tracks"] == []


def test_other_clues_have_no_map(map_workspace: Path) -> None:  # noqa: F811
    from tests.web.world import YC

    assert 'id="clue-map"' not in _get(map_workspace, "yc_pro", f"/clues/{YC[0]}")


def test_the_clue_map_is_masked_and_audited_as_its_page(map_workspace: Path) -> None:  # noqa: F811
    (clue,) = _clue_ids(map_workspace, OIL)

    def views() -> int:
        with sqlite3.connect(map_workspace / "workflow.sqlite") as con:
            sql = "SELECT count(*) FROM events WHERE kind = 'personal_data_viewed' AND entity_id = ?"
            return int(con.execute(sql, [clue]).fetchone()[0])

    before = views()
    full = _data(_get(map_workspace, "yc_pro", f"/clues/{clue}"))["points"][0]
    assert full["address"] == "浙江省绍兴市越城区鉴湖加油站路1号" and views() == before + 1
    # a viewer without personal.read: the address masked as on the rest of the page, no view logged
    masked = _data(_get(map_workspace, "yc_viewer", f"/clues/{clue}"))["points"][0]
    assert masked["address"] != full["address"] and masked["address"].startswith("浙江省绍兴市越城区")
    assert views() == before + 1


def test_map_without_map_clues_or_tables(workspace: Path) -> None:
    page = _get(workspace, "yc_pro", "/map")  # the plain web world: no oil or hotel tables
    data = _data(page)
    assert data["points"] == [] and data["density"] == [] and "辖区内该类线索共 0 条" in page
    (west, north), (east, south) = data["extent"]
    assert west < east and south < north
