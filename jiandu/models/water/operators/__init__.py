"""The water domain's operators, in the order they run (`OPERATORS`): the quota and rate tables,
intake without a valid permit, output-implied intake against the billed volume, enterprises
inside protection zones, and the roll-up per district and addressee."""

from __future__ import annotations

from jiandu.models.operators import Operator
from jiandu.models.water.operators.governance import WaterGovernance
from jiandu.models.water.operators.parameters import WaterParameters
from jiandu.models.water.operators.quota_gaps import WaterQuotaGaps
from jiandu.models.water.operators.unpermitted import WaterUnpermittedIntake
from jiandu.models.water.operators.zones import WaterZoneHits

__all__ = ["OPERATORS"]

OPERATORS: tuple[Operator, ...] = (
    WaterParameters(),
    WaterUnpermittedIntake(),
    WaterQuotaGaps(),
    WaterZoneHits(),
    WaterGovernance(),
)
