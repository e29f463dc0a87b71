"""The land domain's operators, in the order they run (`OPERATORS`): the status of every
instalment, transfer and penalty decision, and the district roll-up for the 检察建议."""

from __future__ import annotations

from jiandu.models.land.operators.status import LandStatus
from jiandu.models.operators import Operator

__all__ = ["OPERATORS"]

OPERATORS: tuple[Operator, ...] = (LandStatus(),)
