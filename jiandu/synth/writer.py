"""Writes documents to disk in shards: ``documents/jsonl/part-00000.jsonl`` (10,000 records
each), ``documents/txt/0000/0000001.txt`` and ``documents/html/0000/0000002.html`` (1,000 files
per folder); a share of txt and html files in GB18030, some txt with CRLF line ends or a BOM.
Every record also gets a line in ``index.jsonl`` with its place and the fields a parser should
read from it."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .render.html import to_html

JSONL_PER_FILE = 10_000
FILES_PER_DIR = 1_000


@dataclass(slots=True)
class Placed:
    """Where a record went."""

    file: str  # relative to the output folder
    line: int | None  # 1-based line in a jsonl file
    uid: str  # the record's id (jsonl "id", html docId)
    format: str  # txt | html | jsonl
    encoding: str  # utf-8 | utf-8-sig | gb18030 | binary | mixed


@dataclass
class WriterStats:
    by_format: dict[str, int] = field(default_factory=dict)
    by_encoding: dict[str, int] = field(default_factory=dict)
    bytes_by_format: dict[str, int] = field(default_factory=dict)

    def add(self, fmt: str, enc: str, size: int) -> None:
        self.by_format[fmt] = self.by_format.get(fmt, 0) + 1
        self.by_encoding[enc] = self.by_encoding.get(enc, 0) + 1
        self.bytes_by_format[fmt] = self.bytes_by_format.get(fmt, 0) + size


class DocumentWriter:
    def __init__(self, out: Path, rng: random.Random, doc_id: Callable[[str], str] | None = None) -> None:
        self.out = out
        self.rng = rng
        self.doc_id = doc_id
        (out / "documents").mkdir(parents=True, exist_ok=True)
        self._jsonl: IO[str] | None = None
        self._jsonl_count = 0
        self._jsonl_part = -1
        self._txt = 0
        self._html = 0
        self._made_dirs: set[Path] = set()
        self._index = (out / "index.jsonl").open("w", encoding="utf-8", newline="\n")
        self.stats = WriterStats()

    def uid(self) -> str:
        """A stable record id in the site's style (8-4-4-4-12 hex)."""
        h = f"{self.rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def pick_format(self) -> str:
        x = self.rng.random()
        return "jsonl" if x < 0.5 else ("txt" if x < 0.85 else "html")

    # --- low level ----------------------------------------------------------------------
    def _dir(self, kind: str, n: int) -> Path:
        d = self.out / "documents" / kind / f"{n // FILES_PER_DIR:04d}"
        if d not in self._made_dirs:
            d.mkdir(parents=True, exist_ok=True)
            self._made_dirs.add(d)
        return d

    def _jsonl_line(self, line: str) -> tuple[str, int]:
        if self._jsonl is None or self._jsonl_count >= JSONL_PER_FILE:
            if self._jsonl is not None:
                self._jsonl.close()
            self._jsonl_part += 1
            self._jsonl_count = 0
            d = self.out / "documents" / "jsonl"
            d.mkdir(parents=True, exist_ok=True)
            self._jsonl = (d / f"part-{self._jsonl_part:05d}.jsonl").open("w", encoding="utf-8", newline="\n")
        self._jsonl.write(line + "\n")
        self._jsonl_count += 1
        self.stats.add("jsonl", "utf-8", len(line.encode("utf-8")) + 1)
        return f"documents/jsonl/part-{self._jsonl_part:05d}.jsonl", self._jsonl_count

    def _file(self, kind: str, data: bytes, encoding: str, ext: str) -> str:
        if kind == "txt":
            n = self._txt
            self._txt += 1
        else:
            n = self._html
            self._html += 1
        path = self._dir(kind, n) / f"{n:07d}.{ext}"
        path.write_bytes(data)
        self.stats.add(kind, encoding, len(data))
        return str(path.relative_to(self.out))

    # --- documents ----------------------------------------------------------------------
    def write_document(
        self, text: str, title: str, lines: list[str], title_line: bool, fmt: str
    ) -> tuple[Placed, str]:
        """Write a good document; returns where it went and the visible text ingest will see."""
        uid = self.uid()
        r = self.rng
        if fmt == "jsonl":
            file, line = self._jsonl_line(json.dumps({"id": uid, "text": text}, ensure_ascii=False))
            return Placed(file, line, uid, "jsonl", "utf-8"), text
        if fmt == "txt":
            enc = "gb18030" if r.random() < 0.12 else ("utf-8-sig" if r.random() < 0.03 else "utf-8")
            body = text.replace("\n", "\r\n") if r.random() < 0.1 else text
            file = self._file("txt", body.encode(enc), enc, "txt")
            return Placed(file, None, uid, "txt", enc), text
        enc = "gb18030" if r.random() < 0.06 else "utf-8"
        body_lines = lines[1:] if title_line else lines
        page = to_html(title, body_lines, "GB18030" if enc == "gb18030" else "UTF-8", uid)
        file = self._file("html", page.encode(enc), enc, "html")
        visible = "\n".join([title, *body_lines]) + "\n"
        return Placed(file, None, uid, "html", enc), visible

    def write_raw(self, fmt: str, data: bytes | str, encoding: str) -> Placed:
        """Write a damaged record as given (bytes for files, a str line for jsonl)."""
        uid = self.uid()
        if fmt == "jsonl":
            assert isinstance(data, str)
            file, line = self._jsonl_line(data)
            return Placed(file, line, uid, "jsonl", encoding)
        assert isinstance(data, bytes)
        file = self._file(fmt, data, encoding, fmt)
        return Placed(file, None, uid, fmt, encoding)

    def index(self, record: dict[str, Any]) -> None:
        self._index.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")

    def close(self) -> None:
        if self._jsonl is not None:
            self._jsonl.close()
        self._index.close()
