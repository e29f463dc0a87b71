"""The planted hotel county through the declared sources into hotels.minor_check_in."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from jiandu.engines.base import Engine
from jiandu.ingest.registers import RegisterReport, ingest_registers
from jiandu.models.clues import load_clues
from jiandu.models.hotels.operators import OPERATORS
from jiandu.models.hotels.patterns import minors
from jiandu.models.library import Library
from jiandu.models.operators import update_derived
from jiandu.models.runner import run_model
from jiandu.schema.derived import derived_table
from jiandu.synth.county import County
from jiandu.synth.patterns import Instance

MODEL = "hotels.minor_check_in"


def hotel_county(folder: Path, seed: int = 7, documents: int = 2000) -> tuple[list[Instance], dict[str, int]]:
    """Plant one copy of the pattern in a small county and write the exports to ``folder``."""
    county = County(seed, documents)
    instances = minors.plan(county, random.Random(seed), 0)
    counts = minors.write(folder, county, instances)
    return instances, counts


def ingest(engine: Engine, folder: Path, quarantine: Path) -> RegisterReport:
    return ingest_registers(engine, quarantine, [folder])


def run_hotels(engine: Engine) -> list[dict[str, Any]]:
    """Build the hotel tables, run the model, return its clues."""
    engine.ensure_tables([derived_table(t) for t in ("clues", "clue_evidence", "model_runs")])
    update_derived(engine, run_id="run-test", operators=list(OPERATORS))
    spec = Library().get(MODEL)
    report = run_model(engine, spec, spec.resolve(), run_id="run-test")
    assert report.status == "ok", report.message
    return [c for c in load_clues(engine) if c["model_id"] == MODEL]
