"""Excel exports (.xlsx) and the print view of a clue: every row, Chinese names, the viewer's
masking and jurisdiction, formulas defused, every export in the audit chain, the print view
with every evidence item on A4."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from fastapi import FastAPI
from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from sqlalchemy import select, update

from jiandu.web.display import source_name, subject_kind
from jiandu.web.labels import zh
from jiandu.workflow import ClueFilter, Store, count_clues, model_stats, sync_clues
from jiandu.workflow.governance import governance_groups
from jiandu.workflow.stats import funnel
from jiandu.workflow.tables import Clue, Event
from jiandu.workflow.users import principal_for_username
from tests.web.conftest import Login
from tests.web.world import (
    ADDRESS_TAIL,
    CITED,
    ID_NUMBER,
    KEQIAO,
    KQ,
    KQ_GROUP,
    MODEL,
    PHONE,
    YC,
    YC_GROUP,
    make_clue,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HOSTILE = '=HYPERLINK("http://evil.example/x","点我")'
HOSTILE_HEADLINE = "+1+cmd|' /C calc'!A0 一年内起诉2件"
QUEUE_HEADERS = [
    "分值",
    "等级",
    "模型",
    "线索对象",
    "对象类型",
    "摘要",
    "状态",
    "核查结论",
    "模型运行命中",
    "承办人",
    "辖区",
    "法院",
    "更新时间",
    "线索编号",
]


def workbook(response: Any) -> Workbook:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def rows(book: Workbook, sheet: str) -> list[dict[str, Any]]:
    """The data rows of a sheet as {header: value}."""
    ws = book[sheet]
    values = list(ws.iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(header, r, strict=True)) for r in values[1:] if any(v is not None for v in r)]


def every_text(book: Workbook) -> Iterator[str]:
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            yield from (str(v) for v in row if v is not None)


def file_name(response: Any) -> str:
    header = response.headers["content-disposition"]
    assert header.startswith("attachment; filename*=UTF-8''"), header
    return unquote(header.split("''", 1)[1])


def exported_events(workspace: Path) -> list[Event]:
    store = Store.for_workspace(workspace)
    try:
        with store.read() as s:
            events = s.execute(select(Event).where(Event.kind == "exported").order_by(Event.seq)).scalars()
            return list(events)
    finally:
        store.close()


def model_title(app: FastAPI) -> str:
    title = app.state.jiandu.model_title(MODEL)
    assert title and re.search(r"[\u4e00-\u9fff]", title)
    return str(title)


# ---------------------------------------------------------------- the queue


def test_the_queue_export_has_every_page_in_chinese(
    app: FastAPI, client_as: Login, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("jiandu.workflow.xlsx.MAX_PAGE", 2)  # three clues take two pages
    response = client_as("yc_pro").get("/exports/queue.xlsx")
    book = workbook(response)
    assert book.sheetnames == ["线索队列", "说明"]
    ws = book["线索队列"]
    assert [c.value for c in ws[1]] == QUEUE_HEADERS
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:N4"
    assert all(ws.column_dimensions[chr(ord("A") + i)].width >= 6 for i in range(len(QUEUE_HEADERS)))
    found = rows(book, "线索队列")
    with app.state.jiandu.store.read() as s:
        p = principal_for_username(s, "yc_pro")
        assert len(found) == count_clues(s, p, ClueFilter()) == 3
        stored = {c.clue_id: c for c in s.execute(select(Clue)).scalars()}
    assert [r["线索编号"] for r in found] == YC  # highest score first
    assert {r["等级"] for r in found} == {zh("band", "red")} == {"红色"}
    assert [r["状态"] for r in found] == [zh("status", s) for s in ("new", "new", "case_filed")]
    assert found[2]["核查结论"] == zh("outcome", "confirmed")
    assert {r["模型"] for r in found} == {model_title(app)}
    assert {r["辖区"] for r in found} == {app.state.jiandu.display.region("330602")}
    assert all("越城" in r["辖区"] for r in found)
    assert {r["对象类型"] for r in found} == {subject_kind("person")}
    for r in found:  # Beijing time, to the second
        utc = stored[r["线索编号"]].updated_at.replace(microsecond=0)
        assert r["更新时间"] == utc + dt.timedelta(hours=8)
    assert file_name(response).startswith("线索队列_") and file_name(response).endswith(".xlsx")
    about = {r["项目"]: r["内容"] for r in rows(book, "说明")}
    assert about["行数"] == 3 and about["筛选条件"] == "全部线索"


def test_the_queue_export_keeps_the_pages_filters(client_as: Login) -> None:
    client = client_as("yc_pro")
    found = rows(workbook(client.get("/exports/queue.xlsx", params={"status": "case_filed"})), "线索队列")
    assert [r["线索编号"] for r in found] == [YC[2]]
    found = rows(workbook(client.get("/exports/queue.xlsx", params={"min_score": "88.5"})), "线索队列")
    assert [r["线索编号"] for r in found] == [YC[0]]
    response = client.get("/exports/queue.xlsx", params={"band": "red", "status": "case_filed"})
    about = {r["项目"]: r["内容"] for r in rows(workbook(response), "说明")}
    assert about["筛选条件"] == f"等级：{zh('band', 'red')}；状态：{zh('status', 'case_filed')}"
    assert "红色" in file_name(response)
    assert client.get("/exports/queue.xlsx", params={"min_score": "x"}).status_code == 400
    # the link on the queue page carries the filters
    page = client.get("/clues", params={"band": "red"}).text
    assert 'href="/exports/queue.xlsx?band=red"' in page


def test_a_county_users_exports_hold_only_its_county(client_as: Login) -> None:
    county = client_as("yc_pro")
    book = workbook(county.get("/exports/queue.xlsx"))
    texts = " ".join(every_text(book))
    assert not any(k in texts for k in (*KQ, "柯桥", "原告甲4", "原告甲5", "浙0603"))
    assert (
        rows(workbook(county.get("/exports/queue.xlsx", params={"jurisdiction": KEQIAO})), "线索队列") == []
    )
    stats = " ".join(every_text(workbook(county.get("/exports/stats.xlsx"))))
    assert "越城" in stats and "柯桥" not in stats
    assert county.get(f"/exports/clues/{KQ[0]}.xlsx").status_code == 404
    assert county.get("/exports/governance.xlsx", params={"key": KQ_GROUP}).status_code == 404
    assert county.get(f"/clues/{KQ[0]}/print").status_code == 404
    city = client_as("sx_pro")
    assert {r["线索编号"] for r in rows(workbook(city.get("/exports/queue.xlsx")), "线索队列")} == set(
        YC + KQ
    )
    stats = " ".join(every_text(workbook(city.get("/exports/stats.xlsx"))))
    assert "越城" in stats and "柯桥" in stats


# ---------------------------------------------------------------- masking and roles


def test_roles_without_personal_read_get_masked_workbooks(client_as: Login) -> None:
    personal = (ID_NUMBER, PHONE, ADDRESS_TAIL)
    prosecutor = client_as("yc_pro")  # sees personal data: the check below would catch it
    assert ID_NUMBER in " ".join(every_text(workbook(prosecutor.get(f"/exports/clues/{YC[0]}.xlsx"))))
    analyst = client_as("yc_analyst")  # may export, may not read personal data
    for url in ("/exports/queue.xlsx", f"/exports/clues/{YC[0]}.xlsx", "/exports/stats.xlsx"):
        texts = " ".join(every_text(workbook(analyst.get(url))))
        assert "原告甲1" in texts or url.endswith("stats.xlsx")
        for secret in personal:
            assert secret not in texts, (url, secret)
        assert not re.search(r"(?<![\dA-Za-z])\d{17}[\dXx](?!\d)", texts), (
            url
        )  # no whole ID number of any kind
        assert not re.search(r"(?<![\dA-Za-z])1[3-9]\d{9}(?!\d)", texts), url  # no whole mobile number


def test_a_viewer_may_export_statistics_but_no_clues(client_as: Login) -> None:
    viewer = client_as("yc_viewer")
    assert viewer.get("/exports/queue.xlsx").status_code == 403
    assert viewer.get(f"/exports/clues/{YC[0]}.xlsx").status_code == 403
    assert viewer.get("/exports/governance.xlsx", params={"key": YC_GROUP}).status_code == 403
    texts = " ".join(every_text(workbook(viewer.get("/exports/stats.xlsx"))))
    assert ID_NUMBER not in texts and PHONE not in texts
    assert 'id="export-queue"' not in viewer.get("/clues").text  # no link it could not follow
    page = viewer.get(f"/clues/{YC[0]}/print")  # printing what the viewer may read: masked
    assert page.status_code == 200
    assert CITED in page.text
    for secret in (ID_NUMBER, PHONE, ADDRESS_TAIL):
        assert secret not in page.text


# ---------------------------------------------------------------- one clue, a class, statistics


def test_a_clue_export_has_its_facts_and_every_evidence_item(app: FastAPI, client_as: Login) -> None:
    response = client_as("yc_pro").get(f"/exports/clues/{YC[0]}.xlsx")
    book = workbook(response)
    assert book.sheetnames == ["线索", "证据", "评分特征", "办理经过", "说明"]
    facts = {r["项目"]: r["内容"] for r in rows(book, "线索")}
    assert facts["线索对象"] == "原告甲1"
    assert facts["等级"] == zh("band", "red") and facts["状态"] == zh("status", "new")
    assert facts["模型"] == model_title(app)
    assert ID_NUMBER in facts["说明"]
    evidence = rows(book, "证据")
    stored = make_clue(1, "浙0602")["evidence"]
    assert len(evidence) == len(stored) == 2
    assert [r["案号"] for r in evidence] == [e["case_number"] for e in stored]
    assert all(r["引用内容"] == CITED for r in evidence)
    assert all(f"【{CITED}】" in r["原文摘录（【】内为引用处）"] for r in evidence)
    assert all(r["来源"] == source_name("judgments") for r in evidence)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assert file_name(response).startswith("线索_原告甲1_")


def test_a_clue_with_many_evidence_items_exports_and_prints_them_all(app: FastAPI, client_as: Login) -> None:
    clue = make_clue(1, "浙0602")
    clue["clue_id"] = "c" + "7" * 31
    first = clue["evidence"][0]
    clue["evidence"] = [first | {"label": f"撤诉{i}"} for i in range(150)]  # beyond any old cap
    with app.state.jiandu.store.write() as s:
        sync_clues(s, [clue])
    client = client_as("yc_pro")
    assert len(rows(workbook(client.get(f"/exports/clues/{clue['clue_id']}.xlsx")), "证据")) == 150
    page = client.get(f"/clues/{clue['clue_id']}/print").text
    assert page.count('class="evidence-item"') == 150
    assert page.count(f"<mark>{CITED}</mark>") == 150
    assert "共 150 项" in page


def test_a_class_of_clues_exports_its_clues_and_distinct_cases(app: FastAPI, client_as: Login) -> None:
    client = client_as("yc_pro")
    book = workbook(client.get("/exports/governance.xlsx", params={"key": YC_GROUP}))
    with app.state.jiandu.store.read() as s:
        group = next(
            g for g in governance_groups(s, principal_for_username(s, "yc_pro")) if g.key == YC_GROUP
        )
    assert [r["线索编号"] for r in rows(book, "线索")] == group.clue_ids
    assert [r["案号"] for r in rows(book, "案件")] == group.case_numbers
    facts = {r["项目"]: r["内容"] for r in rows(book, "类案")}
    assert facts["模型"] == model_title(app) and facts["涉及案件"] == len(group.case_numbers)
    link = f"/exports/governance.xlsx?key={quote(YC_GROUP, safe='/')}"
    assert link in client.get("/governance").text


def test_the_statistics_export_matches_the_store(app: FastAPI, client_as: Login) -> None:
    book = workbook(client_as("sx_pro").get("/exports/stats.xlsx"))
    assert book.sheetnames == ["漏斗", "按模型", "按辖区", "按模型和辖区", "说明"]
    with app.state.jiandu.store.read() as s:
        stats = model_stats(s, principal_for_username(s, "sx_pro"), by_jurisdiction=True)
    total = funnel(stats)
    assert [r["数量"] for r in rows(book, "漏斗")] == list(total.values())
    assert [r["环节"] for r in rows(book, "漏斗")] == [zh("funnel", k) for k in total]
    (model,) = rows(book, "按模型")
    assert model["模型"] == model_title(app) and model["线索"] == total["clues"] == 5
    assert model["精准率"] == 1.0 and model["转化率"] == pytest.approx(2 / 5)
    places = {r["辖区"]: r["线索"] for r in rows(book, "按辖区")}
    assert sorted(places.values()) == [2, 3]
    assert all(re.search(r"[\u4e00-\u9fff]", k) and not k.isdigit() for k in places)
    assert book["按模型"]["K2"].number_format == "0.0%"


# ---------------------------------------------------------------- formulas and the audit trail


def test_formula_like_text_is_written_as_text(app: FastAPI, client_as: Login) -> None:
    with app.state.jiandu.store.write() as s:
        s.execute(update(Clue).where(Clue.clue_id == YC[2]).values(subject_name=HOSTILE))
        s.execute(update(Clue).where(Clue.clue_id == YC[1]).values(explanation=HOSTILE_HEADLINE + "\x01\x1b"))
    client = client_as("yc_pro")
    for url, params in (
        ("/exports/queue.xlsx", None),
        (f"/exports/clues/{YC[2]}.xlsx", None),
        ("/exports/governance.xlsx", {"key": YC_GROUP}),
    ):
        response = client.get(url, params=params)
        raw = zipfile.ZipFile(io.BytesIO(response.content))
        for name in raw.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in raw.read(name).decode(), (url, name)  # no formula anywhere
        hostile = [
            cell
            for ws in workbook(response).worksheets
            for row in ws.iter_rows()
            for cell in row
            if isinstance(cell.value, str) and cell.value.startswith(("=", "+"))
        ]
        assert hostile, url
        for cell in hostile:
            assert cell.data_type == "s" and cell.quotePrefix, (url, cell.coordinate, cell.value)
        assert any(c.value == HOSTILE for c in hostile), url  # shown as it was written


def test_a_queue_beyond_a_sheet_is_cut_and_says_so(client_as: Login, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("jiandu.workflow.xlsx.MAX_ROWS", 2)
    book = workbook(client_as("yc_pro").get("/exports/queue.xlsx"))
    assert [r["线索编号"] for r in rows(book, "线索队列")] == YC[:2]
    about = {r["项目"]: r["内容"] for r in rows(book, "说明")}
    assert about["行数"] == 2 and "仅导出分值最高的2条" in about["注意"]


def test_every_export_is_an_audit_event(app: FastAPI, client_as: Login, workspace: Path) -> None:
    before = len(exported_events(workspace))
    client = client_as("yc_pro")
    client.get("/exports/queue.xlsx", params={"band": "red"})
    client.get(f"/exports/clues/{YC[0]}.xlsx")
    client.get("/exports/governance.xlsx", params={"key": YC_GROUP})
    client.get("/exports/stats.xlsx")
    events = exported_events(workspace)[before:]
    assert [(e.actor, e.entity_type, e.entity_id) for e in events] == [
        ("yc_pro", "store", None),
        ("yc_pro", "clue", YC[0]),
        ("yc_pro", "court", "浙0602"),
        ("yc_pro", "store", None),
    ]
    assert all(
        e.after and e.after["format"] == "xlsx" and e.after["file_name"].endswith(".xlsx") for e in events
    )
    assert [e.after["rows"] for e in events if e.after] == [3, 2, 1, 1]
    assert events[0].after and events[0].after["filters"] == {"band": "red"}
    assert events[2].after and events[2].after["clues"] == [YC[2]]
    assert all(e.reason and e.reason.startswith("导出电子表格：") for e in events)
    # refused or outside the jurisdiction: no file and no event
    client.get(f"/exports/clues/{KQ[0]}.xlsx")
    client_as("yc_viewer").get("/exports/queue.xlsx")
    assert len(exported_events(workspace)) == before + 4


# ---------------------------------------------------------------- the print view


def test_the_print_view_is_a4_with_every_evidence_item(app: FastAPI, client_as: Login) -> None:
    client = client_as("yc_pro")
    response = client.get(f"/clues/{YC[0]}/print")
    assert response.status_code == 200
    page = response.text
    assert 'class="top"' not in page and "<nav" not in page  # no navigation
    assert 'id="print-button"' in page and ">打印</button>" in page
    stored = make_clue(1, "浙0602")["evidence"]
    assert page.count('class="evidence-item"') == len(stored)
    for e in stored:
        assert e["case_number"] in page
    assert page.count(f"<mark>{CITED}</mark>") == len(stored)
    assert ID_NUMBER in page  # the prosecutor reads personal data, as on the clue page
    css = re.search(r'<link rel="stylesheet" href="(/static/[^"]+)"', page)
    assert css
    sheet = client.get(css.group(1)).text
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", sheet)
    assert client.get("/static/print.js").status_code == 200
    full = client.get(f"/clues/{YC[0]}/print", params={"full": "1"}).text
    assert "附：证据文书全文" in full and "本院认为" in full
    clue_page = client.get(f"/clues/{YC[0]}").text
    assert f'href="/clues/{YC[0]}/print"' in clue_page
    assert f'href="/exports/clues/{YC[0]}.xlsx"' in clue_page
    assert 'href="/exports/stats.xlsx"' in client.get("/dashboard").text
