"""Loading the planted oil county into a store and running the oil model on it."""

from __future__ import annotations

from typing import Any

from jiandu.engines.base import Engine
from jiandu.models.clues import load_clues
from jiandu.models.library import Library
from jiandu.models.oil.operators import OPERATORS
from jiandu.models.oil.patterns.fleet import OilCounty
from jiandu.models.operators import update_derived
from jiandu.models.runner import run_model
from jiandu.schema import canonical_tables, table
from jiandu.schema.derived import derived_table

MODEL = "oil.nonstandard_fuel_mass_balance"


def load(engine: Engine, county: OilCounty) -> None:
    """Create the oil register tables and append the county's rows."""
    engine.ensure_tables(canonical_tables()[t] for t in county.tables)
    for name, rows in county.tables.items():
        if rows:
            engine.append(name, table(name).to_arrow(rows))


def run_oil(engine: Engine) -> list[dict[str, Any]]:
    """Build the oil derived tables, run the model, return its clues."""
    engine.ensure_tables([derived_table(t) for t in ("clues", "clue_evidence", "model_runs")])
    update_derived(engine, run_id="run-test", operators=list(OPERATORS))
    spec = Library().get(MODEL)
    report = run_model(engine, spec, spec.resolve(), run_id="run-test")
    assert report.status == "ok", report.message
    return [c for c in load_clues(engine) if c["model_id"] == MODEL]
