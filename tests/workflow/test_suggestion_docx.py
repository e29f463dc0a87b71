"""The 检察建议书 draft as a document: A4 layout, Beijing date, distinct cases counted once, the
model's Chinese name and legal basis, no internal vocabulary, a Chinese file name, audited."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any
from urllib.parse import unquote

import pytest
from docx import Document
from docx.shared import Cm
from sqlalchemy import select

from jiandu.documents.case_number import normalise_case_number
from jiandu.models.library import Library
from jiandu.workflow import assign, record_outcome, suggestion_draft, sync_clues
from jiandu.workflow import transition as move
from jiandu.workflow.governance import (
    ModelText,
    SuggestionDraft,
    beijing_day,
    builtin_model_text,
    doc_number_zh,
    file_name_zh,
    governance_groups,
    group_key,
    year_span_zh,
)
from jiandu.workflow.tables import Event
from jiandu.workflow.template import default_template
from tests.workflow.conftest import World

MODEL = "civil.professional_lender"
COURT = "浙0602"
GROUP = group_key(MODEL, COURT, "330602")
# 17:30 UTC on 2 December is 01:30 on 3 December in Beijing
NOW = dt.datetime(2026, 12, 2, 17, 30, tzinfo=dt.UTC)
# English words of the internal vocabulary that must never reach the addressee
INTERNAL_WORDS = (
    "clue", "run", "band", "score", "jurisdiction", "model", "red", "yellow", "green", "version",
    "subject", "evidence", "outcome", "confirmed", "valuable", "civil", "lender", "key", "None",
)  # fmt: skip


def evidence(case_number: str, doc: str) -> dict[str, Any]:
    return {
        "kind": "document",
        "source": "judgments",
        "doc_id": doc,
        "case_number": case_number,
        "span": [0, 4],
        "text": "原告诉称",
        "label": "原告",
    }


def lender_clue(n: int, name: str, cases: list[str]) -> dict[str, Any]:
    return {
        "clue_id": f"p{n:031d}",
        "model_id": MODEL,
        "model_version": "1.0.2",
        "subject": {"type": "person", "key": f"name:{name}", "name": name},
        "score": 95.0 - n,
        "band": "red",
        "explanation": f"{name}在同一基层法院连续三年起诉多件民间借贷案件。",
        "features": {"suits": {"value": 1.0, "weight": 1.0}},
        "evidence": [evidence(c, f"doc{n}-{i}") for i, c in enumerate(cases)],
        "run_id": "run-7",
        "region": "zhejiang",
    }


# Four distinct cases, written in several ways: half-width brackets, spaces, the same case cited
# by two documents of one clue, and one case cited by both clues.
CLUES = (
    lender_clue(1, "钱某某", ["(2017)浙0602民初5号", "（2017）浙0602民初5号", "（2018）浙0602民初77号"]),
    lender_clue(
        2, "孙某", ["(2018) 浙0602民初77号", "（ 2019 ）浙0602民初1203号", "（2019）浙0602民初998号"]
    ),
)
DISTINCT = [
    "（2017）浙0602民初5号",
    "（2018）浙0602民初77号",
    "（2019）浙0602民初998号",
    "（2019）浙0602民初1203号",
]


def confirm(world: World, clue_id: str) -> None:
    p = world.p("admin")
    with world.store.write() as s:
        assign(s, p, clue_id, "admin")
        move(s, p, clue_id, "verifying")
        world.approved(s, clue_id, "case_filed", by="admin")
        record_outcome(s, p, clue_id, "confirmed")


@pytest.fixture
def lenders(world: World) -> World:
    with world.store.write() as s:
        sync_clues(s, list(CLUES))
    for clue in CLUES:
        confirm(world, clue["clue_id"])
    return world


def draft(world: World, user: str = "yc_pro", **kwargs: Any) -> SuggestionDraft:
    with world.store.write() as s:
        return suggestion_draft(s, world.p(user), GROUP, now=NOW, **kwargs)


def body_text(doc: Any) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in doc.sections:
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def test_the_clue_fixture_writes_cases_several_ways() -> None:
    written = [e["case_number"] for c in CLUES for e in c["evidence"]]
    assert len(written) == 6 and len(set(written)) == 6
    assert sorted({normalise_case_number(n) for n in written}) == sorted(DISTINCT)


def test_page_is_a4_with_gbt9704_margins(lenders: World) -> None:
    doc = Document(io.BytesIO(draft(lenders)))
    for section in doc.sections:
        assert abs(section.page_width - Cm(21.0)) < Cm(0.01)
        assert abs(section.page_height - Cm(29.7)) < Cm(0.01)
        assert abs(section.top_margin - Cm(3.7)) < Cm(0.01)
        assert abs(section.bottom_margin - Cm(3.5)) < Cm(0.01)
        assert abs(section.left_margin - Cm(2.8)) < Cm(0.01)
        assert abs(section.right_margin - Cm(2.6)) < Cm(0.01)
    normal = doc.styles["Normal"]
    assert normal.font.size.pt == 16  # 三号
    fonts = normal.element.rPr.rFonts
    assert (
        fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋_GB2312"
    )
    title = next(p for p in doc.paragraphs if p.text == "检察建议书")
    assert title.runs[0].font.size.pt == 22 and title.runs[0].font.name == "方正小标宋简体"  # 二号


def test_official_layout_and_beijing_date(lenders: World) -> None:
    doc = Document(io.BytesIO(draft(lenders)))
    lines = [p.text for p in doc.paragraphs if p.text.strip()]
    assert lines[0] == "绍兴市越城区人民检察院"  # 发文机关: the principal's procuratorate
    assert lines[1] == "检察建议书"
    assert re.fullmatch(r"越检民建〔2026〕\u3000号", lines[2])  # 文号, the number left to fill
    assert lines[3] == "浙江省绍兴市越城区人民法院："  # 主送机关
    text = body_text(doc)
    for heading in ("一、发现的问题", "二、相关规定", "三、检察建议"):
        assert heading in lines
    assert "（一）" in text and "（二）" in text and "（三）" in text
    assert "自收到本检察建议书之日起两个月以内" in text  # 回复期限
    # signed on the Beijing day: 3 December, not the UTC day (2 December)
    assert beijing_day(NOW) == dt.date(2026, 12, 3)
    assert "二〇二六年十二月三日" in lines and "二〇二六年十二月二日" not in text
    sign = lines.index("二〇二六年十二月三日")
    assert lines[sign - 1] == "绍兴市越城区人民检察院"


def test_the_city_office_signs_a_city_users_draft(lenders: World) -> None:
    doc = Document(io.BytesIO(draft(lenders, "sx_pro")))
    lines = [p.text for p in doc.paragraphs if p.text.strip()]
    assert lines[0] == "浙江省绍兴市人民检察院" and lines[2].startswith("绍检民建〔2026〕")


def test_distinct_cases_counted_once(lenders: World) -> None:
    doc = Document(io.BytesIO(draft(lenders)))
    text = body_text(doc)
    assert "2017年至2019年，浙江省绍兴市越城区人民法院办理的4件案件存在同类问题" in text
    assert "存在同类问题，涉及2个当事人（案件清单见附件）" in text and "涉及案件清单（共4件）" in text
    table = doc.tables[-1]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "案号", "相关当事人"]
    assert [r[1] for r in rows[1:]] == DISTINCT  # each case once, in year and number order
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4"]
    assert rows[2][2] == "钱某某、孙某"  # cited by both clues, listed once with both parties
    for number in DISTINCT:
        assert text.count(number) == 1
    assert "(2017)" not in text and "（ 2019 ）" not in text


def test_group_figures_use_distinct_cases(lenders: World) -> None:
    with lenders.store.read() as s:
        group = next(g for g in governance_groups(s, lenders.p("yc_pro")) if g.key == GROUP)
    assert group.case_numbers == DISTINCT
    assert (group.first_year, group.last_year, group.clues, group.subjects) == (2017, 2019, 2, 2)


def test_chinese_model_name_and_legal_basis_without_internals(lenders: World) -> None:
    spec = Library().get(MODEL)
    text = body_text(Document(io.BytesIO(draft(lenders))))
    assert f"“{spec.name_zh}”大数据法律监督模型" in text
    assert "《最高人民法院关于审理民间借贷案件适用法律若干问题的规定》第十三条规定：" in text
    assert "《全国法院民商事审判工作会议纪要》（法〔2019〕254号）第53条规定：" in text
    assert "同一原告或关联原告在一定期间内" in text  # the supervision point, spaces of YAML folded away
    assert MODEL not in text and "professional_lender" not in text
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
    assert not words & {w.lower() for w in INTERNAL_WORDS}
    assert words == set()  # nothing in Latin letters at all
    for internal in ("风险分", "红色", "线索", "运行", "330602", "浙0602|"):
        assert internal not in text


def test_chinese_file_name(lenders: World) -> None:
    data = draft(lenders)
    assert data.file_name == "关于浙江省绍兴市越城区人民法院“职业放贷人识别”类案问题的检察建议书（稿）.docx"
    header = data.content_disposition
    assert header.isascii() and header.startswith("attachment; filename*=UTF-8''")
    assert unquote(header.split("''", 1)[1]) == data.file_name
    assert "suggestion" not in header
    assert file_name_zh("某/法院:", "模型?") == "关于某法院“模型”类案问题的检察建议书（稿）.docx"


def test_each_download_is_an_audit_event(lenders: World) -> None:
    with lenders.store.read() as s:
        before = s.execute(select(Event.seq).order_by(Event.seq.desc())).scalars().first()
    draft(lenders)
    draft(lenders, "sx_pro")
    with lenders.store.read() as s:
        events = list(s.execute(select(Event).where(Event.seq > before).order_by(Event.seq)).scalars())
    assert [(e.actor, e.kind, e.entity_type, e.entity_id) for e in events] == [
        ("yc_pro", "exported", "court", COURT),
        ("sx_pro", "exported", "court", COURT),
    ]
    assert events[0].after is not None
    assert events[0].after["group"] == GROUP and events[0].after["cases"] == 4
    assert events[0].after["file_name"].endswith("检察建议书（稿）.docx")


def test_the_template_still_renders_a_restyled_copy(lenders: World, tmp_path: Any) -> None:
    path = tmp_path / "suggestion.docx"
    path.write_bytes(default_template())
    template = Document(str(path))
    assert "{{ office_name }}" in body_text(template)
    text = body_text(Document(io.BytesIO(draft(lenders, template=path))))
    assert "{{" not in text and "{%" not in text and "二〇二六年十二月三日" in text


def test_chinese_forms() -> None:
    assert year_span_zh(2017, 2019) == "2017年至2019年"
    assert year_span_zh(2017, 2017) == "2017年"
    assert year_span_zh(None, None) == ""
    assert beijing_day(dt.datetime(2026, 12, 2, 15, 59, tzinfo=dt.UTC)) == dt.date(2026, 12, 2)
    assert beijing_day(dt.datetime(2026, 12, 2, 16, 0, tzinfo=dt.UTC)) == dt.date(2026, 12, 3)
    assert beijing_day(dt.datetime(2026, 12, 2, 16, 0)) == dt.date(2026, 12, 3)  # naive is UTC
    assert doc_number_zh("新昌县人民检察院", "civil", 2026) == "新检民建〔2026〕\u3000号"
    assert doc_number_zh("浙江省人民检察院", None, 2025) == "浙检建〔2025〕\u3000号"
    assert builtin_model_text("civil.serial_suit") is not None
    assert builtin_model_text("../specs/civil.serial_suit") is None and builtin_model_text("no.such") is None


def agency_clue(n: int) -> dict[str, Any]:
    """A clue of an office's own model about a company, from a register (no court, no case)."""
    return {
        "clue_id": f"r{n:031d}",
        "model_id": "local.register_anomaly",
        "model_version": "0.1.0",
        "subject": {"type": "organization", "key": f"org:{n}", "name": f"某某贸易有限公司{n}"},
        "score": 80.0,
        "band": "red",
        "explanation": "登记信息异常。",
        "features": {"anomaly": {"value": 1.0, "weight": 1.0}},
        "evidence": [{"kind": "record", "source": "registers", "doc_id": f"reg{n}", "label": "登记"}],
        "run_id": "run-9",
        "region": "zhejiang",
    }


def test_an_agency_group_of_an_offices_own_model(world: World) -> None:
    with world.store.write() as s:
        sync_clues(s, [agency_clue(1), agency_clue(2)])
    for n in (1, 2):
        confirm(world, f"r{n:031d}")
    admin = world.p("admin")
    with world.store.read() as s:
        group = next(g for g in governance_groups(s, admin) if g.model_id == "local.register_anomaly")
    assert group.case_numbers == [] and group.court is None
    with world.store.write() as s:
        generic = suggestion_draft(s, admin, group.key, now=NOW)
        own = suggestion_draft(
            s,
            admin,
            group.key,
            now=NOW,
            model=ModelText(
                title="企业登记异常",
                domain="administrative",
                legal_basis=(
                    "《中华人民共和国市场主体登记管理条例》第三条规定：“市场主体应当依照本条例办理登记。”",
                ),
            ),
        )
    text = body_text(Document(io.BytesIO(generic)))
    assert "有关单位：" in text and "请你单位自收到本检察建议书之日起两个月以内" in text
    assert "运用大数据法律监督模型，" in text and "register" not in text
    assert "0件" not in text and "存在同类问题，涉及2个当事人。" in text
    assert re.findall(r"[A-Za-z]+", text) == []
    assert generic.file_name == "关于有关单位类案问题的检察建议书（稿）.docx"
    text = body_text(Document(io.BytesIO(own)))
    assert (
        "运用“企业登记异常”大数据法律监督模型" in text
        and "《中华人民共和国市场主体登记管理条例》第三条" in text
    )
    assert "浙检行建〔2026〕\u3000号" in text and "浙江省人民检察院" in text


def test_a_model_about_cases_names_no_parties(world: World) -> None:
    clue = lender_clue(3, "（2020）浙0602民初8号", ["（2020）浙0602民初8号", "(2020)浙0602民初8号"])
    clue.update(model_id="civil.lending_risk_signs", clue_id=f"k{3:031d}")
    clue["subject"] = {"type": "case", "key": "case:（2020）浙0602民初8号", "name": "（2020）浙0602民初8号"}
    with world.store.write() as s:
        sync_clues(s, [clue])
    confirm(world, clue["clue_id"])
    key = group_key("civil.lending_risk_signs", COURT, "330602")
    with world.store.write() as s:
        data = suggestion_draft(s, world.p("yc_pro"), key, now=NOW)
        group = next(g for g in governance_groups(s, world.p("yc_pro")) if g.key == key)
    assert group.subjects == 0 and group.case_numbers == ["（2020）浙0602民初8号"]
    doc = Document(io.BytesIO(data))
    text = body_text(doc)
    assert "2020年，浙江省绍兴市越城区人民法院办理的1件案件存在同类问题（案件清单见附件）" in text
    assert "当事人" not in text.split("附件")[0]
    assert [[c.text for c in r.cells] for r in doc.tables[-1].rows][1:] == [
        ["1", "（2020）浙0602民初8号", "—"]
    ]
    assert "“民间借贷风险特征”大数据法律监督模型" in text


def test_the_download_header_names_the_draft(lenders: World) -> None:
    from jiandu.web.pages import docx_response

    data = draft(lenders)
    header = docx_response(data, GROUP).headers["content-disposition"]
    assert header == data.content_disposition
    assert unquote(header.split("filename*=UTF-8''", 1)[1]) == data.file_name
    assert "suggestion" not in header and MODEL not in header
