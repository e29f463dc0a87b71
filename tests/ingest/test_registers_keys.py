"""Keys normalised once (jiandu.inputs.identifiers): ID numbers in 18, 15-digit and masked
form, credit and organisation codes, plates with colours, passports."""

from __future__ import annotations

import pytest
from stdnum.cn import ric, uscc

from jiandu.entities import identifiers as entity_identifiers
from jiandu.inputs import identifiers
from jiandu.inputs.identifiers import (
    KeyProblem,
    normalize_key,
    normalize_passport,
    normalize_plate,
    normalize_plate_colour,
    parse_id,
    upgrade_15,
)


def _id(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def test_entity_resolution_uses_the_same_definition() -> None:
    assert entity_identifiers.parse_id is identifiers.parse_id
    assert entity_identifiers.compact is identifiers.compact


def test_full_id_number_and_its_forms() -> None:
    number = _id("33060219850702023")
    key = normalize_key(number)
    assert (key.value, key.kind, key.birth_year, key.sex) == (number, "ric", 1985, "男")
    spaced = f" {number[:6]} {number[6:14]} {number[14:].lower()} "
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert normalize_key(spaced).value == normalize_key(full_width).value == number


def test_15_digit_numbers_are_upgraded() -> None:
    old = "330602850702023"  # 1985-07-02, sequence 023 (odd: male)
    assert upgrade_15(old) == _id("33060219850702023")
    key = normalize_key(old)
    assert (key.value, key.kind, key.birth_year, key.sex) == (_id("33060219850702023"), "ric15", 1985, "男")
    with pytest.raises(KeyProblem, match="15-digit"):
        normalize_key("330602851302023")  # month 13
    with pytest.raises(KeyProblem):
        normalize_key(old, frozenset({"ric"}))  # a column that wants 18 digits only


def test_masked_numbers_keep_what_they_show_and_are_never_expanded() -> None:
    key = normalize_key("37280119701****7692")  # the real 失信 format: 11 + **** + 4
    assert (key.value, key.kind, key.birth_year, key.sex) == ("37280119701****7692", "ric_masked", 1970, "男")
    assert not key.full and key.is_person
    assert normalize_key("37082819800****2324").sex == "女"
    assert normalize_key("330621196204＊＊＊＊4234").value == "330621196204****4234"
    assert parse_id("37280119701****7692") is None  # never a full key for resolution
    with pytest.raises(KeyProblem, match="masked"):
        normalize_key("37280119701****7692", frozenset({"ric", "uscc"}))
    with pytest.raises(KeyProblem, match="masked"):
        normalize_key("****")


def test_credit_and_organisation_codes() -> None:
    code = "91330602001978254A"
    assert normalize_key(code).kind == "uscc"
    with pytest.raises(KeyProblem, match="credit code"):
        normalize_key(code[:17] + "B")
    org = code[8:17]  # 组织机构代码 = USCC[8:17]
    key = normalize_key(f"{org[:8]}-{org[8]}")
    assert (key.value, key.kind) == (f"{org[:8]}-{org[8]}", "org_code") and not key.is_person
    with pytest.raises(KeyProblem, match="organisation code"):
        normalize_key(org[:8] + ("0" if org[8] != "0" else "1"))
    assert uscc.is_valid(code)


def test_spreadsheet_rounded_numbers_are_named() -> None:
    with pytest.raises(KeyProblem, match="rounded by a spreadsheet"):
        normalize_key("3.70828E+17")


def test_plates_and_colours() -> None:
    assert normalize_plate("云A·D3101") == "云AD3101"
    assert normalize_plate(" 鲁A 1234挂 ") == "鲁A1234挂"
    assert normalize_plate("浙ａ12345") == "浙A12345"
    with pytest.raises(KeyProblem):
        normalize_plate("12345")
    assert [normalize_plate_colour(v) for v in ("1", "2", "黄色", "黄", "91", "渐变绿")] == [
        "蓝", "黄", "黄", "黄", "农黄", "渐变绿",
    ]  # fmt: skip
    with pytest.raises(KeyProblem, match="colour"):
        normalize_plate_colour("紫")


def test_passports() -> None:
    assert normalize_passport(" e1234 5678 ") == "E12345678"
    with pytest.raises(KeyProblem):
        normalize_passport("E1")
