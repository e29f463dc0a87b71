"""The 统计分析 page in a real headless Chromium: the vendored ECharts draws the trend chart and
the county density map under the page's CSP, with nothing fetched from outside and no console
errors."""

from __future__ import annotations

import pytest

from tests.web.conftest import Browse

pytestmark = pytest.mark.slow

# how many pixels of a canvas are not blank (ECharts paints on a transparent canvas)
PAINTED = """(canvas) => {
  const ctx = canvas.getContext('2d');
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) { n++; } }
  return n;
}"""


def test_charts_draw_in_the_browser(server: str, browse: Browse) -> None:
    from playwright.sync_api import expect

    b = browse(server, "sx_pro")
    page = b.page

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

    b.assert_clean()
