"""Read input paths into records: files, folders, JSON, JSON lines and zip archives.

Readers never raise on bad input: what cannot become a record becomes a `RejectedRecord`
naming the file, the place in the file and the reason, which ingest puts in quarantine.
Decoding of plain text and HTML bytes is left to the parsing workers (it is CPU work).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from jiandu.ingest.decode import decode_bytes
from jiandu.ingest.rejection import Rejection

DEFAULT_TEXT_FIELDS = ("text", "full_text", "fullText", "content", "qw")
TEXT_SUFFIXES = {".txt": "txt", ".html": "html", ".htm": "html"}
JSON_SUFFIXES = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass(frozen=True, slots=True)
class Limits:
    """Size limits that protect a run from hostile or broken input."""

    max_document_bytes: int = 20 * 1024 * 1024  # one document (file, JSON line, zip member)
    max_container_bytes: int = 512 * 1024 * 1024  # one .json file holding many documents
    max_zip_total_bytes: int = 4 * 1024 * 1024 * 1024  # what a zip may unpack to in all
    max_zip_members: int = 200_000
    max_zip_ratio: float = 200.0  # uncompressed / compressed, per member


@dataclass(slots=True)
class RawRecord:
    """One candidate document: bytes still to decode (txt, html) or text already decoded (json)."""

    source: str
    record_ref: str
    fmt: str  # txt | html | json | jsonl
    size: int
    data: bytes | None = None
    text: str | None = None
    encoding: str | None = None


@dataclass(slots=True)
class RejectedRecord:
    source: str
    record_ref: str
    code: str
    reason: str
    data: bytes

    @classmethod
    def of(cls, source: str, ref: str, rejection: Rejection, data: bytes) -> RejectedRecord:
        return cls(source, ref, rejection.code, rejection.reason, data)


Item = RawRecord | RejectedRecord


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files under the given paths in a stable order; hidden files and folders are skipped."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if child.is_file() and not any(part.startswith(".") for part in rel):
                    yield child
        else:
            yield path


def read_inputs(
    paths: Iterable[Path],
    text_fields: tuple[str, ...] = DEFAULT_TEXT_FIELDS,
    limits: Limits | None = None,
) -> Iterator[Item]:
    """Yield every record (or rejection) found under ``paths``."""
    limits = limits or Limits()
    for path in expand_paths(paths):
        source = str(path)
        if not path.exists():
            yield RejectedRecord(source, "", "unreadable", "no such file or folder", b"")
            continue
        suffix = path.suffix.lower()
        try:
            size = path.stat().st_size
            if suffix == ".zip":
                yield from _read_zip(path, text_fields, limits)
            elif suffix in TEXT_SUFFIXES or suffix in JSON_SUFFIXES:
                cap = limits.max_container_bytes if suffix == ".json" else limits.max_document_bytes
                if suffix in {".jsonl", ".ndjson"}:
                    with path.open("rb") as handle:
                        yield from _read_jsonl(handle, source, "", text_fields, limits)
                elif size > cap:
                    yield RejectedRecord(
                        source,
                        "",
                        "oversized",
                        f"{size} bytes exceeds the limit of {cap}",
                        _head(path),
                    )
                else:
                    yield from _read_blob(path.read_bytes(), source, "", suffix, text_fields, limits)
            else:
                yield RejectedRecord(
                    source,
                    "",
                    "unsupported",
                    f"file type {suffix or '(none)'} is not a judgment format (.txt .html .json .jsonl .zip)",
                    _head(path),
                )
        except OSError as exc:
            yield RejectedRecord(source, "", "unreadable", f"cannot read: {exc.strerror or exc}", b"")


def _head(path: Path, n: int = 64 * 1024) -> bytes:
    """The first bytes of a file that is too big or of the wrong kind, kept as a sample."""
    try:
        with path.open("rb") as handle:
            return handle.read(n)
    except OSError:
        return b""


def _read_blob(
    data: bytes, source: str, ref: str, suffix: str, text_fields: tuple[str, ...], limits: Limits
) -> Iterator[Item]:
    if suffix in TEXT_SUFFIXES:
        if len(data) > limits.max_document_bytes:
            yield RejectedRecord(
                source,
                ref,
                "oversized",
                f"{len(data)} bytes exceeds the limit of {limits.max_document_bytes}",
                data[:65536],
            )
        else:
            yield RawRecord(source, ref, TEXT_SUFFIXES[suffix], len(data), data=data)
    elif suffix == ".json":
        yield from _read_json(data, source, ref, text_fields, limits)
    elif suffix in {".jsonl", ".ndjson"}:
        yield from _read_jsonl(io.BytesIO(data), source, ref, text_fields, limits)
    else:
        yield RejectedRecord(
            source,
            ref,
            "unsupported",
            f"file type {suffix or '(none)'} is not a judgment format",
            data[:65536],
        )


def _join(ref: str, part: str) -> str:
    return f"{ref} {part}".strip()


def _record_from_obj(
    obj: object,
    source: str,
    ref: str,
    fmt: str,
    encoding: str,
    text_fields: tuple[str, ...],
    limits: Limits,
    raw: bytes,
) -> Item:
    if not isinstance(obj, dict):
        return RejectedRecord(
            source, ref, "bad_json", f"expected a JSON object, found {type(obj).__name__}", raw
        )
    if "id" in obj and isinstance(obj["id"], str | int):
        ref = _join(ref, f"(id={obj['id']})")
    for field in text_fields:
        value = obj.get(field)
        if isinstance(value, str):
            size = len(value.encode("utf-8"))
            if size > limits.max_document_bytes:
                return RejectedRecord(
                    source,
                    ref,
                    "oversized",
                    f"field {field!r} holds {size} bytes, limit {limits.max_document_bytes}",
                    raw[:65536],
                )
            return RawRecord(source, ref, fmt, size, text=value, encoding=encoding)
    return RejectedRecord(
        source,
        ref,
        "missing_field",
        f"no text field (looked for {', '.join(text_fields)})",
        raw[:65536],
    )


def _read_json(
    data: bytes, source: str, ref: str, text_fields: tuple[str, ...], limits: Limits
) -> Iterator[Item]:
    try:
        text, encoding = decode_bytes(data)
    except Rejection as rejection:
        yield RejectedRecord.of(source, ref, rejection, data[:65536])
        return
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        code = "truncated" if exc.pos >= len(text.rstrip()) - 1 else "bad_json"
        yield RejectedRecord(
            source,
            ref,
            code,
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
            data[:65536],
        )
        return
    if isinstance(obj, list):
        for index, item in enumerate(obj):
            yield _record_from_obj(
                item,
                source,
                _join(ref, f"[{index}]"),
                "json",
                encoding,
                text_fields,
                limits,
                json.dumps(item, ensure_ascii=False).encode("utf-8"),
            )
    else:
        yield _record_from_obj(obj, source, ref, "json", encoding, text_fields, limits, data)


def _read_jsonl(
    handle: io.BufferedIOBase | io.BytesIO,
    source: str,
    ref: str,
    text_fields: tuple[str, ...],
    limits: Limits,
) -> Iterator[Item]:
    for number, line in enumerate(handle, start=1):
        line_ref = _join(ref, f"line {number}")
        if not line.strip():
            continue  # blank separator lines are layout, not records
        if len(line) > limits.max_document_bytes:
            yield RejectedRecord(
                source,
                line_ref,
                "oversized",
                f"line of {len(line)} bytes exceeds the limit of {limits.max_document_bytes}",
                line[:65536],
            )
            continue
        try:
            text, encoding = decode_bytes(line)
        except Rejection as rejection:
            yield RejectedRecord.of(source, line_ref, rejection, line)
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            code = (
                "truncated" if not line.endswith(b"\n") and exc.pos >= len(text.rstrip()) - 1 else "bad_json"
            )
            yield RejectedRecord(
                source, line_ref, code, f"invalid JSON at column {exc.colno}: {exc.msg}", line
            )
            continue
        yield _record_from_obj(obj, source, line_ref, "jsonl", encoding, text_fields, limits, line)


def _member_name(info: zipfile.ZipInfo) -> str:
    """Zip member names without the UTF-8 flag are often GBK (Chinese Windows), not cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _read_zip(path: Path, text_fields: tuple[str, ...], limits: Limits) -> Iterator[Item]:
    source = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield RejectedRecord(
            source,
            "",
            "truncated" if "truncated" in str(exc) else "unreadable",
            f"not a readable zip archive: {exc}",
            _head(path),
        )
        return
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        declared = sum(info.file_size for info in infos)
        if len(infos) > limits.max_zip_members or declared > limits.max_zip_total_bytes:
            yield RejectedRecord(
                source,
                "",
                "zip_limit",
                f"archive would unpack to {len(infos)} files and {declared} bytes; limits are "
                f"{limits.max_zip_members} files and {limits.max_zip_total_bytes} bytes",
                _head(path),
            )
            return
        unpacked = 0
        for info in sorted(infos, key=lambda i: i.filename):
            name = _member_name(info)
            ref = f"member {name}"
            if any(part.startswith(".") or part == "__MACOSX" for part in PurePosixPath(name).parts):
                continue  # OS metadata files (__MACOSX, .DS_Store) are not documents
            suffix = PurePosixPath(name).suffix.lower()
            if suffix == ".zip":
                yield RejectedRecord(source, ref, "unsupported", "nested archives are not unpacked", b"")
                continue
            if info.compress_size and info.file_size / info.compress_size > limits.max_zip_ratio:
                yield RejectedRecord(
                    source,
                    ref,
                    "zip_limit",
                    f"compression ratio {info.file_size / info.compress_size:.0f} "
                    f"exceeds {limits.max_zip_ratio:.0f}",
                    b"",
                )
                continue
            cap = limits.max_container_bytes if suffix == ".json" else limits.max_document_bytes
            if suffix in {".jsonl", ".ndjson"}:
                cap = limits.max_zip_total_bytes
            try:
                with archive.open(info) as member:
                    data = member.read(cap + 1)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                yield RejectedRecord(source, ref, "truncated", f"cannot unpack member: {exc}", b"")
                continue
            unpacked += len(data)
            if unpacked > limits.max_zip_total_bytes:
                yield RejectedRecord(
                    source,
                    ref,
                    "zip_limit",
                    f"archive unpacks beyond {limits.max_zip_total_bytes} bytes",
                    b"",
                )
                return
            if len(data) > cap:
                yield RejectedRecord(
                    source,
                    ref,
                    "oversized",
                    f"member exceeds the limit of {cap} bytes",
                    data[:65536],
                )
                continue
            yield from _read_blob(data, source, ref, suffix, text_fields, limits)
