"""Settings of entity resolution: thresholds and the reasons for them, in one typed place."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ResolutionSettings(BaseModel):
    """What decides a probabilistic link. Defaults were measured on the synthetic county
    (docs/entities.md); an office may override them (e.g. a stricter threshold)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    prior: float = Field(
        default=1e-5, gt=0, lt=1,
        description="probability that two random person mentions are the same person "
        "(Splink's probability_two_random_records_match)",
    )
    link_threshold: float = Field(
        default=0.9, gt=0, lt=1, description="match probability at or above which a pair is linked"
    )
    store_threshold: float = Field(
        default=0.5, gt=0, lt=1,
        description="pairs at or above this probability are kept in entity_links (linked or not) "
        "so a reviewer can see near misses",
    )
    ambiguity_margin: float = Field(
        default=3.0, ge=0,
        description="a masked mention joins an entity only when its best candidate entity has a "
        "match weight at least this many bits above the second best (else it stays alone, "
        "reason 'ambiguous')",
    )
