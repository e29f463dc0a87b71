"""Zone membership in one datum: DMS corner tables, GCJ-02 points converted before the test, and
what mixing datums would have done (the near miss it guards)."""

from __future__ import annotations

import pytest
from coordTransform import wgs84_to_gcj02

from jiandu.models.water.operators.parameters import quota_rows, rate_rows
from jiandu.models.water.operators.zones import parse_degrees, zone_hits, zones_wgs84
from jiandu.models.water.patterns import county as wc


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("120.5867", 120.5867),
        ("120°35′12.5″", 120 + 35 / 60 + 12.5 / 3600),
        ("120°35'12.5\"", 120 + 35 / 60 + 12.5 / 3600),
        ("120 35 12.5", 120 + 35 / 60 + 12.5 / 3600),
        ("120度35分12.5秒", 120 + 35 / 60 + 12.5 / 3600),
        ("29°58′08.34″N", 29 + 58 / 60 + 8.34 / 3600),
        ("", None),
        ("东经一百二十度", None),
    ],
)
def test_parse_degrees(text: str, value: float | None) -> None:
    got = parse_degrees(text)
    assert got == pytest.approx(value) if value is not None else got is None


def _zone() -> dict[str, object]:
    return {
        "zone_code": "Z2", "source_name": "青坛水库", "level": "二级", "district": "上虞区",
        "approval_no": None, "polygon_wkt": wc.square(wc.ZONE_LON, wc.ZONE_LAT, 2000.0), "datum": "cgcs2000",
    }  # fmt: skip


def _enterprise(east: float, datum: str) -> dict[str, object]:
    lon, lat = wc.offset(wc.ZONE_LON, wc.ZONE_LAT, east, 300.0)
    if datum == "gcj02":
        lon, lat = wgs84_to_gcj02(lon, lat)
    return {
        "credit_code": f"E{int(east)}", "name": "企业", "district": "上虞区", "address": "",
        "industry_code": "1351", "industry_name": "牲畜屠宰", "pollutant_class": "简化管理",
        "status": "存续", "lon": lon, "lat": lat, "datum": datum,
    }  # fmt: skip


def test_gcj02_points_are_converted_before_the_test() -> None:
    zones = zones_wgs84([_zone()], [])
    west_outside = _enterprise(-2040.0, "gcj02")  # 40 m outside the west edge
    east_inside = _enterprise(1850.0, "gcj02")  # 150 m inside the east edge
    hits = zone_hits([west_outside, east_inside], zones)
    assert [h["credit_code"] for h in hits] == ["E1850"]
    assert hits[0]["depth_m"] == pytest.approx(150.0, abs=2.0)
    # read as WGS-84 (datums mixed), GCJ-02 moves both about 406 m east: the wrong one fires
    mixed = zone_hits([{**west_outside, "datum": "wgs84"}, {**east_inside, "datum": "wgs84"}], zones)
    assert [h["credit_code"] for h in mixed] == ["E-2040"]


def test_corner_table_zone_and_bad_outlines() -> None:
    points = [
        {
            "zone_code": "C",
            "point_no": i + 1,
            "lon_text": wc.dms(lon),
            "lat_text": wc.dms(lat),
            "datum": "cgcs2000",
        }
        for i, (lon, lat) in enumerate(
            [
                wc.offset(120.8, 29.96, dx, dy)
                for dx, dy in ((-500, -500), (500, -500), (500, 500), (-500, 500))
            ]
        )
    ]
    zones = zones_wgs84(
        [
            {
                "zone_code": "C",
                "source_name": "平水江水库",
                "level": "二级",
                "district": None,
                "approval_no": None,
                "polygon_wkt": None,
                "datum": "cgcs2000",
            },
            {
                "zone_code": "BAD",
                "source_name": "x",
                "level": "一级",
                "district": None,
                "approval_no": None,
                "polygon_wkt": "POLYGON ((1 2, 3",
                "datum": "cgcs2000",
            },
            {
                "zone_code": "TWO",
                "source_name": "y",
                "level": "一级",
                "district": None,
                "approval_no": None,
                "polygon_wkt": None,
                "datum": "cgcs2000",
            },
        ],
        [*points[:4], {**points[0], "zone_code": "TWO"}, {**points[1], "zone_code": "TWO", "point_no": 2}],
    )
    assert [z.zone_code for z in zones] == ["C"]
    assert zones[0].polygon.area == pytest.approx((1000 / 111319.49) ** 2 / 0.8665, rel=0.01)


def test_quotas_and_rates_are_data() -> None:
    (pig,) = [q for q in quota_rows() if q["product"] == "生猪屠宰"]
    assert pig["quota_m3"] == 0.6 and pig["unit"] == "头" and pig["standard"] and pig["verified"] is False
    rows = rate_rows()
    for source in ("地表水", "地下水"):
        periods = [r for r in rows if r["source_type"] == source]
        assert [r["kind"] for r in periods] == ["水资源费", "水资源税"]
        assert (
            str(periods[0]["effective_to"]) == "2024-11-30"
            and str(periods[1]["effective_from"]) == "2024-12-01"
        )
