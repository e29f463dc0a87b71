"""The execution clue pages in a real headless Chromium: the vendored ECharts draws the ban
timeline under the page's CSP (checked through the ECharts API: the series hold the violating
and the other events, the ban date is a vertical line), the 拒执 page shows its transfer graph,
and the per-court 终本 view lists its court; nothing is fetched from outside, no console errors."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.models.execution import support as S
from tests.web.execution_world import BAN, REFUSAL, add_execution
from tests.web.test_browser import free_port, page  # noqa: F401  (fixture)
from tests.web.world import PASSWORD

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
    import uvicorn

    from jiandu.web import create_app

    ids = add_execution(workspace)
    port = free_port()
    srv = uvicorn.Server(
        uvicorn.Config(create_app(workspace), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", ids
    srv.should_exit = True
    thread.join(timeout=10)


def test_execution_pages_draw_in_the_browser(
    execution_server: tuple[str, dict[str, dict[str, str]]],
    page: object,  # noqa: F811
) -> None:
    from playwright.sync_api import Page, expect

    server, ids = execution_server
    assert isinstance(page, Page)
    page.set_default_timeout(20_000)
    external: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(server) else None)
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.text} {m.location.get('url', '')}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{server}/login")
    page.fill("input[name=username]", "yc_pro")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{server}/clues")

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

    assert external == [], f"fetched from outside: {external}"
    problems = [p for p in problems if not p.endswith("/favicon.ico")]
    assert problems == [], f"console errors: {problems}"
