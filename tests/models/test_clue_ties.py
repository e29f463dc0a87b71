"""A subject with several result rows of the same best score makes the same clue whatever order
the model's SQL returns them in (DuckDB's order varies with threads and row groups)."""

from __future__ import annotations

import random
from typing import Any

from jiandu.models.runner import build_clues
from jiandu.models.spec import parse_spec
from tests.models.helpers import example_data

FEATURES = {"suit_count": 1.0, "withdrawal_share": 0.5, "default_share": 0.5, "public_notice_share": 0.5}


def test_the_clue_of_tied_rows_does_not_depend_on_their_order() -> None:
    spec = parse_spec(example_data())
    params = spec.resolve()
    rows = [
        {"subject_key": "name:王大成", "subject_name": name, "court": court, **FEATURES}
        for name, court in [("王大成", "越城区人民法院"), ("王大成", "柯桥区人民法院"),
                            ("王大成", "上虞区人民法院"), ("王 大成", "越城区人民法院")]
    ]
    expected = build_clues(spec, rows, params)
    assert len(expected) == 1
    assert (expected[0].subject_name, expected[0].row["court"]) == ("王大成", "上虞区人民法院")
    for seed in range(8):
        shuffled = random.Random(seed).sample(rows, len(rows))
        clues = build_clues(spec, shuffled, params)
        assert [(c.subject_name, c.row, c.explanation) for c in clues] == [
            (c.subject_name, c.row, c.explanation) for c in expected
        ]


def test_evidence_items_apart_only_by_their_end_keep_one_order(tmp_path: Any) -> None:
    from jiandu.models.runner import collect_evidence
    from tests.engine_support import make_engine

    engine = make_engine("duckdb", tmp_path / "workspace")
    try:
        orders = []
        for ends in ((30, 20, 40), (40, 30, 20)):
            data = example_data()
            values = ", ".join(f"({e})" for e in ends)
            data["evidence"]["sql"] = (
                "SELECT s.subject_key, 'register' AS source, CAST(NULL AS VARCHAR) AS doc_id, "
                "10 AS span_start, v.e AS span_end, '登记' AS label "
                f"FROM clue_subjects AS s CROSS JOIN (VALUES {values}) AS v(e)"
            )
            spec = parse_spec(data)
            params = spec.resolve()
            clues = build_clues(spec, [{"subject_key": "name:王大成", "subject_name": "王大成", **FEATURES}],
                                params)
            collect_evidence(engine, spec, params, clues)
            orders.append([i["span_end"] for i in clues[0].evidence])
    finally:
        engine.close()
    assert orders == [[20, 30, 40]] * 2
