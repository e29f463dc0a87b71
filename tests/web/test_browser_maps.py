"""地图 in a real headless Chromium: the vendored ECharts draws /map and an oil clue's tanker
map on the vendored boundaries under the page's CSP, with nothing fetched from outside and no
console errors. What is drawn is counted through ECharts' own API (the series and their data
items), not pixels; the band colours are the page CSS's."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.web.conftest import Browse
from tests.web.map_world import map_template, map_workspace  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow

# the drawn chart's series, as ECharts holds them: [name, type, number of data items]
SERIES = """(id) => {
  const chart = echarts.getInstanceByDom(document.getElementById(id));
  return chart.getOption().series.map((s) => [s.name, s.type, (s.data || []).length]);
}"""
# a series' colour as ECharts paints it, and the CSS colour of the band
COLOURS = """(name) => {
  const chart = echarts.getInstanceByDom(document.getElementById('clue-map'));
  const s = chart.getOption().series.find((x) => x.name === name);
  const probe = document.createElement('span');
  probe.className = 'band band-red';
  document.body.appendChild(probe);
  return [s.itemStyle.color, getComputedStyle(probe).backgroundColor];
}"""


@pytest.fixture
def workspace(map_workspace: Path) -> Path:  # noqa: F811  (the server serves the map workspace)
    return map_workspace


def test_maps_draw_in_the_browser(server: str, browse: Browse, workspace: Path) -> None:
    from playwright.sync_api import expect

    b = browse(server, "sx_pro")
    page = b.page

    page.click('nav a[href="/map"]')
    expect(page.locator("h1")).to_have_text("地图")
    expect(page.locator("#clue-map")).to_have_attribute("data-drawn", "1")
    drawn = {name: (kind, n) for name, kind, n in page.evaluate(SERIES, "clue-map")}
    assert drawn == {
        "区县线索数": ("scatter", 4),
        "红色线索": ("scatter", 4),
        "黄色线索": ("scatter", 4),
    }, drawn
    painted, css = page.evaluate(COLOURS, "红色线索")
    assert painted == css == "rgb(192, 57, 43)"  # .band-red of style.css, as the queue shows it

    # the model filter: hotels only
    page.select_option("#map-filters select[name=model]", "hotels.minor_check_in")
    page.click("#map-filters button[type=submit]")
    expect(page.locator("#clue-map")).to_have_attribute("data-drawn", "1")
    drawn = {name: n for name, _, n in page.evaluate(SERIES, "clue-map")}
    assert drawn["红色线索"] + drawn["黄色线索"] == 7

    # the oil clue's page: the station, its 24 stops and a track line per stop
    with sqlite3.connect(workspace / "workflow.sqlite") as con:
        (clue,) = con.execute("SELECT clue_id FROM clues WHERE model_id LIKE 'oil.%'").fetchone()
    page.goto(f"{server}/clues/{clue}")
    expect(page.locator("#clue-map")).to_have_attribute("data-drawn", "1")
    drawn = {name: (kind, n) for name, kind, n in page.evaluate(SERIES, "clue-map")}
    assert drawn == {"行驶轨迹": ("lines", 24), "进站停留": ("scatter", 24), "红色线索": ("scatter", 1)}, (
        drawn
    )
    expect(page.locator("#track-counts")).to_contain_text("抽稀后画出")

    b.assert_clean()
