"""What the synthetic county plants for the hotel models (`PATTERNS`, in planting priority)."""

from __future__ import annotations

from jiandu.models.hotels.patterns import minors
from jiandu.synth.patterns import Pattern

__all__ = ["PATTERNS"]

PATTERNS: tuple[Pattern, ...] = (Pattern(minors.PATTERN, minors.plan, registers=minors.write),)
