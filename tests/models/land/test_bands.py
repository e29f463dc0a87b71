"""Per-model, per-band figures of the land models and the planting of several copies."""

from __future__ import annotations

from pathlib import Path

from jiandu.models.evaluate import read_truth
from jiandu.models.land.bands import land_figures, plant


def test_plant_copies_and_figures(tmp_path: Path) -> None:
    counts = plant(tmp_path, seed=7, documents=2000, copies=2)
    truth = read_truth(tmp_path / "truth.jsonl")
    assert len(truth) == 2 * (7 + 8 + 8) and len({t.instance_id for t in truth}) == len(truth)
    assert counts["土地违法行政处罚决定台账_3.csv"] == 2 * 8 + 30  # two copies and the background
    # clues as the models give them: each positive in its planted band, one false red clue
    band = {"strong": "red", "medium": "yellow", "weak": "green"}
    model = {"land_arrears": "land.transfer_fee_arrears", "land_idle": "land.idle_land"}
    clues = [
        {"model_id": model[t.pattern], "subject": {"key": t.subject_key}, "band": band[t.strength or ""]}
        for t in truth
        if t.positive and t.pattern in model
    ]
    clues.append({"model_id": "land.idle_land", "subject": {"key": "nobody"}, "band": "red"})
    rows = {(r["model"], r["band"]): r for r in land_figures(clues, truth)}
    arrears = rows[("land.transfer_fee_arrears", "all")]
    assert (arrears["found"], arrears["planted"], arrears["true_clues"], arrears["clues"]) == (6, 6, 6, 6)
    red = rows[("land.idle_land", "red")]
    assert (red["found"], red["planted"], red["true_clues"], red["clues"]) == (2, 2, 2, 3)
    assert rows[("land.penalty_not_enforced", "all")]["recall"] == 0.0
    assert rows[("land.idle_land", "near_miss")] == {
        "model": "land.idle_land",
        "band": "near_miss",
        "planted": 10,
        "flagged": 0,
    }
