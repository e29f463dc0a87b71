"""The Beijing lodging POIs of ../shared/data/real/poi/beijing_lodging.csv (Baidu map export,
BD-09) through the declared source map.lodging_pois into the hotels register, converted to
WGS-84 with the core's datum conversion (jiandu.geo), and a few hotels checked by hand.

Measured on the file: BD-09 → WGS-84 moves every point 1.29–1.38 km (median 1.35 km), more than
the distance between a hotel and the next street. Checked by hand against the station's published
WGS-84 position (116.4269 E, 39.9028 N): of the eight hotels named after 北京站, the seven registered
in 东城区 lie nearer the station once converted (median 782 m against 1,124 m as exported;
北京中安宾馆(建国门北京站店) 144 m); the eighth, 汉庭酒店(北京站店), is at 劲松 and registered in 朝阳区,
2 km away either way. The districts' converted centres lie as the map has them:
西城 west of 东城, 海淀 north-west of 西城, 朝阳 east of 东城, 丰台 south of 西城.
"""

from __future__ import annotations

import shutil
import statistics
from pathlib import Path

from jiandu.engines import open_engine
from jiandu.geo import distance_m, to_wgs84
from jiandu.ingest.registers import ingest_registers
from tests.paths import REAL, needs_real

LODGING = REAL / "poi" / "beijing_lodging.csv"
BEIJING_STATION = (116.4269, 39.9028)


@needs_real
def test_beijing_lodging_through_the_declared_source(tmp_path: Path) -> None:
    folder = tmp_path / "poi"
    folder.mkdir()
    shutil.copy(LODGING, folder / LODGING.name)  # the shared file is never written
    engine = open_engine("duckdb", tmp_path / "ws")
    try:
        report = ingest_registers(engine, tmp_path / "quarantine", [folder])
        assert report.quarantined["hotels"] == 0
        # 684 POIs; a name listed twice (the same branch exported twice) is one hotel
        assert report.loaded["hotels"] + report.duplicates["hotels"] == 684
        assert report.duplicates["hotels"] == 4
        rows = engine.rows("SELECT hotel_code, hotel_name, district, lon, lat, datum FROM hotels")
    finally:
        engine.close()
    assert {r["datum"] for r in rows} == {"bd09"}
    assert {r["district"] for r in rows} == {"东城区", "西城区", "朝阳区", "海淀区", "丰台区"}
    lon, lat = to_wgs84([r["lon"] for r in rows], [r["lat"] for r in rows], "bd09")
    shifts = [
        distance_m(a, b, c, d)
        for a, b, c, d in zip((r["lon"] for r in rows), (r["lat"] for r in rows), lon, lat, strict=True)
    ]
    assert min(shifts) > 1250 and max(shifts) < 1400
    assert 1330 < statistics.median(shifts) < 1370

    # hotels named after 北京站: in 东城区, and nearer the station once converted
    station = [
        i
        for i, r in enumerate(rows)
        if "北京站" in r["hotel_name"] and not any(s in r["hotel_name"] for s in ("南站", "西站", "北站"))
    ]
    assert len(station) == 8
    assert sorted(rows[i]["district"] for i in station) == ["东城区"] * 7 + ["朝阳区"]
    dongcheng = [i for i in station if rows[i]["district"] == "东城区"]
    before = [distance_m(rows[i]["lon"], rows[i]["lat"], *BEIJING_STATION) for i in dongcheng]
    after = [distance_m(lon[i], lat[i], *BEIJING_STATION) for i in dongcheng]
    assert statistics.median(after) < 800 < 1000 < statistics.median(before)
    zhongan = next(i for i in station if rows[i]["hotel_name"].startswith("北京中安宾馆"))
    assert distance_m(lon[zhongan], lat[zhongan], *BEIJING_STATION) < 200

    # the districts' centres, converted, lie where the map has them
    centre = {}
    for name in ("东城区", "西城区", "朝阳区", "海淀区", "丰台区"):
        idx = [i for i, r in enumerate(rows) if r["district"] == name]
        centre[name] = (statistics.median(lon[i] for i in idx), statistics.median(lat[i] for i in idx))
    assert centre["西城区"][0] < centre["东城区"][0] < centre["朝阳区"][0]
    assert centre["海淀区"][0] < centre["西城区"][0] and centre["海淀区"][1] > centre["西城区"][1]
    assert centre["丰台区"][1] < centre["西城区"][1]
