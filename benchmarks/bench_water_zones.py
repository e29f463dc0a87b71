"""Zone membership at scale: ``water_zone_hits``'s Python core over many enterprises.

Random enterprises in GCJ-02 over a box holding ``--zones`` level-2 zones (4 km squares in
CGCS2000); converts, indexes, tests and measures depth as the operator does. Prints the time.

    .venv/bin/python benchmarks/bench_water_zones.py --enterprises 200000 --zones 30
"""

from __future__ import annotations

import argparse
import random
import time

from jiandu.models.water.operators.zones import zone_hits, zones_wgs84
from jiandu.models.water.patterns.county import square


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=200_000)
    parser.add_argument("--zones", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    zones = [
        {
            "zone_code": f"Z{i}",
            "source_name": "水源",
            "level": "二级",
            "district": None,
            "approval_no": None,
            "polygon_wkt": square(120.0 + (i % 6) * 0.2, 29.5 + (i // 6) * 0.2, 2000.0),
            "datum": "cgcs2000",
        }
        for i in range(args.zones)
    ]
    rows = (args.zones + 5) // 6
    points = [
        {
            "credit_code": str(i),
            "name": "",
            "district": None,
            "address": None,
            "industry_code": None,
            "industry_name": None,
            "pollutant_class": None,
            "status": None,
            "lon": 119.9 + rng.random() * 1.3,
            "lat": 29.4 + rng.random() * (0.2 * rows + 0.1),
            "datum": "gcj02",
        }
        for i in range(args.enterprises)
    ]
    started = time.perf_counter()
    hits = zone_hits(points, zones_wgs84(zones, []))
    seconds = time.perf_counter() - started
    print(f"{args.enterprises} enterprises × {args.zones} zones: {len(hits)} hits in {seconds:.2f} s")


if __name__ == "__main__":
    main()
