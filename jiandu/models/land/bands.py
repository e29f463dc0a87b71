"""Precision and recall of the land models, per model and per band, against a county's truth.

The planted band is the truth ``strength`` (strong = red, medium = yellow, weak = green; near
misses must give no clue). Per model (its pattern's instances, its clues):

  recall     planted positives with a clue / planted positives (any band)
  precision  clues about a planted positive / clues

and per band B: planted B positives whose clue is B / planted B; B clues about a planted B
positive / B clues; each with its 95% Wilson score interval (`jiandu.models.evaluate.wilson`).
Run after ``jiandu run land.transfer_fee_arrears land.idle_land land.penalty_not_enforced`` in the
county's workspace::

    python -m jiandu.models.land.bands --workspace W --truth C/truth.jsonl

The frozen county plants each pattern once; ``plant`` writes the land exports with ``--copies``
copies of every pattern (and the county's background once) and their truth, for narrower
intervals::

    python -m jiandu.models.land.bands plant OUT --seed 20261 --documents 20000 --copies 10
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jiandu.models.clues import load_clues
from jiandu.models.evaluate import TruthInstance, band_cells, band_row, read_truth
from jiandu.models.land.patterns import PATTERNS
from jiandu.synth.county import County
from jiandu.synth.truth import Truth
from jiandu.workspace import Workspace

__all__ = ["BANDS", "MODELS", "land_figures", "main", "plant"]

MODELS = {
    "land.transfer_fee_arrears": "land_arrears",
    "land.idle_land": "land_idle",
    "land.penalty_not_enforced": "land_penalties",
}
BANDS = {"strong": "red", "medium": "yellow", "weak": "green"}


def land_figures(clues: Sequence[Mapping[str, Any]], truth: Sequence[TruthInstance]) -> list[dict[str, Any]]:
    """Per model: one row for all bands, one per band, and the near misses flagged."""
    out: list[dict[str, Any]] = []
    for model, pattern in MODELS.items():
        mine = [c for c in clues if c["model_id"] == model]
        band_of = {c["subject"]["key"]: c["band"] for c in mine}
        planted = [t for t in truth if t.pattern == pattern]
        positives = {t.subject_key or "" for t in planted if t.positive}
        out.append(band_row("all", positives, sum(1 for k in positives if k in band_of), mine, model))
        for strength, band in BANDS.items():
            keys = {t.subject_key or "" for t in planted if t.positive and t.strength == strength}
            found = sum(1 for k in keys if band_of.get(k) == band)
            out.append(band_row(band, keys, found, [c for c in mine if c["band"] == band], model))
        near = [t for t in planted if not t.positive]
        out.append(
            {
                "model": model,
                "band": "near_miss",
                "planted": len(near),
                "flagged": sum(1 for t in near if (t.subject_key or "") in band_of),
            }
        )
    return out


def plant(out: Path, seed: int, documents: int, copies: int) -> dict[str, int]:
    """Write the land exports of ``copies`` copies of every land pattern to ``out/registers`` and
    their truth to ``out/truth.jsonl``; return the rows written per file."""
    county = County(seed, documents)
    counts: dict[str, int] = {}
    instances = []
    for pattern in PATTERNS:
        planted = [i for copy in range(copies) for i in pattern.plan(county, random.Random(seed), copy)]
        assert pattern.registers is not None
        counts |= pattern.registers(out / "registers", county, planted)
        instances += planted
    Truth(instances).write(out / "truth.jsonl")
    return counts


def main(argv: Sequence[str] | None = None) -> None:
    words = list(argv) if argv is not None else sys.argv[1:]
    if words[:1] == ["plant"]:
        p = argparse.ArgumentParser(description="plant copies of the land patterns")
        p.add_argument("out", type=Path)
        p.add_argument("--seed", type=int, default=20261)
        p.add_argument("--documents", type=int, default=20000)
        p.add_argument("--copies", type=int, default=10)
        a = p.parse_args(words[1:])
        counts = plant(a.out, a.seed, a.documents, a.copies)
        print(f"{sum(counts.values())} rows in {len(counts)} files; truth: {a.out / 'truth.jsonl'}")
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    args = parser.parse_args(words)
    engine = Workspace.locate(args.workspace).open_engine()
    try:
        clues = load_clues(engine, model_ids=list(MODELS))
    finally:
        engine.close()
    print("| model | band | recall (95% Wilson) | precision (95% Wilson) |")
    print("|---|---|---|---|")
    near = []
    for r in land_figures(clues, read_truth(args.truth)):
        if r["band"] == "near_miss":
            near.append(f"{r['model']} {r['flagged']}/{r['planted']}")
            continue
        if not r["planted"] and not r["clues"]:
            continue
        recall, precision = band_cells(r)
        print(f"| {r['model']} | {r['band']} | {recall} | {precision} |")
    print("near misses flagged: " + "; ".join(near))


if __name__ == "__main__":
    main()
