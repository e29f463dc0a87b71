"""The hotel domain's operators, in the order they run (`OPERATORS`): every stay of a minor with
its companions, their relation to the minor and the rule it breaks, and the district roll-up."""

from __future__ import annotations

from jiandu.models.hotels.operators.minor_stays import HotelMinorStays
from jiandu.models.operators import Operator

__all__ = ["OPERATORS"]

OPERATORS: tuple[Operator, ...] = (HotelMinorStays(),)
