"""Precision and recall of ``hotels.minor_check_in`` per band, against a synthetic county's truth.

`jiandu evaluate` measures a pattern as a whole; practice reads this model by band (a red clue is
handled at once, a yellow one in the class-wide suggestion), so each band is measured apart. The
planted hotels' band is their truth ``strength`` (pattern ``hotel_minors``: strong = red, medium =
yellow; near misses must give no clue at all). For a band B:

  recall     planted B hotels whose clue is B / planted B hotels
  precision  B clues about a planted B hotel / B clues

each with its 95% Wilson score interval (`jiandu.models.evaluate.wilson`). Run after
`jiandu run hotels.minor_check_in` in the county's workspace::

    python -m jiandu.models.hotels.bands --workspace W --truth C/truth.jsonl
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jiandu.models.clues import load_clues
from jiandu.models.evaluate import TruthInstance, band_cells, band_row, read_truth
from jiandu.workspace import Workspace

__all__ = ["BANDS", "MODEL", "band_figures", "main"]

MODEL = "hotels.minor_check_in"
PATTERN = "hotel_minors"
BANDS = {"strong": "red", "medium": "yellow"}


def band_figures(clues: Sequence[Mapping[str, Any]], truth: Sequence[TruthInstance]) -> list[dict[str, Any]]:
    """One row per band (red, yellow) and one for the near misses."""
    mine = [c for c in clues if c["model_id"] == MODEL]
    band_of = {c["subject"]["key"]: c["band"] for c in mine}
    planted = [t for t in truth if t.pattern == PATTERN]
    out: list[dict[str, Any]] = []
    for strength, band in BANDS.items():
        keys = {t.subject_key for t in planted if t.positive and t.strength == strength}
        found = sum(1 for k in keys if band_of.get(k or "") == band)
        out.append(band_row(band, keys, found, [c for c in mine if c["band"] == band]))
    near = [t for t in planted if not t.positive]
    out.append(
        {
            "band": "near_miss",
            "planted": len(near),
            "flagged": sum(1 for t in near if (t.subject_key or "") in band_of),
        }
    )
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    args = parser.parse_args(argv)
    engine = Workspace.locate(args.workspace).open_engine()
    try:
        clues = load_clues(engine, model_ids=[MODEL])
    finally:
        engine.close()
    rows = band_figures(clues, read_truth(args.truth))
    print("| band | recall (95% Wilson) | precision (95% Wilson) |")
    print("|---|---|---|")
    for r in rows[:-1]:
        recall, precision = band_cells(r)
        print(f"| {r['band']} | {recall} | {precision} |")
    print(f"near misses flagged: {rows[-1]['flagged']}/{rows[-1]['planted']}")


if __name__ == "__main__":
    main()
