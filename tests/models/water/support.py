"""The planted water county through the declared sources into the three water models."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from jiandu.engines.base import Engine
from jiandu.ingest.registers import RegisterReport, ingest_registers
from jiandu.models.clues import load_clues
from jiandu.models.library import Library
from jiandu.models.operators import update_derived
from jiandu.models.runner import ModelReport, run_model
from jiandu.models.water.operators import OPERATORS
from jiandu.models.water.patterns import PATTERNS
from jiandu.schema.derived import derived_table
from jiandu.synth.county import County
from jiandu.synth.patterns import Instance

MODELS = ("water.intake_without_permit", "water.quota_underbilling", "water.protection_zone_violation")


def water_files(folder: Path, seed: int = 7) -> tuple[list[Instance], dict[str, int]]:
    """Plant the pattern in a small county and write the exports to ``folder``."""
    county = County(seed, 200)
    instances = [i for p in PATTERNS for i in p.plan(county, random.Random(seed), 0)]
    writer = PATTERNS[0].registers
    assert writer is not None
    return instances, writer(folder, county, instances)


def ingest(engine: Engine, folder: Path, quarantine: Path) -> RegisterReport:
    return ingest_registers(engine, quarantine, [folder])


def run_water(
    engine: Engine, models: tuple[str, ...] = MODELS
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, ModelReport]]:
    """Build the water tables, run the models; their clues and reports by model."""
    engine.ensure_tables([derived_table(t) for t in ("clues", "clue_evidence", "model_runs")])
    update_derived(engine, run_id="run-test", operators=list(OPERATORS))
    library = Library()
    reports = {}
    for model in models:
        spec = library.get(model)
        reports[model] = run_model(engine, spec, spec.resolve(), run_id="run-test")
    clues = load_clues(engine)
    return {m: [c for c in clues if c["model_id"] == m] for m in models}, reports
