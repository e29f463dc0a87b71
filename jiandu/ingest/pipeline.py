"""Ingest judgments: stream records in batches, parse them on all cores, store new documents.

Idempotent: a document already stored (same id from the normalised text) is counted as a
duplicate and adds nothing. Memory stays bounded: a few batches are in flight at any time.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jiandu.cores import worker_count
from jiandu.engines.base import Engine
from jiandu.ingest import quarantine
from jiandu.ingest.rows import CHILD_TABLES
from jiandu.ingest.sources import (
    DEFAULT_TEXT_FIELDS,
    Limits,
    RawRecord,
    RejectedRecord,
    read_inputs,
)
from jiandu.ingest.worker import DOCUMENT_SECONDS, ParsedDocument, process_batch
from jiandu.schema import canonical_tables, table

Result = ParsedDocument | RejectedRecord
log = logging.getLogger(__name__)


@dataclass(slots=True)
class IngestReport:
    run_id: str
    read: int = 0
    parsed: int = 0
    duplicates: int = 0
    quarantined: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    by_type: Counter[str] = field(default_factory=Counter)
    input_bytes: int = 0
    seconds: float = 0.0


def new_run_id(prefix: str = "ingest") -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    return f"{prefix}-{stamp}-{uuid.uuid4().hex[:6]}"


def _batches(
    items: Iterable[RawRecord | RejectedRecord], size: int
) -> Iterator[tuple[list[RawRecord], list[RejectedRecord]]]:
    raw: list[RawRecord] = []
    rejected: list[RejectedRecord] = []
    for item in items:
        if isinstance(item, RawRecord):
            raw.append(item)
        else:
            rejected.append(item)
        if len(raw) >= size or len(rejected) >= size:
            yield raw, rejected
            raw, rejected = [], []
    if raw or rejected:
        yield raw, rejected


class _Store:
    """Writes one batch of results to the engine and keeps the run's counts."""

    def __init__(self, engine: Engine, quarantine_dir: Path, report: IngestReport) -> None:
        self.engine = engine
        self.quarantine_dir = quarantine_dir
        self.report = report
        self.schemas = canonical_tables()
        self.budget = quarantine.Budget()

    def write(self, results: list[Result]) -> None:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        parsed = [r for r in results if isinstance(r, ParsedDocument)]
        rejected = [r for r in results if isinstance(r, RejectedRecord)]
        self._write_documents(parsed, now)
        self._write_rejections(rejected, now)

    def _write_documents(self, parsed: list[ParsedDocument], now: dt.datetime) -> None:
        if not parsed:
            return
        existing = self.engine.existing_keys("documents", "doc_id", [p.doc_id for p in parsed])
        fresh: list[ParsedDocument] = []
        seen: set[str] = set(existing)
        for doc in parsed:
            if doc.doc_id in seen:
                self.report.duplicates += 1
                continue
            seen.add(doc.doc_id)
            fresh.append(doc)
        if not fresh:
            return
        documents = [
            {**doc.document, "ingested_at": now, "ingest_run_id": self.report.run_id} for doc in fresh
        ]
        self.engine.append("documents", self.schemas["documents"].to_arrow(documents))
        for name in CHILD_TABLES:
            rows: list[dict[str, Any]] = [row for doc in fresh for row in doc.rows[name]]
            if rows:
                self.engine.append(name, self.schemas[name].to_arrow(rows))
        self.report.parsed += len(fresh)
        for doc in fresh:
            self.report.by_type[f"{doc.document['case_category']}/{doc.document['doc_type']}"] += 1

    def _write_rejections(self, rejected: list[RejectedRecord], now: dt.datetime) -> None:
        quarantine.store(
            self.engine, rejected, self.quarantine_dir, self.report.run_id, now, self.budget
        )
        for item in rejected:
            self.report.reasons[item.code] += 1
        self.report.quarantined += len(rejected)


def parse_here(raw: list[RawRecord], document_seconds: float | None) -> list[Result]:
    """Parse a batch in this process, record by record."""
    return process_batch(raw, document_seconds) if raw else []


def settle(
    raw: list[RawRecord], future: Future[list[Result]] | None, document_seconds: float | None
) -> list[Result]:
    """A batch's results; when its worker failed (or died), parse it again record by record here."""
    if future is None:
        return parse_here(raw, document_seconds)
    try:
        return future.result()
    except Exception as exc:
        log.warning("a parsing worker failed (%s); parsing its batch record by record", exc)
        return parse_here(raw, document_seconds)


def ingest_judgments(
    engine: Engine,
    quarantine_dir: Path,
    paths: list[Path],
    *,
    text_fields: tuple[str, ...] = DEFAULT_TEXT_FIELDS,
    limits: Limits | None = None,
    workers: int | None = None,
    batch_size: int = 400,
    on_progress: Callable[[IngestReport], None] | None = None,
    run_id: str | None = None,
    document_seconds: float | None = DOCUMENT_SECONDS,
) -> IngestReport:
    """Read, parse and store the judgments under ``paths``; return the run's counts."""
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    report = IngestReport(run_id=run_id or new_run_id())
    engine.ensure_tables(canonical_tables().values())
    store = _Store(engine, quarantine_dir, report)
    workers = workers or worker_count()
    items = read_inputs(paths, text_fields, limits)

    def handle(raw: list[RawRecord], rejected: list[RejectedRecord], results: list[Result]) -> None:
        report.read += len(raw) + len(rejected)
        report.input_bytes += sum(r.size for r in raw)
        store.write([*rejected, *results])
        if on_progress:
            on_progress(report)

    if workers == 1:
        for raw, rejected in _batches(items, batch_size):
            handle(raw, rejected, parse_here(raw, document_seconds))
    else:
        context = multiprocessing.get_context("spawn")  # never fork a process holding an engine
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            pending: deque[tuple[list[RawRecord], list[RejectedRecord], Future[list[Result]] | None]]
            pending = deque()
            for raw, rejected in _batches(items, batch_size):
                future: Future[list[Result]] | None
                try:
                    future = pool.submit(process_batch, raw, document_seconds)
                except RuntimeError:  # the pool broke (a worker was killed): go on in this process
                    future = None
                pending.append((raw, rejected, future))
                while len(pending) > 2 * workers:
                    done_raw, done_rejected, done = pending.popleft()
                    handle(done_raw, done_rejected, settle(done_raw, done, document_seconds))
            while pending:
                done_raw, done_rejected, done = pending.popleft()
                handle(done_raw, done_rejected, settle(done_raw, done, document_seconds))
    finished = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    report.seconds = (finished - started).total_seconds()
    engine.append(
        "ingest_runs",
        table("ingest_runs").to_arrow(
            [
                {
                    "run_id": report.run_id,
                    "started_at": started,
                    "finished_at": finished,
                    "paths": " ".join(str(p) for p in paths),
                    "read": report.read,
                    "parsed": report.parsed,
                    "duplicates": report.duplicates,
                    "quarantined": report.quarantined,
                }
            ]
        ),
    )
    return report
