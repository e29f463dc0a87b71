"""Precision and recall of the social models per band, against a synthetic county's truth.

`jiandu evaluate` measures a pattern as a whole; these models are read by band (red goes to a
case, yellow to the class-wide suggestion), so each band is measured apart. A planted person's
band is its truth ``strength`` (strong = red, medium = yellow; near misses must give no clue).
For a model and a band B:

  recall     planted B persons whose clue is B / planted B persons
  precision  B clues about a planted B person / B clues

each with its 95% Wilson score interval (`jiandu.models.evaluate.wilson`). Run after
`jiandu run social.…` in the county's workspace::

    python -m jiandu.models.social.bands --workspace W --truth C/truth.jsonl
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jiandu.models.clues import load_clues
from jiandu.models.evaluate import TruthInstance, band_cells, band_row, read_truth
from jiandu.workspace import Workspace

__all__ = ["BANDS", "PATTERNS", "band_figures", "main"]

# pattern → model (jiandu/models/social/patterns/social.py)
PATTERNS = {
    "social_benefits": "social.benefits_after_death_or_in_prison",
    "social_corrections": "social.community_correction_gaps",
    "social_penalties": "social.property_penalty_unexecuted",
}
BANDS = {"strong": "red", "medium": "yellow"}


def band_figures(clues: Sequence[Mapping[str, Any]], truth: Sequence[TruthInstance]) -> list[dict[str, Any]]:
    """Per model: one row per band (red, yellow) and one for its near misses."""
    out: list[dict[str, Any]] = []
    for pattern, model in PATTERNS.items():
        mine = [c for c in clues if c["model_id"] == model]
        band_of = {c["subject"]["key"]: c["band"] for c in mine}
        planted = [t for t in truth if t.pattern == pattern]
        for strength, band in BANDS.items():
            keys = {t.subject_key for t in planted if t.positive and t.strength == strength}
            found = sum(1 for k in keys if band_of.get(k or "") == band)
            out.append(band_row(band, keys, found, [c for c in mine if c["band"] == band], model))
        near = [t for t in planted if not t.positive]
        flagged = sum(1 for t in near if (t.subject_key or "") in band_of)
        out.append({"model": model, "band": "near_miss", "planted": len(near), "flagged": flagged})
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    args = parser.parse_args(argv)
    engine = Workspace.locate(args.workspace).open_engine()
    try:
        clues = load_clues(engine, model_ids=list(PATTERNS.values()))
    finally:
        engine.close()
    print("| model | band | recall (95% Wilson) | precision (95% Wilson) | near misses flagged |")
    print("|---|---|---|---|---|")
    rows = band_figures(clues, read_truth(args.truth))
    near = {r["model"]: f"{r['flagged']}/{r['planted']}" for r in rows if r["band"] == "near_miss"}
    for r in rows:
        if r["band"] == "near_miss":
            continue
        recall, precision = band_cells(r)
        print(f"| {r['model']} | {r['band']} | {recall} | {precision} | {near[r['model']]} |")


if __name__ == "__main__":
    main()
