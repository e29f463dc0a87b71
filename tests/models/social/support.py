"""The planted social county through the declared sources into the three social models."""

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
from jiandu.models.social.operators import OPERATORS
from jiandu.models.social.patterns import social
from jiandu.schema.derived import derived_table
from jiandu.synth.county import County
from jiandu.synth.patterns import Instance

MODELS = (social.MODEL_BENEFITS, social.MODEL_CORRECTIONS, social.MODEL_PENALTIES)


def social_county(
    folder: Path, seed: int = 7, documents: int = 2000
) -> tuple[list[Instance], dict[str, int]]:
    """Plant one copy of each social pattern in a small county and write the exports."""
    county = County(seed, documents)
    instances: list[Instance] = []
    counts: dict[str, int] = {}
    for plan, write in (
        (social.plan_benefits, social.write_benefits),
        (social.plan_corrections, social.write_corrections),
        (social.plan_penalties, social.write_penalties),
    ):
        planted = plan(county, random.Random(seed), 0)
        counts |= write(folder, county, planted)
        instances += planted
    return instances, counts


def ingest(engine: Engine, folder: Path, quarantine: Path) -> RegisterReport:
    return ingest_registers(engine, quarantine, [folder])


def run_social(
    engine: Engine, models: tuple[str, ...] = MODELS
) -> tuple[list[dict[str, Any]], list[ModelReport]]:
    """Build the social tables, run the models, return their clues and run reports."""
    engine.ensure_tables([derived_table(t) for t in ("clues", "clue_evidence", "model_runs")])
    update_derived(engine, run_id="run-test", operators=list(OPERATORS))
    reports = []
    library = Library()
    for model in models:
        spec = library.get(model)
        report = run_model(engine, spec, spec.resolve(), run_id="run-test")
        assert report.status == "ok", report.message
        reports.append(report)
    return [c for c in load_clues(engine) if c["model_id"] in models], reports
