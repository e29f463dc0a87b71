"""Exports in a real headless Chromium: the queue and statistics download as Chinese-named
workbooks, the print view opens from the clue page, its 打印 button works under the page's CSP,
the toolbar disappears in print and the PDF Chromium prints is A4."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.web.conftest import Browse
from tests.web.world import CITED, YC

pytestmark = pytest.mark.slow
A4_POINTS = (595, 842)  # 210 × 297 mm


def test_exports_and_print_view_in_the_browser(server: str, browse: Browse, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    b = browse(server, "yc_pro")
    page = b.page

    # the queue, filtered, as a workbook
    page.goto(f"{server}/clues?status=new")
    with page.expect_download() as queue_download:
        page.click("#export-queue")
    download = queue_download.value
    name = download.suggested_filename
    assert name.startswith("线索队列_") and name.endswith(".xlsx")
    saved = tmp_path / "queue.xlsx"
    download.save_as(saved)
    ws = load_workbook(saved)["线索队列"]
    assert [r[-1] for r in ws.iter_rows(min_row=2, values_only=True)] == YC[:2]  # 线索编号, the last column

    # the print view opens from the clue page in a new tab
    page.goto(f"{server}/clues/{YC[0]}")
    with page.context.expect_page() as opened:
        page.click("#print-clue")
    sheet = opened.value
    sheet.wait_for_load_state()
    expect(sheet.locator("h1")).to_have_text("线索核查单")
    expect(sheet.locator("tr.evidence-item")).to_have_count(2)
    expect(sheet.locator(".excerpt mark").first).to_have_text(CITED)
    sheet.evaluate("window.print = () => { window.printed = true; }")
    sheet.click("#print-button")
    assert sheet.evaluate("window.printed === true")  # print.js bound the button (no inline script)
    expect(sheet.locator(".toolbar")).to_be_visible()
    sheet.emulate_media(media="print")
    expect(sheet.locator(".toolbar")).to_be_hidden()
    pdf = sheet.pdf(prefer_css_page_size=True)
    boxes = {
        tuple(round(float(x)) for x in m.groups())
        for m in re.finditer(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    }
    assert boxes == {A4_POINTS}, boxes

    # the statistics
    page.goto(f"{server}/dashboard")
    with page.expect_download() as stats_download:
        page.click("#export-stats")
    assert stats_download.value.suggested_filename.startswith("统计_")
    assert b.external == []  # nothing from the internet
