"""The 统计分析 page: Chinese, scoped to the user's jurisdiction, filtered by range, model and
jurisdiction; its chart data block parses and its numbers agree with the tables."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

from jiandu.web.app import STATIC_DIR
from jiandu.web.statistics import boundary_names, map_name
from jiandu.workflow.trends import beijing_today
from tests.web.conftest import Login
from tests.web.test_chinese_text import named_users, problems_in  # noqa: F401  (fixture)
from tests.web.world import KEQIAO, MODEL

DATA = re.compile(r'<script type="application/json" id="stats-data">(.*?)</script>', re.S)


def chart_data(html: str) -> dict[str, object]:
    found = DATA.search(html)
    assert found, "no chart data block"
    data = json.loads(found.group(1))
    assert isinstance(data, dict)
    return data


def totals(data: dict[str, object]) -> dict[str, int]:
    series = data["series"]
    assert isinstance(series, list)
    return {s["name"]: sum(s["data"]) for s in series}


def test_page_is_chinese_and_scoped(named_users: Path, client_as: Login) -> None:  # noqa: F811
    response = client_as("yc_pro").get("/statistics")
    assert response.status_code == 200
    html = response.text
    assert "<h1>统计分析</h1>" in html
    found, _ = problems_in(html)
    assert found == []
    assert "同一原告民间借贷案件高频起诉" in html  # the model by its Chinese name
    assert "绍兴市越城区人民检察院" in html and "绍兴市柯桥区人民检察院" not in html
    data = chart_data(html)
    assert totals(data)["发现线索"] == 3  # 越城's three clues, found today
    assert len(data["periods"]) == 12  # type: ignore[arg-type]
    regions = data["map"]["regions"]  # type: ignore[index]
    assert regions == [{"name": "越城区", "region": "绍兴市越城区人民检察院", "value": 3}]
    assert 'id="export-stats"' in html


def test_city_sees_its_counties_on_the_map(client_as: Login) -> None:
    data = chart_data(client_as("sx_pro").get("/statistics").text)
    assert totals(data)["发现线索"] == 5
    placed = {r["name"]: r["value"] for r in data["map"]["regions"]}  # type: ignore[index]
    assert placed == {"越城区": 3, "柯桥区": 2, "上虞区": 0, "新昌县": 0, "诸暨市": 0, "嵊州市": 0}


def test_range_model_and_jurisdiction_filters(client_as: Login) -> None:
    client = client_as("sx_pro")
    today = beijing_today()
    old = client.get("/statistics", params={"start": "2020-01-01", "end": "2020-03-31", "unit": "month"})
    assert old.status_code == 200
    data = chart_data(old.text)
    assert totals(data)["发现线索"] == 0 and data["periods"] == ["2020年1月", "2020年2月", "2020年3月"]
    week = client.get("/statistics", params={"start": (today - dt.timedelta(days=6)).isoformat()})
    assert "按周汇总" in week.text and totals(chart_data(week.text))["发现线索"] == 5
    keqiao = client.get("/statistics", params={"jurisdiction": KEQIAO})
    assert totals(chart_data(keqiao.text))["发现线索"] == 2
    other = client.get("/statistics", params={"model": "civil.none"})
    assert totals(chart_data(other.text))["发现线索"] == 0
    mine = client.get("/statistics", params={"model": MODEL})
    assert totals(chart_data(mine.text))["发现线索"] == 5


def test_bad_input_is_refused_in_chinese(client_as: Login) -> None:
    client = client_as("yc_pro")
    outside = client.get("/statistics", params={"jurisdiction": KEQIAO})
    assert outside.status_code == 400 and "不在您的辖区范围内" in outside.text
    backwards = client.get("/statistics", params={"start": "2026-02-01", "end": "2026-01-01"})
    assert backwards.status_code == 400 and "截止日期早于起始日期" in backwards.text
    garbled = client.get("/statistics", params={"start": "2026-13-01"})
    assert garbled.status_code == 400 and "起始日期" in garbled.text
    assert client_as(None).get("/statistics").status_code == 303


def test_workload_names_people_and_counts_overdue(client_as: Login) -> None:
    html = client_as("admin").get("/statistics").text
    table = html.split('id="workload-table"', 1)[1].split("</table>", 1)[0]
    # clues 3 and 5 were assigned to admin and filed as cases: assigned, open, not overdue
    row = re.findall(r"<td[^>]*>([^<]*)</td>", table)
    assert row[1:5] == ["2", "2", "0", "0"]
    assert "逾期：已过办理期限" in html


def test_county_names_match_the_boundaries() -> None:
    names = boundary_names()
    assert len(names) > 80  # Zhejiang's counties
    assert map_name("绍兴市越城区人民检察院", names) == "越城区"
    assert map_name("新昌县人民检察院", names) == "新昌县"
    assert map_name("某某县人民检察院", names) is None


def test_cached_results_are_never_shared_between_scopes(client_as: Login) -> None:
    county, other, city = client_as("yc_pro"), client_as("kq_pro"), client_as("sx_pro")
    for _ in range(2):  # the second round is answered from the cache
        assert totals(chart_data(county.get("/statistics").text))["发现线索"] == 3
        assert totals(chart_data(other.get("/statistics").text))["发现线索"] == 2
        assert totals(chart_data(city.get("/statistics").text))["发现线索"] == 5


def test_vendored_files_match_their_record() -> None:
    """What scripts/vendor_charts.py wrote is what is served (no hand edits, nothing missing)."""
    vendor = STATIC_DIR / "vendor"
    record = json.loads((vendor / "VERSIONS.json").read_text(encoding="utf-8"))
    assert record["packages"]["echarts"]["version"] == "6.1.0"
    assert {"echarts.min.js", "zhejiang-counties.json", "LICENSE-echarts.txt"} <= set(record["sha256"])
    for name, digest in record["sha256"].items():
        assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == digest, name
