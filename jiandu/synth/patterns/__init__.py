"""Planted patterns, one module each. ``PLANNERS`` lists them in planting priority."""

from __future__ import annotations

import random
from collections.abc import Callable

from ..county import County
from . import (
    collusive_suit,
    debt_assignment,
    insurance_claims,
    professional_lender,
    serial_plaintiff,
)
from .base import Instance

Planner = Callable[[County, random.Random, int], list[Instance]]

PLANNERS: tuple[tuple[str, Planner], ...] = (
    ("professional_lender", professional_lender.plan),
    ("collusive_suit", collusive_suit.plan),
    ("debt_assignment", debt_assignment.plan),
    ("insurance_claims", insurance_claims.plan),
    ("serial_plaintiff", serial_plaintiff.plan),
)

__all__ = ["PLANNERS", "Instance", "Planner"]
