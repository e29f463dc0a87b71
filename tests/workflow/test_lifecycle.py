"""The clue lifecycle: every allowed transition, refused ones, and the events they leave."""

from __future__ import annotations

import pytest

from jiandu.workflow import (
    InvalidInput,
    InvalidTransition,
    PermissionDenied,
    approve,
    assign,
    get_clue,
    propose,
    record_changed_judgment,
    record_outcome,
    transition,
)
from jiandu.workflow.lifecycle import NEEDS_APPROVAL, TRANSITIONS, Status, transition_error
from tests.workflow.conftest import World

C1, C2, C3 = (f"c{n:031d}" for n in (1, 2, 3))


def to_verifying(world: World, clue_id: str, user: str = "yc_pro") -> None:
    with world.store.write() as s:
        assign(s, world.p(user), clue_id, user)
        transition(s, world.p(user), clue_id, "verifying", reason="开始核查")


def test_the_transition_table_is_one_closed_graph() -> None:
    assert set(TRANSITIONS) == set(Status)
    for targets in TRANSITIONS.values():
        assert targets <= set(Status)
    assert TRANSITIONS[Status.CLOSED] == frozenset()
    assert transition_error("new", "assigned") is None
    message = transition_error("new", "case_filed")
    assert message is not None and "allowed next: assigned" in message


def test_full_path_to_a_case_with_events(world: World) -> None:
    p = world.p("yc_pro")
    to_verifying(world, C1)
    with world.store.write() as s:
        propose(s, p, C1, "case_filed", reason="立案监督")
        approve(s, world.p("yc_chief"), C1, reason="同意立案")
        record_outcome(s, p, C1, "confirmed", reason="经核查属实")
        world.approved(s, C1, "suggestion_issued")
        record_changed_judgment(s, p, C1, reason="法院再审改判")
        detail = transition(s, p, C1, "closed", reason="办结")
    assert detail.status == "closed"
    assert detail.allowed_next == []
    assert detail.verified_at and detail.case_filed_at and detail.suggestion_at and detail.changed_judgment_at
    kinds = [e.kind for e in detail.events]
    assert kinds == [
        "created",
        "assigned",
        "status_changed",
        "proposed",
        "approved",
        "outcome_recorded",
        "proposed",
        "approved",
        "changed_judgment",
        "status_changed",
    ]
    proposed, filed = detail.events[3], detail.events[4]
    assert (proposed.actor, proposed.reason) == ("yc_pro", "立案监督")
    assert proposed.before == {"proposal": None} and proposed.after == {"proposal": "case_filed"}
    assert (filed.actor, filed.reason) == ("yc_chief", "同意立案")
    assert filed.before == {"proposal": "case_filed", "status": "verifying", "due_at": filed.before["due_at"]}
    assert filed.after == {"proposal": None, "status": "case_filed", "due_at": None, "proposed_by": "yc_pro"}
    outcome = detail.events[5]
    assert outcome.before == {"outcome": None} and outcome.after == {"outcome": "confirmed"}
    assigned = detail.events[1].after
    assert assigned is not None and assigned.pop("due_at") is not None
    assert assigned == {"assignee": "yc_pro", "status": "assigned"}
    assert all(e.at is not None and len(e.hash) == 64 for e in detail.events)


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ([], "merged"),
        ([], "case_filed"),
        ([], "closed"),
        (["verifying"], "assigned"),
        (["verifying"], "new"),
        (["verifying", "rejected"], "case_filed"),
        (["verifying", "case_filed", "closed"], "verifying"),
        (["verifying", "suggestion_issued"], "case_filed"),
    ],
)
def test_invalid_transitions_are_refused_with_a_clear_message(
    world: World, path: list[str], target: str
) -> None:
    p = world.p("admin")
    with world.store.write() as s:
        assign(s, p, C2, "yc_pro")
        for step in path:
            if step in NEEDS_APPROVAL:
                world.approved(s, C2, step, by="admin")
                continue
            kwargs = {"reject_reason": "lawful"} if step == "rejected" else {}
            transition(s, p, C2, step, **kwargs)
    with world.store.write() as s, pytest.raises((InvalidTransition, InvalidInput)) as err:
        transition(s, p, C2, target)
    assert target in str(err.value) or "assign" in str(err.value)
    with world.store.read() as s:
        assert get_clue(s, p, C2).status == (path[-1] if path else "assigned")


def test_a_new_clue_cannot_jump_to_verifying(world: World) -> None:
    with world.store.write() as s, pytest.raises(InvalidTransition, match=r"from new .* to verifying"):
        transition(s, world.p("yc_pro"), C1, "verifying")


def test_reject_needs_a_reason_code(world: World) -> None:
    to_verifying(world, C1)
    p = world.p("yc_pro")
    with world.store.write() as s, pytest.raises(InvalidInput, match="reason code"):
        transition(s, p, C1, "rejected")
    with world.store.write() as s, pytest.raises(InvalidInput, match="written reason"):
        transition(s, p, C1, "rejected", reject_reason="other")
    with world.store.write() as s:
        detail = transition(s, p, C1, "rejected", reject_reason="insufficient_evidence", reason="证据不足")
    assert detail.reject_reason == "insufficient_evidence"
    rejected = {"reject_reason": "insufficient_evidence", "status": "rejected", "due_at": None}
    assert detail.events[-1].after == rejected


def test_merge_into_another_clue(world: World) -> None:
    to_verifying(world, C1)
    p = world.p("yc_pro")
    with world.store.write() as s, pytest.raises(InvalidInput, match="itself"):
        transition(s, p, C1, "merged", merged_into=C1)
    with world.store.write() as s, pytest.raises(Exception, match="no clue"):
        transition(s, p, C1, "merged", merged_into="nope")
    with world.store.write() as s:
        detail = transition(s, p, C1, "merged", merged_into=C2, reason="同一原告")
    assert (detail.status, detail.merged_into) == ("merged", C2)


def test_returning_to_the_pool_clears_the_assignee(world: World) -> None:
    p = world.p("yc_pro")
    with world.store.write() as s:
        assign(s, p, C1, "yc_pro2")
    with world.store.write() as s:
        detail = transition(s, world.p("yc_pro2"), C1, "new", reason="不属本人办理")
    assert (detail.status, detail.assignee) == ("new", None)


def test_only_the_assignee_or_an_admin_works_an_assigned_clue(world: World) -> None:
    with world.store.write() as s:
        assign(s, world.p("yc_pro"), C1, "yc_pro")
    with world.store.write() as s, pytest.raises(PermissionDenied, match="assigned to yc_pro"):
        transition(s, world.p("yc_pro2"), C1, "verifying")
    with world.store.write() as s:
        assert transition(s, world.p("admin"), C1, "verifying").status == "verifying"


def test_assign_checks_the_assignee(world: World) -> None:
    p = world.p("sx_pro")
    with world.store.write() as s, pytest.raises(InvalidInput, match="prosecutor or an admin"):
        assign(s, p, C1, "yc_viewer")
    with world.store.write() as s, pytest.raises(InvalidInput, match="outside"):
        assign(s, p, C1, "kq_pro")  # a 柯桥 prosecutor for a 越城 clue
    with world.store.write() as s:
        assert assign(s, p, C1, "yc_pro").assignee == "yc_pro"
    with world.store.write() as s:
        detail = assign(s, world.p("yc_pro"), C1, "yc_pro2", reason="回避")
    assert detail.assignee == "yc_pro2" and detail.status == "assigned"
    assert detail.events[-1].before == {"assignee": "yc_pro"}


def test_outcome_rules(world: World) -> None:
    p = world.p("yc_pro")
    with world.store.write() as s:
        assign(s, p, C1, "yc_pro")
    with world.store.write() as s, pytest.raises(InvalidTransition, match="verification has started"):
        record_outcome(s, p, C1, "confirmed")
    to_verifying_only = world.store.write
    with to_verifying_only() as s:
        transition(s, p, C1, "verifying")
    with world.store.write() as s, pytest.raises(InvalidInput, match="unknown outcome"):
        record_outcome(s, p, C1, "great")
    with world.store.write() as s:
        record_outcome(s, p, C1, "false_positive", cause="namesake", feedback="同名不同人")
        detail = record_outcome(s, p, C1, "valuable", reason="更正")
    assert detail.outcome == "valuable" and detail.outcome_model_version == "1.0.0"
    with world.store.write() as s, pytest.raises(InvalidTransition, match="changed judgment follows"):
        record_changed_judgment(s, p, C1)


def test_a_refused_change_leaves_no_event(world: World) -> None:
    with world.store.read() as s:
        before = len(get_clue(s, world.p("admin"), C1).events)
    with world.store.write() as s, pytest.raises(InvalidTransition):
        transition(s, world.p("admin"), C1, "closed")
    with world.store.read() as s:
        assert len(get_clue(s, world.p("admin"), C1).events) == before
