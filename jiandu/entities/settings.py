"""Settings of entity resolution: thresholds and the reasons for them, in one typed place."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ResolutionSettings(BaseModel):
    """What decides a probabilistic link and how the model is fitted. The weights themselves
    are estimated from the data (training.py); these are decisions and budgets. An office may
    override them (e.g. a stricter threshold)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_training_records: int = Field(
        default=2000, ge=2,
        description="distinct person records needed to fit the model on the store itself "
        "(training.py); smaller stores use the packaged reference model",
    )
    u_max_pairs: float = Field(
        default=5e6, gt=0,
        description="record pairs sampled at random to estimate u (Splink's max_pairs)",
    )
    em_max_pairs: float | None = Field(
        default=2e6, gt=0,
        description="cap on the blocked pairs of each EM session (Splink's max_pairs; None: all)",
    )
    weights_file: str | None = Field(
        default=None,
        description="a fitted model (JSON written by `python -m jiandu.entities.training`) to "
        "score with instead of fitting on the store: the same weights on every run, e.g. to "
        "measure a model on data it was not fitted on",
    )
    training_seed: int = Field(
        default=20240501, description="seed of the random sampling of u (reproducible runs)"
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
    scoring_memory_mb: int = Field(
        default=512, ge=64,
        description="buffer-pool budget (MB) of the private DuckDB in which Splink scores pairs; "
        "past it DuckDB spills to the temp folder. Lower than the 1 GB scratch default "
        "(JIANDU_DUCKDB_SCRATCH_MEMORY_LIMIT, which still applies when it is lower): at a "
        "million documents scoring is resolution's peak, and 512 MB cost no time there",
    )
