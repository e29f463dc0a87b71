"""The execution clue pages in a real headless Chromium: the vendored ECharts draws the ban
timeline under the page's CSP (checked through the ECharts API: the series hold the violating
and the other events, the ban date is a vertical line), the 拒执 page shows its transfer graph,
and the per-court 终本 view lists its court; nothing is fetched from outside, no console errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.models.execution import support as S
from tests.web.conftest import Browse, serve
from tests.web.execution_world import BAN, REFUSAL, add_execution

pytestmark = pytest.mark.slow

CHART_STATE = """() => {
  const box = document.getElementById('execution-chart');
  const chart = echarts.getInstanceByDom(box);
  if (!chart) { return null; }
  const option = chart.getOption();
  return {
    drawn: box.getAttribute('data-drawn'),
    series: option.series.map((s) => ({
      name: s.name,
      dates: s.data.map((d) => d.value[0]),
      rows: s.data.map((d) => d.value[1]),
      marks: (s.markLine && s.markLine.data || []).map((m) => m.xAxis),
    })),
    rows: option.yAxis[0].data,
  };
}"""


@pytest.fixture
def execution_server(workspace: Path) -> Iterator[tuple[str, dict[str, dict[str, str]]]]:
    ids = add_execution(workspace)
    with serve(workspace) as url:
        yield url, ids


def test_execution_pages_draw_in_the_browser(
    execution_server: tuple[str, dict[str, dict[str, str]]], browse: Browse
) -> None:
    from playwright.sync_api import expect

    server, ids = execution_server
    b = browse(server, "yc_pro")
    page = b.page
    page.goto(f"{server}/clues/{ids[BAN][S.WANG]}")
    expect(page.locator("#execution-chart")).to_have_attribute("data-drawn", "1")
    expect(page.locator("#execution-chart canvas").first).to_be_visible()
    state = page.evaluate(CHART_STATE)
    assert state is not None, "no ECharts instance on the timeline box"
    violating, lawful = state["series"]
    assert violating["name"] == "违规事件" and lawful["name"] == "未计入的事件"
    assert sorted(violating["dates"]) == ["2021-05-02", "2021-07-01", "2021-08-01", "2021-09-01"]
    assert sorted(lawful["dates"]) == ["2021-01-10", "2021-06-01", "2021-08-05", "2021-09-10"]
    assert violating["marks"] == ["2021-03-01"]
    assert state["rows"][:3] == ["航班", "列车", "住宿"]
    expect(page.locator("#execution-passports-title")).to_contain_text("持有2本护照/通行证")

    page.goto(f"{server}/clues/{ids[REFUSAL][S.CHU]}")
    expect(page.locator("#execution-transfers svg.network")).to_be_visible()
    expect(page.locator("#execution-transfer-table")).to_contain_text("配偶")

    page.goto(f"{server}/governance")
    page.click("#execution-courts-link")
    expect(page.locator("#court-findings")).to_contain_text("浙江省绍兴市越城区人民法院")

    b.assert_clean()
