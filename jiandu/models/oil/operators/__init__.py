"""The oil domain's operators, in the order they run (`OPERATORS`): the dated tax rates and
成品油 codes, stop detection over tanker_gps, and stops matched to station geofences."""

from __future__ import annotations

from jiandu.models.oil.operators.stops import OilStops
from jiandu.models.oil.operators.tax_rates import OilTaxRates
from jiandu.models.oil.operators.visits import OilStationVisits
from jiandu.models.operators import Operator

__all__ = ["OPERATORS"]

OPERATORS: tuple[Operator, ...] = (OilTaxRates(), OilStops(), OilStationVisits())
