"""Work units of an ingest: the parent hands out file paths (and line ranges), never texts.

A unit is a run of consecutive input files (in `expand_paths` order) of about ``target_bytes``,
or a range of lines of one big JSON-lines file. A worker reads its unit itself
(`jiandu.ingest.sources.read_path`, with the same limits and hostile-input checks as
`read_inputs`), so the records of all units, taken in unit order, are exactly the records
`read_inputs` yields, in the same order.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from jiandu.ingest import sources
from jiandu.ingest.sources import LineRange

TARGET_BYTES = 8 * 1024 * 1024  # input bytes per unit: a few thousand judgments
MAX_FILES = 2000  # files per unit (many tiny files)
_SCAN = 4 * 1024 * 1024  # bytes read at a time while counting lines of a big file


@dataclass(frozen=True, slots=True)
class Part:
    """One file of a unit (``given``: named on the command line), or a line range of it."""

    path: Path
    given: bool
    lines: LineRange | None = None


@dataclass(slots=True)
class WorkUnit:
    index: int  # position in input order: results are stored in this order
    parts: list[Part] = field(default_factory=list)


def _size(path: Path) -> int:
    """Bytes of a plain file (0 for links, folders, special or vanished files)."""
    try:
        info = os.lstat(path)
    except OSError:
        return 0
    return info.st_size if stat.S_ISREG(info.st_mode) else 0


def _is_jsonl(path: Path) -> bool:
    return path.suffix.lower() in {".jsonl", ".ndjson"}


def line_ranges(path: Path, target_bytes: int) -> list[LineRange]:
    """Cut a JSON-lines file into ranges of about ``target_bytes`` that start at line starts.

    Reads the file once, counting newlines, so each range knows the number of its first line
    (blank lines count, as in a whole-file read)."""
    ranges: list[LineRange] = []
    start, first_line, offset, newlines = 0, 1, 0, 0
    next_cut = target_bytes  # the first newline at or after this offset ends a range
    with path.open("rb") as handle:
        while chunk := handle.read(_SCAN):
            pos = max(next_cut - offset, 0)
            while pos < len(chunk):
                at = chunk.find(b"\n", pos)
                if at < 0:
                    break
                end = offset + at + 1
                ranges.append(LineRange(start, end, first_line))
                start, first_line = end, newlines + chunk.count(b"\n", 0, at + 1) + 1
                next_cut = start + target_bytes
                pos = next_cut - offset
            newlines += chunk.count(b"\n")
            offset += len(chunk)
    if offset > start:
        ranges.append(LineRange(start, offset, first_line))
    return ranges


def plan_units(
    paths: Iterable[Path], target_bytes: int = TARGET_BYTES, max_files: int = MAX_FILES
) -> Iterator[WorkUnit]:
    """Units covering every file under ``paths`` in input order (see the module docstring)."""
    paths = list(paths)
    given = set(paths)
    unit = WorkUnit(0)
    size = 0
    for path in sources.expand_paths(paths):  # looked up at call time (tests replace it)
        part_size = _size(path)
        if _is_jsonl(path) and part_size > 2 * target_bytes:
            if unit.parts:
                yield unit
                unit, size = WorkUnit(unit.index + 1), 0
            try:
                ranges = line_ranges(path, target_bytes)
            except OSError:  # read as a whole by the worker, which reports the problem
                ranges = []
            if len(ranges) <= 1:
                yield WorkUnit(unit.index, [Part(path, path in given)])
                unit = WorkUnit(unit.index + 1)
                continue
            for lines in ranges:
                yield WorkUnit(unit.index, [Part(path, path in given, lines)])
                unit = WorkUnit(unit.index + 1)
            continue
        unit.parts.append(Part(path, path in given))
        size += part_size
        if size >= target_bytes or len(unit.parts) >= max_files:
            yield unit
            unit, size = WorkUnit(unit.index + 1), 0
    if unit.parts:
        yield unit
