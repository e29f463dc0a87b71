"""Named random streams: one ``random.Random`` per job, derived from the seed and a name.

Every module draws from its own stream, so adding draws in one module never shifts the
numbers another module sees, and the same seed always gives the same county.
"""

from __future__ import annotations

import hashlib
import random


def stream(seed: int, name: str) -> random.Random:
    """A ``random.Random`` seeded from ``seed`` and ``name`` (stable across Python versions)."""
    digest = hashlib.sha256(f"{seed}:{name}".encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def weighted(rng: random.Random, table: list[tuple[str, float]]) -> str:
    """Pick a key from ``[(key, weight), ...]``."""
    total = 0.0
    for _, w in table:
        total += w
    x = rng.random() * total
    for key, w in table:
        x -= w
        if x < 0:
            return key
    return table[-1][0]
