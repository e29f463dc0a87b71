"""Quarantine: rejected inputs are kept in the workspace with file, record and reason."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import os
from collections import Counter
from pathlib import Path
from typing import Any

from jiandu.engines.base import Engine
from jiandu.ingest.sources import RejectedRecord
from jiandu.schema import table

log = logging.getLogger(__name__)

MAX_KEPT_BYTES = 64 * 1024 * 1024  # a larger rejected input is referenced by its source, not copied
MAX_KEPT_PER_SOURCE = 256 * 1024 * 1024  # bytes kept per input file in one run (a hostile zip...)
FILE_MODE = 0o600  # quarantined bytes are case data: readable by the workspace owner only
FOLDER_MODE = 0o700


class Budget:
    """Caps the bytes kept in quarantine per input file in one run."""

    def __init__(self, per_source: int | None = None) -> None:
        self.per_source = MAX_KEPT_PER_SOURCE if per_source is None else per_source
        self.kept: Counter[str] = Counter()

    def allow(self, source: str, size: int) -> bool:
        if self.kept[source] + size > self.per_source:
            return False
        self.kept[source] += size
        return True


def _write_private(target: Path, data: bytes) -> None:
    """Write ``data`` to a new file readable by the owner only (never through a link)."""
    for folder in (target.parent.parent, target.parent):
        folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        os.chmod(folder, FOLDER_MODE)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target, flags, FILE_MODE)
    except FileExistsError:
        return  # same id, same bytes: kept already (by a concurrent run)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def quarantine_id(item: RejectedRecord) -> str:
    digest = hashlib.sha256()
    for part in (item.source, item.record_ref, item.code):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    digest.update(item.data)
    return digest.hexdigest()[:32]


def keep(
    item: RejectedRecord,
    folder: Path,
    run_id: str,
    now: dt.datetime,
    budget: Budget | None = None,
    *,
    write: bool = True,
) -> dict[str, Any]:
    """Write the rejected bytes under ``folder`` and return the quarantine table row
    (``write=False``: the caller writes them, at ``stored_path`` or where it says)."""
    qid = quarantine_id(item)
    stored: str | None = None
    reason = item.reason
    if item.data and len(item.data) <= MAX_KEPT_BYTES:
        if budget is None or budget.allow(item.source, len(item.data)):
            target = folder / qid[:2] / f"{qid}.bin"
            if write and not target.exists():
                _write_private(target, item.data)
            stored = str(target)
        else:
            reason += " (bytes not kept: this file's quarantine volume cap is reached)"
    return {
        "quarantine_id": qid,
        "source": item.source,
        "record_ref": item.record_ref,
        "reason_code": item.code,
        "reason": reason,
        "size_bytes": len(item.data),
        "stored_path": stored,
        "quarantined_at": now,
        "ingest_run_id": run_id,
    }


def store(
    engine: Engine,
    items: list[RejectedRecord],
    folder: Path,
    run_id: str,
    now: dt.datetime,
    budget: Budget | None = None,
) -> None:
    """Keep the bytes of rejected records, log each reason, and add them to the quarantine table."""
    if not items:
        return
    rows = [keep(item, folder, run_id, now, budget) for item in items]
    for item in items:
        log.warning(
            "quarantined %s [%s]: %s (%s)", item.source, item.record_ref or "-", item.reason, item.code
        )
    schema = table("quarantine")
    engine.insert_new(schema, schema.to_arrow(rows))


def store_together(
    engine: Engine,
    items: list[RejectedRecord],
    folder: Path,
    run_id: str,
    now: dt.datetime,
    budget: Budget | None = None,
) -> None:
    """Like `store`, but the kept bytes of the records from one input file go into one file
    (JSON lines: quarantine id, record, reason code, the bytes as text, or base64 when they are
    not UTF-8) instead of one file each; ``stored_path`` names that file and the quarantine id
    finds the record's line. The file is named by its records' ids, so a re-run rewrites
    nothing. For register rows, which are rejected by the thousand."""
    if not items:
        return
    rows = []
    by_file: dict[str, list[tuple[dict[str, Any], RejectedRecord]]] = {}
    for item in items:
        row = keep(item, folder, run_id, now, budget, write=False)
        rows.append(row)
        if row["stored_path"] is not None:
            by_file.setdefault(item.source, []).append((row, item))
    for kept in by_file.values():
        digest = hashlib.sha256("\x00".join(row["quarantine_id"] for row, _ in kept).encode("ascii"))
        name = digest.hexdigest()[:32]
        target = folder / name[:2] / f"{name}.jsonl"
        lines = []
        for row, item in kept:
            line: dict[str, str] = {"quarantine_id": row["quarantine_id"], "record_ref": item.record_ref}
            line["reason_code"] = item.code
            try:
                line["text"] = item.data.decode("utf-8")
            except UnicodeDecodeError:
                line["base64"] = base64.b64encode(item.data).decode("ascii")
            lines.append(json.dumps(line, ensure_ascii=False))
            row["stored_path"] = str(target)
        if not target.exists():
            _write_private(target, ("\n".join(lines) + "\n").encode("utf-8"))
    for item in items:
        log.warning(
            "quarantined %s [%s]: %s (%s)", item.source, item.record_ref or "-", item.reason, item.code
        )
    schema = table("quarantine")
    engine.insert_new(schema, schema.to_arrow(rows))
