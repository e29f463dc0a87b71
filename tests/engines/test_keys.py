"""First occurrences of a key in Arrow rows (what `insert_new` keeps within one call)."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

from jiandu.engines.keys import first_occurrences


def reference(rows: pa.Table, key: list[str]) -> list[int]:
    seen: set[tuple[object, ...]] = set()
    kept = []
    for record in rows.to_pylist():
        value = tuple(record[k] for k in key)
        if value not in seen:
            seen.add(value)
            kept.append(record["i"])
    return kept


@pytest.mark.parametrize("seed", range(5))
def test_first_occurrences_match_a_plain_loop(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(0, 400)
    rows = pa.table(
        {
            "a": [rng.choice("xyzw") for _ in range(n)],
            "b": [rng.choice(["1", "2", "甲", "1\x1f2"]) for _ in range(n)],
            "c": [rng.randint(0, 3) for _ in range(n)],
            "i": list(range(n)),
        }
    )
    for key in (["a"], ["a", "b"], ["a", "b", "c"], ["i"]):
        assert first_occurrences(rows, key).column("i").to_pylist() == reference(rows, key)


def test_keys_that_join_to_the_same_text_stay_apart() -> None:
    rows = pa.table({"a": ["p\x1fq", "p"], "b": ["r", "q\x1fr"], "i": [0, 1]})
    assert first_occurrences(rows, ["a", "b"]).column("i").to_pylist() == [0, 1]


def test_rows_without_repeats_come_back_unchanged() -> None:
    rows = pa.table({"a": ["x", "y"], "i": [0, 1]})
    assert first_occurrences(rows, ["a"]) is rows
