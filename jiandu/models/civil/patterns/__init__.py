"""What the synthetic county plants for the civil models, one module per pattern; `PATTERNS`
lists them in planting priority."""

from __future__ import annotations

from jiandu.models.civil.patterns import (
    collusive_suit,
    debt_assignment,
    insurance_claims,
    professional_lender,
    serial_plaintiff,
)
from jiandu.synth.patterns import Pattern

__all__ = ["PATTERNS"]

PATTERNS: tuple[Pattern, ...] = (
    Pattern("professional_lender", professional_lender.plan),
    Pattern("collusive_suit", collusive_suit.plan),
    Pattern("debt_assignment", debt_assignment.plan),
    Pattern("insurance_claims", insurance_claims.plan),
    # the strong and medium serial plaintiffs are professional lenders too
    Pattern("serial_plaintiff", serial_plaintiff.plan, views=serial_plaintiff.professional_lender_views),
)
