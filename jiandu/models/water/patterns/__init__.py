"""What the synthetic county plants for the water models (`PATTERNS`, in planting priority): the
frozen water county of `county.py`, one pattern per model; the first writes every export file."""

from __future__ import annotations

from jiandu.models.water.patterns.water_sources import PATTERNS_BY_MODEL, planner, write
from jiandu.synth.patterns import Pattern

__all__ = ["PATTERNS"]

PATTERNS: tuple[Pattern, ...] = tuple(
    Pattern(name, planner(model), registers=write if i == 0 else None)
    for i, (model, name) in enumerate(PATTERNS_BY_MODEL.items())
)
