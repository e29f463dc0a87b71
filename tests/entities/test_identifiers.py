"""ID numbers and credit codes: checksums and birth dates are hard checks, region a hint."""

import datetime as dt

import pytest

from jiandu.entities.identifiers import is_valid_credit_code, is_valid_id, parse_id

from .helpers import make_id


def test_valid_id_gives_birth_date_and_sex() -> None:
    number = make_id("330602", "19800101", "003")
    parsed = parse_id(number)
    assert parsed is not None and parsed.kind == "ric"
    assert parsed.birth_date == dt.date(1980, 1, 1)
    assert parsed.sex == "男"  # 17th digit odd
    assert parse_id(make_id("330602", "19800101", "002")).sex == "女"  # type: ignore[union-attr]


def test_region_is_only_a_hint() -> None:
    # 浏阳市 (430181) exists from 1993: stdnum's validate rejects it, we accept it.
    parsed = parse_id("430181198001010017")
    assert parsed is not None and parsed.region_known is False
    assert is_valid_id("430181198001010017")


@pytest.mark.parametrize(
    "value",
    [
        make_id("330602", "19800101", "003")[:-1] + "9",  # wrong check digit
        "330602198002300013",  # 30 February
        "33060219800101003",  # 17 characters
        "3306021980010100XX",
        "",
        None,
    ],
)
def test_invalid_ids(value: str | None) -> None:
    assert not is_valid_id(value)


def test_id_is_compacted() -> None:
    number = make_id("330602", "19751231", "12" + "9")
    spaced = number[:6] + " " + number[6:14] + " " + number[14:]
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert parse_id(spaced) == parse_id(full_width) == parse_id(number)


def test_credit_codes() -> None:
    assert is_valid_credit_code("91330602001978254A")
    assert not is_valid_credit_code("91330602001978254B")
    assert not is_valid_id("91330602001978254A")
    assert not is_valid_credit_code(make_id("330602", "19800101", "003"))
