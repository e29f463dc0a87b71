"""Load agency registers (CSV or Parquet) into the register tables of `registers.yaml`.

A file is matched to a table by its name (``execution_cases.csv``, ``household.parquet``).
Every row is validated against the declaration: required columns, types, ID numbers and credit
codes. A bad row goes to quarantine with file, row number and reason; the rest of the file
loads. Loading is idempotent on each table's key.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import yaml

from jiandu.engines.base import Engine
from jiandu.ingest import quarantine
from jiandu.ingest.identifiers import identifier_problem
from jiandu.ingest.pipeline import new_run_id
from jiandu.ingest.sources import RejectedRecord, expand_paths
from jiandu.schema import canonical_tables

BATCH_ROWS = 50_000
_TRUE = {"true", "1", "yes", "y", "t", "是"}
_FALSE = {"false", "0", "no", "n", "f", "否"}


@dataclass(frozen=True, slots=True)
class RegisterRules:
    table: str
    required: tuple[str, ...]
    id_columns: tuple[str, ...]


@cache
def register_rules() -> dict[str, RegisterRules]:
    """Validation rules of every register table, from registers.yaml."""
    raw = yaml.safe_load(resources.files("jiandu.schema").joinpath("registers.yaml").read_text("utf-8"))
    return {
        name: RegisterRules(name, tuple(spec.get("required", [])), tuple(spec.get("id_columns", [])))
        for name, spec in raw.items()
    }


@dataclass(slots=True)
class RegisterReport:
    run_id: str
    read: Counter[str] = field(default_factory=Counter)
    loaded: Counter[str] = field(default_factory=Counter)
    duplicates: Counter[str] = field(default_factory=Counter)
    quarantined: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)


class RowError(ValueError):
    """One value of a row is invalid."""


def _convert(value: Any, kind: str, column: str) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if kind == "VARCHAR":
        return str(value).strip()
    text = str(value).strip()
    try:
        if kind in {"INTEGER", "BIGINT"}:
            return int(float(text)) if "." in text else int(text)
        if kind == "DOUBLE":
            return float(text.replace(",", ""))
        if kind == "DATE":
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(text[:10])
        if kind == "TIMESTAMP":
            return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(text)
        if kind == "BOOLEAN":
            if isinstance(value, bool):
                return value
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
    except ValueError:
        pass
    raise RowError(f"column {column}: {text!r} is not a valid {kind.lower()}")


def validate_row(row: dict[str, Any], table: str) -> dict[str, Any]:
    """Typed row for ``table``; raises `RowError` naming the column and the problem."""
    schema = canonical_tables()[table]
    rules = register_rules()[table]
    typed = {c.name: _convert(row.get(c.name), c.type, c.name) for c in schema.columns}
    missing = [name for name in rules.required if typed.get(name) in (None, "")]
    if missing:
        raise RowError(f"required column(s) empty: {', '.join(missing)}")
    for name in rules.id_columns:
        value = typed.get(name)
        if value:
            problem = identifier_problem(value)
            if problem:
                raise RowError(f"column {name}: {value}: {problem}")
            typed[name] = value.upper()
    return typed


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any], bytes]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    for number, row in enumerate(reader, start=2):  # row 1 is the header
        if None in row:
            row.pop(None)
            row["__extra__"] = "1"
        line = ",".join("" if v is None else str(v) for v in row.values()).encode("utf-8")
        yield number, row, line


def _parquet_rows(path: Path) -> Iterator[tuple[int, dict[str, Any], bytes]]:
    parquet = pq.ParquetFile(path)
    number = 0
    for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
        for row in batch.to_pylist():
            number += 1
            yield number, row, repr(row).encode("utf-8")


def _columns(path: Path) -> list[str]:
    if path.suffix.lower() == ".parquet":
        return list(pq.ParquetFile(path).schema_arrow.names)
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        return next(csv.reader(handle), [])


def ingest_registers(
    engine: Engine,
    quarantine_dir: Path,
    paths: list[Path],
    *,
    on_progress: Callable[[RegisterReport], None] | None = None,
    run_id: str | None = None,
) -> RegisterReport:
    """Validate and load register files; bad rows and unknown files go to quarantine."""
    report = RegisterReport(run_id or new_run_id("registers"))
    tables = canonical_tables()
    engine.ensure_tables(tables.values())
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rejected: list[RejectedRecord] = []

    def reject(item: RejectedRecord) -> None:
        rejected.append(item)
        report.reasons[item.code] += 1

    def flush_rejected() -> None:
        quarantine.store(engine, rejected, quarantine_dir, report.run_id, now)
        rejected.clear()

    for path in expand_paths(paths):
        source = str(path)
        table = path.name.split(".")[0]
        suffix = path.suffix.lower()
        if path.is_symlink():  # never read through a link (it may point at a secret)
            reject(RejectedRecord(source, "", "symlink", "symbolic link not followed", b""))
            continue
        if not path.is_file():
            reject(RejectedRecord(source, "", "vanished", "no such file (or not a regular file)", b""))
            continue
        if table not in register_rules() or suffix not in {".csv", ".parquet"}:
            reject(
                RejectedRecord(
                    source,
                    "",
                    "unsupported",
                    f"not a register file: expected one of {', '.join(f'{t}.csv' for t in register_rules())}"
                    " (or .parquet)",
                    b"",
                )
            )
            continue
        missing = [c for c in register_rules()[table].required if c not in _columns(path)]
        if missing:
            reject(
                RejectedRecord(
                    source, "row 1", "missing_field", f"header lacks column(s) {', '.join(missing)}", b""
                )
            )
            continue
        rows_iter = _parquet_rows(path) if suffix == ".parquet" else _csv_rows(path)
        batch: list[dict[str, Any]] = []
        for number, row, raw in rows_iter:
            report.read[table] += 1
            try:
                if row.pop("__extra__", None):
                    raise RowError("more values than header columns")
                batch.append(validate_row(row, table))
            except RowError as exc:
                report.quarantined[table] += 1
                reject(RejectedRecord(source, f"row {number}", "invalid_row", str(exc), raw))
            if len(batch) >= BATCH_ROWS:
                _store(engine, table, batch, report)
                batch = []
                if on_progress:
                    on_progress(report)
        if batch:
            _store(engine, table, batch, report)
        flush_rejected()
        if on_progress:
            on_progress(report)
    flush_rejected()
    return report


def _store(engine: Engine, table: str, rows: list[dict[str, Any]], report: RegisterReport) -> None:
    schema = canonical_tables()[table]
    inserted = engine.insert_new(schema, schema.to_arrow(rows))
    report.loaded[table] += inserted
    report.duplicates[table] += len(rows) - inserted
