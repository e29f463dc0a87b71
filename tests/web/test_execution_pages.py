"""Execution clue pages and the per-court 终本 view (issue 14 §7) on the web-test workspace with
the execution models' hand-built county loaded and run (tests/web/execution_world.py): the ban
timeline's data (every event of the person, the violating ones those the clue names, the ban
date), the passports masked for a role without personal.read, the 拒执 transfer graph with the
recipient and the relation, and the 终本 findings counted per court, with its workbook and the
draft link once a clue is confirmed."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from jiandu.web import create_app
from jiandu.web.execution_courts import explanation_cases
from jiandu.web.execution_timeline import person_timeline
from jiandu.web.execution_transfers import parse_transfer
from jiandu.web.execution_views import mask_document_number
from jiandu.web.security import COOKIE_NAME
from jiandu.workflow import Store, assign, record_outcome, system_principal, transition
from tests.models.execution import support as S
from tests.web.execution_world import BAN, FINAL, REFUSAL, add_execution
from tests.web.world import YC, copy_workspace

YUECHENG_COURT = "浙江省绍兴市越城区人民法院"


@pytest.fixture(scope="module")
def execution_template(
    template_workspace: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict]:
    root = copy_workspace(template_workspace, tmp_path_factory.mktemp("execution-web") / "ws")
    return root, add_execution(root)


@pytest.fixture
def world(execution_template: tuple[Path, dict], tmp_path: Path) -> Iterator[tuple[Path, dict]]:
    root, ids = execution_template
    yield copy_workspace(root, tmp_path / "ws"), ids


class Pages:
    def __init__(self, root: Path) -> None:
        self.app = create_app(root)

    def get(self, user: str, url: str) -> tuple[int, str, bytes]:
        client = TestClient(self.app)
        client.cookies.set(COOKIE_NAME, self.app.state.jiandu.sessions.new(user)[1])
        response = client.get(url)
        return response.status_code, response.text, response.content

    def close(self) -> None:
        self.app.state.jiandu.close()


@pytest.fixture
def pages(world: tuple[Path, dict]) -> Iterator[Pages]:
    p = Pages(world[0])
    yield p
    p.close()


def _chart(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="execution-data">(.*?)</script>', page, re.S)
    assert found, "no chart data on the page"
    return json.loads(found.group(1))


def _section(page: str, anchor: str) -> str:
    return page.split(f'id="{anchor}"', 1)[1].split("</section>", 1)[0]


def test_ban_timeline_has_every_event_against_the_ban_date(world: tuple[Path, dict], pages: Pages) -> None:
    _, ids = world
    status, page, _ = pages.get("yc_pro", f"/clues/{ids[BAN][S.WANG]}")
    assert status == 200
    data = _chart(page)
    assert data["marks"] == [{"date": "2021-03-01", "label": "限高 2021-03-01", "kind": "start"}]
    events = {(e["date"], e["kind"], e["grade"]): (e["violating"], e["note"]) for e in data["events"]}
    assert events == {
        ("2021-01-10", "航班", "经济舱"): (False, "限制措施生效前"),
        ("2021-05-02", "航班", "经济舱"): (True, ""),
        ("2021-06-01", "航班", "经济舱"): (False, "已退票或改签"),
        ("2021-07-01", "航班", "公务舱"): (True, ""),  # booked on the second passport
        ("2021-08-01", "列车", "二等座"): (True, ""),  # a G train
        ("2021-08-05", "列车", "二等座"): (False, "不属限制消费范围"),  # a D train, second class
        ("2021-09-01", "住宿", "5星级"): (True, ""),
        ("2021-09-10", "住宿", "未评星级"): (False, "不属限制消费范围"),
    }
    assert data["total"] == 8
    # the violating events are exactly the clue's evidence, and the table lists every event
    section = _section(page, "execution-timeline")
    assert "共 8 起，其中违规 4 起" in section
    assert section.count('<tr class="violating">') == 4 and section.count('<tr class="lawful">') == 4
    assert "普通护照 E12345678" in section  # the flight's document
    assert "持有2本护照/通行证" in section
    for number in ("E12345678", "E87654321"):
        assert f'<td class="data">{number}</td>' in section
    assert "2019-04-01" in section and "2022-01-05" in section  # 签发日期


def test_the_print_view_carries_the_tables(world: tuple[Path, dict], pages: Pages) -> None:
    _, ids = world
    status, page, _ = pages.get("yc_viewer", f"/clues/{ids[BAN][S.WANG]}/print")
    assert status == 200
    section = _section(page, "execution-timeline")
    assert "共 8 起，其中违规 4 起" in section and "持有2本护照/通行证" in section
    assert "E12345678" not in section and "E1*****78" in section
    status, page, _ = pages.get("yc_pro", f"/clues/{ids[REFUSAL][S.CHU]}/print")
    assert "何芳" in _section(page, "execution-transfers")


def test_passports_and_id_numbers_are_masked_for_a_viewer(world: tuple[Path, dict], pages: Pages) -> None:
    _, ids = world
    status, page, _ = pages.get("yc_viewer", f"/clues/{ids[BAN][S.WANG]}")
    assert status == 200
    section = _section(page, "execution-timeline")
    assert "持有2本护照/通行证" in section
    assert S.WANG not in page
    # (the evidence list above still shows the passport a flight was booked on: the text masks
    # know no passport numbers; this section masks them itself)
    for number in ("E12345678", "E87654321"):
        assert number not in section and number not in _chart(page).__repr__(), number
    assert mask_document_number("E12345678") == "E1*****78"
    assert '<td class="data">E1*****78</td>' in section and '<td class="data">E8*****21</td>' in section
    assert f"居民身份证 {S.WANG[:6]}********{S.WANG[-4:]}" in section


def test_listed_person_timeline_marks_the_listing(world: tuple[Path, dict], pages: Pages) -> None:
    _, ids = world
    _, page, _ = pages.get("yc_pro", f"/clues/{ids[BAN][S.LI]}")
    data = _chart(page)
    assert [m["label"] for m in data["marks"]] == ["失信 2020-01-01"]
    assert [(e["date"], e["violating"]) for e in data["events"]] == [("2020-03-01", True)]
    assert "持有0本护照/通行证" in page and "出入境证件表中没有此人的证件" in page


def test_timeline_reads_share_transfers(pages: Pages) -> None:
    """杨帆 (no restriction) left his company's holders: the timeline reads it as his event."""
    with pages.app.state.jiandu.analytic.source() as source:
        timeline = person_timeline(source, S.YANG, S.NAMES[S.YANG], set())
    assert [(e.date.isoformat(), e.kind, e.violating, e.note) for e in timeline.events] == [
        ("2021-07-01", "equity", False, "无限制措施记录")
    ]
    assert timeline.restrictions == [] and timeline.passports == []


def test_refusal_graph_names_the_recipient_and_the_relation(world: tuple[Path, dict], pages: Pages) -> None:
    _, ids = world
    cases = {
        S.CHU: ("何芳", "配偶", "户籍登记", "不动产越城区中兴路3号"),
        S.WEI: ("绍兴卫东贸易有限公司", "本人担任法定代表人的单位", "企业登记", "机动车宝马530Li"),
        S.YANG: ("秦霞", "配偶", "户籍登记", "股权：绍兴杨帆实业有限公司"),
    }
    for debtor, (recipient, relation, origin, asset) in cases.items():
        status, page, _ = pages.get("yc_pro", f"/clues/{ids[REFUSAL][debtor]}")
        assert status == 200
        section = _section(page, "execution-transfers")
        graph = section.split('<div class="graph">', 1)[1].split("</div>", 1)[0]
        assert "<svg" in graph and recipient in graph and relation in graph, debtor
        table = section.split('id="execution-transfer-table"', 1)[1]
        assert recipient in table and relation in table and asset in table, debtor
        assert origin in table, debtor
        assert "2021-02-01" in table  # the duty arose then (the execution filing)
    # dates are relative to the duty: 褚明's flat went 89 days after it
    _, page, _ = pages.get("yc_pro", f"/clues/{ids[REFUSAL][S.CHU]}")
    assert "89 日后" in page and "义务起算后89日" in page


def test_refusal_graph_is_masked_for_a_viewer(world: tuple[Path, dict], pages: Pages) -> None:
    _, ids = world
    _, page, _ = pages.get("yc_viewer", f"/clues/{ids[REFUSAL][S.CHU]}")
    section = _section(page, "execution-transfers")
    assert S.CHU_WIFE not in page and f"{S.CHU_WIFE[:6]}********{S.CHU_WIFE[-4:]}" in section
    assert "中兴路3号" not in section  # the address is masked
    assert "何芳" in section and "配偶" in section


def test_other_clue_pages_have_no_execution_panel(pages: Pages) -> None:
    status, page, _ = pages.get("yc_pro", f"/clues/{YC[0]}")
    assert status == 200
    assert "execution-timeline" not in page and "execution-transfers" not in page


def test_evidence_readers_follow_the_specs_wording() -> None:
    item = {
        "label": "转移财产：2021-05-01 不动产越城区中兴路3号（住宅，101.0平方米）",
        "source": "property_registrations",
        "text": "2021-05-01 不动产越城区中兴路3号（住宅，101.0平方米） 由被执行人转至 "
        "何芳（330602196803030465，关系：spouse）；此前 2021-02-01 起负有履行义务"
        "（（2021）浙0602执301号，浙江省绍兴市越城区人民法院，执行中）",
    }
    t = parse_transfer(item)
    assert t is not None and (t.recipient, t.relation_zh, t.days_after_duty, t.kind) == (
        "何芳",
        "配偶",
        89,
        "不动产",
    )
    assert parse_transfer({"label": "其他", "text": item["text"]}) is None
    listed = explanation_cases(
        "被执行人甲有2件终本案件存在问题：（2021）浙0602执1号（A法院，2021-01-10立案，2021-03-01终本："
        "立案后1个月即终本、未纳入失信（是否符合条件待核））；（2021）浙0603执2号（B法院，2021-01-10立案，"
        "2021-06-10终本；终本后于2022-03-01起取得财产1项，未恢复执行）。风险分40（绿色）。\n"
        "评分依据：立案后未满三个月即终本 1.00（权重1）"
    )
    assert [(c[0], c[1], c[4]) for c in listed] == [
        ("（2021）浙0602执1号", "A法院", ["early", "listing"]),
        ("（2021）浙0603执2号", "B法院", ["assets"]),
    ]


def _counts(page: str) -> dict[str, int]:
    row = page.split(f'<tr data-court="{YUECHENG_COURT}">', 1)[1].split("</tr>", 1)[0]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r'data-finding="(\w+)">(\d+)<', row)}


def test_final_closure_findings_are_counted_per_court(pages: Pages) -> None:
    status, page, _ = pages.get("yc_pro", "/governance/execution-courts")
    assert status == 200
    assert _counts(page) == {
        "notice": 0,
        "report": 0,
        "inquiry": 1,  # 吴刚: no 网络查控
        "ban": 0,
        "interview": 1,
        "early": 1,  # 郑敏: closed two months after filing
        "listing": 2,
        "assets": 1,  # 陈静: a flat after the closure, execution not resumed
    }
    for case in ("（2020）浙0602执204号", "（2021）浙0602执201号", "（2021）浙0602执202号"):
        assert case in page
    assert "（2021）浙0602执203号" not in page  # 冯军: closed after exactly three months, every step done
    assert "尚无已确认线索" in page
    # the governance page links to it; another county sees none of it
    assert 'href="/governance/execution-courts"' in pages.get("yc_pro", "/governance")[1]
    _, other, _ = pages.get("kq_pro", "/governance/execution-courts")
    assert "辖区内暂无终本问题线索" in other and "浙0602执201号" not in other
    # one court only
    _, one, _ = pages.get("yc_pro", "/governance/execution-courts?court=" + YUECHENG_COURT)
    assert _counts(one)["listing"] == 2
    _, none, _ = pages.get("yc_pro", "/governance/execution-courts?court=某法院")
    assert "辖区内暂无终本问题线索" in none


def test_per_court_workbook(pages: Pages) -> None:
    status, _, content = pages.get("yc_pro", "/exports/execution-courts.xlsx")
    assert status == 200
    book = load_workbook(io.BytesIO(content), read_only=True)
    assert book.sheetnames == ["按法院", "案件", "说明"]
    header, row = list(book["按法院"].iter_rows(values_only=True))
    assert row[:2] == (YUECHENG_COURT, 3)
    by_name = dict(zip(header, row, strict=True))
    assert by_name["未纳入失信（是否符合条件待核）"] == 2 and by_name["不足三个月即终本"] == 1
    cases = list(book["案件"].iter_rows(values_only=True))[1:]
    assert sorted(c[1] for c in cases) == [
        "（2020）浙0602执204号",
        "（2021）浙0602执201号",
        "（2021）浙0602执202号",
    ]
    # a viewer may read the view but not export
    assert pages.get("yc_viewer", "/governance/execution-courts")[0] == 200
    assert pages.get("yc_viewer", "/exports/execution-courts.xlsx")[0] == 403


def test_a_confirmed_finding_offers_the_courts_draft(world: tuple[Path, dict], pages: Pages) -> None:
    root, ids = world
    store = Store.for_workspace(root)
    try:
        with store.write() as s:
            system = system_principal(s)
            clue = ids[FINAL][S.WU]
            assign(s, system, clue, "yc_pro")
            transition(s, system, clue, "verifying")
            record_outcome(s, system, clue, "confirmed")
    finally:
        store.close()
    _, page, _ = pages.get("yc_pro", "/governance/execution-courts")
    row = page.split(f'<tr data-court="{YUECHENG_COURT}">', 1)[1].split("</tr>", 1)[0]
    link = re.search(r'href="(/governance/execution-courts/draft\?[^"]+)"', row)
    assert link, row
    status, _, content = pages.get("yc_pro", link.group(1).replace("&amp;", "&"))
    assert status == 200 and content[:2] == b"PK"  # a .docx
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    text += "\n".join(c.text for t in Document(io.BytesIO(content)).tables for r in t.rows for c in r.cells)
    # the court as addressee, its confirmed case, the problems counted; no other case
    assert f"{YUECHENG_COURT}：" in text, text[:400]
    assert "（2021）浙0602执201号" in text and "吴刚" in text
    assert "未穷尽财产调查（未网络查控）1件、未约谈申请执行人1件、未纳入失信（是否符合条件待核）1件" in text
    assert "浙0602执202号" not in text and "浙0602执204号" not in text
    assert "附件：涉及案件清单（共1件）" in text
    # a viewer may not draft; an unknown court has nothing to draft
    assert pages.get("yc_viewer", link.group(1).replace("&amp;", "&"))[0] == 403
    assert pages.get("yc_pro", "/governance/execution-courts/draft?court=某法院&key=x")[0] == 404
