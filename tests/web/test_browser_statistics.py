"""The 统计分析 page in a real headless Chromium: the vendored ECharts draws the trend chart and
the county density map under the page's CSP, with nothing fetched from outside and no console
errors."""

from __future__ import annotations

import pytest

from tests.web.test_browser import page, server  # noqa: F401  (fixtures)
from tests.web.world import PASSWORD

pytestmark = pytest.mark.slow

# how many pixels of a canvas are not blank (ECharts paints on a transparent canvas)
PAINTED = """(canvas) => {
  const ctx = canvas.getContext('2d');
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) { n++; } }
  return n;
}"""


def test_charts_draw_in_the_browser(server: str, page: object) -> None:  # noqa: F811
    from playwright.sync_api import Page, expect

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
    page.fill("input[name=username]", "sx_pro")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{server}/clues")

    page.click('nav a[href="/statistics"]')
    expect(page.locator("h1")).to_have_text("统计分析")
    for box in ("#trend-chart", "#county-map"):
        canvas = page.locator(f"{box} canvas").first
        expect(canvas).to_be_visible()
        size = canvas.bounding_box()
        assert size and size["width"] > 300 and size["height"] > 200, (box, size)
        assert canvas.evaluate(PAINTED) > 1000, f"{box} is blank"
    expect(page.locator("#county-map")).to_have_attribute("data-drawn", "1")

    # a narrower range redraws with weeks
    page.fill("input[name=start]", "2020-01-01")
    page.fill("input[name=end]", "2020-01-31")
    page.click("#stats-filters button[type=submit]")
    expect(page.locator("#trend-table tbody tr").first).to_contain_text("2020年第1周")
    assert page.locator("#trend-chart canvas").first.evaluate(PAINTED) > 1000

    assert external == [], f"fetched from outside: {external}"
    # the browser asks for /favicon.ico on its own (the site has none): not the page's doing
    problems = [p for p in problems if not p.endswith("/favicon.ico")]
    assert problems == [], f"console errors: {problems}"
