"""What the synthetic county plants for the water models (`PATTERNS`, in planting priority): the
frozen water county of `county.py` as export files (`water`)."""

from __future__ import annotations

from jiandu.models.water.patterns import water_sources
from jiandu.synth.patterns import Pattern

__all__ = ["PATTERNS"]

PATTERNS: tuple[Pattern, ...] = (
    Pattern(water_sources.PATTERN, water_sources.plan, registers=water_sources.write),
)
