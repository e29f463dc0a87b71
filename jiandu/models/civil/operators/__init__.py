"""The civil domain's operators, one job per module, in the order they run.

`OPERATORS` is what the registry (`jiandu.models.operators`) appends after the core's operators
(entity resolution, party keys, party statistics). The order matters only where an operator
reads another's table: ``party_register_keys`` before the document facts, which
``person_relations`` reads.
"""

from __future__ import annotations

from jiandu.models.civil.operators.claim_wording import ClaimWording
from jiandu.models.civil.operators.docfacts import DOCFACT_OPERATORS
from jiandu.models.civil.operators.execution_applications import ExecutionApplications
from jiandu.models.civil.operators.interest_caps import InterestCaps
from jiandu.models.civil.operators.loan_signs import LoanSigns
from jiandu.models.civil.operators.mentions import DocumentMentions
from jiandu.models.civil.operators.party_links import PartyLinks
from jiandu.models.civil.operators.register_keys import PartyRegisterKeys
from jiandu.models.civil.operators.relations import PersonRelations
from jiandu.models.operators import Operator

__all__ = ["OPERATORS"]

OPERATORS: tuple[Operator, ...] = (
    LoanSigns(),
    ClaimWording(),
    PartyLinks(),
    ExecutionApplications(),
    PartyRegisterKeys(),
    *DOCFACT_OPERATORS,  # execution cases and relations from documents, keyed per party
    PersonRelations(),
    InterestCaps(),
    DocumentMentions(),
)
