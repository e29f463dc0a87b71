"""The 统计分析 page (issue 13 §9): trends over a date range, breakdowns per model and
jurisdiction, workload per prosecutor and a county density map.

The numbers come from `jiandu.workflow.trends` (scoped to the user's jurisdiction). Tables are
rendered on the server; the trend chart and the county map are drawn in the browser by the
vendored ECharts (``/static/vendor/echarts.min.js``, written by ``scripts/vendor_charts.py``)
from a ``<script type="application/json">`` data block read by ``/static/statistics.js`` (the
CSP allows no inline script). The county boundaries are Zhejiang's
(``/static/vendor/zhejiang-counties.json``); a county is placed by its name.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from jiandu.web import render as draw
from jiandu.web.deps import PagePrincipal, State, check_form_csrf, render
from jiandu.web.state import STATIC_DIR, WebState
from jiandu.workflow import InvalidInput, Principal, list_jurisdictions
from jiandu.workflow.jurisdictions import JurisdictionView
from jiandu.workflow.trends import (
    MAX_RANGE_DAYS,
    TREND_NAMES_ZH,
    TREND_SERIES,
    Statistics,
    StatsQuery,
    beijing_today,
    default_range,
    statistics,
)

router = APIRouter(dependencies=[Depends(check_form_csrf)], include_in_schema=False)
COUNTY_BOUNDARIES = STATIC_DIR / "vendor" / "zhejiang-counties.json"
UNITS_ZH = {"": "自动（三个月内按周）", "week": "按周", "month": "按月"}
_OFFICE = "人民检察院"
# Computed statistics are kept this long per (scope, range, filters), so a chief prosecutor's
# statistics may lag the queue by a minute. It only spares repeat views: a first view counts from
# the covering indexes of migration 0007 (about 0.1–0.2 s on 100k clues, docs/benchmarks.md).
# 0 turns the cache off.
CACHE_SECONDS = 60.0
_CACHE_SIZE = 64
_cache: dict[tuple[Any, ...], tuple[float, Statistics]] = {}
_cache_lock = threading.Lock()


def cached_statistics(state: WebState, p: Principal, query: StatsQuery) -> Statistics:
    """`jiandu.workflow.trends.statistics`, remembered for `CACHE_SECONDS` per workspace,
    jurisdiction scope and query (never shared between different scopes)."""
    key = (str(state.root), p.role.value, p.scope, p.sees_unassigned, query)
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
        if hit and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    with state.store.read() as s:
        result = statistics(s, p, query)
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
        _cache[key] = (now, result)
    return result


@lru_cache(maxsize=1)
def boundary_names() -> tuple[str, ...]:
    """The county names the vendored boundary file has (empty when it is missing)."""
    try:
        data = json.loads(COUNTY_BOUNDARIES.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    return tuple(f["properties"]["name"] for f in data.get("features", []))


def map_name(jurisdiction_name: str, names: tuple[str, ...]) -> str | None:
    """The boundary feature of a county procuratorate: 绍兴市越城区人民检察院 → 越城区."""
    place = jurisdiction_name.removesuffix(_OFFICE)
    found = [n for n in names if place.endswith(n)]
    return max(found, key=len) if found else None


def _date(value: str | None, fallback: dt.date, label: str) -> dt.date:
    if not value:
        return fallback
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{label}应为“年-月-日”格式的日期") from None


def _percent(value: float | None) -> str:
    return f"{value * 100:.1f}%" if value is not None else "—"


def _county_map(
    result: Statistics, jurisdictions: list[JurisdictionView], selected: str | None
) -> dict[str, Any]:
    """Clue density per county for the map, and what the map cannot place."""
    names = boundary_names()
    counts = {b.key: b.clues for b in result.by_jurisdiction}
    shown = [j for j in jurisdictions if selected is None or selected in _ancestors(j, jurisdictions)]
    regions, unplaced = [], []
    for j in shown:
        if j.level != "county":
            continue
        feature = map_name(j.name, names)
        if feature is None:
            unplaced.append({"name": j.name, "clues": counts.get(j.code, 0)})
        else:
            regions.append({"name": feature, "region": j.name, "value": counts.get(j.code, 0)})
    counties = {j.code for j in shown if j.level == "county"}
    above = sum(n for code, n in counts.items() if code not in counties)
    return {"regions": regions, "unplaced": unplaced, "above_county": above}


def _ancestors(j: JurisdictionView, every: list[JurisdictionView]) -> set[str]:
    parent = {x.code: x.parent_code for x in every}
    out: set[str] = set()
    code: str | None = j.code
    while code is not None:
        out.add(code)
        code = parent.get(code)
    return out


def _chart_data(result: Statistics, county_map: dict[str, Any]) -> Markup:
    data = {
        "periods": [r.period.label for r in result.trend],
        "series": [
            {"name": TREND_NAMES_ZH[s], "data": [r.counts[s] for r in result.trend]} for s in TREND_SERIES
        ],
        "map": county_map,
        "boundaries": "/static/vendor/zhejiang-counties.json",
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # inside <script type="application/json">: keep "</script>" and friends out
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def _bars(rows: list[tuple[str, int, str]], label: str) -> Markup | None:
    return draw.bars_svg(rows, label=label) if rows else None


@router.get("/statistics")
def statistics_page(
    request: Request,
    p: PagePrincipal,
    state: State,
    start: Annotated[str | None, Query(max_length=10)] = None,
    end: Annotated[str | None, Query(max_length=10)] = None,
    model: Annotated[str | None, Query(max_length=200)] = None,
    jurisdiction: Annotated[str | None, Query(max_length=12)] = None,
    unit: Annotated[str | None, Query(max_length=5)] = None,
) -> Response:
    first, last = default_range(beijing_today())
    query = StatsQuery(
        start=_date(start, first, "起始日期"),
        end=_date(end, last, "截止日期"),
        model_id=model or None,
        jurisdiction=jurisdiction or None,
        granularity=unit or None,
    )
    if query.end < query.start:
        raise InvalidInput("截止日期早于起始日期，请重新选择")
    if (query.end - query.start).days > MAX_RANGE_DAYS:
        raise InvalidInput("统计期间最长三年，请缩短后重试")
    if query.granularity not in (None, "week", "month"):
        raise InvalidInput("统计粒度只能按周或按月")
    with state.store.read() as s:
        jurisdictions = list_jurisdictions(s, p)
    if query.jurisdiction and query.jurisdiction not in {j.code for j in jurisdictions}:
        raise InvalidInput("所选辖区不在您的辖区范围内")
    result = cached_statistics(state, p, query)
    county_map = _county_map(result, jurisdictions, query.jurisdiction)
    params = {
        "start": query.start.isoformat(),
        "end": query.end.isoformat(),
        "model": model or "",
        "jurisdiction": jurisdiction or "",
        "unit": unit or "",
    }
    return render(
        request,
        "statistics.html",
        _context(state, result, jurisdictions, county_map, params),
    )


def _context(
    state: WebState,
    result: Statistics,
    jurisdictions: list[JurisdictionView],
    county_map: dict[str, Any],
    params: dict[str, str],
) -> dict[str, Any]:
    display = state.display
    return {
        "result": result,
        "params": params,
        "query_string": urlencode(params),
        "series": [(s, TREND_NAMES_ZH[s]) for s in TREND_SERIES],
        "units": UNITS_ZH,
        "models": state.model_ids(),
        "jurisdictions": jurisdictions,
        "county_map": county_map,
        "chart_data": _chart_data(result, county_map),
        "percent": _percent,
        "models_svg": _bars(
            [
                (display.model_name(b.key), b.clues, f"精准率 {_percent(b.precision)}")
                for b in result.by_model
            ],
            "各模型线索数",
        ),
        "places_svg": _bars(
            [
                (display.region(b.key), b.clues, f"转化率 {_percent(b.conversion)}")
                for b in result.by_jurisdiction
            ],
            "各辖区线索数",
        ),
    }
