"""Verifying the event log: the keyed hash chain, its head, and the anchors outside the database.

`verify` walks the events in ``seq`` order and names the first problem; it never raises:

- **deleted**: a gap in ``seq``, an event whose ``prev_hash`` names no stored event, or a head
  row that names a later event than the log holds;
- **reordered**: an event whose ``prev_hash`` names another stored event than the one before it,
  or whose row id is lower than the previous event's (rows swapped);
- **altered**: an event whose content no longer hashes to its stored hash (a field was edited,
  or the stored hash itself was replaced, or it was re-hashed with plain sha256 by someone
  without the key);
- **key**: the key file is missing, unreadable, or not the key the chain was hashed with;
- **head**: the chain head row is missing;
- **anchors**: the anchor file is missing or a line of it is garbled;
- **truncated**: an anchor names a later event than the log holds (the newest events and the
  head were cut off together);
- **rewritten**: an anchored event's hash differs from its anchor (the chain was rewritten);
- **unreadable**: a row cannot be read (e.g. its ``before`` is not JSON).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from jiandu.workflow.audit_hash import GENESIS, event_hash
from jiandu.workflow.audit_keys import (
    ANCHOR_FILE,
    Anchor,
    AuditError,
    AuditFiles,
    GarbledAnchors,
    load_key,
    locate,
    read_anchors,
)
from jiandu.workflow.tables import ChainHead, Event


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str  # see the module docstring
    seq: int | None
    event_id: int | None
    message: str
    message_zh: str = ""


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    events: int
    head_seq: int | None
    head_hash: str | None
    problem: Problem | None = None
    anchor: Anchor | None = None  # the newest anchor (highest seq), when the file could be read

    def _anchor_text(self) -> str:
        a = self.anchor
        return f"; last anchor seq {a.seq} hash {a.hash} at {a.at}" if a else "; no anchor yet"

    def describe(self) -> str:
        if self.problem is None:
            return (
                f"chain intact: {self.events} events, head seq {self.head_seq}, hash {self.head_hash}"
                + self._anchor_text()
            )
        return f"chain broken ({self.problem.kind}): {self.problem.message}"

    def describe_zh(self) -> str:
        if self.problem is None:
            a = self.anchor
            anchor = f"；最近锚点 序号 {a.seq}（{a.at}）" if a else "；尚无锚点"
            return (
                f"审计链完整：共 {self.events} 条事件，链头序号 {self.head_seq}，"
                f"哈希 {self.head_hash}{anchor}"
            )
        return f"审计链异常：{self.problem.message_zh or self.problem.message}"


@dataclass
class _Walk:
    """What a walk over the chain found."""

    problem: Problem | None = None
    count: int = 0
    last_hash: str = GENESIS
    last_seq: int = 0
    at_seq: dict[int, str] = field(default_factory=dict)  # hashes of the seqs asked for


_TEXT_COLUMNS = ("before", "after")
_COLUMNS = (
    Event.id,
    Event.seq,
    Event.at,
    Event.actor,
    Event.kind,
    Event.entity_type,
    Event.entity_id,
    Event.reason,
    cast(Event.before, Text).label("before"),
    cast(Event.after, Text).label("after"),
    Event.prev_hash,
    Event.hash,
)


def _where(seq: Any, eid: Any) -> str:
    return f"event seq {seq} (id {eid})"


def _unreadable(seq: Any, eid: Any, what: str) -> Problem:
    return Problem(
        "unreadable",
        seq if isinstance(seq, int) else None,
        eid if isinstance(eid, int) else None,
        f"{_where(seq, eid)} cannot be read: {what}; the row was edited outside jiandu",
        f"事件 序号 {seq}（id {eid}）无法读取：{what}；该记录在系统之外被改动",
    )


def _rows(session: Session, batch: int) -> Iterator[dict[str, Any]]:
    stream = session.execute(
        select(*_COLUMNS).order_by(Event.seq, Event.id).execution_options(yield_per=batch)
    )
    for row in stream:
        yield dict(row._mapping)


def _bad_row(session: Session, seq: int | None, eid: int | None, limit: int) -> tuple[Any, Any, str]:
    """(seq, id, error) of the first row after the last one read that cannot be loaded: the rows
    after it are read one by one (only when a batch failed)."""
    query = select(Event.seq, Event.id).order_by(Event.seq, Event.id).limit(limit + 1)
    if seq is not None and eid is not None:
        query = query.where(or_(Event.seq > seq, and_(Event.seq == seq, Event.id > eid)))
    try:
        candidates = session.execute(query).all()
        for cseq, cid in candidates:
            try:
                session.execute(select(*_COLUMNS).where(Event.id == cid)).one()
            except Exception as exc:
                return cseq, cid, f"{type(exc).__name__}: {str(exc)[:200]}"
    except Exception as exc:
        return "?", "?", f"{type(exc).__name__}: {str(exc)[:200]}"
    return "?", "?", "a batch of rows failed to load"


def walk(
    session: Session, key: bytes | None, *, batch: int = 5000, wanted: frozenset[int] = frozenset()
) -> _Walk:
    """Walk the whole chain under ``key`` (None: the legacy sha256 scheme); stop at the first problem."""
    w = _Walk()
    hashes: dict[str, tuple[int, int]] = {
        h: (seq, eid) for h, seq, eid in session.execute(select(Event.hash, Event.seq, Event.id))
    }
    expected_seq = 1
    prev_hash, prev_id = GENESIS, 0
    prev_seq: int | None = None
    pending: tuple[int, int, str] | None = None  # an event whose content did not match its hash
    rows = _rows(session, batch)

    def stop(kind: str, seq: int | None, eid: int | None, message: str, message_zh: str) -> _Walk:
        w.problem = Problem(kind, seq, eid, message, message_zh)
        return w

    def altered(seq: int, eid: int) -> _Walk:
        return stop(
            "altered",
            seq,
            eid,
            f"event seq {seq} (id {eid}) was altered: its content does not match its hash",
            f"事件 序号 {seq}（id {eid}）被篡改：内容与哈希不符",
        )

    while True:
        try:
            e = next(rows)
        except StopIteration:
            break
        except Exception:  # a value the column type cannot load (e.g. a garbled time)
            w.problem = _unreadable(*_bad_row(session, prev_seq, prev_id, batch))
            return w
        seq, eid = e["seq"], e["id"]
        where = _where(seq, eid)
        if not isinstance(seq, int) or not isinstance(eid, int):
            w.problem = _unreadable(seq, eid, "its seq is not a number")
            return w
        for name in _TEXT_COLUMNS:
            raw = e[name]
            try:
                e[name] = None if raw is None else json.loads(raw)
            except ValueError:
                w.problem = _unreadable(seq, eid, f"its {name} field is not JSON")
                return w
        if seq != expected_seq:
            if seq > expected_seq:
                missing = (
                    f"seq {expected_seq}" if seq == expected_seq + 1 else f"seq {expected_seq}–{seq - 1}"
                )
                return stop(
                    "deleted",
                    seq,
                    eid,
                    f"{missing} missing before {where}: events were deleted",
                    f"事件 序号 {expected_seq}–{seq - 1} 缺失（位于序号 {seq} 之前）：事件被删除",
                )
            return stop(
                "reordered",
                seq,
                eid,
                f"{where} repeats a seq number (expected {expected_seq})",
                f"事件 序号 {seq}（id {eid}）序号重复：事件顺序被篡改",
            )
        if e["prev_hash"] != prev_hash:
            if pending is not None and e["prev_hash"] == pending[2]:
                pseq, pid, _ = pending
                return stop(
                    "altered",
                    pseq,
                    pid,
                    f"the stored hash of event seq {pseq} (id {pid}) was changed "
                    f"(the next event links to its original hash)",
                    f"事件 序号 {pseq}（id {pid}）的哈希被改动",
                )
            if e["prev_hash"] in hashes:
                oseq, oid = hashes[e["prev_hash"]]
                return stop(
                    "reordered",
                    seq,
                    eid,
                    f"{where} links to event seq {oseq} (id {oid}), not to seq {prev_seq}: "
                    "events were reordered",
                    f"事件 序号 {seq}（id {eid}）链接到序号 {oseq}，而非序号 {prev_seq}：事件顺序被篡改",
                )
            return stop(
                "altered",
                prev_seq,
                prev_id,
                f"{where} links to a hash no stored event has: event seq {prev_seq} (id {prev_id}) was "
                f"rewritten with a recomputed hash, or {where}'s link was edited",
                f"事件 序号 {seq}（id {eid}）链接的哈希不存在：序号 {prev_seq} 的事件被改写",
            )
        if eid < prev_id and pending is None:
            return stop(
                "reordered",
                seq,
                eid,
                f"{where} is stored before the event it follows (id {prev_id}): rows swapped",
                f"事件 序号 {seq}（id {eid}）存放在其前一事件之前：记录被对调",
            )
        try:
            actual = event_hash(e, e["prev_hash"], key)
        except (TypeError, ValueError, AttributeError) as exc:
            w.problem = _unreadable(seq, eid, f"its fields cannot be hashed ({type(exc).__name__})")
            return w
        if pending is not None:
            pseq, pid, _ = pending
            if pseq == 1 and actual != e["hash"]:
                return stop(
                    "key",
                    1,
                    pid,
                    "no event matches the audit key: the key file is not the key this chain was hashed "
                    "with, or the whole chain was re-hashed",
                    "事件与审计密钥不符：密钥文件不是本审计链所用的密钥，或整条链被重新计算",
                )
            return altered(pseq, pid)
        if actual != e["hash"]:
            if key is not None and event_hash(e, e["prev_hash"], None) == e["hash"]:
                return stop(
                    "altered",
                    seq,
                    eid,
                    f"{where} was altered: it is hashed with plain sha256, not the workspace key "
                    "(re-hashed by someone without the key)",
                    f"事件 序号 {seq}（id {eid}）被篡改：其哈希未用审计密钥计算（无密钥者重新计算）",
                )
            pending = (seq, eid, actual)  # decide with the next event: content or hash edited
        if seq in wanted:
            w.at_seq[seq] = e["hash"]
        w.count += 1
        prev_hash, prev_id, prev_seq = e["hash"], eid, seq
        expected_seq += 1
    if pending is not None:
        pseq, pid, _ = pending
        return altered(pseq, pid)
    w.last_hash, w.last_seq = prev_hash, prev_seq or 0
    return w


def verify(session: Session, batch: int = 5000) -> VerifyResult:
    """Check the chain, its head and its anchors; name the first problem. Never raises."""
    try:
        return _verify(session, batch)
    except Exception as exc:  # the last resort: a broken store is a finding, not a crash
        return VerifyResult(
            False,
            0,
            None,
            None,
            Problem(
                "unreadable",
                None,
                None,
                f"the event log cannot be read: {type(exc).__name__}: {str(exc)[:300]}",
                f"审计日志无法读取：{type(exc).__name__}",
            ),
        )


def _newest(anchors: list[Anchor] | None) -> Anchor | None:
    return max(anchors, key=lambda a: (a.seq, a.line)) if anchors else None


def _verify(session: Session, batch: int) -> VerifyResult:
    files = locate(session)
    head_row = session.execute(select(ChainHead.seq, ChainHead.hash).where(ChainHead.id == 1)).first()
    head_seq, head_hash = (head_row[0], head_row[1]) if head_row else (None, None)
    total = session.execute(select(func.count()).select_from(Event)).scalar_one()
    anchors: list[Anchor] | None = None
    anchor_problem: Problem | None = None
    if files is not None:
        try:
            anchors = read_anchors(files.anchor_path)
        except GarbledAnchors as exc:
            anchor_problem = Problem(
                "anchors",
                None,
                None,
                f"{files.anchor_path} is garbled at line {exc.line}: the anchor file was edited",
                f"锚点文件 {ANCHOR_FILE} 第 {exc.line} 行损坏：锚点文件被改动",
            )
        except AuditError as exc:
            anchor_problem = Problem("anchors", None, None, str(exc), f"锚点文件 {ANCHOR_FILE} 无法读取")

    def result(problem: Problem | None, count: int) -> VerifyResult:
        return VerifyResult(problem is None, count, head_seq, head_hash, problem, _newest(anchors))

    key, key_problem = _key(files, anchors, total)
    if key_problem is not None:
        if key_problem.kind == "legacy":
            legacy = walk(session, None, batch=batch)
            if legacy.problem is not None:
                return result(legacy.problem, legacy.count)
            key_problem = Problem(
                "key",
                None,
                None,
                key_problem.message.format(count=legacy.count),
                key_problem.message_zh.format(count=legacy.count),
            )
        return result(key_problem, 0)
    wanted = frozenset(a.seq for a in anchors or ())
    w = walk(session, key, batch=batch, wanted=wanted)
    if w.problem is not None:
        return result(w.problem, w.count)
    if head_row is None:
        return result(
            Problem(
                "head",
                None,
                None,
                f"the chain head row is missing (the log ends at seq {w.last_seq}): it was deleted",
                f"审计链链头记录缺失（日志止于序号 {w.last_seq}）：链头被删除",
            ),
            w.count,
        )
    if head_seq != w.count or (w.count and head_hash != w.last_hash):
        return result(
            Problem(
                "deleted",
                head_seq,
                None,
                f"the chain head says seq {head_seq} but the log ends at seq {w.count}: "
                "the newest events were removed (or the head was edited)",
                f"链头记录为序号 {head_seq}，但日志止于序号 {w.count}：最新的事件被删除（或链头被改动）",
            ),
            w.count,
        )
    return result(anchor_problem or _check_anchors(files, anchors, w), w.count)


def _key(
    files: AuditFiles | None, anchors: list[Anchor] | None, total: int
) -> tuple[bytes | None, Problem | None]:
    """The key to verify with, or the problem that there is none (kind "legacy": check sha256)."""
    if files is None:
        if total == 0:
            return None, None
        return None, Problem(
            "key",
            None,
            None,
            "no audit key: the store was opened without a workspace and JIANDU_AUDIT_KEY_FILE is not set",
            "缺少审计密钥：未指定工作区，也未设置 JIANDU_AUDIT_KEY_FILE",
        )
    try:
        key = load_key(files.key_path)
    except AuditError as exc:
        return None, Problem("key", None, None, str(exc), f"审计密钥文件 {files.key_path.name} 无法使用")
    if key is not None or total == 0:
        return key, None
    if anchors:
        return None, Problem(
            "key",
            None,
            None,
            f"the audit key {files.key_path} is missing, but {ANCHOR_FILE} shows the chain was keyed: "
            "restore the key file; without it the chain cannot be checked or extended",
            f"审计密钥文件 {files.key_path.name} 缺失，而锚点文件表明审计链曾用密钥计算：请恢复密钥文件",
        )
    return None, Problem(
        "legacy",
        None,
        None,
        f"no audit key ({files.key_path}): the chain's {{count}} events are hashed with plain sha256, as "
        "before keyed hashing; that chain is intact, and it is re-keyed (after this same check, as an "
        "audited event) at the next change",
        "缺少审计密钥：审计链（{count} 条事件）为旧版未加密钥的哈希，完整；"
        "下次变更时将先校验后改用密钥（记入审计日志）",
    )


def _check_anchors(files: AuditFiles | None, anchors: list[Anchor] | None, w: _Walk) -> Problem | None:
    if files is None:
        return None
    if anchors is None:
        if w.count == 0:
            return None
        return Problem(
            "anchors",
            None,
            None,
            f"the anchor file {files.anchor_path} is missing: it was deleted, so a cut-off tail "
            "cannot be ruled out",
            f"锚点文件 {ANCHOR_FILE} 缺失：已被删除，无法排除日志末尾被截断",
        )
    if not anchors and w.count:
        return Problem(
            "anchors",
            None,
            None,
            f"the anchor file {files.anchor_path} is empty although the log holds {w.count} events: "
            "it was emptied",
            f"锚点文件 {ANCHOR_FILE} 为空，而日志有 {w.count} 条事件：锚点文件被清空",
        )
    newest = _newest(anchors)
    if newest is not None and newest.seq > w.last_seq:
        a = newest
        return Problem(
            "truncated",
            a.seq,
            None,
            f"{ANCHOR_FILE} line {a.line} anchors seq {a.seq} (at {a.at}) but the log ends at seq "
            f"{w.last_seq}: the newest events were cut off",
            f"锚点文件第 {a.line} 行记录链头序号 {a.seq}，但日志止于序号 {w.last_seq}：最新的事件被截断",
        )
    for a in anchors:
        if a.seq and w.at_seq.get(a.seq) != a.hash:
            return Problem(
                "rewritten",
                a.seq,
                None,
                f"event seq {a.seq} no longer has the hash anchored at {ANCHOR_FILE} line {a.line} "
                f"(at {a.at}): the chain was rewritten",
                f"事件 序号 {a.seq} 的哈希与锚点文件第 {a.line} 行不符：审计链被改写",
            )
    return None
