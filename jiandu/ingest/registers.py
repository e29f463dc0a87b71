"""Load agency registers through their declared sources (`jiandu.sources`).

Each file is matched to a declared source by its file-name patterns and format (or the source
is named with ``source_id``); when several match, the first whose required columns the header
has wins (a workspace's own sources before the built-in ones). The source maps the export's
columns onto the register table; every row is validated (types, code lists, keys: ID numbers
incl. 15-digit and masked forms, credit codes) and carries its provenance (source id, file,
row number, load id). A bad row goes to quarantine with file, row number, column and reason;
the rest of the file loads. Loading is idempotent on each table's key.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Callable, Generator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from jiandu.engines.base import Engine
from jiandu.ingest import quarantine
from jiandu.ingest.pipeline import new_run_id
from jiandu.ingest.prefetch import prefetch
from jiandu.ingest.pseudonymised import masked_row, other_key
from jiandu.ingest.sources import RejectedRecord, expand_paths
from jiandu.privacy import mask_text
from jiandu.schema import canonical_tables
from jiandu.schema.registry import TableSchema
from jiandu.sources.mapping import MissingColumns, apply, plan
from jiandu.sources.model import PROVENANCE_COLUMNS, register_tables
from jiandu.sources.readers import Batch, FileProblem, check_text, file_format, header_of, open_export
from jiandu.sources.registry import Catalogue, LoadedSource, catalogue

ROW_GROUP = 122_880  # DuckDB's row group: an insert of whole row groups is written once, compressed
STORE_ROWS = 2 * ROW_GROUP  # rows per insert into the store (the rest waits for the next batch)
# one store at a time, in a thread: the engine works (GIL released) while the next batch converts
_STORER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jiandu-register-store")


@dataclass(slots=True)
class FileReport:
    """What one file gave: through which source, into which table, with what counts."""

    file: str
    source: str
    table: str
    encoding: str | None = None
    footers: int = 0
    ignored_columns: tuple[str, ...] = ()
    read: int = 0
    loaded: int = 0
    duplicates: int = 0
    quarantined: int = 0


@dataclass(slots=True)
class RegisterReport:
    run_id: str
    read: Counter[str] = field(default_factory=Counter)
    loaded: Counter[str] = field(default_factory=Counter)
    duplicates: Counter[str] = field(default_factory=Counter)
    quarantined: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    files: list[FileReport] = field(default_factory=list)
    seconds: float = 0.0


def _wanted(source: LoadedSource) -> set[str]:
    return {h for m in source.source.columns.values() for h in m.from_}


def choose_source(path: Path, fmt: str, sources: Catalogue) -> LoadedSource | str:
    """The source for ``path``, or why none fits."""
    candidates = sources.for_file(path.name, fmt)
    if not candidates:
        return (
            f"no declared source reads {path.name!r} as {fmt} (see `jiandu sources list`; "
            "declare one with `jiandu sources add`)"
        )
    if len(candidates) == 1:
        return candidates[0]
    problems = []
    for candidate in candidates:
        header = header_of(path, fmt, candidate.source.files, _wanted(candidate))
        if not header:
            return candidate  # formats whose header is read on opening: the first match
        try:
            plan(candidate.source, header)
            return candidate
        except MissingColumns as exc:
            problems.append(f"{candidate.source.id}: {exc}")
    return "no matching source fits the header: " + "; ".join(problems)


def upgrade_table(engine: Engine, schema: TableSchema) -> None:
    """Create the table, or add the columns it lacks (provenance, new register columns) to a
    table stored by an earlier version; existing rows get nulls."""
    if not engine.table_exists(schema.name):
        engine.create_table(schema)
        return
    stored = set(engine.stored_schema(schema.name).names)
    if all(c.name in stored for c in schema.columns):
        return
    select = ", ".join(
        f'"{c.name}"' if c.name in stored else f'CAST(NULL AS {c.type}) AS "{c.name}"' for c in schema.columns
    )
    engine.materialize(schema.name, f'SELECT {select} FROM "{schema.name}"')


def ingest_registers(
    engine: Engine,
    quarantine_dir: Path,
    paths: list[Path],
    *,
    on_progress: Callable[[RegisterReport], None] | None = None,
    run_id: str | None = None,
    sources: Catalogue | None = None,
    source_id: str | None = None,
) -> RegisterReport:
    """Validate and load register files through their declared sources; bad rows and files no
    source reads go to quarantine. ``sources``: the catalogue (default: the built-in sources);
    ``source_id``: read every file with this source."""
    started = time.perf_counter()
    report = RegisterReport(run_id or new_run_id("registers"))
    sources = sources or catalogue(None)
    forced = sources.get(source_id) if source_id else None
    tables = canonical_tables()
    engine.ensure_tables(t for name, t in tables.items() if name not in register_tables())
    for schema in register_tables().values():
        upgrade_table(engine, schema)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rejected: list[RejectedRecord] = []
    budget = quarantine.Budget()
    key_checked: dict[str, str | None] = {}  # pseudonym key id → why the workspace refuses it

    def reject(item: RejectedRecord) -> None:
        rejected.append(item)
        report.reasons[item.code] += 1

    def flush_rejected() -> None:
        # one file of kept bytes per input file, not one per row
        quarantine.store_together(engine, rejected, quarantine_dir, report.run_id, now, budget)
        rejected.clear()

    def one(path: Path) -> None:
        name = str(path)
        if path.is_symlink():  # never read through a link (it may point at a secret)
            reject(RejectedRecord(name, "", "symlink", "symbolic link not followed", b""))
            return
        if not path.is_file():
            reject(RejectedRecord(name, "", "vanished", "no such file (or not a regular file)", b""))
            return
        fmt = file_format(path)
        if fmt is None:
            reason = "not a register file (.csv, .xlsx, .parquet, .json, .jsonl)"
            reject(RejectedRecord(name, "", "unsupported", reason, b""))
            return
        if fmt == "csv":
            try:
                check_text(path)
            except FileProblem as exc:
                reject(RejectedRecord(name, "", exc.code, str(exc), b""))
                return
        chosen = forced if forced is not None else choose_source(path, fmt, sources)
        if isinstance(chosen, str):
            reject(RejectedRecord(name, "", "unsupported", chosen, b""))
            return
        if chosen.source.pseudonymised is not None:
            key_id = chosen.source.pseudonymised.key_id
            if key_id not in key_checked:
                key_checked[key_id] = other_key(engine, sources, key_id)
            if key_checked[key_id]:
                why = f"source {chosen.source.id}: {key_checked[key_id]}"
                reject(RejectedRecord(name, "", "pseudonym_key", why, b""))
                return
        _load_file(engine, path, fmt, chosen, report, reject, on_progress)
        flush_rejected()

    for path in expand_paths(paths):
        one(path)
        if on_progress:
            on_progress(report)
    flush_rejected()
    report.seconds = time.perf_counter() - started
    engine.append(  # the load a row's load_id names, with its counts (as judgment ingest records)
        "ingest_runs",
        tables["ingest_runs"].to_arrow(
            [
                {
                    "run_id": report.run_id,
                    "started_at": now,
                    "finished_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
                    "paths": " ".join(str(p) for p in paths),
                    "read": sum(report.read.values()),
                    "parsed": sum(report.loaded.values()),
                    "duplicates": sum(report.duplicates.values()),
                    "quarantined": sum(report.quarantined.values()),
                }
            ]
        ),
    )
    return report


def _load_file(
    engine: Engine,
    path: Path,
    fmt: str,
    loaded: LoadedSource,
    report: RegisterReport,
    reject: Callable[[RejectedRecord], None],
    on_progress: Callable[[RegisterReport], None] | None,
) -> None:
    source = loaded.source
    table = source.table
    schema = canonical_tables()[table]
    name = str(path)
    counts: Counter[str] = Counter()
    storing: Future[None] | None = None  # the previous store runs while the next batch converts
    reading: Generator[Batch, None, None] | None = None  # the reader thread, stopped on the way out
    try:
        export = open_export(path, fmt, source.files, _wanted(loaded))
        try:
            the_plan = plan(source, export.header, partial_header=export.partial_header)
        except MissingColumns as exc:
            reject(RejectedRecord(name, "header", "missing_field", f"source {source.id}: {exc}", b""))
            return
        export.batches = reading = prefetch(export.batches)  # the next batch is read while one converts
        pending: list[pa.Table] = []
        pending_rows = 0
        for batch in export.batches:
            n = batch.table.num_rows
            report.read[table] += n
            counts["read"] += n
            applied = apply(the_plan, batch.table)
            failed = batch.table.take(pa.array([f[0] for f in applied.failures], pa.int64())).to_pylist()
            for (position, column, message), row in zip(applied.failures, failed, strict=True):
                if source.pseudonymised is not None:  # nothing raw is kept from such a source
                    row = masked_row(source, row)
                raw = json.dumps(row, ensure_ascii=False)
                reject(
                    RejectedRecord(
                        name,
                        f"row {batch.rows[position]}, column {column}",
                        "invalid_row",
                        f"source {source.id}: {message}",
                        raw.encode("utf-8"),
                    )
                )
            report.quarantined[table] += len(applied.failures)
            counts["quarantined"] += len(applied.failures)
            rows = applied.rows
            numbers = pa.array(batch.rows, pa.int64()).take(applied.positions)
            good = rows.num_rows
            rows = rows.append_column("source_id", pa.repeat(pa.scalar(source.id, pa.string()), good))
            rows = rows.append_column("source_file", pa.repeat(pa.scalar(name, pa.string()), good))
            rows = rows.append_column("source_row", numbers)
            rows = rows.append_column("load_id", pa.repeat(pa.scalar(report.run_id, pa.string()), good))
            pending.append(rows)
            pending_rows += good
            if pending_rows >= STORE_ROWS:
                whole = pa.concat_tables(pending, promote_options="none")
                size = pending_rows - pending_rows % ROW_GROUP
                if storing is not None:
                    storing.result()
                storing = _STORER.submit(_store, engine, schema, [whole.slice(0, size)], report, counts)
                pending, pending_rows = [whole.slice(size)], pending_rows - size
                if on_progress:
                    on_progress(report)
        if storing is not None:
            storing.result()
        _store(engine, schema, pending, report, counts)
        for bad in export.bad:
            report.read[table] += 1
            report.quarantined[table] += 1
            counts["read"] += 1
            counts["quarantined"] += 1
            data = bad.data
            if source.pseudonymised is not None:
                data = mask_text(data.decode("utf-8", "replace")).encode("utf-8")
            why = f"source {source.id}: {bad.message}"
            reject(RejectedRecord(name, f"row {bad.row}", "invalid_row", why, data))
        report.files.append(
            FileReport(
                name,
                source.id,
                table,
                export.encoding,
                export.footers,
                the_plan.ignored,
                counts["read"],
                counts["loaded"],
                counts["duplicates"],
                counts["quarantined"],
            )
        )
    except FileProblem as exc:
        reject(RejectedRecord(name, "", exc.code, f"source {source.id}: {exc}", b""))
    except OSError as exc:
        reject(RejectedRecord(name, "", "unreadable", f"cannot read: {exc.strerror or exc}", b""))
    finally:
        if reading is not None:
            reading.close()
        if storing is not None:
            storing.result()  # a store in flight ends (or raises) before the file is done


def _store(
    engine: Engine, schema: TableSchema, pending: list[pa.Table], report: RegisterReport, counts: Counter[str]
) -> None:
    if not pending:
        return
    rows = pa.concat_tables(pending, promote_options="none") if len(pending) > 1 else pending[0]
    inserted = engine.insert_new(schema, schema.conform(rows))
    report.loaded[schema.name] += inserted
    report.duplicates[schema.name] += rows.num_rows - inserted
    counts["loaded"] += inserted
    counts["duplicates"] += rows.num_rows - inserted


__all__ = [
    "PROVENANCE_COLUMNS",
    "FileReport",
    "RegisterReport",
    "choose_source",
    "ingest_registers",
    "upgrade_table",
]
