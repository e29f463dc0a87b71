"""Feedback: the funnel and precision per model, version and jurisdiction on a fixture."""

from __future__ import annotations

import pytest

from jiandu.cli.workflow_cmd import stats_table
from jiandu.workflow import (
    assign,
    funnel,
    model_stats,
    record_changed_judgment,
    record_outcome,
    sync_clues,
    transition,
)
from tests.workflow.conftest import World, make_clue


def work(
    world: World, clue_id: str, steps: list[str], outcome: str | None = None, changed: bool = False
) -> None:
    p = world.p("admin")
    with world.store.write() as s:
        assign(s, p, clue_id, "yc_pro" if clue_id.endswith(("1", "2", "3", "6", "7")) else "kq_pro")
        for step in steps:
            if step in ("case_filed", "suggestion_issued"):
                world.approved(s, clue_id, step, by="admin")
                continue
            kwargs = {"reject_reason": "lawful"} if step == "rejected" else {}
            transition(s, p, clue_id, step, **kwargs)
        if outcome:
            cause = "rule_too_broad" if outcome == "false_positive" else None
            record_outcome(s, p, clue_id, outcome, cause=cause)
        if changed:
            record_changed_judgment(s, p, clue_id)


@pytest.fixture
def worked(world: World) -> World:
    with world.store.write() as s:
        sync_clues(s, [make_clue(6, model="criminal.other", version="2.0"), make_clue(7, version="1.1.0")])
    cid = [f"c{n:031d}" for n in range(8)]
    work(world, cid[1], ["verifying", "case_filed", "suggestion_issued", "closed"], "confirmed", changed=True)
    work(world, cid[2], ["verifying", "case_filed"], "valuable")
    work(world, cid[3], ["verifying", "rejected", "closed"], "false_positive")
    work(world, cid[4], ["verifying", "suggestion_issued"], "confirmed")
    work(world, cid[5], ["verifying"])
    work(world, cid[7], ["verifying", "rejected"], "false_positive")
    return world


def test_funnel_and_precision_per_model_version_and_jurisdiction(worked: World) -> None:
    with worked.store.read() as s:
        rows = model_stats(s, worked.p("admin"))
    by_key = {(r.model_id, r.model_version, r.jurisdiction_code): r for r in rows}
    yc = by_key[("civil.repeat_plaintiff_basic", "1.0.0", "330602")]
    assert (yc.clues, yc.verified, yc.cases, yc.suggestions, yc.changed_judgments) == (3, 3, 2, 1, 1)
    assert (yc.confirmed, yc.valuable, yc.false_positive) == (1, 1, 1)
    assert yc.precision == pytest.approx(2 / 3) and yc.conversion == pytest.approx(2 / 3)
    assert yc.jurisdiction_name == "绍兴市越城区人民检察院"
    kq = by_key[("civil.repeat_plaintiff_basic", "1.0.0", "330603")]
    assert (kq.clues, kq.verified, kq.cases, kq.suggestions, kq.changed_judgments) == (2, 1, 0, 1, 0)
    assert kq.precision == 1.0 and kq.conversion == 0.0
    v11 = by_key[("civil.repeat_plaintiff_basic", "1.1.0", "330602")]
    assert (v11.clues, v11.false_positive, v11.precision) == (1, 1, 0.0)
    other = by_key[("criminal.other", "2.0", "330602")]
    assert (other.clues, other.verified, other.precision, other.conversion) == (1, 0, None, 0.0)
    assert funnel(rows) == {"clues": 7, "verified": 5, "cases": 2, "suggestions": 2, "changed_judgments": 1}


def test_stats_follow_the_jurisdiction(worked: World) -> None:
    with worked.store.read() as s:
        rows = model_stats(s, worked.p("kq_pro"), model_id="civil.repeat_plaintiff_basic")
        assert {r.jurisdiction_code for r in rows} == {"330603"}
        overall = model_stats(s, worked.p("zj_viewer"), by_jurisdiction=False)
    assert {(r.model_id, r.model_version, r.clues) for r in overall} == {
        ("civil.repeat_plaintiff_basic", "1.0.0", 5),
        ("civil.repeat_plaintiff_basic", "1.1.0", 1),
        ("criminal.other", "2.0", 1),
    }


def test_stats_table_renders(worked: World) -> None:
    from rich.console import Console

    with worked.store.read() as s:
        rows = model_stats(s, worked.p("admin"))
    console = Console(width=200, record=True)
    console.print(stats_table(rows))
    text = console.export_text()
    assert "civil.repeat_plaintiff_basic" in text and "66.7%" in text and "越城区" in text
