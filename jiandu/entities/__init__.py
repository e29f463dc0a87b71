"""Entity resolution: party mentions and register rows become people and companies.

Exact on valid ID numbers and credit codes (and exact normalised names of organisations);
otherwise a probabilistic match with Splink on name, surname, sex, birth date, address and
ethnicity, on the same engine as the store; masked names (张某) are never linked on the name
alone (a hard rule after scoring); reviewer judgements (same / not same) are kept pairwise and
override the model. See docs/entities.md.

The operator `EntityResolution` (name ``entity_resolution``) is registered before
``party_keys``, so `jiandu run` resolves entities first and models count suits per entity
(table ``party_entities``).
"""

from __future__ import annotations

from jiandu.entities.identifiers import IdNumber, is_valid_credit_code, is_valid_id, parse_id
from jiandu.entities.judgements import record_judgement
from jiandu.entities.names import is_masked, name_info
from jiandu.entities.resolve import EntityResolution, ResolveReport, resolve
from jiandu.entities.settings import ResolutionSettings

__all__ = [
    "EntityResolution", "IdNumber", "ResolutionSettings", "ResolveReport", "is_masked",
    "is_valid_credit_code", "is_valid_id", "name_info", "parse_id", "record_judgement", "resolve",
]
