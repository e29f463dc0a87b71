"""The model is fitted from the data (u by random sampling, m by EM, the prior from the EM
block), names are adjusted for their frequency, and nothing in the model is hand-set."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter

import pyarrow as pa
import pytest

from jiandu.entities import ResolutionSettings
from jiandu.entities.model import COMPARISONS, untrained_settings
from jiandu.entities.scoring import TermFrequencies
from jiandu.entities.training import fit, reference_model, train
from jiandu.synth.names import NameMaker

DISTRICTS = ("越城区", "柯桥区", "上虞区", "诸暨市", "嵊州市", "新昌县")


def _records(seed: int, people: int) -> tuple[pa.Table, list[str]]:
    """Person records of drawn people (1-3 records each; 40% of records masked as 张某; a few
    records with a wrong sex, birth date or ethnicity, as documents have) and the true person
    of each record."""
    rng = random.Random(seed)
    names = NameMaker(rng)
    rows, truth = [], []
    for p in range(people):
        male = rng.random() < 0.5
        name = names.full(male)
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 50))
        district = rng.choice(DISTRICTS)
        address = f"浙江省绍兴市{district}{rng.choice('东西南北')}路{rng.randrange(1, 500)}号"
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            masked = rng.random() < 0.4
            full = rng.random() < 0.6
            noisy = rng.random()
            sex = male != (noisy < 0.01)
            born = birth + dt.timedelta(days=rng.randrange(1, 900)) if noisy > 0.98 else birth
            rows.append({
                "unique_id": f"m{len(rows):06d}",
                "full_name": None if masked else name,
                "normalized_name": name[0] + "某" if masked else name,
                "masked": masked, "surname": name[0], "first_char": name[0],
                "sex": "男" if sex else "女", "birth_date": born, "birth_year": born.year,
                "address": address if full and not masked else None, "district": district,
                "ethnicity": "回族" if 0.5 < noisy < 0.52 else "汉族", "id_key": None,
            })
            truth.append(f"p{p}")
    return pa.Table.from_pylist(rows), truth


def test_the_model_has_no_hand_set_probabilities() -> None:
    settings = untrained_settings(1e-4)
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            assert "m_probability" not in level and "u_probability" not in level


def test_fitted_from_the_data() -> None:
    records, truth = _records(3, 2500)
    weights = train(records, ResolutionSettings())
    assert weights.source == "trained" and weights.term_frequencies
    rows = {(r["comparison"], r["level"]): r for r in weights.table()}
    assert len(rows) == sum(len(c.levels) - 1 for c in COMPARISONS)
    # u of an exact name match is the share of random pairs of full-name records with one name
    # (random sampling also draws pairs of one person's records: Splink assumes them rare)
    names = Counter(n for n in records.column("full_name").to_pylist() if n)
    full = sum(names.values())
    expected_u = sum(c * (c - 1) / 2 for c in names.values()) / (full * (full - 1) / 2)
    assert expected_u / 1.5 < rows[("name", "exact")]["u"] < expected_u * 1.5
    # the same person agrees on birth date and name far more often than two random people
    assert rows[("birth_date", "exact")]["m"] > 0.9 and rows[("name", "exact")]["m"] > 0.9
    assert rows[("birth_date", "exact")]["weight"] > 8
    # the prior is within a factor of 3 of the true share of matching record pairs
    n = len(truth)
    true_prior = sum(c * (c - 1) / 2 for c in Counter(truth).values()) / (n * (n - 1) / 2)
    assert true_prior / 3 < weights.prior < true_prior * 3, (weights.prior, true_prior)


def test_a_common_name_counts_for_less_than_a_rare_one() -> None:
    records, _ = _records(5, 2500)
    weights = train(records, ResolutionSettings())
    tf = TermFrequencies(records, weights)
    names = Counter(n for n in records.column("full_name").to_pylist() if n)
    common, _ = names.most_common(1)[0]
    rare = next(n for n, c in names.items() if c == 1)
    exact = len(COMPARISONS[0].levels) - 2  # gamma of the name comparison's exact level
    # the adjustment moves the weight by log2 of the ratio of the two names' frequencies
    difference = tf.adjustment("name", exact, rare) - tf.adjustment("name", exact, common)
    assert names[common] >= 4 and difference == pytest.approx(math.log2(names[common]))


def test_small_stores_use_the_reference_model_without_term_frequencies() -> None:
    records, _ = _records(7, 50)
    weights = fit(records, ResolutionSettings())
    assert weights.source == "reference" and not weights.term_frequencies
    assert weights == reference_model()
    for comparison in weights.settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            assert "tf_adjustment_column" not in level


def test_training_is_reproducible() -> None:
    records, _ = _records(9, 2200)
    first = train(records, ResolutionSettings())
    second = train(records, ResolutionSettings())
    assert first.table() == second.table() and first.prior == pytest.approx(second.prior)


def test_self_scores_agree_with_splink_scoring_a_record_against_itself() -> None:
    """`self_scores` (how a mention collapses into an identical record) gives the gammas and
    the match weight that Splink's own `score_pair` gives for a record and its copy, for every
    pattern of missing fields, with the name-frequency adjustment of the records."""
    from splink import DuckDBAPI, Linker

    from jiandu.engines.duckdb_engine import scratch_connection
    from jiandu.entities.scoring import self_scores

    rows = _records(11, 2500)[0].to_pylist()
    for i, row in enumerate(rows):  # rows with a field missing, in turn
        gap = i % 6
        if gap == 1:
            row["birth_date"] = None
        elif gap == 2:
            row["birth_date"] = row["birth_year"] = None
        elif gap == 3:
            row["district"] = None
        elif gap == 4:
            row["sex"] = row["ethnicity"] = None
    records = pa.Table.from_pylist(rows)
    weights = train(records, ResolutionSettings())
    scores = self_scores(records, weights, TermFrequencies(records, weights))

    con = scratch_connection(threads=1)
    try:
        linker = Linker(DuckDBAPI(con).register(records), weights.settings)
        sample = list(range(0, 60)) + list(range(len(rows) - 12, len(rows)))
        for i in sample:
            scored = linker.inference.score_pair(rows[i], rows[i]).as_record_list()[0]
            expected = [scored[f"gamma_{c.name}"] for c in COMPARISONS]
            assert scores.gammas[i].tolist() == expected, rows[i]
            assert scores.weight[i] == pytest.approx(scored["match_weight"], abs=1e-9), rows[i]
            assert scores.probability[i] == pytest.approx(scored["match_probability"], abs=1e-12)
    finally:
        con.close()
