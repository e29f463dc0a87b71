"""Pairwise precision and recall on a held-out synthetic county (documents + registers).

The county (seed 13, 5,000 documents) is used by nothing that fitted weights: the packaged
reference model was fitted without labels on county seed 2, and the default run fits on the
county itself without labels (its truth is read only here). Names follow published
frequencies (jiandu/synth/names.py), so the county has namesakes: people with one full name.

Floors sit below what was measured (docs/entities.md: full names precision 1.0000 / recall
0.9985, masked 1.0000 / 0.9988, 0 of 50 namesake pairs merged, in both runs); a drop under
them means resolution got worse.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jiandu.engines import Engine
from jiandu.entities import ResolutionSettings, resolve
from jiandu.entities.evaluate import format_scores, load_truth, namesake_scores, pairwise_scores
from jiandu.entities.training import REFERENCE_PATH
from jiandu.ingest.pipeline import ingest_judgments
from jiandu.ingest.registers import ingest_registers
from jiandu.synth import generate

FLOORS = {  # category: (precision, recall)
    "organization": (0.999, 0.999),
    "person_full": (0.995, 0.99),
    "person_masked": (0.995, 0.99),
}
NAMESAKE_PAIRS_AT_LEAST = 30  # the county must exercise namesakes
NAMESAKE_MERGE_RATE_AT_MOST = 0.02


@pytest.mark.slow
def test_precision_and_recall_on_a_held_out_county(duck: Engine, tmp_path: Path) -> None:
    county = tmp_path / "county"
    generate(county, 13, 5000)
    ingest_judgments(duck, tmp_path / "quarantine", [county / "documents"], workers=1)
    ingest_registers(duck, tmp_path / "quarantine", [county / "registers"])
    truth = load_truth(county / "index.jsonl")
    runs = {
        "fitted on the county without labels": ResolutionSettings(),
        "reference model fitted on county seed 2": ResolutionSettings(
            weights_file=str(REFERENCE_PATH)),
    }
    for run, settings in runs.items():
        report = resolve(duck, settings)
        assert report.weights is not None
        assert report.weights.source == ("trained" if settings.weights_file is None else "file")
        scores = {s.category: s for s in pairwise_scores(duck, truth)}
        text = f"{run}\n{format_scores(list(scores.values()))}"
        for category, (precision, recall) in FLOORS.items():
            s = scores[category]
            assert s.true_pairs > 0, text
            assert s.precision >= precision, text
            assert s.recall >= recall, text
        names = namesake_scores(duck, truth)
        assert names.pairs >= NAMESAKE_PAIRS_AT_LEAST, (run, names)
        assert names.merge_rate <= NAMESAKE_MERGE_RATE_AT_MOST, (run, names)
