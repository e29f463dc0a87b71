"""Read input paths into records: files, folders, JSON, JSON lines and zip archives.

Readers never raise on bad input: what cannot become a record becomes a `RejectedRecord`
naming the file, the place in the file and the reason, which ingest puts in quarantine.
Decoding of plain text and HTML bytes is left to the parsing workers (it is CPU work).

Hostile input is expected: symbolic links are never followed (they are quarantined), files
are opened without following links, JSON lines are streamed (also out of zip members) with a
cap on each line, and an unexpected error in one file or member quarantines that file or
member and the run goes on.
"""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from jiandu.ingest.decode import decode_bytes
from jiandu.ingest.rejection import Rejection
from jiandu.inputs.limits import Limits

DEFAULT_TEXT_FIELDS = ("text", "full_text", "fullText", "content", "qw")
TEXT_SUFFIXES = {".txt": "txt", ".html": "html", ".htm": "html"}
JSON_SUFFIXES = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
ARCHIVE_SUFFIXES = {".zip", ".7z", ".rar", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".jar", ".cab"}
SAMPLE_BYTES = 64 * 1024  # what is kept of an input too big or of the wrong kind
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)


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
    """Files under the given paths in a stable order; hidden files and folders are skipped.

    Symbolic links (to files or folders) are yielded as they are, never followed, so that
    `read_inputs` can quarantine them."""
    for path in paths:
        if not path.is_symlink() and path.is_dir():
            yield from _walk(path)
        else:
            yield path


def _walk(folder: Path) -> Iterator[Path]:
    """Depth-first, sorted by name; descends into real folders only, never into links."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        yield folder  # reported as unreadable (or vanished) by `read_inputs`
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        if entry.is_symlink():
            yield path
        elif entry.is_dir(follow_symlinks=False):
            yield from _walk(path)
        else:
            yield path


def _open_nofollow(path: Path) -> io.BufferedReader:
    """Open a regular file for reading; refuse a link or anything that is not a plain file."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _NotRegular(path)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class _NotRegular(Exception):
    """A path that is a device, FIFO or socket, not a file."""


def _read_all(path: Path) -> bytes:
    with _open_nofollow(path) as handle:
        return handle.read()


def read_inputs(
    paths: Iterable[Path],
    text_fields: tuple[str, ...] = DEFAULT_TEXT_FIELDS,
    limits: Limits | None = None,
) -> Iterator[Item]:
    """Yield every record (or rejection) found under ``paths``; never raises on bad input."""
    limits = limits or Limits()
    paths = list(paths)
    given = set(paths)
    for path in expand_paths(paths):
        yield from read_path(path, path in given, text_fields, limits)


@dataclass(frozen=True, slots=True)
class LineRange:
    """Lines of a JSON-lines file from byte ``start`` (a line start) to ``end``; ``first_line``
    is the number of the line at ``start`` (counted from 1, as a whole-file read counts)."""

    start: int
    end: int
    first_line: int


def read_path(
    path: Path,
    given: bool,
    text_fields: tuple[str, ...] = DEFAULT_TEXT_FIELDS,
    limits: Limits | None = None,
    lines: LineRange | None = None,
) -> Iterator[Item]:
    """Records (or rejections) of one file found by `expand_paths` (``given``: named by the
    user, not found in a folder), or of a range of lines of a JSON-lines file; never raises."""
    limits = limits or Limits()
    source = str(path)
    try:
        if lines is None:
            yield from _read_path(path, source, given, text_fields, limits)
        else:
            yield from _read_jsonl_range(path, source, lines, text_fields, limits)
    except Exception as exc:  # a reader bug or a hostile file must not stop the run
        yield RejectedRecord(
            source, "", "parse_error", f"reader error: {type(exc).__name__}: {str(exc)[:500]}", b""
        )


def _read_jsonl_range(
    path: Path, source: str, lines: LineRange, text_fields: tuple[str, ...], limits: Limits
) -> Iterator[Item]:
    try:
        with _open_nofollow(path) as handle:
            handle.seek(lines.start)
            part = io.BufferedReader(_Counted(handle, lines.end - lines.start, cut=True))
            yield from _read_jsonl(part, source, "", text_fields, limits, lines.first_line)
    except FileNotFoundError:
        yield RejectedRecord(source, "", "vanished", "file disappeared while it was read", b"")
    except _NotRegular:
        yield RejectedRecord(source, "", "symlink", "replaced by a link or special file while read", b"")
    except OSError as exc:
        yield RejectedRecord(source, "", "unreadable", f"cannot read: {exc.strerror or exc}", b"")


def _read_path(
    path: Path, source: str, given: bool, text_fields: tuple[str, ...], limits: Limits
) -> Iterator[Item]:
    if path.is_symlink():
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        yield RejectedRecord(
            source, "", "symlink", f"symbolic link (to {target}) not followed; copy the file itself", b""
        )
        return
    try:
        info = path.stat()
    except FileNotFoundError:
        if given:
            yield RejectedRecord(source, "", "unreadable", "no such file or folder", b"")
        else:
            yield RejectedRecord(
                source, "", "vanished", "file was listed but is gone (removed during ingest)", b""
            )
        return
    except OSError as exc:
        yield RejectedRecord(source, "", "unreadable", f"cannot read: {exc.strerror or exc}", b"")
        return
    if stat.S_ISDIR(info.st_mode):
        yield RejectedRecord(source, "", "unreadable", "folder cannot be listed", b"")
        return
    if not stat.S_ISREG(info.st_mode):
        yield RejectedRecord(
            source, "", "unsupported", "not a regular file (device, FIFO or socket)", b""
        )
        return
    suffix = path.suffix.lower()
    try:
        size = info.st_size
        if suffix == ".zip":
            yield from _read_zip(path, text_fields, limits)
        elif suffix in TEXT_SUFFIXES or suffix in JSON_SUFFIXES:
            cap = limits.max_container_bytes if suffix == ".json" else limits.max_document_bytes
            if suffix in {".jsonl", ".ndjson"}:
                with _open_nofollow(path) as handle:
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
                yield from _read_blob(_read_all(path), source, "", suffix, text_fields, limits)
        else:
            yield RejectedRecord(
                source,
                "",
                "unsupported",
                f"file type {suffix or '(none)'} is not a judgment format (.txt .html .json .jsonl .zip)",
                _head(path),
            )
    except FileNotFoundError:
        yield RejectedRecord(source, "", "vanished", "file disappeared while it was read", b"")
    except _NotRegular:
        yield RejectedRecord(source, "", "symlink", "replaced by a link or special file while read", b"")
    except OSError as exc:
        if exc.errno == getattr(os, "ELOOP", None):
            yield RejectedRecord(
                source, "", "symlink", "replaced by a symbolic link while read; not followed", b""
            )
        else:
            yield RejectedRecord(source, "", "unreadable", f"cannot read: {exc.strerror or exc}", b"")


def _head(path: Path, n: int = SAMPLE_BYTES) -> bytes:
    """The first bytes of a file that is too big or of the wrong kind, kept as a sample."""
    try:
        with _open_nofollow(path) as handle:
            return handle.read(n)
    except (OSError, _NotRegular):
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


def _printable(text: str) -> str:
    """``text`` with lone surrogates (valid in JSON, not in UTF-8) replaced."""
    return text.encode("utf-8", "replace").decode("utf-8")


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
        ref = _join(ref, f"(id={_printable(str(obj['id']))[:200]})")
    for field in text_fields:
        value = obj.get(field)
        if isinstance(value, str):
            try:
                size = len(value.encode("utf-8"))
            except UnicodeEncodeError:
                return RejectedRecord(
                    source, ref, "bad_json", f"field {field!r} holds invalid Unicode (lone surrogates)", raw
                )
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


_TOO_DEEP = "JSON nested too deeply to decode (recursion limit): not a judgment record"


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
            data[:SAMPLE_BYTES],
        )
        return
    except RecursionError:
        yield RejectedRecord(source, ref, "bad_json", _TOO_DEEP, data[:SAMPLE_BYTES])
        return
    if isinstance(obj, list):
        for index, item in enumerate(obj):
            item_ref = _join(ref, f"[{index}]")
            try:
                raw = json.dumps(item, ensure_ascii=False).encode("utf-8")
            except (RecursionError, ValueError):
                yield RejectedRecord(source, item_ref, "bad_json", _TOO_DEEP, b"")
                continue
            yield _record_from_obj(item, source, item_ref, "json", encoding, text_fields, limits, raw)
    else:
        yield _record_from_obj(obj, source, ref, "json", encoding, text_fields, limits, data)


def _lines(handle: io.BufferedIOBase | io.BytesIO, cap: int) -> Iterator[tuple[bytes, int]]:
    """Lines of a binary stream, each read with at most ``cap + 1`` bytes in memory.

    Yields ``(line, length)``: a longer line is cut to its first ``cap + 1`` bytes, the rest is
    skipped, and ``length`` is its full length."""
    while True:
        line = handle.readline(cap + 1)
        if not line:
            return
        length = len(line)
        if length > cap and not line.endswith(b"\n"):
            while True:
                rest = handle.readline(1024 * 1024)
                length += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
        yield line, length


def _read_jsonl(
    handle: io.BufferedIOBase | io.BytesIO,
    source: str,
    ref: str,
    text_fields: tuple[str, ...],
    limits: Limits,
    first_line: int = 1,
) -> Iterator[Item]:
    """Stream JSON lines: one record per line, never more than one line in memory."""
    for number, (line, length) in enumerate(_lines(handle, limits.max_document_bytes), start=first_line):
        line_ref = _join(ref, f"line {number}")
        if not line.strip():
            continue  # blank separator lines are layout, not records
        if length > limits.max_document_bytes:
            yield RejectedRecord(
                source,
                line_ref,
                "oversized",
                f"line of {length} bytes exceeds the limit of {limits.max_document_bytes}",
                line[:SAMPLE_BYTES],
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
        except RecursionError:
            yield RejectedRecord(source, line_ref, "bad_json", _TOO_DEEP, line[:SAMPLE_BYTES])
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


def _unsafe_name(name: str) -> str | None:
    """Why a member name could escape a folder when unpacked (absolute, drive, ``..``), or None."""
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "absolute member name"
    if ".." in parts:
        return "member name climbs out of the archive (..)"
    if "\x00" in name:
        return "NUL byte in member name"
    return None


class _Counted(io.RawIOBase):
    """A read-only stream that counts the bytes read through it against a budget."""

    def __init__(self, inner: IO[bytes], budget: int, cut: bool = False) -> None:
        self.inner = inner
        self.budget = budget
        self.cut = cut  # at the budget: end of stream (a byte range) instead of an error
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        want = len(buffer)
        if self.cut:
            want = min(want, self.budget - self.count)
            if want <= 0:
                return 0
        data = self.inner.read(want)
        self.count += len(data)
        if self.count > self.budget:
            raise _ZipBudget(self.count)
        buffer[: len(data)] = data
        return len(data)


class _ZipBudget(Exception):
    """The archive unpacks beyond its total budget."""


def _read_zip(path: Path, text_fields: tuple[str, ...], limits: Limits) -> Iterator[Item]:
    source = str(path)
    head = _head(path)
    try:
        archive = zipfile.ZipFile(_open_nofollow(path))
    except (zipfile.BadZipFile, OSError) as exc:
        cut = "truncated" in str(exc) or head.startswith(b"PK\x03\x04")
        yield RejectedRecord(
            source,
            "",
            "truncated" if cut else "unreadable",
            f"{'a cut-off or damaged' if cut else 'not a readable'} zip archive: {exc}",
            head,
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
                head,
            )
            return
        unpacked = 0
        for info in sorted(infos, key=lambda i: i.filename):
            name = _member_name(info)
            ref = f"member {name}"
            try:
                for item in _read_member(archive, info, name, source, text_fields, limits, unpacked):
                    if isinstance(item, int):
                        unpacked = item
                    else:
                        yield item
            except _ZipBudget:
                total = limits.max_zip_total_bytes
                yield RejectedRecord(source, ref, "zip_limit", f"archive unpacks beyond {total} bytes", b"")
                return
            except _ZIP_ERRORS as exc:
                yield RejectedRecord(source, ref, "truncated", f"cannot unpack member: {exc}", b"")
            except Exception as exc:  # one hostile member must not lose the others
                yield RejectedRecord(
                    source, ref, "parse_error", f"reader error: {type(exc).__name__}: {str(exc)[:500]}", b""
                )


def _read_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    name: str,
    source: str,
    text_fields: tuple[str, ...],
    limits: Limits,
    unpacked: int,
) -> Iterator[Item | int]:
    """Records of one member; yields the new unpacked byte total (an int) after reading it."""
    ref = f"member {name}"
    unsafe = _unsafe_name(name)
    if unsafe:
        yield RejectedRecord(source, ref, "unsafe_name", f"{unsafe}: not unpacked", b"")
        return
    if any(part.startswith(".") or part == "__MACOSX" for part in PurePosixPath(name).parts):
        return  # OS metadata files (__MACOSX, .DS_Store) are not documents
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in ARCHIVE_SUFFIXES:
        yield RejectedRecord(
            source, ref, "unsupported", f"nested archive ({suffix}) is not unpacked; unpack it first", b""
        )
        return
    if info.compress_size and info.file_size / info.compress_size > limits.max_zip_ratio:
        yield RejectedRecord(
            source,
            ref,
            "zip_limit",
            f"compression ratio {info.file_size / info.compress_size:.0f} "
            f"exceeds {limits.max_zip_ratio:.0f}",
            b"",
        )
        return
    budget = limits.max_zip_total_bytes - unpacked
    if suffix in {".jsonl", ".ndjson"}:
        with archive.open(info) as member:
            counted = _Counted(member, budget)
            yield from _read_jsonl(io.BufferedReader(counted), source, ref, text_fields, limits)
        yield unpacked + counted.count
        return
    cap = limits.max_container_bytes if suffix == ".json" else limits.max_document_bytes
    with archive.open(info) as member:
        data = member.read(min(cap, budget) + 1)
    unpacked += len(data)
    yield unpacked
    if unpacked > limits.max_zip_total_bytes:
        raise _ZipBudget(unpacked)
    if len(data) > cap:
        yield RejectedRecord(
            source, ref, "oversized", f"member exceeds the limit of {cap} bytes", data[:SAMPLE_BYTES]
        )
        return
    yield from _read_blob(data, source, ref, suffix, text_fields, limits)
