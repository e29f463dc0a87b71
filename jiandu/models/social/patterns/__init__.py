"""What the synthetic county plants for the social models (`PATTERNS`, in planting priority)."""

from __future__ import annotations

from jiandu.models.social.patterns import social
from jiandu.synth.patterns import Pattern

__all__ = ["PATTERNS"]

PATTERNS: tuple[Pattern, ...] = (
    Pattern(social.BENEFITS, social.plan_benefits, registers=social.write_benefits),
    Pattern(social.CORRECTIONS, social.plan_corrections, registers=social.write_corrections),
    Pattern(social.PENALTIES, social.plan_penalties, registers=social.write_penalties),
)
