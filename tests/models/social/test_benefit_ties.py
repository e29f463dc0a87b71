"""An overpayment found twice on one day (two prison terms admitted the same day) is told by the
same term whatever order the rows arrive in."""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from jiandu.models.social.operators.benefits import OVERPAYMENTS_SQL

TABLES = """
CREATE TABLE death_records (person_key VARCHAR, death_date DATE, recorded_date DATE,
    record_source VARCHAR, record_no VARCHAR, corrects VARCHAR);
CREATE TABLE pension_payments (ssn VARCHAR, name VARCHAR, scheme VARCHAR, pay_month INTEGER,
    net_yuan DOUBLE, account VARCHAR, benefit_status VARCHAR, county VARCHAR, agency VARCHAR);
CREATE TABLE prison_terms (person_key VARCHAR, inmate_no VARCHAR, facility VARCHAR,
    admission_date DATE, release_date DATE);
"""
TERMS = [("330602195001010011", f"Z{i}", f"第{i}监狱", dt.date(2023, 1, 5), None) for i in range(1, 6)]


def _found(seed: int | None) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    con.execute(TABLES)
    con.execute("INSERT INTO pension_payments VALUES ('330602195001010011', '王某', '企业职工基本养老保险', "
                "202303, 3000.0, '6222', '正常', '越城区', '越城区社保')")
    terms = TERMS if seed is None else random.Random(seed).sample(TERMS, len(TERMS))
    con.executemany("INSERT INTO prison_terms VALUES (?, ?, ?, ?, ?)", terms)
    return con.execute(f"SELECT * FROM ({OVERPAYMENTS_SQL}) ORDER BY ALL").fetchall()


def test_the_term_that_tells_an_overpayment_does_not_depend_on_row_order() -> None:
    expected = _found(None)
    assert [r[11] for r in expected] == ["第1监狱（罪犯编号Z1）"]
    for seed in range(8):
        assert _found(seed) == expected
