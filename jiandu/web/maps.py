"""Maps (地图, issue 15 §3): the /map page and the map on an oil or hotel clue's page.

Everything is drawn offline by the vendored ECharts (``/static/vendor/echarts.min.js``) on the
vendored province boundaries (``/static/vendor/china-provinces.json``, Natural Earth admin-1,
written by ``scripts/vendor_maps.py``) from a ``<script type="application/json">`` data block
read by ``/static/map.js`` (the CSP allows no inline script). No tile server, nothing fetched
from elsewhere.

One coordinate system: WGS-84. The boundaries are WGS-84, the domains compare everything in
WGS-84 (`jiandu.geo`), and registers and GPS keep their declared datum (GCJ-02, BD-09, WGS-84),
so every point is converted here, on the server, before it reaches the page: register rows with
`jiandu.geo.to_wgs84` (GPS fixes too, after they are sampled in SQL; the domains' stops are
WGS-84 already). A row in an undeclared datum is not drawn.

- ``/map``: the clues of the map models in the viewer's jurisdiction as points at their fuel
  station or hotel, coloured by band (the colours are read from the page's CSS classes
  ``band-red``/``band-yellow``/``band-green``, the one definition the queue uses); the density of
  those clues per county as bubbles at a point inside each county's boundary (the vendored
  Zhejiang county polygons; not the county seat); a model filter; for users who see the whole
  tree, the registered stations and hotels without a clue (``layer=registers``).
- an oil clue's page: the station, the tankers' stops inside its fence (oil_station_visits) and
  the tracks around each stop (downsampled; the page says how many fixes are drawn of how many).
- a hotel clue's page: the hotel's point.
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from markupsafe import Markup
from shapely.geometry import shape
from sqlalchemy import and_, func, select

from jiandu.geo import DATUMS, to_wgs84
from jiandu.web.analytic import AnalyticUnavailable
from jiandu.web.deps import PagePrincipal, State, check_form_csrf, render
from jiandu.web.state import STATIC_DIR
from jiandu.web.statistics import COUNTY_BOUNDARIES, map_name
from jiandu.workflow import Permission, Principal, list_jurisdictions, masker_for
from jiandu.workflow.authz import require
from jiandu.workflow.clues import scope_filter
from jiandu.workflow.firms import RowSource
from jiandu.workflow.tables import Clue

router = APIRouter(dependencies=[Depends(check_form_csrf)], include_in_schema=False)

PROVINCES_FILE = STATIC_DIR / "vendor" / "china-provinces.json"
PROVINCES_URL = "/static/vendor/china-provinces.json"
COUNTIES_URL = "/static/vendor/zhejiang-counties.json"  # drawn over the provinces for context
OIL_MODEL = "oil.nonstandard_fuel_mass_balance"
HOTEL_MODEL = "hotels.minor_check_in"
MAP_MODELS = {OIL_MODEL: "加油站", HOTEL_MODEL: "旅馆"}  # model → what its clue's point is
MAX_POINTS = 2000  # clue points on /map (highest score first); the page says when more exist
MAX_REGISTERED = 3000  # registered places per kind on the registers layer
MAX_TRACK = 3000  # GPS fixes drawn on an oil clue's page; the page says how many of how many
TRACK_BEFORE_MIN = 120  # the track drawn around each stop: from this long before it …
TRACK_AFTER_MIN = 60  # … to this long after it
ZHEJIANG_BOX = ((118.0, 31.2), (123.2, 27.0))  # the extent of a map with nothing on it


def wgs84_points(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with ``lon``, ``lat`` and ``datum`` → the same rows in WGS-84 (``lon``/``lat``
    replaced); rows without coordinates or in an undeclared datum are left out."""
    by_datum: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        datum = str(r.get("datum") or "").strip().lower()
        if r.get("lon") is None or r.get("lat") is None or datum not in DATUMS:
            continue
        by_datum[datum].append(r)
    out: list[dict[str, Any]] = []
    for datum, group in by_datum.items():
        lon, lat = to_wgs84([float(r["lon"]) for r in group], [float(r["lat"]) for r in group], datum)
        for r, x, y in zip(group, lon, lat, strict=True):
            out.append({**r, "lon": round(float(x), 6), "lat": round(float(y), 6)})
    return out


def json_block(data: Any) -> Markup:
    """``data`` as the text of a ``<script type="application/json">`` (no "</script>" inside)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@lru_cache(maxsize=1)
def county_points() -> dict[str, tuple[float, float]]:
    """A point inside each vendored county boundary (shapely's representative point), by name."""
    try:
        data = json.loads(COUNTY_BOUNDARIES.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out = {}
    for f in data.get("features", []):
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        # the simplified file keeps a few rings of under 4 points: leave them out
        kept = [[r for r in poly if len(r) >= 4] for poly in polys if len(poly[0]) >= 4]
        area = shape({"type": "MultiPolygon", "coordinates": kept})
        p = (area if area.is_valid else area.buffer(0)).representative_point()
        out[f["properties"]["name"]] = (round(p.x, 4), round(p.y, 4))
    return out


def _places(source: RowSource | None, model_id: str, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The register rows (WGS-84) of the subjects of ``model_id``'s clues, by subject key."""
    if source is None or not keys:
        return {}
    if model_id == OIL_MODEL:
        table, sql = (
            "fuel_stations",
            "SELECT tin AS key, station_name AS name, address, lon, lat, datum FROM fuel_stations "
            "WHERE coalesce(facility_type, '加油站') = '加油站' AND tin IN ({})",
        )
    else:
        table, sql = (
            "hotels",
            "SELECT hotel_code AS key, hotel_name AS name, address, lon, lat, datum FROM hotels "
            "WHERE hotel_code IN ({})",
        )
    if not source.table_exists(table):
        return {}
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for r in wgs84_points(source.rows(sql.format(", ".join("?" * len(chunk))), chunk)):
            found.setdefault(str(r["key"]), r)
    return found


def _extent(points: list[tuple[float, float]]) -> list[list[float]]:
    """ECharts ``boundingCoords`` ([[west, north], [east, south]]) around the points, padded."""
    if not points:
        (w, n), (e, s) = ZHEJIANG_BOX
        return [[w, n], [e, s]]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    pad = max(0.02, (max(xs) - min(xs)) * 0.08, (max(ys) - min(ys)) * 0.08)
    return [[min(xs) - pad, max(ys) + pad], [max(xs) + pad, min(ys) - pad]]


def map_page_data(state: Any, p: Principal, model: str | None, layer: str | None) -> dict[str, Any]:
    """Everything /map draws and lists, for one viewer."""
    require(p, Permission.CLUE_READ)
    models = [model] if model in MAP_MODELS else list(MAP_MODELS)
    mask = masker_for(p)
    with state.store.read() as s:
        where = and_(scope_filter(s, p), Clue.model_id.in_(models))
        rows = s.execute(
            select(Clue.clue_id, Clue.model_id, Clue.subject_key, Clue.subject_name, Clue.band, Clue.score)
            .where(where)
            .order_by(Clue.score.desc(), Clue.clue_id.desc())
            .limit(MAX_POINTS)
        ).all()
        per_county = dict(
            s.execute(
                select(Clue.jurisdiction_code, func.count()).where(where).group_by(Clue.jurisdiction_code)
            ).all()
        )
        jurisdictions = list_jurisdictions(s, p)
    total = sum(int(n) for n in per_county.values())  # the same condition: no separate count
    notice = None
    registered: list[dict[str, Any]] = []
    registered_total = {"加油站": 0, "旅馆": 0}
    points: list[dict[str, Any]] = []
    unplaced = 0
    try:
        with state.analytic.source() as source:
            for model_id in models:
                mine = [r for r in rows if r.model_id == model_id]
                places = _places(
                    source, model_id, sorted({str(r.subject_key) for r in mine if r.subject_key})
                )
                for r in mine:
                    place = places.get(str(r.subject_key))
                    if place is None:
                        unplaced += 1
                        continue
                    points.append(
                        {
                            "clue": r.clue_id,
                            "kind": MAP_MODELS[model_id],
                            "name": mask(str(r.subject_name or place["name"] or "")),
                            "address": mask(str(place.get("address") or "")),
                            "band": r.band,
                            "score": round(float(r.score or 0), 1),
                            "lon": place["lon"],
                            "lat": place["lat"],
                        }
                    )
            if layer == "registers" and p.sees_unassigned and source is not None:
                registered, registered_total = _registered(source, {r.subject_key for r in rows}, mask)
    except AnalyticUnavailable as exc:
        notice = str(exc)
        unplaced = len(rows)
    seats = county_points()
    names = tuple(seats)
    density, density_unplaced = [], []
    for j in jurisdictions:
        if j.level != "county":
            continue
        n = int(per_county.get(j.code, 0))
        feature = map_name(j.name, names)
        if feature is None:
            if n:
                density_unplaced.append({"name": j.name, "clues": n})
            continue
        density.append(
            {
                "name": j.name,
                "county": feature,
                "clues": n,
                "lon": seats[feature][0],
                "lat": seats[feature][1],
            }
        )
    counties = {j.code for j in jurisdictions if j.level == "county"}
    above = sum(int(n) for code, n in per_county.items() if code not in counties)
    extent_of = [(x["lon"], x["lat"]) for x in points + registered]
    if not extent_of:
        extent_of = [(d["lon"], d["lat"]) for d in density]
    return {
        "boundaries": PROVINCES_URL,
        "counties": COUNTIES_URL,
        "extent": _extent(extent_of),
        "points": points,
        "registered": registered,
        "density": [d for d in density if d["clues"]],
        "counts": {
            "clues": total,
            "drawn": len(points),
            "queried": len(rows),
            "unplaced": unplaced,
            "registered": registered_total,
            "registered_drawn": {k: sum(1 for x in registered if x["kind"] == k) for k in registered_total},
        },
        "density_table": density,
        "density_unplaced": density_unplaced,
        "above_county": above,
        "notice": notice,
    }


def _registered(
    source: RowSource, with_clue: set[Any], mask: Any
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Registered fuel stations and hotels without a clue on the map (grey), at most
    ``MAX_REGISTERED`` of each (read with a LIMIT, never the whole register), and how many
    places each register holds (with or without a clue)."""
    queries = {
        "加油站": (
            "fuel_stations",
            "tin",
            "station_name",
            "coalesce(facility_type, '加油站') = '加油站'",
            "station_name, address",
        ),
        "旅馆": ("hotels", "hotel_code", "hotel_name", "TRUE", "hotel_code"),
    }
    out: list[dict[str, Any]] = []
    totals: dict[str, int] = {}
    for kind, (table, key, name, where, order) in queries.items():
        if not source.table_exists(table):
            totals[kind] = 0
            continue
        totals[kind] = int(source.rows(f"SELECT count(*) AS n FROM {table} WHERE {where}")[0]["n"] or 0)
        rows = source.rows(
            f"SELECT {key} AS key, {name} AS name, address, lon, lat, datum FROM {table} "
            f"WHERE {where} ORDER BY {order} LIMIT {MAX_REGISTERED + len(with_clue)}"
        )
        rows = [r for r in rows if r["key"] not in with_clue][:MAX_REGISTERED]
        for r in wgs84_points(rows):
            out.append(
                {
                    "kind": kind,
                    "name": mask(str(r["name"] or "")),
                    "address": mask(str(r.get("address") or "")),
                    "lon": r["lon"],
                    "lat": r["lat"],
                }
            )
    return out, totals


@router.get("/map")
def map_page(
    request: Request,
    p: PagePrincipal,
    state: State,
    model: Annotated[str | None, Query(max_length=100)] = None,
    layer: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    data = map_page_data(state, p, model or None, layer or None)
    return render(
        request,
        "map.html",
        {
            "data": data,
            "map_json": json_block(data),
            "models": MAP_MODELS,
            "model": model if model in MAP_MODELS else "",
            "layer": layer if layer == "registers" and p.sees_unassigned else "",
            "can_registers": p.sees_unassigned,
            "max_points": MAX_POINTS,
            "max_registered": MAX_REGISTERED,
        },
    )


# -- the map on a clue's page ------------------------------------------------------------------


def clue_map(state: Any, p: Principal, clue: Any) -> dict[str, Any] | None:
    """The map of an oil or hotel clue's page (None for other models, or nothing to draw):
    ``{kind, json, counts…}`` for templates/clue_map.html. The clue was read with ``p``'s
    checks (jurisdiction, audit) by the page; labels are masked with ``p``'s mask."""
    if clue.model_id not in MAP_MODELS or not clue.subject.key:
        return None
    mask = masker_for(p)
    try:
        with state.analytic.source() as source:
            if source is None:
                return None
            place = _places(source, clue.model_id, [str(clue.subject.key)]).get(str(clue.subject.key))
            if clue.model_id == HOTEL_MODEL:
                if place is None:
                    return {"kind": "hotel", "unplaced": True}
                point = _point(place, clue, mask)
                return {"kind": "hotel", "data": json_block(_clue_data([point], [], [], place))}
            return _oil_map(source, clue, place, mask)
    except AnalyticUnavailable:
        return None


def _point(place: dict[str, Any], clue: Any, mask: Any) -> dict[str, Any]:
    return {
        "name": mask(str(clue.subject.name or place["name"] or "")),
        "address": mask(str(place.get("address") or "")),
        "band": clue.band,
        "kind": MAP_MODELS[clue.model_id],
        "lon": place["lon"],
        "lat": place["lat"],
    }


def _clue_data(
    points: list[dict[str, Any]],
    stops: list[dict[str, Any]],
    tracks: list[dict[str, Any]],
    place: dict[str, Any] | None,
) -> dict[str, Any]:
    around = [(x["lon"], x["lat"]) for x in points + stops]
    for t in tracks:
        around += [(c[0], c[1]) for c in t["coords"]]
    return {
        "boundaries": PROVINCES_URL,
        "extent": _extent(around),
        "points": points,
        "stops": stops,
        "tracks": tracks,
    }


def _oil_map(source: RowSource, clue: Any, place: dict[str, Any] | None, mask: Any) -> dict[str, Any] | None:
    if not source.table_exists("oil_station_visits"):
        return None
    visits = source.rows(
        "SELECT plate, plate_colour, start_time, end_time, dwell_min, lon, lat, load_in, load_out, "
        "distance_m, waybill_no FROM oil_station_visits WHERE station_tin = ? AND facility_type = '加油站' "
        "ORDER BY start_time, plate",
        [str(clue.subject.key)],
    )
    stops = [
        {
            "plate": mask(str(v["plate"])),
            "start": str(v["start_time"])[:16],
            "end": str(v["end_time"])[:16],
            "dwell": round(float(v["dwell_min"] or 0)),
            "load": str(v["load_in"] or "未知"),
            "waybill": "有运单" if v["waybill_no"] else "无运单",
            "distance": round(float(v["distance_m"] or 0)),
            "lon": round(float(v["lon"]), 6),
            "lat": round(float(v["lat"]), 6),
        }
        for v in visits
        if v["lon"] is not None and v["lat"] is not None
    ]
    tracks, shown, total = _tracks(source, visits, mask) if visits else ([], 0, 0)
    points = [_point(place, clue, mask)] if place else []
    if not points and not stops:
        return None
    return {
        "kind": "oil",
        "data": json_block(_clue_data(points, stops, tracks, place)),
        "stops": len(stops),
        "plates": len({v["plate"] for v in visits}),
        "fixes_shown": shown,
        "fixes_total": total,
        "station_unplaced": place is None,
        "before": TRACK_BEFORE_MIN,
        "after": TRACK_AFTER_MIN,
    }


def _tracks(
    source: RowSource, visits: list[dict[str, Any]], mask: Any
) -> tuple[list[dict[str, Any]], int, int]:
    """The tankers' fixes from ``TRACK_BEFORE_MIN`` before to ``TRACK_AFTER_MIN`` after each
    stop, in WGS-84, one line per stop; at most ``MAX_TRACK`` fixes (every k-th of each line,
    its first and last kept). Returns the lines, the fixes drawn and the fixes in the windows."""
    if not source.table_exists("tanker_gps"):
        return [], 0, 0
    windows = ", ".join("(?, ?, ?, ?)" for _ in visits)
    params: list[Any] = []
    for i, v in enumerate(visits):
        params += [i, v["plate"], v["start_time"], v["end_time"]]
    windows_join = (
        f"FROM (VALUES {windows}) AS w(i, plate, s, e) JOIN tanker_gps AS g ON g.plate = w.plate "
        f"AND g.fix_time >= w.s - INTERVAL '{TRACK_BEFORE_MIN} minutes' "
        f"AND g.fix_time <= w.e + INTERVAL '{TRACK_AFTER_MIN} minutes' "
        "WHERE g.lon IS NOT NULL AND g.lat IS NOT NULL AND NOT (g.lon = 0 AND g.lat = 0)"
    )
    total = int(source.rows(f"SELECT count(*) AS c {windows_join}", params)[0]["c"] or 0)
    step = max(1, -(-total // MAX_TRACK))
    # sample in SQL, then convert the kept fixes per their declared datum (jiandu.geo.to_wgs84:
    # the SQL form of the conversion is a long expression DuckDB takes ~0.3 s to plan)
    sampled = source.rows(
        "SELECT f.i, f.lon, f.lat, f.datum FROM ("
        "SELECT w.i, g.fix_time, g.lon, g.lat, g.datum, "
        "row_number() OVER (PARTITION BY w.i ORDER BY g.fix_time) AS n, "
        f"count(*) OVER (PARTITION BY w.i) AS m {windows_join}) AS f "
        f"WHERE (f.n - 1) % {step} = 0 OR f.n = f.m ORDER BY f.i, f.fix_time",
        params,
    )
    for order, r in enumerate(sampled):
        r["order"] = order
    rows = sorted(wgs84_points(sampled), key=lambda r: r["order"])  # an undeclared datum: left out
    lines: dict[int, list[list[float]]] = defaultdict(list)
    for r in rows:
        lines[int(r["i"])].append([r["lon"], r["lat"]])
    out = [
        {"plate": mask(str(visits[i]["plate"])), "start": str(visits[i]["start_time"])[:16], "coords": c}
        for i, c in sorted(lines.items())
        if len(c) >= 2
    ]
    return out, sum(len(t["coords"]) for t in out), total
