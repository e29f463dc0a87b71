"""Read an agency export into batches of string columns with their row numbers.

CSV (UTF-8 with or without BOM, or GB18030; Arrow's reader), Excel .xlsx (openpyxl, read-only,
title rows above the header found, merged two-row headers flattened to ``group/column``,
footers such as 合计 or 制表人 dropped), Parquet and JSON (an array of objects, or JSON lines).
Every value arrives as a string (or null); the mapping converts it.

Row numbers are what the agency sees: for CSV and Excel the row in the file, header and title
rows counted (a CSV cell holding a line break shifts the CSV numbers after it); for JSON the
record's position from 1, for JSON lines the line.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from jiandu.inputs.binary import looks_binary
from jiandu.inputs.limits import Limits
from jiandu.sources.model import Files

BATCH_ROWS = 65_536
CSV_BLOCK_BYTES = 32 * 1024 * 1024
HEADER_SCAN_ROWS = 30


class FileProblem(ValueError):
    """The whole file cannot be read; ``code`` is a quarantine reason code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(slots=True)
class Batch:
    table: pa.Table  # string columns, named by the (flattened) header
    rows: list[int] | range  # row number of each record


@dataclass(slots=True)
class BadRecord:
    row: int
    message: str
    data: bytes


@dataclass(slots=True)
class Export:
    """An open export: its header and a stream of batches. Records that cannot be split into
    the header's columns are collected in ``bad`` while the batches are read."""

    header: list[str]
    batches: Iterator[Batch]
    encoding: str | None = None
    bad: list[BadRecord] = field(default_factory=list)
    footers: int = 0
    partial_header: bool = False  # JSON: the header is what the first records showed


def file_format(path: Path) -> str | None:
    suffix = path.suffix.lower()
    return {
        ".csv": "csv",
        ".txt": "csv",
        ".tsv": "csv",
        ".xlsx": "xlsx",
        ".parquet": "parquet",
        ".json": "json",
        ".jsonl": "jsonl",
        ".ndjson": "jsonl",
    }.get(suffix)


def _dedupe(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        name = name or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}#{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


def flatten_header(rows: list[list[str | None]]) -> list[str]:
    """One name per column from 1–3 header rows: a merged group cell (written once, empty to
    its right, with sub-headers below) becomes ``group/column``; a cell merged down the rows is
    its own name."""
    width = max(len(r) for r in rows)
    grid = [[(str(v).strip() if v is not None else "") for v in r] + [""] * (width - len(r)) for r in rows]
    names = []
    for j in range(width):
        parts: list[str] = []
        for i, row in enumerate(grid):
            value = row[j]
            if not value and i < len(grid) - 1:
                # inside a horizontal merge: the group started at the nearest filled cell to the
                # left that has a sub-header below it
                k = j - 1
                while k >= 0 and not row[k]:
                    k -= 1
                if k >= 0 and any(grid[i2][k] for i2 in range(i + 1, len(grid))):
                    value = row[k]
            if value and (not parts or parts[-1] != value):
                parts.append(value)
        names.append("/".join(parts))
    return _dedupe(names)


def find_header(rows: list[list[str | None]], wanted: set[str], files: Files) -> int:
    """Index of the first header row: declared title rows, or the row (among the first rows)
    whose cells (or cells with their group, for merged headers) name most declared columns."""
    if isinstance(files.title_rows, int):
        return files.title_rows
    leaves = {w.split("/")[-1] for w in wanted} | {w.split("/")[0] for w in wanted}
    best, best_hits = 0, 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        hits = sum(1 for v in row if v is not None and str(v).strip() in leaves)
        if hits > best_hits:
            best, best_hits = i, hits
    return best


def _is_footer(values: list[Any], markers: list[str]) -> bool:
    """A footer or subtotal row (合计, 制表人：…): its first filled cell starts with a marker and
    at most half its cells are filled (a record fills most of its cells, so a name that happens
    to start with 合计 is not dropped)."""
    filled = [str(v).strip() for v in values if v is not None and str(v).strip()]
    if not filled or not any(filled[0].startswith(m) for m in markers):
        return False
    return len(filled) <= max(1, len(values) // 2)


# -- CSV -----------------------------------------------------------------------------------------


def detect_encoding(path: Path, declared: str) -> str:
    """utf-8 (a BOM is skipped) when the whole file is valid UTF-8, else GB18030."""
    if declared != "auto":
        return "utf-8" if declared == "utf-8" else "gb18030"
    carried = b""
    with path.open("rb") as handle:
        while chunk := handle.read(CSV_BLOCK_BYTES):
            chunk = carried + chunk
            cut = len(chunk)  # the last character may go on in the next block: keep it back
            while cut > 0 and len(chunk) - cut < 4 and 0x80 <= chunk[cut - 1] < 0xC0:
                cut -= 1
            cut = max(cut - 1, 0) if cut and chunk[cut - 1] >= 0xC0 else cut
            if not _valid_utf8(chunk[:cut]):
                return "gb18030"
            carried = chunk[cut:]
    return "utf-8" if _valid_utf8(carried) else "gb18030"


def _valid_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8 (Arrow's vectorised check, as one string)."""
    if not data:
        return True
    value = pa.Array.from_buffers(
        pa.binary(), 1, [None, pa.array([0, len(data)], pa.int32()).buffers()[1], pa.py_buffer(data)]
    )
    try:
        value.cast(pa.string())
    except pa.ArrowInvalid:
        return False
    return True


def _head_rows(path: Path, encoding: str, delimiter: str, count: int) -> list[list[str | None]]:
    rows: list[list[str | None]] = []
    with path.open(
        encoding="utf-8-sig" if encoding == "utf-8" else encoding, errors="replace", newline=""
    ) as fh:
        for row in csv.reader(fh, delimiter=delimiter):
            rows.append(list(row))
            if len(rows) >= count:
                break
    return rows


def check_text(path: Path) -> None:
    """`FileProblem` (binary) when a CSV export holds NUL or control bytes."""
    with path.open("rb") as handle:
        if looks_binary(handle.read(8192)):
            raise FileProblem("binary", "binary content (NUL or control bytes), not a text export")


def read_csv(path: Path, files: Files, wanted: set[str]) -> Export:
    check_text(path)
    encoding = detect_encoding(path, files.encoding)
    head = _head_rows(path, encoding, files.delimiter, HEADER_SCAN_ROWS + files.header_rows)
    if not head:
        raise FileProblem("empty", "no rows")
    start = find_header(head, wanted, files)
    header_rows = head[start : start + files.header_rows]
    if not header_rows:
        raise FileProblem("missing_field", "no header row")
    header = flatten_header(list(header_rows))
    first_data_row = start + files.header_rows + 1  # 1-based row of the first record
    export = Export(header, iter(()), encoding)
    invalid: list[int] = []  # line numbers of rows Arrow could not split (bad rows, short footers)
    threaded = [True]  # first with threads; on the first bad row, again without (see batches)

    def on_invalid(row: Any) -> str:
        if threaded[0]:
            return "error"  # with threads Arrow does not number rows: stop, read on without
        text = row.text or ""
        number = row.number if row.number is not None else -1
        invalid.append(number)
        if _is_footer(next(csv.reader([text], delimiter=files.delimiter), []), files.footer_markers):
            export.footers += 1
        else:
            message = f"{row.actual_columns} values, the header has {row.expected_columns} columns"
            export.bad.append(BadRecord(number, message, text.encode("utf-8")))
        return "skip"

    parse_options = pacsv.ParseOptions(
        delimiter=files.delimiter, invalid_row_handler=on_invalid, newlines_in_values=True
    )
    convert_options = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in header},
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )

    def open_reader(skip: int) -> Any:
        read_options = pacsv.ReadOptions(
            use_threads=threaded[0],
            block_size=CSV_BLOCK_BYTES,
            skip_rows=start + files.header_rows + skip,
            column_names=header,
            encoding="utf8" if encoding == "utf-8" else encoding,
        )
        try:
            return pacsv.open_csv(path, read_options, parse_options, convert_options)
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            if threaded[0] and "CSV parse error" in str(exc):
                threaded[0] = False
                return open_reader(skip)
            raise FileProblem("undecodable", f"cannot read as {encoding} CSV: {exc}") from None

    def batches() -> Iterator[Batch]:
        reader = open_reader(0)
        next_row = first_data_row
        consumed = 0  # records read so far (all valid while threaded)
        seen_invalid = 0
        while True:
            try:
                record_batch = reader.read_next_batch()
            except StopIteration:
                return
            except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
                if threaded[0] and "CSV parse error" in str(exc):
                    # a row Arrow cannot split, somewhere after the records read so far: read
                    # on from there without threads, so every row keeps its number
                    threaded[0] = False
                    reader = open_reader(consumed)
                    continue
                raise FileProblem("undecodable", f"cannot read as {encoding} CSV: {exc}") from None
            table = pa.Table.from_batches([record_batch])
            n = table.num_rows
            consumed += n
            new_invalid = sorted(x for x in invalid[seen_invalid:] if x > 0)
            seen_invalid = len(invalid)
            if not new_invalid:
                numbers: list[int] | range = range(next_row, next_row + n)
                next_row += n
            else:
                skip = set(new_invalid)
                numbers = []
                while len(numbers) < n:
                    if next_row not in skip:
                        numbers.append(next_row)
                    next_row += 1
                consumed += len(new_invalid)
            footer = _csv_footer_rows(table, files.footer_markers)
            if footer:
                keep = [i for i in range(n) if i not in footer]
                export.footers += len(footer)
                table = table.take(pa.array(keep, pa.int64()))
                numbers = [numbers[i] for i in keep]
            yield Batch(table, numbers)

    export.batches = batches()
    return export


def _csv_footer_rows(table: pa.Table, markers: list[str]) -> set[int]:
    """Rows at the end of a batch whose first filled cell starts with a footer marker."""
    footer: set[int] = set()
    n = table.num_rows
    i = n - 1
    while i >= 0 and i >= n - 5:
        if _is_footer(list(table.slice(i, 1).to_pylist()[0].values()), markers):
            footer.add(i)
        i -= 1
    return footer


# -- Excel ---------------------------------------------------------------------------------------


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value).upper() if abs(value) >= 1e15 else repr(value)
    text = str(value)
    return text


def _check_zip(path: Path, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            total = 0
            for info in archive.infolist():
                total += info.file_size
                if info.compress_size and info.file_size / info.compress_size > limits.max_zip_ratio:
                    raise FileProblem(
                        "zip_limit",
                        f"member {info.filename} compresses more than {limits.max_zip_ratio:.0f}:1",
                    )
            if total > limits.max_zip_total_bytes:
                raise FileProblem("zip_limit", "would unpack beyond the size limit")
    except zipfile.BadZipFile:
        raise FileProblem("truncated", "not a complete .xlsx (zip) file") from None


def read_xlsx(path: Path, files: Files, wanted: set[str], limits: Limits | None = None) -> Export:
    import openpyxl

    _check_zip(path, limits or Limits())
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise FileProblem("unreadable", f"cannot open the workbook: {type(exc).__name__}: {exc}") from None
    if files.sheet is not None and files.sheet not in book.sheetnames:
        book.close()
        raise FileProblem("missing_field", f"no sheet {files.sheet!r} (sheets: {', '.join(book.sheetnames)})")
    sheet = book[files.sheet] if files.sheet else book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    head: list[list[Any]] = []
    for row in rows:
        head.append(list(row))
        if len(head) >= HEADER_SCAN_ROWS + files.header_rows:
            break
    if not head:
        book.close()
        raise FileProblem("empty", "the sheet has no rows")
    start = find_header(head, wanted, files)
    header = flatten_header([[_cell(v) for v in r] for r in head[start : start + files.header_rows]])
    width = len(header)
    export = Export(header, iter(()), None)
    buffered = head[start + files.header_rows :]
    first = start + files.header_rows + 1

    def records() -> Iterator[tuple[int, list[Any]]]:
        number = first
        for row in buffered:
            yield number, row
            number += 1
        for row in rows:
            yield number, list(row)
            number += 1

    def batches() -> Iterator[Batch]:
        try:
            columns: list[list[str | None]] = [[] for _ in range(width)]
            numbers: list[int] = []
            for number, row in records():
                values = [_cell(v) for v in row[:width]]
                if all(v is None or not v.strip() for v in values):
                    continue
                if _is_footer(values, files.footer_markers):
                    export.footers += 1
                    continue
                extra = [v for v in row[width:] if v is not None and str(v).strip()]
                if extra:
                    export.bad.append(
                        BadRecord(
                            number,
                            f"values beyond the header's {width} columns",
                            json.dumps([_cell(v) for v in row], ensure_ascii=False).encode(),
                        )
                    )
                    continue
                values += [None] * (width - len(values))
                for j, v in enumerate(values):
                    columns[j].append(v)
                numbers.append(number)
                if len(numbers) >= BATCH_ROWS:
                    yield Batch(
                        pa.table({h: pa.array(c, pa.string()) for h, c in zip(header, columns, strict=True)}),
                        numbers,
                    )
                    columns = [[] for _ in range(width)]
                    numbers = []
            if numbers:
                yield Batch(
                    pa.table({h: pa.array(c, pa.string()) for h, c in zip(header, columns, strict=True)}),
                    numbers,
                )
        finally:
            book.close()

    export.batches = batches()
    return export


# -- Parquet ---------------------------------------------------------------------------------------


def read_parquet(path: Path) -> Export:
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise FileProblem("unreadable", f"not a Parquet file: {exc}") from None
    header = list(parquet.schema_arrow.names)

    def batches() -> Iterator[Batch]:
        number = 1
        for record_batch in parquet.iter_batches(batch_size=BATCH_ROWS):
            columns = {}
            for name in header:
                column = record_batch.column(name)
                try:
                    columns[name] = column.cast(pa.string())
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                    raise FileProblem(
                        "unsupported", f"column {name} of type {column.type} cannot be read as text"
                    ) from None
            n = record_batch.num_rows
            yield Batch(pa.table(columns), range(number, number + n))
            number += n

    return Export(header, batches())


# -- JSON ------------------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _records_batch(records: list[tuple[int, dict[str, Any]]], header: list[str]) -> Batch:
    columns = {h: pa.array([_text(r.get(h)) for _, r in records], pa.string()) for h in header}
    return Batch(pa.table(columns), [n for n, _ in records])


def read_json(path: Path, fmt: str, limits: Limits | None = None) -> Export:
    limits = limits or Limits()
    return _json_array(path, limits) if fmt == "json" else _json_lines(path, limits)


def _json_array(path: Path, limits: Limits) -> Export:
    if path.stat().st_size > limits.max_container_bytes:
        raise FileProblem("oversized", f"JSON file above {limits.max_container_bytes // 2**20} MB")
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        try:
            data = json.loads(raw.decode("gb18030"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise FileProblem("bad_json", f"not JSON: {exc}") from None
    except (json.JSONDecodeError, RecursionError) as exc:
        raise FileProblem("bad_json", f"not JSON: {exc}") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise FileProblem("bad_json", "neither an object nor an array of objects")
    export = Export([], iter(()), partial_header=True)
    records = []
    for i, item in enumerate(data, start=1):
        if isinstance(item, dict):
            records.append((i, item))
        else:
            export.bad.append(BadRecord(i, "not a JSON object", (_text(item) or "null").encode("utf-8")))
    export.header = list(dict.fromkeys(k for _, r in records for k in r))

    def batches() -> Iterator[Batch]:
        for start in range(0, len(records), BATCH_ROWS):
            yield _records_batch(records[start : start + BATCH_ROWS], export.header)

    export.batches = batches()
    return export


def _json_lines(path: Path, limits: Limits) -> Export:
    export = Export([], iter(()), partial_header=True)
    cap = limits.max_document_bytes

    def lines() -> Iterator[tuple[int, dict[str, Any]]]:
        with path.open("rb") as handle:
            number = 0
            while line := handle.readline(cap + 1):
                number += 1
                if len(line) > cap:  # never hold a longer line: skip to its end
                    export.bad.append(BadRecord(number, "line above the size limit", line[:65536]))
                    while (rest := handle.readline(cap)) and not rest.endswith(b"\n"):
                        pass
                    continue
                if not line.strip():
                    continue
                try:
                    item = json.loads(line.decode("utf-8-sig" if number == 1 else "utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
                    export.bad.append(BadRecord(number, f"not a JSON object: {exc}", line))
                    continue
                if not isinstance(item, dict):
                    export.bad.append(BadRecord(number, "not a JSON object", line))
                    continue
                yield number, item

    stream = lines()
    first: list[tuple[int, dict[str, Any]]] = []
    for record in stream:
        first.append(record)
        if len(first) >= BATCH_ROWS:
            break
    export.header = list(dict.fromkeys(k for _, r in first for k in r))

    def batches() -> Iterator[Batch]:
        chunk = first
        while chunk:
            header = list(dict.fromkeys([*export.header, *(k for _, r in chunk for k in r)]))
            yield _records_batch(chunk, header)
            chunk = []
            for record in stream:
                chunk.append(record)
                if len(chunk) >= BATCH_ROWS:
                    break

    export.batches = batches()
    return export


def open_export(path: Path, fmt: str, files: Files, wanted: set[str]) -> Export:
    if fmt == "csv":
        return read_csv(path, files, wanted)
    if fmt == "xlsx":
        return read_xlsx(path, files, wanted)
    if fmt == "parquet":
        return read_parquet(path)
    return read_json(path, fmt)


def header_of(path: Path, fmt: str, files: Files, wanted: set[str]) -> list[str]:
    """The header only (to choose between sources matching a file name)."""
    if fmt == "csv":
        encoding = detect_encoding(path, files.encoding)
        head = _head_rows(path, encoding, files.delimiter, HEADER_SCAN_ROWS + files.header_rows)
        if not head:
            return []
        start = find_header(head, wanted, files)
        return flatten_header(head[start : start + files.header_rows]) if head[start:] else []
    if fmt == "parquet":
        try:
            return list(pq.ParquetFile(path).schema_arrow.names)
        except (pa.ArrowInvalid, OSError):
            return []
    return []  # xlsx and JSON: read when opened
