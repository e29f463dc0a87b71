"""CPU work of ingest, run in worker processes: decode, strip HTML, parse, build rows."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from jiandu.documents import PARSER_VERSION, document_id
from jiandu.documents.parser import parse_document_strict
from jiandu.documents.record import JudgmentRecord
from jiandu.engines.warehouse import Warehouse
from jiandu.ingest.decode import decode_bytes
from jiandu.ingest.html import html_to_text
from jiandu.ingest.rejection import Rejection
from jiandu.ingest.rows import CHILD_TABLES, Rows, record_rows
from jiandu.ingest.sources import RawRecord, RejectedRecord, read_path
from jiandu.ingest.units import WorkUnit
from jiandu.inputs.limits import Limits
from jiandu.schema import canonical_tables

DOCUMENT_SECONDS = 30.0  # time budget of one document (decode, HTML, parse); ordinary ones take ms


class DocumentTimeout(Exception):
    """Raised inside a document's processing when its time budget is spent."""


@dataclass(slots=True)
class ParsedDocument:
    doc_id: str
    document: dict[str, Any]  # the documents row, without run id and timestamp
    rows: Rows  # child-table rows


def text_of(raw: RawRecord) -> tuple[str, str]:
    """The visible text of a record and its encoding; raises `Rejection` when there is none."""
    if raw.text is not None:
        text, encoding = raw.text, raw.encoding or "utf-8"
    else:
        assert raw.data is not None
        text, encoding = decode_bytes(raw.data)
    if raw.fmt == "html":
        text = html_to_text(text)
    if not text.strip():
        raise Rejection("empty", "no visible text")
    return text, encoding


def _check_complete(record: JudgmentRecord) -> None:
    """A document with a heading but no signature block was cut off."""
    if not record.is_judgment:
        raise Rejection(
            "not_judgment", "text is not a court document (no court, document type or party roles)"
        )
    has_heading = record.court is not None and record.doc_type is not None
    has_end = record.judgment_date is not None or bool(record.judges) or bool(record.clerks)
    if has_heading and not has_end:
        raise Rejection("truncated", "document has a heading but no signature block or date: cut off")


def process_record(raw: RawRecord) -> ParsedDocument | RejectedRecord:
    """Decode and parse one record; every failure becomes a rejection, nothing escapes."""
    sample = raw.data if raw.data is not None else (raw.text or "").encode("utf-8")
    try:
        text, encoding = text_of(raw)
        # the strict parser lets a crash surface, so it is filed as a parser error, not as
        # "not a judgment"
        record = parse_document_strict(text)
        _check_complete(record)
    except Rejection as rejection:
        return RejectedRecord.of(raw.source, raw.record_ref, rejection, sample)
    except DocumentTimeout as exc:
        return RejectedRecord(raw.source, raw.record_ref, "timeout", str(exc), sample)
    except RecursionError:
        return RejectedRecord(
            raw.source,
            raw.record_ref,
            "parse_error",
            "parser error: RecursionError (input nested too deeply)",
            sample,
        )
    except Exception as exc:  # a parser bug must not stop a run; keep the input and the error
        detail = str(exc)[:500]
        return RejectedRecord(
            raw.source, raw.record_ref, "parse_error", f"parser error: {type(exc).__name__}: {detail}", sample
        )
    doc_id = document_id(text)
    document = {
        "doc_id": doc_id,
        "source": raw.source,
        "record_ref": raw.record_ref,
        "source_format": raw.fmt,
        "encoding": encoding,
        "text": text,
        "char_count": len(text),
        "is_judgment": record.is_judgment,
        "doc_type": record.doc_type,
        "case_category": record.case_category,
        "title": record.title,
        "parser_version": PARSER_VERSION,
    }
    return ParsedDocument(doc_id, document, record_rows(record, doc_id))


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise `DocumentTimeout` in this thread when ``seconds`` pass (main thread, POSIX only).

    Interrupts Python code and the regex engine; C code that never checks for signals (the
    HTML parser) is bounded by the size and depth checks made before it runs instead."""
    usable = (
        seconds is not None
        and seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return
    assert seconds is not None

    def expire(signum: int, frame: object) -> None:
        raise DocumentTimeout(f"document took longer than its time budget of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def process_one(raw: RawRecord, seconds: float | None = DOCUMENT_SECONDS) -> ParsedDocument | RejectedRecord:
    """`process_record` within a time budget; whatever happens, one result for the record."""
    sample = raw.data if raw.data is not None else (raw.text or "").encode("utf-8")
    try:
        with time_budget(seconds):
            return process_record(raw)
    except DocumentTimeout as exc:  # the budget ran out between the record's end and the reset
        return RejectedRecord(raw.source, raw.record_ref, "timeout", str(exc), sample)


def process_batch(
    batch: list[RawRecord], seconds: float | None = DOCUMENT_SECONDS
) -> list[ParsedDocument | RejectedRecord]:
    """Worker entry point: one pickled batch in, one list of results out (one per record)."""
    return [process_one(raw, seconds) for raw in batch]


# -- work units: a worker reads its files and writes Parquet itself --------------------------

POSITION = "_pos"  # column of staged rows: the record's place in its unit (first one wins)
REJECTED_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("record_ref", pa.string()),
        ("code", pa.string()),
        ("reason", pa.string()),
        ("data", pa.large_binary()),
    ]
)


@dataclass(slots=True)
class UnitResult:
    """What a worker hands back for one unit: counts and the staged files, never texts."""

    index: int
    read: int = 0
    input_bytes: int = 0
    documents: int = 0  # parsed documents staged (duplicates included)
    files: dict[str, str] = field(default_factory=dict)  # table (or "rejected") -> Parquet file


FLUSH_DOCUMENTS = 500  # parsed documents a worker holds as Python rows before writing them


def _table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """``pa.Table.from_pylist(rows, schema=schema)``, converted in C++ (as one struct array)
    instead of column by column in Python: the same table, several times faster."""
    struct = pa.array(rows, type=pa.struct(schema))
    return pa.Table.from_batches([pa.RecordBatch.from_struct_array(struct)], schema=schema)


def unit_file(index: int, table: str) -> str:
    """Name of the staged Parquet file of one table (or ``rejected``) of a unit."""
    return f"unit-{index:07d}-{table}.parquet"


class _Staged:
    """The Parquet files of one unit in the staging folder (a local path or a warehouse URI,
    written through pyarrow's file system for it), a few hundred documents at a time (bounded
    memory), each under a temporary name until `close` (a dead worker leaves no file that
    looks complete)."""

    def __init__(self, folder: str, index: int) -> None:
        self.folder = Warehouse(folder)
        self.index = index
        self.schemas = canonical_tables()
        self.writers: dict[str, tuple[pq.ParquetWriter, pa.NativeFile]] = {}
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in ("documents", *CHILD_TABLES)}

    def _schema(self, name: str) -> pa.Schema:
        arrow = self.schemas[name].arrow_schema()
        if name == "documents":
            arrow = pa.schema([f for f in arrow if f.name not in _RUN_COLUMNS])
        return arrow.append(pa.field(POSITION, pa.int32()))

    def add(self, parsed: ParsedDocument, position: int) -> None:
        self.rows["documents"].append({**parsed.document, POSITION: position})
        for name in CHILD_TABLES:
            for row in parsed.rows[name]:
                row[POSITION] = position
                self.rows[name].append(row)
        if len(self.rows["documents"]) >= FLUSH_DOCUMENTS:
            self.flush()

    def flush(self) -> None:
        for name, rows in self.rows.items():
            if not rows:
                continue
            schema = self._schema(name)
            if name not in self.writers:
                sink = self.folder.open_output(unit_file(self.index, name) + ".partial")
                self.writers[name] = (pq.ParquetWriter(sink, schema, compression="lz4"), sink)
            self.writers[name][0].write_table(_table(rows, schema))
            rows.clear()

    def close(self) -> dict[str, str]:
        """Finish the files; table -> file (a local path or a URI)."""
        self.flush()
        files = {}
        for name, (writer, sink) in self.writers.items():
            writer.close()
            sink.close()
            files[name] = self._finish(name)
        return files

    def _finish(self, name: str) -> str:
        """Give a written file its final name; its path or URI."""
        target = unit_file(self.index, name)
        self.folder.move(target + ".partial", target)
        return self.folder.spark_path(target)

    def write(self, name: str, table: pa.Table) -> str:
        """Write a whole staged file at once (atomically, as `close` does)."""
        with self.folder.open_output(unit_file(self.index, name) + ".partial") as sink:
            pq.write_table(table, sink, compression="lz4")
        return self._finish(name)


def process_unit(
    unit: WorkUnit,
    folder: str,
    text_fields: tuple[str, ...],
    limits: Limits | None,
    seconds: float | None = DOCUMENT_SECONDS,
) -> UnitResult:
    """Worker entry point: read a unit's files, parse each record within its time budget and
    write one Parquet file per canonical table (rows tagged with `POSITION`) and one of the
    rejected records into ``folder``; return only the counts and file names."""
    result = UnitResult(unit.index)
    staged = _Staged(folder, unit.index)
    rejected: list[RejectedRecord] = []
    for part in unit.parts:
        for item in read_path(part.path, part.given, text_fields, limits, part.lines):
            result.read += 1
            if isinstance(item, RejectedRecord):
                rejected.append(item)
                continue
            result.input_bytes += item.size
            parsed = process_one(item, seconds)
            if isinstance(parsed, RejectedRecord):
                rejected.append(parsed)
                continue
            result.documents += 1
            staged.add(parsed, result.documents)
    result.files.update(staged.close())
    if rejected:
        columns = [[getattr(r, name) for r in rejected] for name in REJECTED_SCHEMA.names]
        table = pa.Table.from_arrays(
            [pa.array(values, f.type) for values, f in zip(columns, REJECTED_SCHEMA, strict=True)],
            schema=REJECTED_SCHEMA,
        )
        result.files["rejected"] = staged.write("rejected", table)
    return result


_RUN_COLUMNS = ("ingested_at", "ingest_run_id")  # set by the parent when it stores the rows


def read_rejected(path: str) -> list[RejectedRecord]:
    """The rejected records a worker staged (a local path or a URI), in the order it met them."""
    folder, name = path.rsplit("/", 1)
    rows = Warehouse(folder).read_parquet(name).to_pylist()
    return [RejectedRecord(r["source"], r["record_ref"], r["code"], r["reason"], r["data"]) for r in rows]
