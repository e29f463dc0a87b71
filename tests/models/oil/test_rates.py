"""Dated tax rates of the oil domain (rates.yaml → oil_tax_rates): each period ends the day before
the next begins, and the rate in force on a day is the one joined by the model."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from jiandu.models.oil.operators.tax_rates import OPEN_END, product_rows, rate_rows


def _rate(tax: str, product: str, day: dt.date) -> float | None:
    rows = pa.Table.from_pylist(rate_rows())
    con = duckdb.connect()
    con.register("oil_tax_rates", rows)
    got = con.execute(
        "SELECT rate FROM oil_tax_rates "
        "WHERE tax = ? AND product = ? AND ? BETWEEN effective_from AND effective_to",
        [tax, product, day],
    ).fetchall()
    assert len(got) <= 1
    return got[0][0] if got else None


def test_vat_periods_are_contiguous_and_dated() -> None:
    vat = [r for r in rate_rows() if r["tax"] == "增值税"]
    assert [(r["effective_from"], r["effective_to"], r["rate"]) for r in vat] == [
        (dt.date(2009, 1, 1), dt.date(2018, 4, 30), 0.17),
        (dt.date(2018, 5, 1), dt.date(2019, 3, 31), 0.16),
        (dt.date(2019, 4, 1), OPEN_END, 0.13),
    ]
    assert _rate("增值税", "*", dt.date(2018, 4, 30)) == 0.17
    assert _rate("增值税", "*", dt.date(2018, 5, 1)) == 0.16
    assert _rate("增值税", "*", dt.date(2024, 3, 1)) == 0.13


def test_consumption_tax_per_litre_and_products() -> None:
    assert _rate("消费税", "柴油", dt.date(2024, 3, 1)) == 1.20
    assert _rate("消费税", "汽油", dt.date(2015, 1, 13)) == 1.52
    assert _rate("消费税", "汽油", dt.date(2015, 1, 12)) is None  # before the data: no rate, no tax
    by_code = {r["code_prefix"]: r for r in product_rows()}
    assert by_code["10701010301"]["product"] == "柴油" and by_code["10701010301"]["litres_per_tonne"] == 1176
    assert {r["product"] for r in product_rows() if r["role"] == "blendstock"} == {
        "燃料油",
        "石脑油",
        "溶剂油",
    }
    assert all(code.startswith("10701010") and len(code) == 11 for code in by_code)
