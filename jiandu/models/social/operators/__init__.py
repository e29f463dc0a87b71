"""The social domain's operators, in the order they run (`OPERATORS`): payments after death or
in prison, community-correction gaps, unpaid property penalties with the convict's means, and
the roll-up per county and agency."""

from __future__ import annotations

from jiandu.models.operators import Operator
from jiandu.models.social.operators.benefits import SocialBenefits
from jiandu.models.social.operators.corrections import SocialCorrections
from jiandu.models.social.operators.governance import SocialGovernance
from jiandu.models.social.operators.penalties import SocialPenalties

__all__ = ["OPERATORS"]

OPERATORS: tuple[Operator, ...] = (
    SocialBenefits(),
    SocialCorrections(),
    SocialPenalties(),
    SocialGovernance(),
)
