"""Published read snapshots of the DuckDB analytic store, so that readers never block the writer.

DuckDB allows one process to open a database file for writing or several to open it read-only,
never both at once. The web server therefore never opens the live file ``jiandu.duckdb``: the
writer, when it closes after finishing its work, checkpoints the file and copies it into
``snapshots/`` (first under a temporary name, then renamed), and then points
``snapshots/CURRENT`` at the copy (written to a temporary file and renamed over the old one,
so a reader sees the old pointer or the new one, never a torn one). A snapshot is never written
again after it is published; readers open it read-only, so any number of them can read it
while the next run writes the live file.

Old snapshots are removed by the next publish, unless a reader still holds one (DuckDB takes a
shared file lock on a file it opens read-only; the publisher probes for it). A reader that
read the old pointer just before its file was removed finds the file gone and reads the
pointer again (`open_current`).

Every reader opens snapshots through `open_current` or `ReadPool`, with one configuration
(`READ_CONFIG`): DuckDB refuses a second connection to a file already open in the process with
another one.

A long-lived reader (the web server) keeps one connection per snapshot in a `ReadPool` instead
of opening the file for every request: DuckDB's catalog and buffer pool stay warm, and each use
takes its own cursor (safe across threads). The pool reads the pointer on every use and moves to
a newly published snapshot at once; the old connection is closed when its last cursor is. Until
then the old file stays held (and so on disk until the next publish removes it).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import secrets
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

SNAPSHOT_DIR = "snapshots"
POINTER = "CURRENT"
FOLDER_MODE = 0o700
FILE_MODE = 0o600
_NAME = re.compile(r"\d{8}T\d{12}-[0-9a-f]{8}\.duckdb")
_OPEN_TRIES = 5
# readers run jiandu's own SQL on jiandu's own file; still, they may read nothing else
READ_CONFIG: dict[str, str | bool | int | float | list[str]] = {"enable_external_access": False}


class SnapshotVanished(Exception):
    """The snapshot named by the pointer kept being replaced before it could be opened."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One published snapshot and the state of the live file it was copied from."""

    path: Path
    source_size: int
    source_mtime_ns: int
    published_at: str

    def matches(self, live: Path) -> bool:
        """True when the live file is still exactly what this snapshot copied."""
        try:
            st = live.stat()
        except OSError:
            return False
        return (st.st_size, st.st_mtime_ns) == (self.source_size, self.source_mtime_ns)


def snapshot_dir(live: Path) -> Path:
    """Where the snapshots of the store file ``live`` are published."""
    return live.parent / SNAPSHOT_DIR


def current(live: Path) -> Snapshot | None:
    """The snapshot ``CURRENT`` points at, or None when none was published (or it is unreadable)."""
    pointer = snapshot_dir(live) / POINTER
    try:
        data = json.loads(pointer.read_text(encoding="utf-8"))
        name = str(data["file"])
        if not _NAME.fullmatch(name):  # only a file of our own naming, inside snapshots/
            raise ValueError(f"unexpected snapshot name {name[:60]!r}")
        return Snapshot(
            path=snapshot_dir(live) / name,
            source_size=int(data["source_size"]),
            source_mtime_ns=int(data["source_mtime_ns"]),
            published_at=str(data["published_at"]),
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring an unreadable snapshot pointer %s: %s", pointer, exc)
        return None


def open_current(live: Path) -> duckdb.DuckDBPyConnection | None:
    """A read-only connection to the current snapshot of ``live``; None when none is published.

    A snapshot deleted between reading the pointer and opening it (a newer one was published)
    is retried with the pointer read again; `SnapshotVanished` when that keeps happening. A
    snapshot that exists but cannot be opened raises DuckDB's error.
    """
    for _ in range(_OPEN_TRIES):
        published = current(live)
        if published is None:
            return None
        try:
            return duckdb.connect(str(published.path), read_only=True, config=READ_CONFIG)
        except duckdb.Error:
            if published.path.is_file():
                raise
    raise SnapshotVanished(f"the read snapshot of {live} kept vanishing")


class ReadPool:
    """One read-only connection to the current snapshot of ``live``, shared by a process's
    threads (see the module docstring). `cursor` yields a cursor of it, or None when nothing
    was published yet."""

    def __init__(self, live: Path, *, threads: int | None = None) -> None:
        self.live = live
        # DuckDB threads per query (a setting of the whole database in this process): a web
        # server answers many small queries at once, where one thread each has the shorter tail
        self.threads = threads
        self._lock = threading.Lock()
        self._path: Path | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self._tables: frozenset[str] = frozenset()
        self._users: dict[Path, int] = {}
        self._retired: dict[Path, duckdb.DuckDBPyConnection] = {}

    def lease(self) -> Lease | None:
        """A cursor of the current snapshot (give it back by closing the lease, or use it as a
        context manager); None when nothing was published. `SnapshotVanished` or DuckDB's error
        as for `open_current`."""
        for _ in range(_OPEN_TRIES):
            published = current(self.live)
            if published is None:
                return None
            with self._lock:
                if published.path != self._path or self._con is None:
                    try:
                        con = duckdb.connect(str(published.path), read_only=True, config=READ_CONFIG)
                    except duckdb.Error:
                        if published.path.is_file():
                            raise
                        continue  # replaced meanwhile: read the pointer again
                    if self.threads:
                        con.execute(f"SET threads = {int(self.threads)}")
                    tables = frozenset(
                        r[0]
                        for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
                    )
                    self._retire()
                    self._path, self._con, self._tables = published.path, con, tables
                assert self._path is not None and self._con is not None
                self._users[self._path] = self._users.get(self._path, 0) + 1
                return Lease(self, self._path, self._con.cursor(), self._tables)
        raise SnapshotVanished(f"the read snapshot of {self.live} kept vanishing")

    def _retire(self) -> None:
        """Set the current connection aside (under the lock); closed when no cursor uses it."""
        if self._con is None or self._path is None:
            return
        if self._users.get(self._path):
            self._retired[self._path] = self._con
        else:
            self._con.close()
        self._path, self._con, self._tables = None, None, frozenset()

    def _give_back(self, path: Path) -> None:
        with self._lock:
            left = self._users.get(path, 1) - 1
            if left > 0:
                self._users[path] = left
                return
            self._users.pop(path, None)
            old = self._retired.pop(path, None)
        if old is not None:
            old.close()

    @contextmanager
    def cursor(self) -> Iterator[Lease | None]:
        """`lease` as a context manager."""
        lease = self.lease()
        if lease is None:
            yield None
            return
        with lease:
            yield lease

    def close(self) -> None:
        with self._lock:
            self._retire()
            self._users.clear()
            retired, self._retired = list(self._retired.values()), {}
        for con in retired:
            con.close()


class Lease:
    """A cursor of a pooled snapshot connection and the snapshot's table names."""

    def __init__(self, pool: ReadPool, path: Path, cursor: duckdb.DuckDBPyConnection, tables: frozenset[str]):
        self.pool = pool
        self.path = path
        self.cursor = cursor
        self.tables = tables
        self._open = True

    def close(self) -> None:
        if not self._open:
            return
        self._open = False
        try:
            self.cursor.close()
        finally:
            self.pool._give_back(self.path)

    def __enter__(self) -> Lease:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def publish(live: Path) -> Snapshot:
    """Copy the live file into a new snapshot and point ``CURRENT`` at it.

    The caller holds the live file's write lock and has checkpointed it (no write-ahead log
    left), so the copy is a complete database and no other process writes it meanwhile.
    """
    folder = snapshot_dir(live)
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    folder.chmod(FOLDER_MODE)
    for leftover in folder.glob(".*.tmp"):  # a publish that crashed (we hold the lock now)
        leftover.unlink(missing_ok=True)
    before = live.stat()
    now = dt.datetime.now(dt.UTC)
    name = f"{now:%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}.duckdb"
    staged = folder / f".{name}.tmp"
    shutil.copyfile(live, staged)
    staged.chmod(FILE_MODE)
    _fsync(staged)
    after = live.stat()
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns):
        staged.unlink(missing_ok=True)
        raise RuntimeError(f"{live} changed while it was copied; the snapshot was not published")
    target = folder / name
    os.replace(staged, target)
    snapshot = Snapshot(target, after.st_size, after.st_mtime_ns, now.isoformat(timespec="seconds"))
    _write_pointer(folder, snapshot)
    _fsync(folder)
    remove_stale(live)
    return snapshot


def remove_stale(live: Path) -> list[Path]:
    """Delete snapshots other than the current one that no reader holds; return what was deleted."""
    keep = current(live)
    removed = []
    for path in snapshot_dir(live).glob("*.duckdb"):
        if (keep is not None and path == keep.path) or not _NAME.fullmatch(path.name) or in_use(path):
            continue
        try:
            path.unlink()
        except OSError as exc:  # e.g. held open on a system that refuses to delete open files
            log.info("snapshot %s kept: %s", path, exc)
            continue
        removed.append(path)
    return removed


def in_use(path: Path) -> bool:
    """True when another process holds a lock on the file (DuckDB locks a file it opens).

    Only ask this about files this process does not open itself: POSIX record locks belong to
    a process, and closing any descriptor of a file drops the process's locks on it.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX: deleting an open file fails there, which guards it as well
        return False
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing the descriptor drops the probe's own lock
    return False


def _write_pointer(folder: Path, snapshot: Snapshot) -> None:
    body = {
        "file": snapshot.path.name,
        "source_size": snapshot.source_size,
        "source_mtime_ns": snapshot.source_mtime_ns,
        "published_at": snapshot.published_at,
    }
    staged = folder / f".{POINTER}.{secrets.token_hex(4)}.tmp"
    staged.write_text(json.dumps(body, ensure_ascii=False) + "\n", encoding="utf-8")
    staged.chmod(FILE_MODE)
    _fsync(staged)
    os.replace(staged, folder / POINTER)


def _fsync(path: Path) -> None:
    """Flush a file (or a folder's entries) to disk, so a crash never leaves a pointer to nothing."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync folders
    finally:
        os.close(fd)
