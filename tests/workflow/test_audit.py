"""The hash-chained event log: intact chains verify; altering, deleting, reordering or re-hashing
any stored event is detected and named — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from jiandu.workflow import PermissionDenied, assign, list_events, transition, verify_log
from jiandu.workflow.audit import GENESIS, event_hash
from jiandu.workflow.audit_keys import KEY_FILE, load_key
from jiandu.workflow.tables import Event
from tests.workflow.conftest import World

C1 = f"c{1:031d}"


@pytest.fixture
def busy(world: World) -> World:
    """The world plus a few clue events, so the chain has a middle and an end."""
    p = world.p("yc_pro")
    with world.store.write() as s:
        assign(s, p, C1, "yc_pro")
        transition(s, p, C1, "verifying", reason="开始核查")
        transition(s, p, C1, "rejected", reject_reason="lawful", reason="经核查合法")
    return world


def verify(world: World):  # type: ignore[no-untyped-def]
    with world.store.read() as s:
        return verify_log(s, world.p("zj_auditor"))


def middle(world: World) -> tuple[int, int]:
    with world.store.read() as s:
        seqs = list(s.execute(select(Event.seq).order_by(Event.seq)).scalars())
    return seqs[len(seqs) // 2], seqs[-1]


def test_an_intact_chain_verifies(busy: World) -> None:
    result = verify(busy)
    assert result.ok and result.problem is None
    assert result.events == result.head_seq > 20
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
