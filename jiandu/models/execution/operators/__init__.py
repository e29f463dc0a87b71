"""The execution domain's operators, in the order they run (`OPERATORS`)."""

from __future__ import annotations

from jiandu.models.execution.operators.restrictions import ExecutionRestrictions
from jiandu.models.operators import Operator

__all__ = ["OPERATORS"]

OPERATORS: tuple[Operator, ...] = (ExecutionRestrictions(),)
