"""The insurance domain's operators, in the order they run (`OPERATORS`): the shop names the
claims write (``insurance_claim_shop_names``, which the ring graph reads to join one shop's
spellings), all shop names with the judgments' (``insurance_shop_names``), then the claim graph
and its communities (``insurance_rings``)."""

from __future__ import annotations

from jiandu.models.insurance.operators.rings import InsuranceRings
from jiandu.models.insurance.operators.shop_names import InsuranceClaimShopNames, InsuranceShopNames
from jiandu.models.operators import Operator

__all__ = ["OPERATORS"]

OPERATORS: tuple[Operator, ...] = (InsuranceClaimShopNames(), InsuranceShopNames(), InsuranceRings())
