"""Every enabled model on a small generated county, end to end on DuckDB: documents and
registers ingested, derived tables built (entity resolution included), models run. Each clue
must cite evidence, and nothing planted as a near miss may be flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from jiandu.engines.duckdb_engine import DuckDBEngine
from jiandu.ingest.pipeline import ingest_judgments
from jiandu.ingest.registers import ingest_registers
from jiandu.models.clues import load_clues
from jiandu.models.evaluate import evaluate, read_truth
from jiandu.models.library import Library
from jiandu.models.runner import run
from jiandu.synth import generate


@pytest.mark.slow
def test_every_clue_cites_evidence_on_a_generated_county(tmp_path: Path) -> None:
    county = tmp_path / "county"
    generate(county, seed=5, documents=4000)
    engine = DuckDBEngine(tmp_path / "jiandu.duckdb")
    try:
        ingest_judgments(engine, tmp_path / "quarantine", [county / "documents"], workers=1)
        ingest_registers(engine, tmp_path / "quarantine", [county / "registers"])
        report = run(engine, Library())
        assert all(r.status == "ok" for r in report.models), [(r.model_id, r.message) for r in report.models]
        clues = load_clues(engine)
    finally:
        engine.close()
    assert clues
    without = [(c["model_id"], c["subject"]["name"]) for c in clues if not c["evidence"]]
    assert without == []
    for result in evaluate(clues, read_truth(county / "truth.jsonl")):
        assert result.near_misses_flagged == 0, result.pattern
        assert result.found > 0, result.pattern
