"""Quarantine: rejected inputs are kept in the workspace with file, record and reason."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from pathlib import Path
from typing import Any

from jiandu.engines.base import Engine
from jiandu.ingest.sources import RejectedRecord
from jiandu.schema import table

log = logging.getLogger(__name__)

MAX_KEPT_BYTES = 64 * 1024 * 1024  # a larger rejected input is referenced by its source, not copied


def quarantine_id(item: RejectedRecord) -> str:
    digest = hashlib.sha256()
    for part in (item.source, item.record_ref, item.code):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    digest.update(item.data)
    return digest.hexdigest()[:32]


def keep(item: RejectedRecord, folder: Path, run_id: str, now: dt.datetime) -> dict[str, Any]:
    """Write the rejected bytes under ``folder`` and return the quarantine table row."""
    qid = quarantine_id(item)
    stored: str | None = None
    if item.data and len(item.data) <= MAX_KEPT_BYTES:
        target = folder / qid[:2] / f"{qid}.bin"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(item.data)
        stored = str(target)
    return {
        "quarantine_id": qid,
        "source": item.source,
        "record_ref": item.record_ref,
        "reason_code": item.code,
        "reason": item.reason,
        "size_bytes": len(item.data),
        "stored_path": stored,
        "quarantined_at": now,
        "ingest_run_id": run_id,
    }


def store(engine: Engine, items: list[RejectedRecord], folder: Path, run_id: str, now: dt.datetime) -> None:
    """Keep the bytes of rejected records, log each reason, and add them to the quarantine table."""
    if not items:
        return
    rows = [keep(item, folder, run_id, now) for item in items]
    for item in items:
        log.warning(
            "quarantined %s [%s]: %s (%s)", item.source, item.record_ref or "-", item.reason, item.code
        )
    schema = table("quarantine")
    engine.insert_new(schema, schema.to_arrow(rows))
