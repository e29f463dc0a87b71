"""How many worker processes CPU-bound work may use."""

from __future__ import annotations

import os

__all__ = ["worker_count"]


def worker_count() -> int:
    """``JIANDU_WORKERS`` when set, else the cores this process may run on."""
    configured = os.environ.get("JIANDU_WORKERS", "").strip()
    if configured:
        try:
            return max(1, int(configured))
        except ValueError:
            raise ValueError(f"JIANDU_WORKERS={configured!r}: expected a whole number of workers") from None
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)
