"""未再命中: a full sync marks the clues the latest successful run of their model no longer
produced, unmarks them when a run finds them again, and never touches the workflow state; a
partial sync (the API's) never marks anything."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from jiandu.workflow import (
    ClueFilter,
    LatestRun,
    assign,
    count_clues,
    get_clue,
    list_clues,
    mark_not_found,
    sync_clues,
    sync_clues_as,
    transition,
)
from jiandu.workflow.tables import Clue, Event
from tests.workflow.conftest import World, make_clue

MODEL = "civil.repeat_plaintiff_basic"
OTHER = "civil.other_model"
C = {n: f"c{n:031d}" for n in range(1, 10)}
FINISHED = dt.datetime(2026, 12, 4, 8, 30)  # naive UTC, as the analytic store gives it


def full_sync(world: World, clues: list[dict], runs: dict[str, LatestRun]) -> tuple[int, int]:
    """What `jiandu clues sync` does: upsert every clue, then mark and unmark."""
    with world.store.write() as s:
        sync_clues(s, clues)
        result = mark_not_found(s, [c["clue_id"] for c in clues], runs)
    return result.marked, result.found_again


def events(world: World, clue_id: str, kind: str | None = None) -> list[Event]:
    with world.store.read() as s:
        query = select(Event).where(Event.entity_type == "clue", Event.entity_id == clue_id)
        if kind:
            query = query.where(Event.kind == kind)
        return list(s.execute(query.order_by(Event.seq)).scalars())


def event_count(world: World) -> int:
    with world.store.read() as s:
        return s.execute(select(func.count()).select_from(Event)).scalar_one()


def marks(world: World) -> dict[str, str | None]:
    with world.store.read() as s:
        return {r.clue_id: r.not_found_run_id for r in s.execute(select(Clue.clue_id, Clue.not_found_run_id))}


def test_a_clue_the_latest_ok_run_no_longer_gives_is_marked_and_keeps_its_work(world: World) -> None:
    p = world.p("yc_pro")
    with world.store.write() as s:
        assign(s, p, C[2], "yc_pro")
        transition(s, p, C[2], "verifying")
    runs = {MODEL: LatestRun("run-2", "ok", FINISHED)}
    without_2 = [make_clue(n) for n in (1, 3)] + [make_clue(n, court="浙0603") for n in (4, 5)]
    assert full_sync(world, without_2, runs) == (1, 0)
    assert marks(world) == {C[1]: None, C[2]: "run-2", C[3]: None, C[4]: None, C[5]: None}
    with world.store.read() as s:
        detail = get_clue(s, world.p("admin"), C[2])
    assert (detail.status, detail.assignee, detail.outcome) == ("verifying", "yc_pro", None)
    assert detail.not_found_run_id == "run-2"
    assert detail.not_found_at is not None
    assert detail.not_found_at.replace(tzinfo=None) == FINISHED
    (event,) = events(world, C[2], "not_found")
    assert event.before == {"not_found_run_id": None, "run_id": "run-1"}
    assert event.after == {"not_found_run_id": "run-2"}
    assert event.actor == "system" and "未再命中" in (event.reason or "")
    # idempotent: the same sync again appends nothing and marks nothing
    before = event_count(world)
    assert full_sync(world, without_2, runs) == (0, 0)
    assert event_count(world) == before
    # the next successful run that still does not give it: the mark keeps the first run that
    # no longer found it, and the clue's timeline gets nothing new (no event per daily run)
    runs = {MODEL: LatestRun("run-3", "ok", FINISHED + dt.timedelta(days=1))}
    assert full_sync(world, [make_clue(n) for n in (1, 3)], runs) == (2, 0)  # 4 and 5 now
    assert marks(world) == {C[1]: None, C[2]: "run-2", C[3]: None, C[4]: "run-3", C[5]: "run-3"}
    assert len(events(world, C[2], "not_found")) == 1


def test_a_model_whose_latest_run_failed_or_was_skipped_or_never_ran_marks_nothing(world: World) -> None:
    with world.store.write() as s:
        sync_clues(s, [make_clue(8, model=OTHER), make_clue(9, model="civil.never_ran")])
    before = event_count(world)
    for status in ("failed", "skipped"):
        runs = {MODEL: LatestRun("run-2", status, FINISHED), OTHER: LatestRun("run-2", status, FINISHED)}
        assert full_sync(world, [make_clue(1)], runs) == (0, 0)
    assert full_sync(world, [make_clue(1)], {}) == (0, 0)
    assert set(marks(world).values()) == {None}
    assert event_count(world) == before
    # only the model whose latest run succeeded is marked
    runs = {MODEL: LatestRun("run-2", "failed", FINISHED), OTHER: LatestRun("run-2", "ok", FINISHED)}
    assert full_sync(world, [make_clue(1)], runs) == (1, 0)
    assert {k for k, v in marks(world).items() if v} == {C[8]}


def test_a_clue_found_again_is_unmarked_with_an_event(world: World) -> None:
    runs = {MODEL: LatestRun("run-2", "ok", FINISHED)}
    full_sync(world, [make_clue(n) for n in (1, 2, 3)], runs)
    assert marks(world)[C[4]] == "run-2"
    back = make_clue(4, court="浙0603")
    back["run_id"] = "run-3"
    runs = {MODEL: LatestRun("run-3", "ok", FINISHED + dt.timedelta(hours=1))}
    assert full_sync(world, [make_clue(n) for n in (1, 2, 3)] + [back], runs) == (0, 1)  # 5 stays run-2's
    assert marks(world)[C[4]] is None and marks(world)[C[5]] == "run-2"
    (event,) = events(world, C[4], "found_again")
    assert event.before == {"not_found_run_id": "run-2"}
    assert event.after == {"not_found_run_id": None, "run_id": "run-3"}
    with world.store.read() as s:
        detail = get_clue(s, world.p("admin"), C[4])
    assert detail.not_found_run_id is None and detail.not_found_at is None
    assert [e.kind for e in detail.events][-2:] == ["not_found", "found_again"]


def test_a_partial_sync_never_marks(world: World) -> None:
    before = event_count(world)
    with world.store.write() as s:
        result = sync_clues_as(s, world.p("yc_analyst"), [make_clue(1)])
    assert (result.not_found, result.found_again) == (0, 0)
    with world.store.write() as s:
        sync_clues(s, [make_clue(2)])
    assert set(marks(world).values()) == {None}
    assert event_count(world) == before


def test_the_queue_shows_and_filters_clues_no_longer_found(world: World) -> None:
    full_sync(world, [make_clue(n) for n in (1, 3)], {MODEL: LatestRun("run-2", "ok", FINISHED)})
    admin = world.p("admin")
    with world.store.read() as s:
        rows = {c.clue_id: c for c in list_clues(s, admin).items}
        assert rows[C[2]].not_found_run_id == "run-2" and rows[C[1]].not_found_run_id is None
        only = [c.clue_id for c in list_clues(s, admin, ClueFilter(not_found="only")).items]
        hidden = [c.clue_id for c in list_clues(s, admin, ClueFilter(not_found="hide")).items]
        assert sorted(only) == [C[2], C[4], C[5]]
        assert sorted(hidden) == [C[1], C[3]]
        assert count_clues(s, admin, ClueFilter(not_found="only")) == 3
