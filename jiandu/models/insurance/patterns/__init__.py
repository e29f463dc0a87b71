"""What the synthetic county plants for the insurance models (`PATTERNS`, in planting priority)."""

from __future__ import annotations

from jiandu.models.insurance.patterns import claims, suits
from jiandu.synth.patterns import Pattern

__all__ = ["PATTERNS"]

PATTERNS: tuple[Pattern, ...] = (
    Pattern(claims.PATTERN, claims.plan, registers=claims.write),
    Pattern(suits.PATTERN, suits.plan, registers=suits.write),
)
