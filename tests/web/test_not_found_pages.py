"""未再命中 on screen: a clue the latest successful run of its model no longer produced carries a
Chinese notice on its page and its print view, a tag in the queue, and the queue (page, Excel
export and JSON API) can show only those or hide them."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from openpyxl import load_workbook

from jiandu.workflow import LatestRun, Store, mark_not_found
from tests.web.conftest import Login
from tests.web.test_api import api
from tests.web.test_chinese_text import problems_in
from tests.web.test_exports import rows
from tests.web.world import KQ, MODEL, USERS, YC

GONE = YC[1]  # clue 2: the latest run no longer gives it
FINISHED = dt.datetime(2026, 12, 4, 8, 30)  # naive UTC, as model_runs gives it: 16:30 in Beijing
ROWS = re.compile(r'href="/clues/(c\d{31})" class="clue-link"')


@pytest.fixture
def marked(workspace: Path) -> Path:
    store = Store.for_workspace(workspace)
    try:
        with store.write() as s:
            found = [c for c in [*YC, *KQ] if c != GONE]
            result = mark_not_found(s, found, {MODEL: LatestRun("run-2", "ok", FINISHED)})
        assert (result.marked, result.found_again) == (1, 0)
    finally:
        store.close()
    return workspace


def test_the_clue_page_says_the_latest_run_no_longer_finds_it(marked: Path, client_as: Login) -> None:
    client = client_as("yc_pro")
    page = client.get(f"/clues/{GONE}")
    assert page.status_code == 200
    notice = re.search(r'<p class="not-found-notice"[^>]*>(.*?)</p>', page.text, re.S)
    assert notice is not None
    text = re.sub(r"<[^>]+>", "", notice.group(1))
    assert "自北京时间 2026-12-04 16:30 完成的模型运行起，模型未再命中此线索" in text
    assert "请核实后决定是否继续办理" in text
    assert "未再命中" in page.text.split('<ol class="timeline">', 1)[1]  # the event in 办理经过
    assert 'id="not-found-run"><code>run-2</code>' in page.text  # the run id in 技术信息 only
    logins = {u for u, _, _ in USERS}  # display names are not set in this world
    assert [t for t in problems_in(page.text)[0] if t not in logins] == []  # no run id, no None on screen
    other = client.get(f"/clues/{YC[0]}")
    assert other.status_code == 200 and "not-found-notice" not in other.text
    printed = client.get(f"/clues/{GONE}/print")
    assert printed.status_code == 200 and "最近一次模型运行未再命中此线索" in printed.text
    assert "未再命中" not in client.get(f"/clues/{YC[0]}/print").text


def test_the_queue_tags_and_filters_clues_no_longer_found(marked: Path, client_as: Login) -> None:
    client = client_as("sx_pro")
    queue = client.get("/clues").text
    assert ROWS.findall(queue) == [*YC, *KQ]
    tagged = [row for row in queue.split("<tr") if 'class="badge not-found"' in row]
    assert len(tagged) == 1 and GONE in tagged[0] and ">未再命中</span>" in tagged[0]
    assert "模型运行命中" in queue and "只看未再命中" in queue and "不看未再命中" in queue
    assert ROWS.findall(client.get("/clues?not_found=only").text) == [GONE]
    assert ROWS.findall(client.get("/clues?not_found=hide").text) == [YC[0], YC[2], *KQ]
    assert ROWS.findall(client.get("/clues?not_found=").text) == [*YC, *KQ]
    assert client.get("/clues?not_found=maybe").status_code == 400
    book = load_workbook(io.BytesIO(client.get("/exports/queue.xlsx?not_found=only").content))
    assert [(r["线索编号"], r["模型运行命中"]) for r in rows(book, "线索队列")] == [(GONE, "未再命中")]
    assert {r["项目"]: r["内容"] for r in rows(book, "说明")}["筛选条件"] == "只看未再命中"


def test_the_api_carries_and_filters_clues_no_longer_found(marked: Path, app: FastAPI) -> None:
    client = api(app, "admin")
    items = client.get("/api/clues").json()["items"]
    assert {c["clue_id"]: c["not_found_run_id"] for c in items} == {
        **{c: None for c in [*YC, *KQ]},
        GONE: "run-2",
    }
    gone = next(c for c in items if c["clue_id"] == GONE)
    assert gone["not_found_at"].startswith("2026-12-04T08:30:00")
    assert gone["not_found_at"].endswith(("Z", "+00:00"))
    assert [c["clue_id"] for c in client.get("/api/clues?not_found=only").json()["items"]] == [GONE]
    assert GONE not in [c["clue_id"] for c in client.get("/api/clues?not_found=hide").json()["items"]]
    assert client.get("/api/clues?not_found=maybe").status_code == 422
    assert client.get(f"/api/clues/{GONE}").json()["not_found_run_id"] == "run-2"


def _tagged(html: str, clue: str) -> bool:
    """Whether the list row (``<tr>`` or ``<li>``) linking to ``clue`` carries the 未再命中 tag."""
    rows = [r for r in re.split(r"<tr|<li", html) if f'href="/clues/{clue}"' in r]
    assert rows, f"no row of {clue}"
    return all('class="badge not-found"' in r and ">未再命中</span>" in r for r in rows)


def test_related_clues_and_classes_tag_clues_no_longer_found(marked: Path, client_as: Login) -> None:
    client = client_as("yc_pro")
    page = client.get(f"/clues/{YC[0]}").text
    related = re.search(r'<section id="related">.*?</section>', page, re.S)
    assert related is not None
    assert _tagged(related.group(0), GONE)  # 同一法院: clues 2 and 3 cite 浙0602 too
    assert not _tagged(related.group(0), YC[2])
    court = client.get("/classes/court?key=浙0602")
    assert court.status_code == 200
    assert _tagged(court.text, GONE) and not _tagged(court.text, YC[0])
