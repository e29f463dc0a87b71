"""What the synthetic county plants for the insurance models (`PATTERNS`, in planting priority)."""

from __future__ import annotations

from jiandu.models.insurance.patterns import claims
from jiandu.synth.patterns import Pattern

__all__ = ["PATTERNS"]

PATTERNS: tuple[Pattern, ...] = (Pattern(claims.PATTERN, claims.plan, registers=claims.write),)
