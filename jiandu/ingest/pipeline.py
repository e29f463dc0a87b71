"""Ingest judgments: workers read and parse work units on all cores, this process stores them.

Workers receive only file paths (and line ranges) and hand back only counts: they write their
rows as Parquet into the run's staging folder, which the engine reads directly. Idempotent: a
document already stored (same id from the normalised text) is counted as a duplicate and adds
nothing. Memory stays bounded: a few units are in flight at any time.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import multiprocessing
import os
import uuid
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from jiandu.cores import worker_count
from jiandu.engines.base import Engine
from jiandu.engines.warehouse import Warehouse
from jiandu.ingest import quarantine
from jiandu.ingest.sources import (
    DEFAULT_TEXT_FIELDS,
    Limits,
    RawRecord,
    RejectedRecord,
)
from jiandu.ingest.units import MAX_FILES, TARGET_BYTES, WorkUnit, plan_units
from jiandu.ingest.worker import (
    DOCUMENT_SECONDS,
    POSITION,
    ParsedDocument,
    UnitResult,
    process_batch,
    process_unit,
    read_rejected,
)
from jiandu.schema import canonical_tables, table

Result = ParsedDocument | RejectedRecord
log = logging.getLogger(__name__)

# Units handed to the pool ahead of the one being stored, per worker. This process stores units
# in input order and now and then waits on a checkpoint of the store (seconds at a million
# documents); with units queued ahead the workers go on parsing meanwhile. Only counts and file
# names come back per unit, so a longer queue costs staged files on disk, not memory.
UNITS_AHEAD = 4


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


class _Store:
    """Stores the units' staged rows and rejections in the engine and keeps the run's counts."""

    def __init__(self, engine: Engine, quarantine_dir: Path, report: IngestReport) -> None:
        self.engine = engine
        self.quarantine_dir = quarantine_dir
        self.report = report
        self.budget = quarantine.Budget()

    def store_units(self, results: list[UnitResult]) -> None:
        """Store the staged documents of units (given in input order; new documents only)."""
        units = [result.files for result in results if "documents" in result.files]
        if not units:
            return
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        stamp = {"ingested_at": now, "ingest_run_id": self.report.run_id}
        counts = self.engine.store_staged_units(units, POSITION, stamp)
        parsed = 0
        for row in counts.to_pylist():
            self.report.by_type[f"{row['case_category']}/{row['doc_type']}"] += row["documents"]
            parsed += row["documents"]
        self.report.parsed += parsed
        self.report.duplicates += sum(result.documents for result in results) - parsed

    def quarantine_unit(self, result: UnitResult) -> None:
        """Quarantine the records a unit rejected."""
        if "rejected" in result.files:
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            self._write_rejections(read_rejected(result.files["rejected"]), now)

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


def settle_unit(future: Future[UnitResult] | None, redo: Callable[[], UnitResult]) -> UnitResult:
    """A unit's result; when its worker failed (or died), the unit is read and parsed again here,
    record by record (``redo``)."""
    if future is None:
        return redo()
    try:
        return future.result()
    except Exception as exc:
        log.warning("a parsing worker failed (%s); parsing its unit record by record here", exc)
        return redo()


def _private_folder(folder: Path) -> Path:
    """A new folder readable by the owner only: staged rows are case data."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=False)
    os.chmod(folder, 0o700)
    return folder


def _remove_staging(location: str) -> None:
    """Delete a run's staging folder (a path or a URI); a failure to do so is only logged."""
    try:
        Warehouse(location).delete_dir("")
    except OSError as exc:
        log.warning("could not remove the staging folder %s: %s", location, exc)


def ingest_judgments(
    engine: Engine,
    quarantine_dir: Path,
    paths: list[Path],
    *,
    text_fields: tuple[str, ...] = DEFAULT_TEXT_FIELDS,
    limits: Limits | None = None,
    workers: int | None = None,
    batch_size: int = MAX_FILES,
    on_progress: Callable[[IngestReport], None] | None = None,
    run_id: str | None = None,
    document_seconds: float | None = DOCUMENT_SECONDS,
    staging_dir: Path | None = None,
    unit_bytes: int = TARGET_BYTES,
) -> IngestReport:
    """Read, parse and store the judgments under ``paths``; return the run's counts.

    The paths are cut into work units (`jiandu.ingest.units`); each worker reads its units'
    files itself and writes their rows as Parquet into a staging folder of the run
    (``staging_dir``, by default next to ``quarantine_dir``), and this process stores the
    staged rows unit by unit in input order (`Engine.store_staged_units`), so the first
    occurrence of a document in input order is the one stored. ``batch_size`` caps the files
    of a unit. On an engine with executors of its own (Spark) the units run there
    (`Engine.run_units`) unless ``workers`` is 1: they stage under the engine's
    `Engine.staging_location` (Spark: ``<warehouse URI>/_staging/<run id>``) and the engine
    stores all of them in one go once they have run. The staging folder is removed at the end,
    also when the run fails."""
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    report = IngestReport(run_id=run_id or new_run_id())
    engine.ensure_tables(canonical_tables().values())
    store = _Store(engine, quarantine_dir, report)
    workers = workers or worker_count()
    # units run on the engine's executors stage where those can write (Spark: under the
    # warehouse URI) and are stored together at the end; otherwise a private local folder
    remote = engine.staging_location(report.run_id) if workers != 1 else None
    staging = remote or str(_private_folder(staging_dir or quarantine_dir.parent / "staging" / report.run_id))
    units = plan_units(paths, unit_bytes, max(batch_size, 1))

    work = functools.partial(
        process_unit, folder=staging, text_fields=text_fields, limits=limits, seconds=document_seconds
    )

    def redo(unit: WorkUnit) -> Callable[[], UnitResult]:
        return lambda: work(unit)

    def counted(result: UnitResult) -> None:
        report.read += result.read
        report.input_bytes += result.input_bytes
        store.quarantine_unit(result)

    def handle(result: UnitResult) -> None:
        counted(result)
        store.store_units([result])
        for name in result.files.values():
            Path(name).unlink(missing_ok=True)
        if on_progress:
            on_progress(report)

    try:
        with engine.bulk_load():  # DuckDB: fewer automatic checkpoints
            on_engine = engine.run_units(work, units) if remote is not None else None
            if on_engine is not None:  # Spark: the units run on its executors, then one bulk store
                ran: list[UnitResult] = []
                for result in on_engine:
                    counted(result)
                    ran.append(result)
                    if on_progress:
                        on_progress(report)
                store.store_units(ran)
                if on_progress:
                    on_progress(report)
            elif workers == 1:
                for unit in units:
                    handle(work(unit))
            else:
                context = multiprocessing.get_context("spawn")  # never fork a process holding an engine
                with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                    pending: deque[tuple[WorkUnit, Future[UnitResult] | None]] = deque()
                    for unit in units:
                        future: Future[UnitResult] | None
                        try:
                            future = pool.submit(work, unit)
                        except RuntimeError:  # the pool broke (a worker was killed): go on in this process
                            future = None
                        pending.append((unit, future))
                        while len(pending) > UNITS_AHEAD * workers:
                            done_unit, done = pending.popleft()
                            handle(settle_unit(done, redo(done_unit)))
                    while pending:
                        done_unit, done = pending.popleft()
                        handle(settle_unit(done, redo(done_unit)))
    finally:
        _remove_staging(staging)
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
