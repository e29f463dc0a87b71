"""The insurance domain's operators, in the order they run (`OPERATORS`): shop names first
(``insurance_shop_names``, which the ring graph reads to join one shop's spellings), then the
claim graph and its communities (``insurance_rings``)."""

from __future__ import annotations

from jiandu.models.insurance.operators.rings import InsuranceRings
from jiandu.models.insurance.operators.shop_names import InsuranceShopNames
from jiandu.models.operators import Operator

__all__ = ["OPERATORS"]

OPERATORS: tuple[Operator, ...] = (InsuranceShopNames(), InsuranceRings())
