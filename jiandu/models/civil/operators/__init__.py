"""The civil domain's operators, one job per module, in the order they run.

`OPERATORS` is what the registry (`jiandu.models.operators`) appends after the core's operators
(entity resolution, party keys, party statistics). The order matters only where an operator
reads another's table: ``party_register_keys`` before the document facts, which
``person_relations`` reads.
"""

from __future__ import annotations

from jiandu.models.civil.operators.claim_wording import ClaimWording
from jiandu.models.civil.operators.docfacts import DocumentFacts
from jiandu.models.civil.operators.execution_applications import ExecutionApplications
from jiandu.models.civil.operators.execution_cases_all import ExecutionCasesAll
from jiandu.models.civil.operators.fact_keys import PartyFactKeys
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
    DocumentFacts(),  # execution cases and relations read from documents,
    PartyFactKeys(),  # keyed per party,
    ExecutionCasesAll(),  # the executions merged with the register
    PersonRelations(),
    InterestCaps(),
    DocumentMentions(),
)
