"""The hash-chained event log: appending events and verifying the chain.

Each event stores ``prev_hash`` (the hash of the event before it; 64 zeros for the first) and
``hash = sha256(canonical JSON of {seq, at, actor, kind, entity_type, entity_id, reason, before,
after} + prev_hash)``. Canonical JSON: sorted keys, no spaces, UTF-8, times as UTC ISO 8601 with
microseconds. `verify` walks the events in ``seq`` order and names the first broken link:

- **deleted**: a gap in ``seq``, or an event whose ``prev_hash`` names no stored event;
- **reordered**: an event whose ``prev_hash`` names another stored event than the one before it,
  or whose row id is lower than the previous event's (rows swapped);
- **altered**: an event whose content no longer hashes to its stored hash (a field was edited,
  or the stored hash itself was replaced).

The chain cannot show that the newest events were cut off (truncation of the tail) on its own;
compare `chain_head` or an exported head hash (``jiandu audit verify`` prints it) for that.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from jiandu.workflow.tables import ChainHead, Event

GENESIS = "0" * 64
_WRITER_KEY = "jiandu.chain_writer"


def canonical_time(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds") + "Z"


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def event_hash(fields: dict[str, Any], prev_hash: str) -> str:
    """sha256 over the canonical JSON of the event's fields followed by the previous hash."""
    body = {
        "seq": fields["seq"],
        "at": canonical_time(fields["at"]),
        "actor": fields["actor"],
        "kind": fields["kind"],
        "entity_type": fields["entity_type"],
        "entity_id": fields["entity_id"],
        "reason": fields["reason"],
        "before": fields["before"],
        "after": fields["after"],
    }
    return hashlib.sha256((canonical_json(body) + prev_hash).encode("utf-8")).hexdigest()


def _fields(e: Event) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "at": e.at,
        "actor": e.actor,
        "kind": e.kind,
        "entity_type": e.entity_type,
        "entity_id": e.entity_id,
        "reason": e.reason,
        "before": e.before,
        "after": e.after,
    }


def _now() -> dt.datetime:
    # whole microseconds in UTC: what both SQLite and PostgreSQL store exactly
    return dt.datetime.now(dt.UTC)


class ChainWriter:
    """Appends events to the chain inside one transaction; the head row is locked on first use."""

    def __init__(self, session: Session) -> None:
        self.session = session
        head = session.execute(select(ChainHead).where(ChainHead.id == 1).with_for_update()).scalar_one()
        self.head = head
        self.pending: list[dict[str, Any]] = []

    def append(
        self,
        *,
        actor: str,
        kind: str,
        entity_type: str,
        entity_id: str | None,
        reason: str | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        at: dt.datetime | None = None,
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "seq": self.head.seq + 1,
            "at": at or _now(),
            "actor": actor,
            "kind": kind,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "reason": reason,
            "before": before,
            "after": after,
        }
        fields["prev_hash"] = self.head.hash
        fields["hash"] = event_hash(fields, self.head.hash)
        self.head.seq = fields["seq"]
        self.head.hash = fields["hash"]
        self.pending.append(fields)
        if len(self.pending) >= 2000:
            self.flush()
        return fields

    def flush(self) -> None:
        if self.pending:
            self.session.execute(insert(Event), self.pending)
            self.pending = []
        self.session.flush()


def chain(session: Session) -> ChainWriter:
    """The transaction's chain writer (created, and the chain head locked, on first use).

    Call `flush_chain` (the service functions do) before the transaction commits.
    """
    writer = session.info.get(_WRITER_KEY)
    if writer is None or writer.session is not session:
        writer = ChainWriter(session)
        session.info[_WRITER_KEY] = writer
    return writer


def flush_chain(session: Session) -> None:
    writer = session.info.pop(_WRITER_KEY, None)
    if writer is not None:
        writer.flush()


@event.listens_for(Session, "before_commit")
def _flush_pending_events(session: Session) -> None:
    """Events appended but not yet written go in with the commit, never lost."""
    writer = session.info.get(_WRITER_KEY)
    if writer is not None:
        writer.flush()


@event.listens_for(Session, "after_transaction_end")
def _forget_writer(session: Session, transaction: Any) -> None:
    """A writer holds the head lock of one transaction only."""
    if transaction.parent is None:
        session.info.pop(_WRITER_KEY, None)


def record(session: Session, **kwargs: Any) -> dict[str, Any]:
    """Append one event and write it now."""
    writer = chain(session)
    fields = writer.append(**kwargs)
    writer.flush()
    session.info.pop(_WRITER_KEY, None)
    return fields


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str  # altered | deleted | reordered
    seq: int | None
    event_id: int | None
    message: str


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    events: int
    head_seq: int
    head_hash: str
    problem: Problem | None = None

    def describe(self) -> str:
        if self.problem is None:
            return f"chain intact: {self.events} events, head seq {self.head_seq}, hash {self.head_hash}"
        return f"chain broken ({self.problem.kind}): {self.problem.message}"


_VERIFY_COLUMNS = (
    Event.id,
    Event.seq,
    Event.at,
    Event.actor,
    Event.kind,
    Event.entity_type,
    Event.entity_id,
    Event.reason,
    Event.before,
    Event.after,
    Event.prev_hash,
    Event.hash,
)


def verify(session: Session, batch: int = 5000) -> VerifyResult:
    """Walk the whole chain in seq order; report the first broken link."""
    hashes: dict[str, tuple[int, int]] = {
        h: (seq, eid) for h, seq, eid in session.execute(select(Event.hash, Event.seq, Event.id))
    }
    head = session.execute(select(ChainHead.seq, ChainHead.hash).where(ChainHead.id == 1)).one()
    expected_seq = 1
    prev_hash = GENESIS
    prev_id = 0
    prev_seq: int | None = None
    count = 0

    def broken(kind: str, seq: int | None, eid: int | None, message: str) -> VerifyResult:
        return VerifyResult(False, count, head.seq, head.hash, Problem(kind, seq, eid, message))

    stream = session.execute(
        select(*_VERIFY_COLUMNS).order_by(Event.seq, Event.id).execution_options(yield_per=batch)
    )
    pending_rehash: tuple[int, int, str] | None = None  # previous event whose content did not match
    for row in stream:
        e = row._mapping
        seq, eid = e["seq"], e["id"]
        where = f"event seq {seq} (id {eid})"
        if seq != expected_seq:
            if seq > expected_seq:
                missing = (
                    f"seq {expected_seq}" if seq == expected_seq + 1 else f"seq {expected_seq}–{seq - 1}"
                )
                return broken("deleted", seq, eid, f"{missing} missing before {where}: events were deleted")
            return broken("reordered", seq, eid, f"{where} repeats a seq number (expected {expected_seq})")
        if e["prev_hash"] != prev_hash:
            if pending_rehash is not None and e["prev_hash"] == pending_rehash[2]:
                pseq, pid, _ = pending_rehash
                return broken(
                    "altered",
                    pseq,
                    pid,
                    f"the stored hash of event seq {pseq} (id {pid}) was changed "
                    f"(the next event links to its original hash)",
                )
            if e["prev_hash"] in hashes:
                oseq, oid = hashes[e["prev_hash"]]
                return broken(
                    "reordered",
                    seq,
                    eid,
                    f"{where} links to event seq {oseq} (id {oid}), not to seq {prev_seq}: "
                    "events were reordered",
                )
            return broken(
                "altered",
                prev_seq,
                prev_id,
                f"{where} links to a hash no stored event has: event seq {prev_seq} (id {prev_id}) was "
                f"rewritten with a recomputed hash, or {where}'s link was edited",
            )
        if pending_rehash is not None:
            pseq, pid, _ = pending_rehash
            return broken(
                "altered",
                pseq,
                pid,
                f"event seq {pseq} (id {pid}) was altered: its content does not match its hash",
            )
        if eid < prev_id:
            return broken(
                "reordered",
                seq,
                eid,
                f"{where} is stored before the event it follows (id {prev_id}): rows swapped",
            )
        actual = event_hash(dict(e), e["prev_hash"])
        if actual != e["hash"]:
            pending_rehash = (seq, eid, actual)  # decide with the next event: content or hash edited
        count += 1
        prev_hash, prev_id, prev_seq = e["hash"], eid, seq
        expected_seq += 1
    if pending_rehash is not None:
        pseq, pid, actual = pending_rehash
        return broken(
            "altered",
            pseq,
            pid,
            f"event seq {pseq} (id {pid}) was altered: its content does not match its hash",
        )
    if head.seq != count or (count and head.hash != prev_hash):
        return broken(
            "deleted",
            head.seq,
            None,
            f"the chain head says seq {head.seq} but the log ends at seq {count}: "
            "the newest events were removed (or the head was edited)",
        )
    return VerifyResult(True, count, head.seq, head.hash)
