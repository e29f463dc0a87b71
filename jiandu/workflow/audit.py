"""The keyed, hash-chained event log: appending events, anchoring the head, re-keying old chains.

Each event stores ``prev_hash`` (the hash of the event before it; 64 zeros for the first) and
``hash = HMAC-SHA256(key, canonical fields + prev_hash)`` (`jiandu.workflow.audit_hash`), with a
key kept outside the database (`jiandu.workflow.audit_keys`). After every committed transaction
that appended events, the head (``seq hash time``) is appended to the workspace's anchor file.
`verify` (`jiandu.workflow.audit_verify`) checks the chain under the key, the head row, and every
anchor, and names the first problem.

Workspaces from before keyed hashing (plain sha256, no key file, no anchor file) are re-keyed
once, at their first change: the old chain is verified under sha256 first (a broken chain is
refused, not blessed), then every hash is recomputed under a new key and an ``audit_rekeyed``
event records the old and new head. A missing key is never replaced while anchors exist.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from jiandu.workflow.audit_hash import (
    FIELDS,
    GENESIS,
    canonical_json,
    canonical_time,
    event_hash,
)
from jiandu.workflow.audit_keys import (
    AuditError,
    AuditFiles,
    create_key,
    load_key,
    locate,
    read_anchors,
    write_anchor,
)
from jiandu.workflow.audit_verify import Problem, VerifyResult, verify, walk
from jiandu.workflow.tables import ChainHead, Event

log = logging.getLogger(__name__)

__all__ = [
    "GENESIS",
    "AuditError",
    "ChainWriter",
    "Problem",
    "VerifyResult",
    "canonical_json",
    "canonical_time",
    "chain",
    "event_hash",
    "flush_chain",
    "record",
    "restart_anchors",
    "verify",
]

_WRITER_KEY = "jiandu.chain_writer"
_ANCHOR_KEY = "jiandu.chain_anchor"  # (anchor path, seq, hash) to write once the commit is done
_NEW_KEY = "jiandu.chain_new_key"  # a key file created by a re-key, removed if it rolls back


def _now() -> dt.datetime:
    # whole microseconds in UTC: what both SQLite and PostgreSQL store exactly
    return dt.datetime.now(dt.UTC)


def _files(session: Session) -> AuditFiles:
    files = locate(session)
    if files is None:
        raise AuditError(
            "no place for the audit key: open the store with Store.for_workspace(root) or set "
            "JIANDU_AUDIT_KEY_FILE（无法确定审计密钥位置）"
        )
    return files


def _key_for_append(session: Session, head: ChainHead, files: AuditFiles) -> bytes:
    """The key to extend the chain with: the workspace's, a new one for an empty chain, or a
    re-key of a chain from before keyed hashing."""
    key = load_key(files.key_path)
    if key is not None:
        return key
    if head.seq == 0:
        return create_key(files.key_path)[0]
    if read_anchors(files.anchor_path):
        raise AuditError(
            f"the audit key {files.key_path} is missing but the chain was keyed "
            f"({files.anchor_path.name} has anchors): restore the key file before any change"
            "（审计密钥缺失，请恢复密钥文件）"
        )
    return _rekey(session, head, files)


def _rekey(session: Session, head: ChainHead, files: AuditFiles) -> bytes:
    """Verify an unkeyed (sha256) chain, then re-hash it under a new key, as an audited event."""
    old = walk(session, None)
    if old.problem is not None or old.count != head.seq or old.last_hash != head.hash:
        reason = (
            old.problem.message
            if old.problem
            else f"the head says seq {head.seq}, the log ends at {old.count}"
        )
        raise AuditError(
            f"the event chain predates keyed hashing and cannot be re-keyed because it is broken: {reason}; "
            "nothing was changed（旧审计链已损坏，无法改用密钥）"
        )
    key, created = create_key(files.key_path)
    if created:
        session.info[_NEW_KEY] = files.key_path
    prev, last_seq = GENESIS, 0
    columns = [Event.id, *(getattr(Event, name) for name in FIELDS)]
    while True:  # pages by seq: read a page, then rewrite it (no open cursor while updating)
        page = session.execute(
            select(*columns).where(Event.seq > last_seq).order_by(Event.seq).limit(2000)
        ).all()
        if not page:
            break
        batch = []
        for row in page:
            e = row._mapping
            new = event_hash(dict(e), prev, key)
            batch.append({"id": e["id"], "prev_hash": prev, "hash": new})
            prev, last_seq = new, e["seq"]
        session.execute(update(Event), batch)
    old_head = head.hash
    head.hash = prev
    session.flush()
    log.warning("re-keyed the audit chain (%d events) under %s", head.seq, files.key_path)
    session.info["jiandu.chain_rekeyed"] = {
        "scheme": "sha256",
        "head_seq": head.seq,
        "head_hash": old_head,
    }
    return key


def _has_anchors(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except FileNotFoundError:
        return False


def _check_anchored(head: ChainHead, files: AuditFiles, *, starting: bool) -> None:
    """Refuse to extend a chain whose anchor file was deleted or emptied (the next anchor would
    hide a cut-off tail); a new (or just re-keyed) chain starts its file with ``0 GENESIS``."""
    if _has_anchors(files.anchor_path):
        return
    if head.seq == 0 or starting:
        write_anchor(files.anchor_path, 0, GENESIS, canonical_time(_now()))
        return
    raise AuditError(
        f"the anchor file {files.anchor_path} is missing or empty although the chain has {head.seq} "
        "events: restore it, or check the chain and restart the anchors with `jiandu audit reanchor`"
        "（锚点文件缺失，审计链暂停写入）"
    )


def restart_anchors(session: Session, *, actor: str, reason: str) -> VerifyResult:
    """Start a new anchor file at the current head after the anchor file was lost, as an event.

    Only when the chain itself verifies (its key, links and head); the lost anchors cannot be
    checked any more, which the ``anchors_restarted`` event records with the reason."""
    files = _files(session)
    result = verify(session)
    if result.problem is not None and result.problem.kind != "anchors":
        return result
    head = session.execute(select(ChainHead).where(ChainHead.id == 1).with_for_update()).scalar_one()
    now = canonical_time(_now())
    if files.anchor_path.exists():  # garbled or emptied: kept aside as evidence, never overwritten
        files.anchor_path.rename(files.anchor_path.with_name(f"{files.anchor_path.name}.{now}.old"))
    write_anchor(files.anchor_path, head.seq, head.hash, now)
    record(
        session,
        actor=actor,
        kind="anchors_restarted",
        entity_type="store",
        entity_id=None,
        reason=reason,
        before={"problem": result.problem.message if result.problem else None},
        after={"head_seq": head.seq, "head_hash": head.hash},
    )
    return result


class ChainWriter:
    """Appends events to the chain inside one transaction; the head row is locked on first use."""

    def __init__(self, session: Session) -> None:
        self.session = session
        head = session.execute(
            select(ChainHead).where(ChainHead.id == 1).with_for_update()
        ).scalar_one_or_none()
        if head is None:
            raise AuditError(
                "the chain head row is missing: the event log was tampered with（审计链链头缺失）"
            )
        self.head = head
        self.files = _files(session)
        self.pending: list[dict[str, Any]] = []
        self.key = _key_for_append(session, head, self.files)
        rekeyed = session.info.pop("jiandu.chain_rekeyed", None)
        _check_anchored(head, self.files, starting=rekeyed is not None)
        if rekeyed is not None:
            self.append(
                actor="system",
                kind="audit_rekeyed",
                entity_type="store",
                entity_id=None,
                reason="审计链改用密钥（HMAC-SHA256）；旧链已先行校验完整",
                before=rekeyed,
                after={"scheme": "hmac-sha256", "head_seq": head.seq, "head_hash": head.hash},
            )

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
        fields["hash"] = event_hash(fields, self.head.hash, self.key)
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
            self.session.info[_ANCHOR_KEY] = (self.files.anchor_path, self.head.seq, self.head.hash)
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


@event.listens_for(Session, "after_commit")
def _anchor_head(session: Session) -> None:
    """Once events are committed, append the head to the anchor file."""
    session.info.pop(_NEW_KEY, None)
    pending = session.info.pop(_ANCHOR_KEY, None)
    if pending is None:
        return
    path, seq, head_hash = pending
    try:
        write_anchor(path, seq, head_hash, canonical_time(_now()))
    except OSError as exc:  # the events are committed; a missing anchor shows up in verify
        log.error("could not anchor the audit chain head (seq %s) in %s: %s", seq, path, exc)


@event.listens_for(Session, "after_rollback")
def _forget_anchor(session: Session) -> None:
    """Nothing was committed: no anchor, and a key made by a re-key that rolled back goes."""
    session.info.pop(_ANCHOR_KEY, None)
    session.info.pop("jiandu.chain_rekeyed", None)
    new_key = session.info.pop(_NEW_KEY, None)
    if new_key is not None:
        new_key.unlink(missing_ok=True)


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
