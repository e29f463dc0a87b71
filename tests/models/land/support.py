"""The planted land county through the declared sources into the land models."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from jiandu.engines.base import Engine
from jiandu.ingest.registers import RegisterReport, ingest_registers
from jiandu.models.clues import load_clues
from jiandu.models.land.operators import OPERATORS
from jiandu.models.land.patterns import PATTERNS
from jiandu.models.library import Library
from jiandu.models.operators import update_derived
from jiandu.models.runner import ModelReport, run_model
from jiandu.schema.derived import derived_table
from jiandu.synth.county import County
from jiandu.synth.patterns import Instance

MODELS = ("land.transfer_fee_arrears", "land.idle_land", "land.penalty_not_enforced")


def land_county(folder: Path, seed: int = 7, documents: int = 2000) -> tuple[list[Instance], dict[str, int]]:
    """Plant one copy of each land pattern in a small county and write the exports to ``folder``."""
    county = County(seed, documents)
    instances: list[Instance] = []
    counts: dict[str, int] = {}
    for pattern in PATTERNS:
        planted = pattern.plan(county, random.Random(seed), 0)
        assert pattern.registers is not None
        counts |= pattern.registers(folder, county, planted)
        instances += planted
    return instances, counts


def ingest(engine: Engine, folder: Path, quarantine: Path) -> RegisterReport:
    return ingest_registers(engine, quarantine, [folder])


def run_land(engine: Engine) -> tuple[list[dict[str, Any]], dict[str, ModelReport]]:
    """Build the land tables, run the three models, return their clues and run reports."""
    engine.ensure_tables([derived_table(t) for t in ("clues", "clue_evidence", "model_runs")])
    update_derived(engine, run_id="run-test", operators=list(OPERATORS))
    reports = {}
    for model in MODELS:
        spec = Library().get(model)
        reports[model] = run_model(engine, spec, spec.resolve(), run_id="run-test")
    return [c for c in load_clues(engine) if c["model_id"] in MODELS], reports
