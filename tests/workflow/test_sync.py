"""Syncing clues from model runs: idempotent upserts by clue_id, rescoring, jurisdictions."""

from __future__ import annotations

from sqlalchemy import func, select

from jiandu.workflow import ClueFilter, assign, get_clue, list_clues, sync_clues, transition
from jiandu.workflow.jurisdictions import admin_code, court_code
from jiandu.workflow.tables import Clue, Event
from tests.workflow.conftest import World, make_clue

C1 = f"c{1:031d}"


def counts(world: World) -> tuple[int, int]:
    with world.store.read() as s:
        return (
            s.execute(select(func.count()).select_from(Clue)).scalar_one(),
            s.execute(select(func.count()).select_from(Event)).scalar_one(),
        )


def test_syncing_the_same_clues_twice_changes_nothing(world: World) -> None:
    before = counts(world)
    with world.store.write() as s:
        result = sync_clues(
            s, [make_clue(n) for n in (1, 2, 3)] + [make_clue(n, court="浙0603") for n in (4, 5)]
        )
    assert (result.new, result.updated, result.rescored, result.unchanged) == (0, 0, 0, 5)
    assert counts(world) == before


def test_duplicates_within_one_sync_are_one_clue(world: World) -> None:
    with world.store.write() as s:
        result = sync_clues(s, [make_clue(7), make_clue(7), make_clue(8)])
    assert result.new == 2
    assert counts(world)[0] == 7


def test_a_new_run_rescores_without_touching_the_workflow(world: World) -> None:
    p = world.p("yc_pro")
    with world.store.write() as s:
        assign(s, p, C1, "yc_pro")
        transition(s, p, C1, "verifying")
    rerun = make_clue(1, score=55.5, version="1.1.0")
    rerun["explanation"] = "新的说明"
    rerun["run_id"] = "run-2"
    with world.store.write() as s:
        result = sync_clues(s, [rerun, make_clue(2)])
    assert (result.rescored, result.unchanged) == (1, 1)
    with world.store.read() as s:
        detail = get_clue(s, p, C1)
    assert (detail.status, detail.assignee) == ("verifying", "yc_pro")
    assert (detail.score, detail.band, detail.model_version, detail.explanation) == (
        55.5,
        "yellow",
        "1.1.0",
        "新的说明",
    )
    assert detail.run_id == "run-2" and detail.first_run_id == "run-1"
    rescored = detail.events[-1]
    assert rescored.kind == "rescored" and rescored.actor == "system"
    assert rescored.before == {"score": 89.0, "band": "red", "model_version": "1.0.0", "run_id": "run-1"}
    assert rescored.after == {"score": 55.5, "band": "yellow", "model_version": "1.1.0", "run_id": "run-2"}


def test_an_update_without_a_new_score_is_not_a_rescore(world: World) -> None:
    clue = make_clue(2)
    clue["explanation"] = "措辞调整"
    with world.store.write() as s:
        result = sync_clues(s, [clue])
    assert (result.updated, result.rescored) == (1, 0)
    with world.store.read() as s:
        assert [e.kind for e in get_clue(s, world.p("admin"), clue["clue_id"]).events] == ["created"]


def test_jurisdiction_from_case_numbers_then_region() -> None:
    assert court_code("（2023）浙0602民初1234号") == "浙0602"
    assert court_code("（2023）浙06民终12号") == "浙06"
    assert court_code("（2015）绍越商初字第123号") is None
    assert (
        admin_code("浙0602") == "330602" and admin_code("浙06") == "330600" and admin_code("苏") == "320000"
    )


def test_clues_land_in_the_right_jurisdiction(world: World) -> None:
    shengzhou = make_clue(11, court="浙0683")
    unknown_court = make_clue(12, court="浙0699")  # no such county here: its city 330600
    by_region = make_clue(13, region="zhejiang")
    by_region["evidence"] = []
    nowhere = make_clue(14, region=None)
    nowhere["evidence"] = []
    with world.store.write() as s:
        sync_clues(s, [shengzhou, unknown_court, by_region, nowhere])
    with world.store.read() as s:
        got = dict(
            s.execute(
                select(Clue.clue_id, Clue.jurisdiction_code).where(
                    Clue.clue_id.in_([c["clue_id"] for c in (shengzhou, unknown_court, by_region, nowhere)])
                )
            ).all()
        )
        assert got == {
            shengzhou["clue_id"]: "330683",
            unknown_court["clue_id"]: "330600",
            by_region["clue_id"]: "330000",
            nowhere["clue_id"]: None,
        }
        assert s.get(Clue, shengzhou["clue_id"]).court == "浙0683"  # type: ignore[union-attr]
        ids = {c.clue_id for c in list_clues(s, world.p("admin"), ClueFilter(), limit=100).items}
        assert nowhere["clue_id"] in ids  # the province (a root) sees clues with no jurisdiction
        city = {c.clue_id for c in list_clues(s, world.p("sx_pro"), limit=100).items}
        assert unknown_court["clue_id"] in city and nowhere["clue_id"] not in city
