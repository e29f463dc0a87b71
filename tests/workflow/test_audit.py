"""The hash-chained event log: intact chains verify; altering, deleting, reordering or re-hashing
any stored event is detected and named — on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update

from jiandu.workflow import (
    NotFound,
    PermissionDenied,
    add_user,
    assign,
    clue_events,
    export_clues,
    get_clue,
    list_events,
    sync_clues,
    system_principal,
    transition,
    verify_log,
)
from jiandu.workflow.audit import GENESIS, VerifyResult, event_hash
from jiandu.workflow.audit_keys import KEY_FILE, load_key
from jiandu.workflow.tables import Clue, Event, User
from jiandu.workflow.users import principal_for
from tests.workflow.conftest import KEQIAO, SHAOXING, YUECHENG, World, make_clue

C1, C2 = f"c{1:031d}", f"c{2:031d}"


@pytest.fixture
def busy(world: World) -> World:
    """The world plus a few clue events, so the chain has a middle and an end."""
    p = world.p("yc_pro")
    with world.store.write() as s:
        assign(s, p, C1, "yc_pro")
        transition(s, p, C1, "verifying", reason="开始核查")
        transition(s, p, C1, "rejected", reject_reason="lawful", reason="经核查合法")
    return world


def verify(world: World) -> VerifyResult:
    with world.store.read() as s:
        return verify_log(s, world.p("zj_auditor"))


def middle(world: World) -> tuple[int, int]:
    with world.store.read() as s:
        seqs = list(s.execute(select(Event.seq).order_by(Event.seq)).scalars())
    return seqs[len(seqs) // 2], seqs[-1]


def test_an_intact_chain_verifies(busy: World) -> None:
    result = verify(busy)
    assert result.ok and result.problem is None
    assert result.head_seq is not None and result.events == result.head_seq > 20
    with busy.store.read() as s:
        first = s.execute(select(Event).where(Event.seq == 1)).scalar_one()
        assert first.prev_hash == GENESIS
        fields = {
            k: getattr(first, k)
            for k in ("seq", "at", "actor", "kind", "entity_type", "entity_id", "reason", "before", "after")
        }
        key = load_key(busy.store.workspace / KEY_FILE)  # type: ignore[operator]
        assert key is not None and event_hash(fields, GENESIS, key) == first.hash
        assert event_hash(fields, GENESIS) != first.hash  # keyed: plain sha256 does not match


@pytest.mark.parametrize(
    "change",
    [
        {"reason": "篡改"},
        {"actor": "someone"},
        {"after": {"status": "case_filed"}},
        {"kind": "created"},
        {"entity_id": "c0"},
    ],
    ids=["reason", "actor", "after", "kind", "entity_id"],
)
def test_altering_a_field_is_detected(busy: World, change: dict[str, object]) -> None:
    seq, _ = middle(busy)
    with busy.store.write() as s:
        s.execute(update(Event).where(Event.seq == seq).values(**change))
    result = verify(busy)
    assert not result.ok and result.problem is not None
    assert (result.problem.kind, result.problem.seq) == ("altered", seq)
    assert f"seq {seq}" in result.problem.message


def test_altering_the_time_is_detected(busy: World) -> None:
    seq, _ = middle(busy)
    with busy.store.write() as s:
        at = s.execute(select(Event.at).where(Event.seq == seq)).scalar_one()
        s.execute(update(Event).where(Event.seq == seq).values(at=at.replace(year=2020)))
    assert verify(busy).problem.kind == "altered"  # type: ignore[union-attr]


def test_deleting_an_event_is_detected(busy: World) -> None:
    seq, _ = middle(busy)
    with busy.store.write() as s:
        s.execute(delete(Event).where(Event.seq == seq))
    result = verify(busy)
    assert result.problem is not None and result.problem.kind == "deleted"
    assert f"seq {seq} missing" in result.problem.message


def test_deleting_the_newest_event_is_detected(busy: World) -> None:
    _, last = middle(busy)
    with busy.store.write() as s:
        s.execute(delete(Event).where(Event.seq == last))
    result = verify(busy)
    assert result.problem is not None and result.problem.kind == "deleted"
    assert "newest events were removed" in result.problem.message


def test_swapping_two_events_is_detected(busy: World) -> None:
    seq, _ = middle(busy)
    other = seq + 2
    with busy.store.write() as s:
        s.execute(update(Event).where(Event.seq == seq).values(seq=-1))
        s.execute(update(Event).where(Event.seq == other).values(seq=seq))
        s.execute(update(Event).where(Event.seq == -1).values(seq=other))
    result = verify(busy)
    assert result.problem is not None and result.problem.kind == "reordered"
    assert result.problem.seq == seq


def test_swapping_two_rows_contents_is_detected(busy: World) -> None:
    seq, _ = middle(busy)
    columns = (
        "seq",
        "at",
        "actor",
        "kind",
        "entity_type",
        "entity_id",
        "reason",
        "before",
        "after",
        "prev_hash",
        "hash",
    )
    with busy.store.write() as s:
        a = s.execute(select(Event).where(Event.seq == seq)).scalar_one()
        b = s.execute(select(Event).where(Event.seq == seq + 1)).scalar_one()
        va = {c: getattr(a, c) for c in columns}
        vb = {c: getattr(b, c) for c in columns}
        ida, idb = a.id, b.id
        s.expunge_all()
        s.execute(update(Event).where(Event.id == ida).values(seq=-1))
        s.execute(update(Event).where(Event.id == idb).values(**va))
        s.execute(update(Event).where(Event.id == ida).values(**vb))
    result = verify(busy)
    assert result.problem is not None and result.problem.kind == "reordered"
    assert "rows swapped" in result.problem.message


def test_changing_a_hash_is_detected(busy: World) -> None:
    seq, _ = middle(busy)
    with busy.store.write() as s:
        s.execute(update(Event).where(Event.seq == seq).values(hash="f" * 64))
    result = verify(busy)
    assert result.problem is not None and result.problem.kind == "altered" and result.problem.seq == seq
    assert "stored hash" in result.problem.message


def test_rewriting_an_event_with_a_recomputed_hash_is_detected(busy: World) -> None:
    seq, _ = middle(busy)
    with busy.store.write() as s:
        e = s.execute(select(Event).where(Event.seq == seq)).scalar_one()
        fields = {
            k: getattr(e, k)
            for k in ("seq", "at", "actor", "kind", "entity_type", "entity_id", "before", "after")
        }
        fields["reason"] = "伪造"
        new_hash = event_hash(fields, e.prev_hash)
        s.execute(update(Event).where(Event.seq == seq).values(reason="伪造", hash=new_hash))
    result = verify(busy)
    assert result.problem is not None and result.problem.kind == "altered" and result.problem.seq == seq


def test_only_auditors_and_admins_read_the_log(busy: World) -> None:
    with busy.store.read() as s:
        events = list_events(s, busy.p("zj_auditor"), limit=1000)
        assert [e.seq for e in events] == sorted(e.seq for e in events)
        assert any(e.kind == "user_added" for e in events)
        for role_user in ("yc_pro", "zj_viewer", "yc_analyst"):
            with pytest.raises(PermissionDenied):
                list_events(s, busy.p(role_user))
            with pytest.raises(PermissionDenied):
                verify_log(s, busy.p(role_user))


def test_the_log_shows_masked_reasons_to_auditors(busy: World) -> None:
    with busy.store.write() as s:
        transition(s, busy.p("yc_pro"), C1, "closed", reason="当事人电话13812345678已核实")
    with busy.store.read() as s:
        last = list_events(s, busy.p("zj_auditor"), entity_id=C1)[-1]
        assert last.reason == "当事人电话138****5678已核实"
        assert list_events(s, busy.p("admin"), entity_id=C1)[-1].reason == "当事人电话13812345678已核实"


# ---------------------------------------------------------------- what an investigator asks for


def test_each_view_of_personal_data_is_an_event(world: World) -> None:
    with world.store.write() as s:
        detail = get_clue(s, world.p("yc_pro"), C1)
    assert all(e.kind != "personal_data_viewed" for e in detail.events)  # an access, not a change
    with world.store.write() as s:
        get_clue(s, world.p("yc_viewer"), C1)  # masked for a viewer: nothing personal was shown
        with pytest.raises(NotFound):
            get_clue(s, world.p("kq_pro"), C1)  # outside 柯桥: refused, and no event
    with world.store.read() as s:
        views = [
            e for e in list_events(s, world.p("admin"), entity_id=C1) if e.kind == "personal_data_viewed"
        ]
        assert [(v.actor, v.entity_type) for v in views] == [("yc_pro", "clue")]
        assert all(e.kind != "personal_data_viewed" for e in clue_events(s, world.p("yc_pro"), C1))
        assert verify_log(s, world.p("admin")).ok


def test_a_clue_moved_to_another_jurisdiction_by_a_sync_is_an_event(world: World) -> None:
    with world.store.write() as s:
        sync_clues(s, [make_clue(2, court="浙0603")])  # its cases turn out to be 柯桥's
    with world.store.read() as s:
        moved = list_events(s, world.p("admin"), entity_id=C2)[-1]
    assert moved.kind == "jurisdiction_changed" and moved.actor == "system"
    assert moved.before == {"jurisdiction_code": YUECHENG, "court": "浙0602"}
    assert moved.after == {"jurisdiction_code": KEQIAO, "court": "浙0603"}


def test_model_imports_and_overrides_are_events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml
    from typer.testing import CliRunner

    from jiandu.cli.main import app
    from jiandu.workflow import Store
    from tests.models.helpers import EXAMPLE, example_data, minimal_data

    monkeypatch.delenv("JIANDU_WORKFLOW_URL", raising=False)
    runner = CliRunner()
    ws = tmp_path / "ws"
    spec = tmp_path / "minimal.yaml"
    spec.write_text(yaml.safe_dump(minimal_data(), allow_unicode=True), "utf-8")
    assert runner.invoke(app, ["-w", str(ws), "models", "import", str(spec)]).exit_code == 0
    changed = example_data()
    changed["parameters"]["min_suits"]["default"] = 3
    builtin = tmp_path / "override.yaml"
    builtin.write_text(yaml.safe_dump(changed, allow_unicode=True), "utf-8")
    refused = runner.invoke(app, ["-w", str(ws), "models", "import", str(builtin)])
    assert refused.exit_code == 1
    forced = runner.invoke(app, ["-w", str(ws), "models", "import", str(builtin), "--override-builtin"])
    assert forced.exit_code == 0, forced.output
    store = Store.for_workspace(ws)
    try:
        with store.read() as s:
            events = [e for e in list_events(s, system_principal(s)) if e.entity_type == "model"]
            assert verify_log(s, system_principal(s)).ok
    finally:
        store.close()
    assert [(e.kind, e.entity_id) for e in events] == [
        ("model_imported", "test.minimal"),
        ("model_builtin_overridden", EXAMPLE),
    ]
    assert events[0].after is not None and events[0].after["file"] == "minimal.yaml"
    assert events[0].actor.startswith("cli:")


# ---------------------------------------------------------------- who sees which events


@pytest.fixture
def counties(busy: World) -> World:
    """Auditors in two counties (越城, 柯桥) and the city (绍兴); an export in each county."""
    with busy.store.write() as s:
        admin = busy.p("admin")
        for name, code in (("yc_auditor", YUECHENG), ("kq_auditor", KEQIAO), ("sx_auditor", SHAOXING)):
            add_user(s, admin, name, role="auditor", jurisdiction_code=code)
        list(export_clues(s, busy.p("yc_pro")))
        list(export_clues(s, busy.p("kq_pro")))
        get_clue(s, busy.p("kq_pro"), f"c{4:031d}")
    with busy.store.read() as s:
        for name in ("yc_auditor", "kq_auditor", "sx_auditor"):
            user = s.execute(select(User).where(User.username == name)).scalar_one()
            busy.principals[name] = principal_for(s, user)
    return busy


def _places(world: World) -> tuple[dict[str, str | None], dict[str, str]]:
    with world.store.read() as s:
        clues = {c: j for c, j in s.execute(select(Clue.clue_id, Clue.jurisdiction_code))}
        users = {u: j for u, j in s.execute(select(User.username, User.jurisdiction_code))}
    return clues, users


@pytest.mark.parametrize(
    ("auditor", "codes"),
    [("yc_auditor", {YUECHENG}), ("kq_auditor", {KEQIAO}), ("sx_auditor", {SHAOXING, YUECHENG, KEQIAO})],
)
def test_an_auditor_below_the_root_sees_only_the_events_of_their_jurisdiction(
    counties: World, auditor: str, codes: set[str]
) -> None:
    clues, users = _places(counties)
    with counties.store.read() as s:
        events = list_events(s, counties.p(auditor), limit=1000)
    assert events, "an auditor sees the events of their own jurisdiction"
    for e in events:
        if e.entity_type == "clue":
            assert clues[e.entity_id or ""] in codes, e
        elif e.entity_type == "user":
            assert users[e.entity_id or ""] in codes, e
        else:  # an export, a model import ...: by whom
            assert users.get(e.actor) in codes, e
    kinds = {(e.kind, e.actor) for e in events}
    own = {"yc_auditor": "yc_pro", "kq_auditor": "kq_pro"}.get(auditor)
    if own:
        assert ("exported", own) in kinds
        other = "kq_pro" if own == "yc_pro" else "yc_pro"
        assert ("exported", other) not in kinds
    assert not any(e.actor == "system" and e.entity_type not in ("clue", "user") for e in events)
    assert not any(e.kind == "jurisdiction_added" for e in events)  # the tree is the province's


def test_the_root_auditor_sees_every_event(counties: World) -> None:
    with counties.store.read() as s:
        every = s.execute(select(func.count()).select_from(Event)).scalar_one()
        seen = list_events(s, counties.p("zj_auditor"), limit=1000)
    assert len(seen) == every
    assert {"jurisdiction_added", "exported", "personal_data_viewed"} <= {e.kind for e in seen}


def test_paging_stays_within_the_jurisdiction(counties: World) -> None:
    with counties.store.read() as s:
        whole = [e.seq for e in list_events(s, counties.p("kq_auditor"), limit=1000)]
        paged: list[int] = []
        after = 0
        while page := list_events(s, counties.p("kq_auditor"), after_seq=after, limit=3):
            paged += [e.seq for e in page]
            after = page[-1].seq
    assert paged == whole and len(whole) > 3


def test_a_command_line_export_is_an_event(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from jiandu.cli import clues_cmd
    from jiandu.cli.main import app
    from jiandu.workflow import Store

    monkeypatch.delenv("JIANDU_WORKFLOW_URL", raising=False)
    monkeypatch.setattr(clues_cmd, "_load", lambda ctx, **kwargs: [make_clue(1), make_clue(2)])
    ws, out = tmp_path / "ws", tmp_path / "out" / "clues.jsonl"
    result = CliRunner().invoke(app, ["-w", str(ws), "clues", "export", "-o", str(out), "--band", "red"])
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8").count("\n") == 2
    store = Store.for_workspace(ws)
    try:
        with store.read() as s:
            (event,) = [e for e in list_events(s, system_principal(s)) if e.kind == "exported"]
    finally:
        store.close()
    assert event.actor.startswith("cli:") and event.reason == "jiandu clues export"
    assert event.after == {
        "source": "analytic",
        "format": "jsonl",
        "clues": 2,
        "filters": {"band": "red"},
        "output": "clues.jsonl",
    }
