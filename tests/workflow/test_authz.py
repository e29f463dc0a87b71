"""Authorization at the service layer: jurisdictions × roles, and masking in every output."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from jiandu.workflow import (
    ClueFilter,
    InvalidTransition,
    NotFound,
    Permission,
    PermissionDenied,
    Principal,
    WorkflowError,
    add_jurisdiction,
    add_user,
    approve,
    assign,
    clue_events,
    count_clues,
    create_token,
    export_clues,
    get_clue,
    governance_groups,
    list_clues,
    list_users,
    model_stats,
    record_changed_judgment,
    record_outcome,
    suggestion_draft,
    sync_clues_as,
    transition,
)
from jiandu.workflow.authz import PERMISSIONS, Role
from tests.workflow.conftest import ID_NUMBER, PHONE, World, make_clue

YC = [f"c{n:031d}" for n in (1, 2, 3)]  # 越城
KQ = [f"c{n:031d}" for n in (4, 5)]  # 柯桥


def visible_ids(world: World, user: str) -> set[str]:
    with world.store.read() as s:
        return {c.clue_id for c in list_clues(s, world.p(user), limit=500).items}


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("yc_pro", set(YC)),
        ("yc_viewer", set(YC)),
        ("kq_pro", set(KQ)),
        ("sx_pro", set(YC + KQ)),
        ("admin", set(YC + KQ)),
        ("zj_viewer", set(YC + KQ)),
    ],
)
def test_each_office_lists_its_own_clues(world: World, user: str, expected: set[str]) -> None:
    assert visible_ids(world, user) == expected
    with world.store.read() as s:
        assert count_clues(s, world.p(user)) == len(expected)


def test_a_county_user_cannot_read_list_export_or_change_another_countys_clue(world: World) -> None:
    kq_clue = KQ[0]
    p = world.p("yc_pro")
    with world.store.read() as s:
        with pytest.raises(NotFound):
            get_clue(s, p, kq_clue)
        with pytest.raises(NotFound):
            clue_events(s, p, kq_clue)
        assert kq_clue not in {
            c.clue_id for c in list_clues(s, p, ClueFilter(jurisdiction_code="330603")).items
        }
        assert list_clues(s, p, ClueFilter(jurisdiction_code="330603")).items == []
    with world.store.write() as s:
        exported = {c["clue_id"] for c in export_clues(s, p)}
    assert exported == set(YC)
    changes: list[Callable[[Session], Any]] = [
        lambda s: assign(s, p, kq_clue, "yc_pro"),
        lambda s: transition(s, p, kq_clue, "verifying"),
        lambda s: record_outcome(s, p, kq_clue, "confirmed"),
        lambda s: record_changed_judgment(s, p, kq_clue),
        lambda s: transition(s, p, YC[0], "merged", merged_into=kq_clue),
    ]
    for i, change in enumerate(changes):
        if i == 4:  # put YC[0] in verifying so only the merge target is wrong
            with world.store.write() as s:
                assign(s, p, YC[0], "yc_pro")
                transition(s, p, YC[0], "verifying")
        with world.store.write() as s, pytest.raises(NotFound):
            change(s)


def test_a_viewer_cannot_change_anything(world: World) -> None:
    v = world.p("yc_viewer")
    attempts: list[Callable[[Session], Any]] = [
        lambda s: assign(s, v, YC[0], "yc_pro"),
        lambda s: transition(s, v, YC[0], "verifying"),
        lambda s: record_outcome(s, v, YC[0], "confirmed"),
        lambda s: record_changed_judgment(s, v, YC[0]),
        lambda s: sync_clues_as(s, v, [make_clue(9)]),
        lambda s: add_user(s, v, "x1", role="viewer", jurisdiction_code="330602"),
        lambda s: add_jurisdiction(s, v, "330699", "测试", parent_code="330600"),
        lambda s: list(export_clues(s, v)),
        lambda s: suggestion_draft(s, v, "any"),
        lambda s: list_users(s, v),
        lambda s: create_token(s, v, "yc_pro"),
    ]
    for attempt in attempts:
        with world.store.write() as s, pytest.raises(WorkflowError):
            attempt(s)
    with world.store.read() as s:
        detail = get_clue(s, v, YC[0])
        assert (detail.status, detail.assignee, len(detail.events)) == ("new", None, 1)


@pytest.mark.parametrize("role", list(Role))
def test_role_permissions_follow_the_matrix(world: World, role: Role) -> None:
    """Each service entry point refuses exactly the roles the matrix leaves out."""
    name = {
        "admin": "admin",
        "chief": "yc_chief",
        "analyst": "yc_analyst",
        "prosecutor": "yc_pro",
        "auditor": "zj_auditor",
        "viewer": "yc_viewer",
    }[role.value]
    p = world.p(name)
    checks: dict[Permission, Callable[[Session], Any]] = {
        Permission.CLUE_READ: lambda s: list_clues(s, p),
        Permission.CLUE_EXPORT: lambda s: list(export_clues(s, p)),
        Permission.CLUE_SYNC: lambda s: sync_clues_as(s, p, []),
        Permission.STATS_READ: lambda s: model_stats(s, p),
        Permission.GOVERNANCE_READ: lambda s: governance_groups(s, p),
        Permission.USER_ADMIN: lambda s: list_users(s, p),
        Permission.CLUE_APPROVE: lambda s: _approve_if_allowed(s, p),
    }
    for permission, call in checks.items():
        with world.store.write() as s:
            if permission in PERMISSIONS[role]:
                call(s)
            else:
                with pytest.raises(PermissionDenied):
                    call(s)


def _approve_if_allowed(session: Session, p: Principal) -> None:
    """Approving asks for the permission first: allowed roles get to the next check."""
    try:
        approve(session, p, YC[0])
    except InvalidTransition as error:  # allowed, but there is nothing to approve
        assert "no proposal" in str(error)


def dump(value: Any) -> str:
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    return json.dumps(value, ensure_ascii=False, default=str)


@pytest.mark.parametrize("user", ["yc_viewer", "yc_analyst", "zj_auditor"])
def test_masked_fields_never_appear_for_roles_that_may_not_see_them(world: World, user: str) -> None:
    p: Principal = world.p(user)
    outputs: list[str] = []
    with world.store.write() as s:
        assign(s, world.p("yc_pro"), YC[0], "yc_pro", reason=f"当事人身份证{ID_NUMBER}")
    with world.store.write() as s:
        outputs.append(dump(list_clues(s, p)))
        outputs.append(dump(get_clue(s, p, YC[0])))
        outputs.append(dump(clue_events(s, p, YC[0])))
        if p.can(Permission.CLUE_EXPORT):
            outputs.append(dump(list(export_clues(s, p))))
    text = "\n".join(outputs)
    assert ID_NUMBER not in text and PHONE not in text and "解放北路" not in text
    assert "330602********1234" in text and "138****5678" in text


def test_prosecutors_see_personal_data(world: World) -> None:
    with world.store.read() as s:
        text = dump(get_clue(s, world.p("yc_pro"), YC[0]))
    assert ID_NUMBER in text and PHONE in text and "解放北路" in text
