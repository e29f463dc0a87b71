"""What the synthetic county plants for the oil models (`PATTERNS`, in planting priority): the
non-standard-oil fleet of `fleet.py` as export files (`nonstandard_oil`)."""

from __future__ import annotations

from jiandu.models.oil.patterns import nonstandard_oil
from jiandu.synth.patterns import Pattern

__all__ = ["PATTERNS"]

PATTERNS: tuple[Pattern, ...] = (
    Pattern(nonstandard_oil.PATTERN, nonstandard_oil.plan, registers=nonstandard_oil.write),
)
