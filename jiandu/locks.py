"""Waiting for a store that another process holds: how long (JIANDU_LOCK_WAIT), and who holds it.

DuckDB lets one process write a database file (or several read it), and SQLite lets one
connection write at a time. A writer that finds its store held waits up to
``JIANDU_LOCK_WAIT`` seconds (default 30) and then stops with `StoreBusy`, a message in
Chinese and English that names the process holding the store, never a raw traceback.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

LOCK_WAIT_ENV = "JIANDU_LOCK_WAIT"
DEFAULT_LOCK_WAIT = 30.0
MAX_LOCK_WAIT = 24 * 3600.0
_PID = re.compile(r"\(PID (\d+)\)")


class StoreBusy(RuntimeError):
    """A store stayed held by another process for longer than the writer may wait."""

    def __init__(self, store_zh: str, store_en: str, holder: str, waited: float) -> None:
        self.holder, self.waited = holder, waited
        super().__init__(
            f"{store_zh}正被另一进程占用（{holder}），已等待 {waited:.0f} 秒仍未释放。"
            f"请待其结束后重试，或设置 {LOCK_WAIT_ENV}=秒数 延长等待。\n"
            f"The {store_en} is held by another process ({holder}); waited {waited:.0f} s. "
            f"Retry when it has finished, or set {LOCK_WAIT_ENV}=<seconds> to wait longer."
        )


def lock_wait_seconds() -> float:
    """Seconds a writer waits for a held store: ``JIANDU_LOCK_WAIT`` (0 = do not wait), default 30."""
    raw = os.environ.get(LOCK_WAIT_ENV, "").strip()
    if not raw:
        return DEFAULT_LOCK_WAIT
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{LOCK_WAIT_ENV}={raw[:40]!r}: expected a number of seconds") from None
    if not 0 <= value <= MAX_LOCK_WAIT:
        raise ValueError(f"{LOCK_WAIT_ENV}={raw[:40]!r}: expected 0 to {MAX_LOCK_WAIT:.0f} seconds")
    return value


def holder_pid(message: str) -> int | None:
    """The process id a DuckDB lock error names ("... is held in /usr/bin/python (PID 123)")."""
    found = _PID.search(message)
    return int(found.group(1)) if found else None


def describe_process(pid: int | None) -> str:
    """A short description of a process for an engineer: ``jiandu run (PID 123)``."""
    if pid is None:
        return "未知进程 unknown process"
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return f"PID {pid}"
    args = [a.decode("utf-8", "replace") for a in argv if a]
    for i, arg in enumerate(args):
        if Path(arg).name == "jiandu" or (arg == "-m" and args[i + 1 : i + 2] == ["jiandu"]):
            rest = args[i + 2 :] if arg == "-m" else args[i + 1 :]
            words = [w for w in rest if not w.startswith("-") and "/" not in w][:3]
            return f"jiandu {' '.join(words)} (PID {pid})".replace("  ", " ")
    shown = " ".join(" ".join(Path(a).name if j == 0 else a for j, a in enumerate(args)).split())
    return f"{shown[:80]} (PID {pid})" if shown else f"PID {pid}"
