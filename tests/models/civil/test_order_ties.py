"""Picks of "the first" row per group break their ties by a unique key: the same rows arriving
in another order (an incremental run appends where a full run rebuilds) give the same rows."""

from __future__ import annotations

import random
from collections.abc import Sequence

import duckdb

from jiandu.models.civil.operators.loan_signs import RECORD_SIGNS_SQL
from jiandu.models.civil.operators.relations import relations_sql

Rows = Sequence[tuple[object, ...]]


def _query(tables: dict[str, tuple[str, Rows]], sql: str, seed: int | None) -> list[tuple[object, ...]]:
    """``sql`` over ``tables`` (name → (columns DDL, rows)), the rows inserted in their order or
    shuffled with ``seed``."""
    con = duckdb.connect()
    for name, (columns, rows) in tables.items():
        con.execute(f"CREATE TABLE {name} ({columns})")
        rows = list(rows) if seed is None else random.Random(seed).sample(list(rows), len(rows))
        con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(rows[0]))})", rows)
    return con.execute(f"SELECT * FROM ({sql}) ORDER BY ALL").fetchall()


SIGNS = {
    "documents": ("doc_id VARCHAR, case_category VARCHAR", [("d1", "civil")]),
    "signs": (
        "doc_id VARCHAR, sign_idx INTEGER, code VARCHAR, text VARCHAR, value DOUBLE, "
        "written_amount DOUBLE, delivered_amount DOUBLE, span_start INTEGER, span_end INTEGER",
        # one sign stated twice with the same ratio and no span: the first (sign_idx) is kept
        [("d1", i, "iou_exceeds_delivery", "借条", 2.0, 10000.0 * (i + 1), 5000.0 * (i + 1), None,
          None) for i in range(6)],
    ),
}


def test_loan_signs_keep_the_first_of_equal_record_signs() -> None:
    expected = _query(SIGNS, RECORD_SIGNS_SQL, None)
    assert expected == [("d1", "iou_above_transfer", 2.0, 10000.0, 5000.0, None, None)]
    for seed in range(8):
        assert _query(SIGNS, RECORD_SIGNS_SQL, seed) == expected


RELATIONS = {
    "document_relations": (
        "doc_id VARCHAR, fact_idx INTEGER, party_idx_a INTEGER, party_idx_b INTEGER, "
        "relation VARCHAR, confidence DOUBLE, span_start INTEGER, span_end INTEGER",
        # one document states the relation at one start twice, the spans ending apart
        [("d1", i, 0, 1, "spouse", 0.9, 10, 20 + i) for i in range(6)],
    ),
    "party_fact_keys": (
        "doc_id VARCHAR, party_idx INTEGER, fact_key VARCHAR",
        [("d1", 0, "pk_a"), ("d1", 1, "pk_b")],
    ),
    "cases": ("doc_id VARCHAR, case_number VARCHAR", [("d1", "（2020）浙0602民初1号")]),
}


def test_document_relations_keep_the_first_span_of_equal_statements() -> None:
    sql = relations_sql({"document_relations", "party_fact_keys", "cases"})
    expected = _query(RELATIONS, sql, None)
    assert [(r[0], r[1], r[2], r[8], r[9]) for r in expected] == [
        ("pk_a", "pk_b", "spouse", 10, 20),
        ("pk_b", "pk_a", "spouse", 10, 20),
    ]
    for seed in range(8):
        assert _query(RELATIONS, sql, seed) == expected


def test_overlapping_names_of_one_length_blank_the_same_in_any_order() -> None:
    from jiandu.models.civil.operators.claim_text import names_blanked

    # 张三李 and 三李四 overlap in 张三李四: which is blanked depends on the order tried
    names = ["张三李", "三李四", "王五"]
    expected = names_blanked("原告张三李四与王五", names)
    assert expected == "原告张某与某"
    for seed in range(8):
        assert names_blanked("原告张三李四与王五", random.Random(seed).sample(names, 3)) == expected
