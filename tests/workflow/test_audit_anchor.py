"""Attacks on the audit trail, each made at test time, and the defence as the assertion: the chain
is keyed (HMAC under a key outside the database) and its head anchored in a file outside it, so
re-hashing, truncating, deleting the head, or tampering with the files is named by `verify`,
which never raises — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import IntegrityError

from jiandu.workflow import Store, assign, transition, verify_log
from jiandu.workflow.audit import GENESIS, AuditError, VerifyResult, event_hash, restart_anchors
from jiandu.workflow.audit_hash import FIELDS
from jiandu.workflow.audit_keys import ANCHOR_FILE, KEY_FILE, read_anchors
from jiandu.workflow.tables import ChainHead, Event
from tests.workflow.conftest import World

C1, C2 = f"c{1:031d}", f"c{2:031d}"


def workspace(world: World) -> Path:
    assert world.store.workspace is not None
    return world.store.workspace


@pytest.fixture
def busy(world: World) -> World:
    """The world plus a few clue events in three transactions (three anchors at least)."""
    p = world.p("yc_pro")
    with world.store.write() as s:
        assign(s, p, C1, "yc_pro")
    with world.store.write() as s:
        transition(s, p, C1, "verifying", reason="开始核查")
    with world.store.write() as s:
        transition(s, p, C1, "rejected", reject_reason="lawful", reason="经核查合法")
    return world


def verify(world: World) -> VerifyResult:
    with world.store.read() as s:
        return verify_log(s, world.p("zj_auditor"))


def head(world: World) -> tuple[int, str]:
    with world.store.read() as s:
        row = s.execute(select(ChainHead.seq, ChainHead.hash)).one()
    return row[0], row[1]


def rehash_without_key(world: World, *, also_anchors: bool = False) -> None:
    """The attacker can write the database (and maybe the anchor file) but not read the key:
    edit an event, then recompute the whole chain with plain sha256 and fix the head."""
    with world.store.write() as s:
        s.execute(update(Event).where(Event.seq == 5).values(reason="伪造"))
        rows = s.execute(select(Event).order_by(Event.seq)).scalars().all()
        prev = GENESIS
        for e in rows:
            new = event_hash({k: getattr(e, k) for k in FIELDS}, prev)
            s.execute(update(Event).where(Event.id == e.id).values(prev_hash=prev, hash=new))
            prev = new
        s.execute(update(ChainHead).values(hash=prev))
        last = len(rows)
    if also_anchors:
        (workspace(world) / ANCHOR_FILE).write_text(f"{last} {prev} 2026-01-01T00:00:00.000000Z\n")


# ---------------------------------------------------------------- what a sound chain leaves


def test_the_key_and_the_anchors_are_files_of_the_owner_only(busy: World) -> None:
    ws = workspace(busy)
    for name in (KEY_FILE, ANCHOR_FILE):
        assert stat.S_IMODE((ws / name).stat().st_mode) == 0o600, name
    assert len((ws / KEY_FILE).read_text().strip()) == 64  # 256 bits, hex
    anchors = read_anchors(ws / ANCHOR_FILE)
    assert anchors is not None and len(anchors) >= 3
    seq, head_hash = head(busy)
    assert (anchors[-1].seq, anchors[-1].hash) == (seq, head_hash)  # the head after the last commit


def test_an_intact_chain_verifies_and_reports_its_anchor(busy: World) -> None:
    result = verify(busy)
    assert result.ok, result.describe()
    assert result.anchor is not None and result.anchor.seq == result.head_seq
    assert "last anchor seq" in result.describe() and "审计链完整" in result.describe_zh()


def test_a_rolled_back_change_leaves_no_anchor(busy: World) -> None:
    path = workspace(busy) / ANCHOR_FILE
    before = path.read_bytes()
    with pytest.raises(RuntimeError), busy.store.write() as s:
        assign(s, busy.p("admin"), C2, "yc_pro")
        raise RuntimeError("the request failed after the change")
    assert path.read_bytes() == before
    assert verify(busy).ok


# ---------------------------------------------------------------- attacks on the database


def test_rehashing_the_whole_chain_without_the_key_is_detected(busy: World) -> None:
    rehash_without_key(busy)
    result = verify(busy)
    assert not result.ok and result.problem is not None
    assert (result.problem.kind, result.problem.seq) == ("altered", 1)
    assert "plain sha256" in result.problem.message and "without the key" in result.problem.message
    assert "未用审计密钥" in result.describe_zh()


def test_rehashing_the_chain_and_the_anchor_file_without_the_key_is_detected(busy: World) -> None:
    rehash_without_key(busy, also_anchors=True)
    result = verify(busy)
    assert result.problem is not None and result.problem.kind == "altered" and result.problem.seq == 1


@pytest.mark.parametrize("n", [1, 3])
def test_truncating_the_tail_and_fixing_the_head_is_detected(busy: World, n: int) -> None:
    last, _ = head(busy)
    with busy.store.write() as s:
        s.execute(delete(Event).where(Event.seq > last - n))
        new_hash = s.execute(select(Event.hash).where(Event.seq == last - n)).scalar_one()
        s.execute(update(ChainHead).values(seq=last - n, hash=new_hash))
    result = verify(busy)
    assert result.problem is not None and result.problem.kind == "truncated"
    assert f"anchors seq {last}" in result.problem.message
    assert f"log ends at seq {last - n}" in result.problem.message
    assert "截断" in result.describe_zh()


def test_truncating_the_tail_alone_is_detected(busy: World) -> None:
    last, _ = head(busy)
    with busy.store.write() as s:
        s.execute(delete(Event).where(Event.seq > last - 2))
    result = verify(busy)
    assert result.problem is not None and result.problem.kind == "deleted"
    assert "newest events were removed" in result.problem.message


def test_deleting_everything_is_detected(busy: World) -> None:
    with busy.store.write() as s:
        s.execute(delete(Event))
        s.execute(update(ChainHead).values(seq=0, hash=GENESIS))
    result = verify(busy)
    assert result.problem is not None and result.problem.kind == "truncated"


def test_deleting_the_head_row_is_detected(busy: World) -> None:
    with busy.store.write() as s:
        s.execute(delete(ChainHead))
    result = verify(busy)
    assert result.problem is not None and result.problem.kind == "head"
    assert "head row is missing" in result.problem.message and "链头" in result.describe_zh()
    assert result.head_seq is None
    with pytest.raises(AuditError, match="chain head row is missing"), busy.store.write() as s:
        assign(s, busy.p("admin"), C2, "yc_pro")  # nothing is appended to a headless chain


def test_rewriting_an_anchored_event_under_the_key_is_detected(busy: World) -> None:
    """Even an attacker who stole the key cannot move an anchored head without the anchor file."""
    key = bytes.fromhex((workspace(busy) / KEY_FILE).read_text().strip())
    with busy.store.write() as s:
        rows = s.execute(select(Event).order_by(Event.seq)).scalars().all()
        prev = GENESIS
        for e in rows:
            fields = {k: getattr(e, k) for k in FIELDS}
            if e.seq == 3:
                fields["reason"] = "伪造"
            new = event_hash(fields, prev, key)
            s.execute(
                update(Event)
                .where(Event.id == e.id)
                .values(prev_hash=prev, hash=new, reason=fields["reason"])
            )
            prev = new
        s.execute(update(ChainHead).values(hash=prev))
    result = verify(busy)
    assert result.problem is not None and result.problem.kind == "rewritten"
    assert "chain was rewritten" in result.problem.message


# ---------------------------------------------------------------- attacks on the files


def test_a_deleted_anchor_file_is_named(busy: World) -> None:
    (workspace(busy) / ANCHOR_FILE).unlink()
    result = verify(busy)
    assert result.problem is not None and result.problem.kind == "anchors"
    assert "is missing" in result.problem.message and "锚点文件" in result.describe_zh()


def test_an_emptied_anchor_file_is_named(busy: World) -> None:
    (workspace(busy) / ANCHOR_FILE).write_bytes(b"")
    result = verify(busy)
    assert result.problem is not None and result.problem.kind == "anchors"
    assert "empty" in result.problem.message


@pytest.mark.parametrize(
    "garble",
    [
        lambda data: data + b"not an anchor\n",
        lambda data: data[:-10],  # the last line cut short
        lambda data: b"\xff\xfe" + data,
        lambda data: data.replace(b" ", b"\t", 1),
    ],
    ids=["extra-line", "cut-short", "binary", "tab"],
)
def test_a_garbled_anchor_file_is_named(busy: World, garble: Callable[[bytes], bytes]) -> None:
    path = workspace(busy) / ANCHOR_FILE
    path.write_bytes(garble(path.read_bytes()))
    result = verify(busy)
    assert result.problem is not None and result.problem.kind == "anchors"
    assert "garbled at line" in result.problem.message


def test_a_wrong_key_is_named(busy: World) -> None:
    (workspace(busy) / KEY_FILE).write_text(secrets.token_hex(32) + "\n")
    result = verify(busy)
    assert result.problem is not None and result.problem.kind == "key"
    assert "no event matches the audit key" in result.problem.message


@pytest.mark.parametrize("content", ["", "zz" * 32, "abc"], ids=["empty", "not-hex", "short"])
def test_a_garbled_key_is_named(busy: World, content: str) -> None:
    (workspace(busy) / KEY_FILE).write_text(content)
    result = verify(busy)
    assert result.problem is not None and result.problem.kind == "key"


def test_a_missing_key_is_named_and_never_replaced(busy: World) -> None:
    key_path = workspace(busy) / KEY_FILE
    key_path.unlink()
    result = verify(busy)
    assert result.problem is not None and result.problem.kind == "key"
    assert "is missing" in result.problem.message and "restore the key" in result.problem.message
    with pytest.raises(AuditError, match="restore the key"), busy.store.write() as s:
        assign(s, busy.p("admin"), C2, "yc_pro")
    assert not key_path.exists()  # no new key was made up for a keyed chain


def test_the_key_may_live_elsewhere(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "vault" / "jiandu-audit.key"
    elsewhere.parent.mkdir()
    shutil.move(workspace(world) / KEY_FILE, elsewhere)
    monkeypatch.setenv("JIANDU_AUDIT_KEY_FILE", str(elsewhere))
    with world.store.write() as s:
        assign(s, world.p("admin"), C2, "yc_pro")
    assert verify(world).ok and not (workspace(world) / KEY_FILE).exists()


# ---------------------------------------------------------------- rows that cannot be read


@pytest.fixture
def sqlite_busy(sqlite_world: tuple[Path, dict], tmp_path: Path) -> Iterator[World]:
    """A SQLite world: SQLite lets a row hold what its column type forbids, as an attacker's
    editor would write it."""
    template, principals = sqlite_world
    target = tmp_path / "workflow.sqlite"
    shutil.copyfile(template, target)
    for name in (KEY_FILE, ANCHOR_FILE):
        shutil.copy2(template.parent / name, tmp_path / name)
    store = Store(f"sqlite:///{target}", workspace=tmp_path)
    try:
        yield World(store, principals)
    finally:
        store.close()


@pytest.mark.parametrize(
    ("column", "value"),
    [("before", "{not json"), ("after", "[1, 2"), ("at", "yesterday-ish"), ("seq", "three")],
)
def test_a_row_that_cannot_be_read_is_named(sqlite_busy: World, column: str, value: str) -> None:
    with sqlite_busy.store.write() as s:
        s.execute(text(f'UPDATE events SET "{column}" = :v WHERE seq = 4'), {"v": value})
    result = verify(sqlite_busy)
    assert not result.ok and result.problem is not None
    assert result.problem.kind in ("unreadable", "deleted")  # a seq that is no number leaves a gap
    assert "seq 4" in result.problem.message or "id 4" in result.problem.message


def test_a_dropped_table_is_a_finding_not_a_crash(sqlite_busy: World) -> None:
    with sqlite_busy.store.write() as s:
        s.execute(text("DROP TABLE events"))
    result = verify(sqlite_busy)
    assert not result.ok and result.problem is not None and result.problem.kind == "unreadable"


# ---------------------------------------------------------------- chains from before keyed hashing


def make_legacy(world: World) -> str:
    """Turn the world's chain into one from before keyed hashing: sha256, no key, no anchors."""
    with world.store.write() as s:
        rows = s.execute(select(Event).order_by(Event.seq)).scalars().all()
        prev = GENESIS
        for e in rows:
            new = event_hash({k: getattr(e, k) for k in FIELDS}, prev)
            s.execute(update(Event).where(Event.id == e.id).values(prev_hash=prev, hash=new))
            prev = new
        s.execute(update(ChainHead).values(hash=prev))
    (workspace(world) / KEY_FILE).unlink()
    (workspace(world) / ANCHOR_FILE).unlink()
    return prev


def test_an_old_chain_is_verified_then_rekeyed_once_as_an_event(world: World) -> None:
    old_head = make_legacy(world)
    result = verify(world)
    assert result.problem is not None and result.problem.kind == "key"
    assert "plain sha256" in result.problem.message and "intact" in result.problem.message
    seq_before, _ = head(world)
    with world.store.write() as s:
        assign(s, world.p("admin"), C2, "yc_pro")
    assert (workspace(world) / KEY_FILE).is_file()
    result = verify(world)
    assert result.ok, result.describe()
    with world.store.read() as s:
        rekey = s.execute(select(Event).where(Event.kind == "audit_rekeyed")).scalar_one()
    assert rekey.seq == seq_before + 1 and rekey.actor == "system"
    assert rekey.before == {"scheme": "sha256", "head_seq": seq_before, "head_hash": old_head}
    assert rekey.after is not None and rekey.after["scheme"] == "hmac-sha256"


def test_a_broken_old_chain_is_not_rekeyed(world: World) -> None:
    make_legacy(world)
    with world.store.write() as s:
        s.execute(update(Event).where(Event.seq == 3).values(actor="mallory"))
    result = verify(world)
    assert result.problem is not None and (result.problem.kind, result.problem.seq) == ("altered", 3)
    with pytest.raises(AuditError, match="cannot be re-keyed"), world.store.write() as s:
        assign(s, world.p("admin"), C2, "yc_pro")
    assert not (workspace(world) / KEY_FILE).exists()
    with world.store.read() as s:
        assert s.execute(select(func.count()).where(Event.kind == "audit_rekeyed")).scalar_one() == 0


def test_a_rekey_that_rolls_back_leaves_no_key(world: World) -> None:
    make_legacy(world)
    with pytest.raises(RuntimeError), world.store.write() as s:
        assign(s, world.p("admin"), C2, "yc_pro")
        raise RuntimeError("the request failed after the change")
    assert not (workspace(world) / KEY_FILE).exists()
    assert verify(world).problem.kind == "key"  # type: ignore[union-attr]  # still the intact old chain


# ---------------------------------------------------------------- the command line


def test_audit_verify_prints_the_head_and_names_each_attack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from jiandu.cli.context import console, err_console
    from jiandu.cli.main import app

    monkeypatch.delenv("JIANDU_WORKFLOW_URL", raising=False)
    monkeypatch.setattr(console, "width", 250)
    monkeypatch.setattr(err_console, "width", 250)
    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(app, ["-w", str(ws), "jurisdictions", "defaults"]).exit_code == 0
    ok = runner.invoke(app, ["-w", str(ws), "audit", "verify"])
    assert ok.exit_code == 0, ok.output
    anchors = read_anchors(ws / ANCHOR_FILE)
    assert anchors
    assert f"head 链头: seq {anchors[-1].seq} hash {anchors[-1].hash}" in ok.output
    assert f"anchor 锚点: seq {anchors[-1].seq}" in ok.output and "chain intact" in ok.output

    os.rename(ws / ANCHOR_FILE, ws / "moved.log")
    gone = runner.invoke(app, ["-w", str(ws), "audit", "verify"])
    assert (gone.exit_code == 1 and gone.exception is None) or isinstance(gone.exception, SystemExit)
    assert "audit-anchors.log is missing" in gone.output and "锚点文件" in gone.output
    os.rename(ws / "moved.log", ws / ANCHOR_FILE)

    store = Store.for_workspace(ws)
    with store.write() as s:
        s.execute(delete(ChainHead))
    store.close()
    headless = runner.invoke(app, ["-w", str(ws), "audit", "verify"])
    assert headless.exit_code == 1 and isinstance(headless.exception, SystemExit)
    assert "head 链头: missing" in headless.output and "head row is missing" in headless.output


# ---------------------------------------------------------------- a lost anchor file


def test_a_deleted_anchor_file_stops_writes_until_the_anchors_are_restarted(busy: World) -> None:
    path = workspace(busy) / ANCHOR_FILE
    path.unlink()
    with pytest.raises(AuditError, match=r"anchor file .* is missing"), busy.store.write() as s:
        assign(s, busy.p("admin"), C2, "yc_pro")  # the next anchor would hide a cut-off tail
    assert not path.exists()
    with busy.store.write() as s:
        found = restart_anchors(s, actor="cli:root", reason="锚点文件被误删，已核查")
    assert found.problem is not None and found.problem.kind == "anchors"
    with busy.store.write() as s:
        assign(s, busy.p("admin"), C2, "yc_pro")
    result = verify(busy)
    assert result.ok, result.describe()
    with busy.store.read() as s:
        restarted = s.execute(select(Event).where(Event.kind == "anchors_restarted")).scalar_one()
    assert restarted.actor == "cli:root" and restarted.reason == "锚点文件被误删，已核查"


def test_a_garbled_anchor_file_is_kept_aside_when_the_anchors_restart(busy: World) -> None:
    path = workspace(busy) / ANCHOR_FILE
    path.write_bytes(path.read_bytes() + b"garbage\n")
    with busy.store.write() as s:
        restart_anchors(s, actor="cli:root", reason="锚点文件损坏")
    assert verify(busy).ok
    kept = list(workspace(busy).glob(f"{ANCHOR_FILE}.*.old"))
    assert len(kept) == 1 and kept[0].read_bytes().endswith(b"garbage\n")


def test_the_anchors_do_not_restart_over_a_broken_chain(busy: World) -> None:
    path = workspace(busy) / ANCHOR_FILE
    path.unlink()
    with busy.store.write() as s:
        s.execute(update(Event).where(Event.seq == 3).values(actor="mallory"))
    with busy.store.write() as s:
        result = restart_anchors(s, actor="cli:root", reason="试图掩盖")
    assert result.problem is not None and (result.problem.kind, result.problem.seq) == ("altered", 3)
    assert not path.exists()


# ---------------------------------------------------------------- any single edit, any value

_COLUMNS = (
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
_VALUES = st.one_of(
    st.none(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.binary(max_size=20),
    st.sampled_from(["{}", "[]", "null", '{"status": "closed"}', "2026-01-01 00:00:00", "0" * 64]),
)


def _same(column: str, before: object, after: object) -> bool:
    """Whether an edit left the event's meaning as it was (JSON ``null`` and SQL NULL are one)."""
    if after == before and type(after) is type(before):
        return True
    if column in ("before", "after"):

        def load(v: object) -> object:
            return None if v is None else json.loads(v) if isinstance(v, str) else v

        try:
            return load(before) == load(after)
        except ValueError:
            return False
    return False


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seq=st.integers(min_value=1, max_value=20), column=st.sampled_from(_COLUMNS), value=_VALUES)
def test_any_edit_of_any_cell_is_named_and_never_raises(
    sqlite_world: tuple[Path, dict],
    tmp_path_factory: pytest.TempPathFactory,
    seq: int,
    column: str,
    value: object,
) -> None:
    template, principals = sqlite_world
    folder = tmp_path_factory.mktemp("edit")
    shutil.copyfile(template, folder / "workflow.sqlite")
    for name in (KEY_FILE, ANCHOR_FILE):
        shutil.copy2(template.parent / name, folder / name)
    store = Store(f"sqlite:///{folder / 'workflow.sqlite'}", workspace=folder)
    try:
        try:
            with store.write() as s:
                eid, before = s.execute(
                    text(f'SELECT id, "{column}" FROM events WHERE seq = :s'), {"s": seq}
                ).one()
                s.execute(text(f'UPDATE events SET "{column}" = :v WHERE id = :i'), {"v": value, "i": eid})
                after = s.execute(
                    text(f'SELECT "{column}" FROM events WHERE id = :i'), {"i": eid}
                ).scalar_one()
        except IntegrityError:
            assume(False)  # the database itself refuses this edit (NOT NULL, UNIQUE seq)
        result = verify(World(store, principals))
    finally:
        store.close()
    assume(not _same(column, before, after))  # an edit that changed something
    assert not result.ok and result.problem is not None, (column, value, result.describe())
    assert result.problem.kind in ("altered", "deleted", "reordered", "unreadable", "truncated", "rewritten")


def test_a_key_readable_by_others_is_reported(busy: World, caplog: pytest.LogCaptureFixture) -> None:
    (workspace(busy) / KEY_FILE).chmod(0o644)
    with caplog.at_level("WARNING", logger="jiandu.workflow.audit_keys"):
        assert verify(busy).ok
    assert "readable by others (mode 644)" in caplog.text
