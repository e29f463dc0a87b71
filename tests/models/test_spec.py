"""Spec validation: every way a spec can be wrong is refused on load with a clear message."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlglot

from jiandu.models.library import Library
from jiandu.models.parameters import Parameter, ParameterError, bind
from jiandu.models.spec import SpecError, parse_spec
from tests.models.helpers import EXAMPLE, example_data, minimal_data


def refused(data: dict[str, Any], *fragments: str) -> str:
    with pytest.raises(SpecError) as info:
        parse_spec(data)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_builtin_library_loads_cleanly() -> None:
    lib = Library()
    assert lib.problems == []
    spec = lib.get(EXAMPLE)
    assert spec.enabled and spec.version == "1.0.1"
    assert set(spec.features) == {"suit_count", "withdrawal_share", "default_share", "public_notice_share"}
    assert len(spec.content_hash()) == 64


def test_minimal_spec_is_valid() -> None:
    spec = parse_spec(minimal_data())
    assert spec.resolve() == {"n": 10}


@pytest.mark.parametrize(
    ("bands", "fragment"),
    [
        ({"red": 50, "yellow": 60, "green": 10}, "strictly decreasing"),
        ({"red": 60, "yellow": 60, "green": 10}, "strictly decreasing"),
        ({"red": 60, "yellow": 40, "green": 40}, "strictly decreasing"),
        ({"red": 120, "yellow": 40, "green": 10}, "within 0..100"),
        ({"red": 60, "yellow": 40, "green": -1}, "within 0..100"),
        ({"red": 60, "yellow": 40}, "green"),
    ],
)
def test_bad_bands(bands: dict[str, float], fragment: str) -> None:
    refused(minimal_data(scoring={"bands": bands}), "test.minimal", fragment)


def test_unknown_parameter_in_sql() -> None:
    refused(
        minimal_data(sql=minimal_data()["sql"].replace(":n", ":limit")), "undeclared parameters", ":limit"
    )


def test_declared_parameter_never_used() -> None:
    params = dict(minimal_data()["parameters"])
    params["spare"] = {"type": "integer", "default": 1, "description_zh": "多余"}
    refused(minimal_data(parameters=params), "declared but never used", "spare")


@pytest.mark.parametrize(
    ("param", "fragment"),
    [
        ({"type": "integer", "default": "10", "description_zh": "x"}, "not an integer"),
        ({"type": "integer", "default": True, "description_zh": "x"}, "not an integer"),
        ({"type": "integer", "default": 0, "min": 1, "description_zh": "x"}, "below the minimum"),
        ({"type": "integer", "default": 5, "min": 9, "max": 1, "description_zh": "x"}, "above max"),
        ({"type": "number", "default": "1.5", "description_zh": "x"}, "not a number"),
        ({"type": "decimal", "default": 1, "description_zh": "x"}, "type"),
        ({"type": "string", "default": 3, "description_zh": "x"}, "not a string"),
        ({"type": "string", "default": "a", "min": 1, "description_zh": "x"}, "min/max"),
        ({"type": "integer", "default": 1}, "description_zh"),
        ({"type": "integer", "default": 1, "description_zh": "x", "step": 2}, "step"),
    ],
)
def test_bad_parameter_declarations(param: dict[str, Any], fragment: str) -> None:
    refused(minimal_data(parameters={"n": param}), fragment)


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"id": "Minimal"}, "id"),
        ({"id": "nodot"}, "id"),
        ({"version": "1.0"}, "version"),
        ({"legal_basis": []}, "legal_basis"),
        ({"features": {}}, "features"),
        ({"features": {"volume": {"weight": 0, "description_zh": "x"}}}, "weight"),
        ({"features": {"missing": {"weight": 1, "description_zh": "x"}}}, "feature missing"),
        ({"subject": {"type": "alien", "key_column": "subject_key", "name_column": "subject_name"}}, "alien"),
        ({"subject": {"type": "party", "key_column": "who", "name_column": "subject_name"}}, "who"),
        ({"inputs": ["party_stats", "party_mentions", "no_such_table"]}, "no_such_table"),
        ({"inputs": ["party_mentions"]}, "not listed in inputs"),
        ({"evidence": {}}, "evidence needs sql"),
        ({"evidence": {"sql": "SELECT 1 AS subject_key"}}, "evidence SQL does not return"),
        ({"explanation_zh": "{subject_name.__class__}"}, "not a plain name"),
        ({"explanation_zh": "{subject_name[0]}"}, "not a plain name"),
        ({"explanation_zh": "{subject_name!r}"}, "conversions"),
        ({"explanation_zh": "{volume:>99999999}"}, "format spec"),
        ({"explanation_zh": "{0}"}, "not a plain name"),
        ({"explanation_zh": "{nothing_like_this}"}, "nothing_like_this"),
        ({"sql_text": "SELECT 1"}, "sql_text"),
        ({"enabled": "sometimes"}, "enabled"),
    ],
)
def test_bad_specs(changes: dict[str, Any], fragment: str) -> None:
    refused(minimal_data(**changes), fragment)


def test_example_spec_mutations_are_caught() -> None:
    data = example_data()
    data["scoring"]["bands"] = {"red": 10, "yellow": 35, "green": 15}
    refused(data, EXAMPLE, "strictly decreasing")
    data = example_data()
    data["sql"] = data["sql"].replace("FROM party_stats", "FROM read_csv('/etc/passwd')")
    refused(data, EXAMPLE, "reads a file via read_csv")


def test_parameter_values_are_checked_and_bound_as_literals() -> None:
    text = Parameter(type="string", default="民间借贷", description_zh="x")
    hostile = "x'); DROP TABLE documents; --"
    tree = sqlglot.parse_one("SELECT * FROM cases WHERE cause = :c", read="duckdb")
    sql = bind(tree, {"c": text.coerce(hostile)}).sql(dialect="duckdb")
    assert sql == "SELECT * FROM cases WHERE cause = 'x''); DROP TABLE documents; --'"
    assert len(sqlglot.parse(sql, read="duckdb")) == 1

    listed = sqlglot.parse_one(
        "SELECT * FROM cases WHERE cause IN (:causes) AND filing_date >= :d", read="duckdb"
    )
    sql = bind(listed, {"causes": ["甲", "乙"], "d": dt.date(2020, 1, 1)}).sql(dialect="duckdb")
    assert "IN ('甲', '乙')" in sql and "CAST('2020-01-01' AS DATE)" in sql

    count = Parameter(type="integer", default=10, min=2, max=100, description_zh="x")
    assert count.coerce(12.0) == 12
    for bad in ("12", 1, 101, True, 2.5):
        with pytest.raises(ParameterError):
            count.coerce(bad)
    day = Parameter(type="date", default="2020-01-01", description_zh="x")
    assert day.coerce("2021-02-03") == dt.date(2021, 2, 3)
    with pytest.raises(ParameterError):
        day.coerce("next tuesday")
    choice = Parameter(type="string_list", default=["a"], choices=["a", "b"], description_zh="x")
    with pytest.raises(ParameterError):
        choice.coerce(["c"])
    with pytest.raises(ParameterError):
        choice.coerce([])


def test_resolve_refuses_unknown_and_bad_overrides() -> None:
    spec = parse_spec(minimal_data())
    assert spec.resolve({"n": 20}) == {"n": 20}
    with pytest.raises(ParameterError, match="unknown parameter 'm'"):
        spec.resolve({"m": 1})
    with pytest.raises(ParameterError, match="above the maximum"):
        spec.resolve({"n": 1000})
