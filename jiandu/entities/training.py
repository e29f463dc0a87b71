"""Fit the probabilistic model on the store's own person records, without labels.

Following Splink's documented procedure:

1. **u** (how often two *different* people agree at each level) by random sampling of record
   pairs (`estimate_u_using_random_sampling`, seeded, so a run is reproducible); name levels
   also get a **term-frequency** adjustment from the frequency of each name in the records;
2. **m** (how often the *same* person agrees) by expectation maximisation inside the blocks of
   `model.TRAINING_BLOCKS` (`estimate_parameters_using_expectation_maximisation`); each block
   fixes one field, whose m is estimated in the other session;
3. the **prior** (probability that two random records are one person) from the first EM
   session: the share of matches EM finds among pairs with the same birth date, scaled by the
   size of that block and by how often the same person has the same known birth date
   (`_prior`; Splink's own reversal of a training block ignores that its m is conditional on
   known values, which overstates the prior when many mentions lack a birth date or name).

No label is used: not the synthetic county's truth, not reviewer judgements. Stores with fewer
person records than ``ResolutionSettings.min_training_records`` are too small for EM to be
meaningful (a handful of hand-made records, a pilot office's first upload); they use the
packaged reference model (`reference_model`), fitted the same way on an unlabelled synthetic
county and documented in docs/entities.md, without term-frequency adjustment (the frequency
of a name in a few dozen records says nothing about how common it is).

Training runs on a private in-memory DuckDB connection with one thread (the sample and EM are
then deterministic for a given input and seed), whatever the store's engine: both engines
then score with the same weights.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from jiandu.entities.model import (
    LEVEL_NOT_OBSERVED_TEXT,
    TRAINING_BLOCKS,
    Weights,
    untrained_settings,
)
from jiandu.entities.settings import ResolutionSettings

REFERENCE_PATH = Path(__file__).with_name("reference_model.json")
_START_PRIOR = 1e-4  # EM's starting value only; the fitted prior replaces it


def train(records: pa.Table, settings: ResolutionSettings) -> Weights:
    """Fit u, m and the prior on ``records`` (columns of `model.SPLINK_COLUMNS`)."""
    from splink import DuckDBAPI, Linker

    from jiandu.engines.duckdb_engine import scratch_connection

    for name in ("splink", "py4j"):
        logging.getLogger(name).setLevel(logging.ERROR)
    con = scratch_connection(threads=1)
    try:
        con.execute("SET TimeZone = 'UTC'")
        api = DuckDBAPI(con)
        frame = api.register(records, dataset_display_name="training")
        linker = Linker(frame, untrained_settings(_START_PRIOR), log_level=logging.ERROR)
        linker.training.estimate_u_using_random_sampling(
            max_pairs=settings.u_max_pairs, seed=settings.training_seed,
        )
        block_lambda = []
        for rule in TRAINING_BLOCKS:
            session = linker.training.estimate_parameters_using_expectation_maximisation(
                rule, max_pairs=settings.em_max_pairs,
            )
            block_lambda.append(session.core_model_settings.probability_two_random_records_match)
        model = linker.misc.save_model_to_json()
    finally:
        con.close()
    not_observed = _mark_not_observed(model)
    model["probability_two_random_records_match"] = _prior(
        records, block_lambda[0], Weights(model, "trained", True, {}).m_u("birth_date", 1)
    )
    detail = {"records": records.num_rows, "u_max_pairs": settings.u_max_pairs,
              "seed": settings.training_seed, "em_blocks": list(TRAINING_BLOCKS),
              "not_observed": not_observed}
    return Weights(model, "trained", True, detail)


def _prior(records: pa.Table, block_lambda: float, birth_exact: tuple[float, float] | None
           ) -> float:
    """Probability that two random records are one person, from the first EM session.

    EM estimates the share of matches among pairs with the same birth date (``block_lambda``).
    Matches in that block = share × pairs in the block; all matches = those / P(a matching pair
    has the same birth date) = m(birth date exact) × (share of records with a birth date)²,
    since Splink's m is conditional on both dates being known. Divided by all pairs.
    """
    dates = records.column("birth_date")
    n = records.num_rows
    known = n - dates.null_count
    if birth_exact is None or known < 2 or n < 2:
        return _START_PRIOR
    counts = pc.value_counts(dates.drop_null()).field("counts").to_pylist()
    block_pairs = sum(c * (c - 1) / 2 for c in counts)
    matches = block_lambda * block_pairs / (birth_exact[0] * (known / n) ** 2)
    return min(max(matches / (n * (n - 1) / 2), 1e-12), 0.5)


def _mark_not_observed(model: dict[str, Any]) -> list[str]:
    """Levels the data never showed (no random pair for u, no blocked pair for m) get Splink's
    own marker, which Splink reads as probability 1e-6 (`model.NOT_OBSERVED`); returns them.

    E.g. a county whose mentions never give a birth year without a date has no pair of one
    person agreeing on the year only: that agreement is then strong evidence *against* a match,
    which is what those data say."""
    missing = []
    for spec in model["comparisons"]:
        for level in spec["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            for key in ("m_probability", "u_probability"):
                if level.get(key) is None:
                    level[key] = LEVEL_NOT_OBSERVED_TEXT
                    missing.append(f"{spec['output_column_name']}.{level['label_for_charts']}.{key}")
    return missing


@lru_cache(maxsize=1)
def reference_model() -> Weights:
    """The packaged model for small stores (see the module docstring), TF switched off."""
    weights = Weights.from_json(REFERENCE_PATH.read_text(encoding="utf-8"))
    settings = dict(weights.settings)
    comparisons = []
    for spec in settings["comparisons"]:
        levels = []
        for level in spec["comparison_levels"]:
            level = {k: v for k, v in level.items()
                     if k not in ("tf_adjustment_column", "tf_adjustment_weight",
                                  "tf_minimum_u_value")}
            levels.append(level)
        comparisons.append({**spec, "comparison_levels": levels})
    settings["comparisons"] = comparisons
    return Weights(settings, "reference", False, weights.detail)


def fit(records: pa.Table, settings: ResolutionSettings) -> Weights:
    """The model for these records: the settings' weights file if one is given; else trained
    on the records when there are enough, else the reference model."""
    if settings.weights_file:
        weights = Weights.from_json(Path(settings.weights_file).read_text(encoding="utf-8"))
        return Weights(weights.settings, "file", weights.term_frequencies,
                       {**weights.detail, "file": settings.weights_file})
    if records.num_rows < settings.min_training_records:
        return reference_model()
    try:
        return train(records, settings)
    except ValueError:
        # Splink's EM stops when a level's m underflows to 0, which happens on data without any
        # disagreement among matches (e.g. no record of anyone with a wrong sex)
        logging.getLogger(__name__).warning(
            "entity resolution: EM could not fit these records; using the reference model",
            exc_info=True)
        return reference_model()


def main(argv: list[str] | None = None) -> None:
    """``python -m jiandu.entities.training WORKSPACE OUT.json``: fit the model on the person
    records of a DuckDB workspace (without labels) and write it; this is how
    ``reference_model.json`` is made (docs/entities.md gives the county it was fitted on)."""
    import argparse

    from jiandu.engines import open_engine
    from jiandu.entities.mentions import build_mentions
    from jiandu.entities.scoring import distinct_records

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("workspace", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    engine = open_engine("duckdb", args.workspace)
    try:
        records = distinct_records(build_mentions(engine))
    finally:
        engine.close()
    weights = train(records, ResolutionSettings())
    args.out.write_text(weights.to_json() + "\n", encoding="utf-8")
    for row in weights.table():
        print(f"{row['comparison']:<15}{row['level']:<10}m={row['m']:<11.4g}u={row['u']:<11.4g}"
              f"{row['weight']:+7.2f}")
    print(f"prior {weights.prior:.3g}; records {records.num_rows:,}")


if __name__ == "__main__":
    main()
