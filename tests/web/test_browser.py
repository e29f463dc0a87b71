"""The UI in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright) against
uvicorn on 127.0.0.1: log in, filter the queue, open a clue, see the highlighted span, move it to
verifying, record an outcome, download the suggestion draft. The fixtures (server, page) are
tests/web/conftest.py's."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from tests.web.world import CITED, PASSWORD, YC, YC_GROUP

pytestmark = pytest.mark.slow


def test_prosecutor_works_a_clue_in_the_browser(server: str, page: object, tmp_path: Path) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    external: list[str] = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(server) else None)

    # log in
    page.goto(f"{server}/clues")
    expect(page).to_have_url(f"{server}/login?next=%2Fclues")
    page.fill("input[name=username]", "yc_pro")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{server}/clues")
    expect(page.locator("h1")).to_have_text("线索队列")

    # filter the queue: new clues only (clue 3 is confirmed and filed)
    page.select_option("select[name=status]", "new")
    page.click("#filters button[type=submit]")
    expect(page).to_have_url(
        f"{server}/clues?model=&band=&status=new&jurisdiction=&assignee=&min_score=&not_found="
    )
    links = page.locator("a.clue-link")
    expect(links).to_have_count(2)

    # open a clue and see the highlighted span
    links.first.click()
    expect(page).to_have_url(f"{server}/clues/{YC[0]}")
    mark = page.locator("pre.judgment mark#ev-0")
    expect(mark).to_be_visible()
    expect(mark).to_have_text(CITED)
    page.click('a[href="#ev-1"]')  # the second citation opens its document
    expect(page.locator("pre.judgment mark#ev-1")).to_be_visible()
    expect(page.locator("svg.network")).to_be_visible()

    # assign to myself, move to verifying, record the outcome
    page.click("#form-assign button[type=submit]")
    expect(page.locator("#clue-status")).to_contain_text("已分派")
    page.select_option("#form-transition select[name=to]", "verifying")
    page.click("#form-transition button[type=submit]")
    expect(page.locator("#clue-status")).to_contain_text("核查中")
    page.select_option("#form-outcome select[name=outcome]", "confirmed")
    page.fill("#form-outcome input[name=reason]", "经核查属实")
    page.click("#form-outcome button[type=submit]")
    expect(page.locator("#clue-outcome")).to_have_text("属实")
    expect(page.locator("ol.timeline")).to_contain_text("记录核查结论")

    # filing a case needs the 部门负责人's approval: propose it with an opinion
    expect(page.locator("#form-transition select[name=to] option[value=case_filed]")).to_have_count(0)
    page.select_option("#form-propose select[name=to]", "case_filed")
    page.fill("#form-propose input[name=reason]", "虚假诉讼迹象明显，建议立案监督")
    page.click("#form-propose button[type=submit]")
    expect(page.locator("#clue-proposal")).to_contain_text("提请“已立案”")
    expect(page.locator("#form-approve")).to_have_count(0)
    page.click("button.link")  # log out

    # the chief sees the notification, opens the clue and approves; the page asks first, and
    # declining keeps the clue as it was
    page.fill("input[name=username]", "yc_chief")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#unread-count")).to_have_text("2")  # and one from building the workspace
    page.click("#bell")
    page.click("#notice-list li:first-child a")  # newest first
    expect(page).to_have_url(f"{server}/clues/{YC[0]}")
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.click("#form-approve button[type=submit]")
    expect(page.locator("#clue-status")).to_contain_text("核查中")
    assert asked == ["确认批准将此线索变更为“已立案”？批准后不可撤销。"]
    page.once("dialog", lambda d: d.accept())
    page.click("#form-approve button[type=submit]")
    expect(page.locator("#clue-status")).to_contain_text("已立案")
    expect(page.locator("ol.timeline")).to_contain_text("审批通过")
    expect(page.locator("#unread-count")).to_have_text("1")  # opening it marked it read

    # download the suggestion draft of the county's class cases
    page.click("nav >> text=类案治理")
    expect(page.locator("h1")).to_have_text("类案治理")
    link = page.locator(f'a.download[href*="{YC_GROUP.split("|")[0]}"]').first
    with page.expect_download() as info:
        link.click()
    download = info.value
    target = tmp_path / "draft.docx"
    download.save_as(target)
    text = "\n".join(p.text for p in Document(io.BytesIO(target.read_bytes())).paragraphs)
    assert "检察建议书" in text
    assert download.suggested_filename.endswith(".docx")

    # log out
    page.click("button.link")
    expect(page).to_have_url(f"{server}/login")
    assert external == []  # every asset came from the server itself


def test_bulk_actions_and_deadlines_in_the_browser(server: str, page: object) -> None:
    """Tick every clue of the queue's page, assign them to a colleague in one go (the result page
    lists the ones that may not be assigned), dismiss one with a confirm dialog, and see a
    clue's deadline."""
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(f"{server}/clues")
    page.fill("input[name=username]", "yc_pro")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("线索队列")

    # select all (the script ticks every row), assign to a colleague
    page.check("#select-all")
    boxes = page.locator("#bulk input[name=clue]")
    assert boxes.count() == len(YC) and all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    page.select_option("#bulk select[name=assignee]", "yc_pro2")
    page.fill("#bulk input[name=reason]", "集中办理")
    page.click("#bulk-assign")
    # YC[2] is a filed case: it stays with its assignee, and the page says why
    expect(page.locator("#bulk-summary")).to_contain_text("2 条线索，另有 1 条未处理")
    expect(page.locator("#bulk-refused")).to_contain_text("不能分派")

    # the assignee's clue shows its verification deadline
    page.goto(f"{server}/clues/{YC[0]}")
    expect(page.locator("#clue-deadline")).to_contain_text("还剩 30 天")

    # dismissing in bulk asks first; declining changes nothing
    page.goto(f"{server}/clues")
    page.check(f"#bulk input[value='{YC[1]}']")
    page.select_option("#bulk select[name=reject_reason]", "duplicate")
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.click("#bulk-dismiss")
    expect(page.locator("h1")).to_have_text("线索队列")
    assert asked and asked[0].startswith("确认将选中的线索全部作“不予立案”处理")
