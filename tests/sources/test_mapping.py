"""Value conversions of the mapping: one definition each, also when Arrow converts in bulk."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from jiandu.sources.mapping import Problem, apply, parse_date, parse_timestamp, plan
from jiandu.sources.registry import parse_source

from .helpers import declaration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017-02-09", dt.date(2017, 2, 9)),
        ("20170209", dt.date(2017, 2, 9)),
        ("2017年09月27日", dt.date(2017, 9, 27)),
        ("2017年9月7日", dt.date(2017, 9, 7)),
        ("2017/9/27", dt.date(2017, 9, 27)),
        ("2017-09-27 00:00:00.0", dt.date(2017, 9, 27)),
        ("42795", dt.date(2017, 3, 1)),  # Excel serial
        ("1900-01-01", None),  # "empty" in agency systems
        ("0001-01-01", None),
        ("0", None),
    ],
)
def test_dates(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2017", "2017-13-01", "20171301", "昨天", "17-09-27"])
def test_not_dates(text: str) -> None:
    with pytest.raises(Problem, match="not a date"):
        parse_date(text)


def test_timestamps_are_beijing_time() -> None:
    assert parse_timestamp("2023-08-10T18:37:22+0800") == dt.datetime(2023, 8, 10, 18, 37, 22)
    assert parse_timestamp("2023-08-10T10:37:22+00:00") == dt.datetime(2023, 8, 10, 18, 37, 22)
    assert parse_timestamp("1691663842000") == dt.datetime(2023, 8, 10, 18, 37, 22)


def _convert(column: str, values: list[str | None], **mapping: object) -> tuple[list[object], list[str]]:
    data = declaration()
    data["columns"][column] = {"from": "x", **mapping}
    source = parse_source(data)
    the_plan = plan(source, ["x", *(m for c in source.columns.values() for m in c.from_)])
    chosen = next(c for c in the_plan.columns if c.name == column)
    only = type(the_plan)(source, (chosen,), (), ())
    applied = apply(only, pa.table({"x": pa.array(values, pa.string())}))
    return applied.rows.column(column).to_pylist(), [m for _, _, m in applied.failures]


def test_numbers_in_bulk_and_one_by_one_agree() -> None:
    values, problems = _convert("amount", ["1200", "1,200.50", "204 416元", "1.5", "-3", "abc", "nan", None])
    assert values == [1200.0, 1200.5, 204416.0, 1.5, -3.0, None]
    assert problems == ["amount: 'abc' is not a number", "amount: 'nan' is not a number"]
    scaled, _ = _convert("amount", ["1.5", "2,000"], scale=10000)
    assert scaled == [15000.0, 20000000.0]


def test_whole_numbers_and_their_range() -> None:
    data = declaration(table="dishonest_debtors", columns={
        "name": {"from": "n"}, "key": {"from": "k"}, "case_number": {"from": "c"},
        "reg_date": {"from": "d"}, "age_at_listing": {"from": "x"},
    })  # fmt: skip
    source = parse_source(data)
    the_plan = plan(source, ["n", "k", "c", "d", "x"])
    batch = pa.table({
        "n": ["甲", "乙", "丙", "丁"], "k": ["37280119701****7692"] * 4, "c": ["c1", "c2", "c3", "c4"],
        "d": ["20170209"] * 4, "x": ["46", "46.0", "46.5", "99999999999"],
    })  # fmt: skip
    applied = apply(the_plan, batch)
    assert applied.rows.column("age_at_listing").to_pylist() == [46, 46]
    assert [m for _, _, m in applied.failures] == [
        "age_at_listing: '46.5' is not a whole number",
        "age_at_listing: '99999999999' is out of range for integer",
    ]
