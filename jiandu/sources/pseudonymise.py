"""Pseudonymise an export on the agency's side (`jiandu sources pseudonymise`).

The export is read through its declared source (the same readers as ingest: CSV in UTF-8 or
GB18030, Excel, JSON), so the columns the source declares under ``identifiers`` are known; each
is replaced by keyed pseudonyms (`jiandu.privacy.pseudonyms`), the derived attributes the source
declares (birth date, birth year, sex from an ID number) are added as their own columns, and the
rest is copied. The output keeps the layout the source reads (header rows, delimiter, format by
the output's suffix); a manifest beside it says what was done, without a single raw value.

A row whose identifier cannot be pseudonymised (not an ID number, phone or name) is left out
of the output and reported with file, row, column and reason; rows the reader cannot split are
reported too. Nothing is dropped silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from jiandu.privacy.pseudonyms import Pseudonymiser
from jiandu.sources.model import Source
from jiandu.sources.readers import FileProblem, check_text, file_format, open_export

OUTPUT_FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".jsonl": "jsonl"}
MAX_REPORTED = 10_000  # rejected rows listed one by one in the manifest (all are counted)


class PseudonymiseError(ValueError):
    """The export cannot be pseudonymised at all (no identifiers declared, unreadable file …)."""


@dataclass(slots=True)
class Rejected:
    row: int
    column: str
    reason: str


@dataclass(slots=True)
class PseudonymiseReport:
    """What was done: counts and the rejected rows (never a value)."""

    source: str
    key_id: str
    input: str
    output: str
    rows_read: int = 0
    rows_written: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    rejected_count: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # export column → identifier kind
    derived: dict[str, str] = field(default_factory=dict)  # added column → attribute
    values: Counter[str] = field(default_factory=Counter)  # pseudonymised cells per column
    seconds: float = 0.0

    def manifest(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "key_id": self.key_id,
            "scheme": "HMAC-SHA-256, P1:<key id>:<domain>:<128-bit hex> (docs/security.md)",
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "input": Path(self.input).name,
            "output": Path(self.output).name,
            "rows_read": self.rows_read,
            "rows_written": self.rows_written,
            "rows_rejected": self.rejected_count,
            "columns_pseudonymised": self.columns,
            "columns_derived": self.derived,
            "pseudonymised_cells": dict(self.values),
            "rejected": [{"row": r.row, "column": r.column, "reason": r.reason} for r in self.rejected],
        }


def _header_rows(header: list[str], count: int) -> list[list[str]]:
    """The header as ``count`` rows that the source's reader flattens back to ``header``."""
    if count == 1:
        return [header]
    rows: list[list[str]] = [[] for _ in range(count)]
    for name in header:
        parts = name.split("/")
        parts = parts + [parts[-1]] * (count - len(parts)) if len(parts) < count else parts[:count]
        for i, part in enumerate(parts):
            rows[i].append(part)
    return rows


class _Writer:
    """Writes rows in the output format, the header as the source reads it."""

    def __init__(self, path: Path, fmt: str, source: Source, header: list[str]) -> None:
        self.path, self.fmt, self.header = path, fmt, header
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
        self._fd = os.open(path, flags, 0o600)
        self._first = True
        files = source.files
        titles = files.title_rows if isinstance(files.title_rows, int) else 0
        heading = [["（假名化文件）"]] * titles + _header_rows(header, files.header_rows)
        if fmt == "csv":
            self._text = io.TextIOWrapper(os.fdopen(self._fd, "wb"), encoding="utf-8", newline="")
            self._csv = csv.writer(self._text, delimiter=files.delimiter)
            self._csv.writerows(heading)
            self._delimiter = files.delimiter
        elif fmt == "xlsx":
            from openpyxl import Workbook

            os.close(self._fd)
            self._book = Workbook(write_only=True)
            self._sheet = self._book.create_sheet(files.sheet or "Sheet1")
            for row in heading:
                self._sheet.append(row)
        else:
            self._text = io.TextIOWrapper(os.fdopen(self._fd, "wb"), encoding="utf-8")
            if fmt == "json":
                self._text.write("[")

    def write(self, table: pa.Table) -> None:
        if self.fmt == "csv":
            self._text.flush()
            options = pa_csv.WriteOptions(include_header=False, delimiter=self._delimiter)
            pa_csv.write_csv(table.select(self.header), self._text.buffer, options)
            return
        rows = table.to_pylist()
        if self.fmt == "xlsx":
            for r in rows:
                self._sheet.append([r.get(h) for h in self.header])
        else:
            for r in rows:
                record = {h: r.get(h) for h in self.header if r.get(h) is not None}
                text = json.dumps(record, ensure_ascii=False)
                if self.fmt == "json":
                    self._text.write(("\n" if self._first else ",\n") + text)
                else:
                    self._text.write(text + "\n")
                self._first = False

    def close(self) -> None:
        if self.fmt == "xlsx":
            self._book.save(self.path)
            os.chmod(self.path, 0o600)
            return
        if self.fmt == "json":
            self._text.write("\n]\n")
        self._text.close()


def pseudonymise_file(
    source: Source, pseudonymiser: Pseudonymiser, input_path: Path, output: Path
) -> PseudonymiseReport:
    """Pseudonymise ``input_path`` (an export of ``source``) into ``output``; write the manifest
    ``<output>.manifest.json``; return the report."""
    import time

    started = time.perf_counter()
    if not source.identifiers:
        raise PseudonymiseError(f"source {source.id} declares no identifier columns (identifiers:)")
    fmt = file_format(input_path)
    out_fmt = OUTPUT_FORMATS.get(output.suffix.lower())
    if fmt is None or fmt == "parquet":
        raise PseudonymiseError(f"{input_path.name}: not a CSV, Excel or JSON export")
    if out_fmt is None:
        raise PseudonymiseError(f"{output.name}: the output must end in .csv, .xlsx, .json or .jsonl")
    if output.resolve() == input_path.resolve():
        raise PseudonymiseError("the output may not overwrite the input")
    report = PseudonymiseReport(source.id, pseudonymiser.key.id, str(input_path), str(output))
    wanted = {h for m in source.columns.values() for h in m.from_} | set(source.identifiers)
    try:
        if fmt == "csv":
            check_text(input_path)
        export = open_export(input_path, fmt, source.files, wanted)
    except (FileProblem, OSError) as exc:
        raise PseudonymiseError(f"{input_path.name}: {exc}") from None
    identifiers = {h: i for h, i in source.identifiers.items() if h in export.header or export.partial_header}
    report.columns = {h: i.kind for h, i in identifiers.items()}
    derived_columns = [
        (header, attribute, column)
        for header, identifier in identifiers.items()
        for attribute, column in identifier.derived.items()
        if column not in export.header
    ]
    report.derived = {column: f"{attribute} ({header})" for header, attribute, column in derived_columns}
    out_header = list(export.header) + [c for c, _ in report.derived.items() if c not in export.header]
    writer = _Writer(output, out_fmt, source, out_header)
    try:
        for batch in export.batches:
            _one_batch(
                batch.table, list(batch.rows), identifiers, derived_columns, pseudonymiser, writer, report
            )
        for bad in export.bad:
            report.rows_read += 1
            _reject(report, bad.row, "", bad.message)
    finally:
        writer.close()
    report.seconds = time.perf_counter() - started
    manifest = output.with_name(output.name + ".manifest.json")
    fd = os.open(manifest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(report.manifest(), handle, ensure_ascii=False, indent=1)
    return report


def _reject(report: PseudonymiseReport, row: int, column: str, reason: str) -> None:
    report.rejected_count += 1
    if len(report.rejected) < MAX_REPORTED:
        report.rejected.append(Rejected(row, column, reason))


def _one_batch(
    table: pa.Table,
    rows: list[int],
    identifiers: dict[str, Any],
    derived_columns: list[tuple[str, str, str]],
    pseudonymiser: Pseudonymiser,
    writer: _Writer,
    report: PseudonymiseReport,
) -> None:
    """Each identifier column is dictionary-encoded: every distinct value is normalised and
    hashed once (in Python), the cells are filled by Arrow."""
    n = table.num_rows
    report.rows_read += n
    failed: dict[int, tuple[str, str]] = {}
    out = table
    for header, identifier in identifiers.items():
        if header not in table.column_names:
            continue
        raw = pc.utf8_trim_whitespace(table.column(header).combine_chunks().cast(pa.string()))
        encoded = pc.dictionary_encode(raw)
        wanted = [(attribute, column) for h, attribute, column in derived_columns if h == header]
        pseudonyms: list[str | None] = []
        problems: list[str | None] = []
        extra: dict[str, list[Any]] = {column: [] for _, column in wanted}
        for value in encoded.dictionary.to_pylist():
            pseudonym, problem, attributes = _one_value(pseudonymiser, identifier.kind, value or "", wanted)
            pseudonyms.append(pseudonym)
            problems.append(problem)
            for column, attribute in attributes.items():
                extra[column].append(attribute)
        indices = encoded.indices
        if any(problems):
            bad = pc.fill_null(pa.array([p is not None for p in problems]).take(indices), False)
            for i in pc.indices_nonzero(bad).to_pylist():
                failed.setdefault(i, (header, f"{identifier.kind}: {problems[indices[i].as_py()]}"))
        counted = pa.array([p is not None and p.startswith("P1:") for p in pseudonyms], pa.bool_()).take(
            indices
        )
        report.values[header] += pc.sum(pc.fill_null(counted, False).cast(pa.int64())).as_py() or 0
        out = out.set_column(
            out.column_names.index(header), header, pa.array(pseudonyms, pa.string()).take(indices)
        )
        for column, values in extra.items():
            out = out.append_column(column, pa.array(values, pa.string()).take(indices))
    for i, (column, reason) in sorted(failed.items()):
        _reject(report, rows[i], column, reason)
    if failed:
        out = out.filter(pa.array([i not in failed for i in range(n)]))
    writer.write(out)
    report.rows_written += out.num_rows


def _one_value(
    pseudonymiser: Pseudonymiser, kind: str, text: str, wanted: list[tuple[str, str]]
) -> tuple[str | None, str | None, dict[str, Any]]:
    """(pseudonym, problem, derived column → value) of one distinct value."""
    if not text:
        return None, None, {column: None for _, column in wanted}
    try:
        pseudonym, normalised = pseudonymiser.pseudonymise(kind, text)
    except ValueError as exc:
        return None, str(exc), {column: None for _, column in wanted}
    key = normalised.key
    attributes: dict[str, Any] = {}
    for attribute, column in wanted:
        if attribute == "birth_date":
            attributes[column] = normalised.birth_date
        elif attribute == "birth_year":
            attributes[column] = str(key.birth_year) if key and key.birth_year else None
        else:
            attributes[column] = key.sex if key else None
    return pseudonym, None, attributes
