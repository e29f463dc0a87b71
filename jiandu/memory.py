"""Giving freed memory back to the operating system between the steps of a long command.

A `jiandu run` at a million documents is a sequence of steps (operators, models, the clue sync)
that each build and drop large Arrow tables and Python objects. The allocators keep what a
step freed for reuse: Arrow's memory pool its pages, glibc's ``malloc`` the arenas Python and
DuckDB freed into. Unless that is handed back, a step's peak is its own working set plus every
earlier step's leftovers, and the process's resident memory only ever grows.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from functools import lru_cache

import pyarrow as pa

__all__ = ["release_memory"]


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


def release_memory() -> None:
    """Collect garbage, then give unused pages back: Arrow's pool (``release_unused``) and the C
    allocator's free arenas (glibc ``malloc_trim``; a no-op where the C library lacks it).
    Frees nothing that is still referenced."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    libc = _libc()
    trim = getattr(libc, "malloc_trim", None) if libc is not None else None
    if trim is not None:
        trim(0)
