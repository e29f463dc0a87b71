"""Governance: confirmed clues grouped into class cases, and the 检察建议书 draft (.docx)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from jiandu.workflow import (
    NotFound,
    PermissionDenied,
    assign,
    governance_groups,
    record_outcome,
    suggestion_draft,
)
from jiandu.workflow import transition as move
from jiandu.workflow.governance import date_zh, group_key
from tests.workflow.conftest import World

CIVIL = "civil.repeat_plaintiff_basic"


def confirm(world: World, n: int, outcome: str = "confirmed") -> None:
    clue_id = f"c{n:031d}"
    p = world.p("admin")
    with world.store.write() as s:
        assign(s, p, clue_id, "admin")
        move(s, p, clue_id, "verifying")
        world.approved(s, clue_id, "case_filed", by="admin")
        cause = "rule_too_broad" if outcome == "false_positive" else None
        record_outcome(s, p, clue_id, outcome, cause=cause)


@pytest.fixture
def confirmed(world: World) -> World:
    confirm(world, 1)
    confirm(world, 2, "valuable")
    confirm(world, 3, "false_positive")  # not part of any group
    confirm(world, 4)
    return world


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_groups_by_model_court_and_jurisdiction(confirmed: World) -> None:
    with confirmed.store.read() as s:
        groups = governance_groups(s, confirmed.p("sx_pro"))
    assert [(g.key, g.clues) for g in groups] == [
        (group_key(CIVIL, "浙0602", "330602"), 2),
        (group_key(CIVIL, "浙0603", "330603"), 1),
    ]
    yc = groups[0]
    assert yc.court_name == "浙江省绍兴市越城区人民法院"
    assert yc.case_numbers == [
        "（2023）浙0602民初101号",
        "（2023）浙0602民初102号",
        "（2024）浙0602民初201号",
        "（2024）浙0602民初202号",
    ]
    assert (yc.first_year, yc.last_year, yc.subjects) == (2023, 2024, 2)
    with confirmed.store.read() as s:
        assert [g.court for g in governance_groups(s, confirmed.p("kq_pro"))] == ["浙0603"]


def test_the_draft_cites_the_cases_and_figures(confirmed: World) -> None:
    key = group_key(CIVIL, "浙0602", "330602")
    with confirmed.store.write() as s:
        data = suggestion_draft(
            s, confirmed.p("yc_pro"), key, model_title="职业放贷人识别", today=dt.date(2024, 5, 6)
        )
    text = docx_text(data)
    for case_number in ("（2023）浙0602民初101号", "（2024）浙0602民初202号"):
        assert case_number in text
    assert (
        "检察建议书" in text and "绍兴市越城区人民检察院" in text and "浙江省绍兴市越城区人民法院：" in text
    )
    assert "2023年至2024年，浙江省绍兴市越城区人民法院办理的4件案件存在同类问题，涉及2个当事人" in text
    assert "“职业放贷人识别”大数据法律监督模型" in text and "涉及案件清单（共4件）" in text
    assert "二〇二四年五月六日" in text
    assert "{{" not in text and "{%" not in text


def test_draft_permissions_and_scope(confirmed: World) -> None:
    key = group_key(CIVIL, "浙0602", "330602")
    with confirmed.store.read() as s:
        with pytest.raises(NotFound):
            suggestion_draft(s, confirmed.p("kq_pro"), key)  # another county's group
        with pytest.raises(PermissionDenied):
            suggestion_draft(s, confirmed.p("zj_viewer"), key)
        with pytest.raises(NotFound):
            suggestion_draft(s, confirmed.p("admin"), "no|such|group")


def test_chinese_dates() -> None:
    assert date_zh(dt.date(2024, 5, 6)) == "二〇二四年五月六日"
    assert date_zh(dt.date(2020, 10, 20)) == "二〇二〇年十月二十日"
    assert date_zh(dt.date(2019, 12, 31)) == "二〇一九年十二月三十一日"
